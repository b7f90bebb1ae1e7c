import IssueAssembly
import IssueModel
import XCTest

/// One fixture holding every Markdown construct, checked node by node against the model.
final class MarkdownConstructsTests: XCTestCase {
    private var blocks: [Block] = []
    private var diagnostics: [Diagnostic] = []
    private let file = "constructs.md"

    override func setUpWithError() throws {
        let text = try FixturePaths.text("constructs.md")
        // The body starts on line 5, after four lines of front matter.
        let body = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(4).joined(separator: "\n")
        (blocks, diagnostics) = MarkdownReader.read(body, file: file, firstLine: 5)
    }

    private func loc(_ line: Int, _ column: Int = 1) -> SourceLocation { SourceLocation(file: file, line: line, column: column) }

    func testEveryBlockIsThereInOrder() {
        XCTAssertEqual(blocks.count, 13, "\(blocks.map(\.kind))")
        XCTAssertEqual(diagnostics, [])
    }

    func testHeadingKeepsLevelInlineStyleAndLine() {
        XCTAssertEqual(blocks[0], Block(.heading(level: 2, content: [.text("A subhead with "), .emphasis([.text("emphasis")])]), at: loc(5)))
    }

    func testParagraphHoldsEveryInlineWithSmartPunctuation() {
        let expected: [Inline] = [
            .dateline("MILLBROOK, NY, DECEMBER 1"),
            .text(" — The “first” paragraph – with a soft"), .softBreak,
            .text("break, a hard break"), .lineBreak,
            .text("and "), .strong([.text("strong")]), .text(", "), .strikethrough([.text("struck")]), .text(", "),
            .code("code"), .text(", a "), .link(url: "https://example.org", title: "Title", content: [.text("link")]),
            .text(" and"), .softBreak,
            .link(url: "https://example.org/auto", title: "", content: [.text("https://example.org/auto")]),
            .text(". A note"), .footnoteReference(label: "one", number: 1),
            .text(" and another"), .footnoteReference(label: "two", number: 2), .text("…"),
        ]
        XCTAssertEqual(blocks[1].location, loc(7))
        guard case .paragraph(let content) = blocks[1].kind else { return XCTFail("\(blocks[1])") }
        XCTAssertEqual(content, expected)
    }

    func testThematicBreakSeparatesDispatches() {
        XCTAssertEqual(blocks[2], Block(.thematicBreak, at: loc(12)))
    }

    func testBulletListIsTightNestedAndHasTaskItems() {
        guard case .list(let list) = blocks[3].kind else { return XCTFail("\(blocks[3])") }
        XCTAssertEqual(blocks[3].location, loc(14))
        XCTAssertEqual(list.marker, .bullet)
        XCTAssertTrue(list.isTight)
        XCTAssertEqual(list.items.map(\.task), [nil, nil, .done, .open])
        XCTAssertEqual(list.items[0].blocks.plainText, "one")
        XCTAssertEqual(list.items[3].blocks.plainText, "open")
        XCTAssertEqual(list.items[2].location, loc(17))
        // "two" holds a nested list.
        XCTAssertEqual(list.items[1].blocks.count, 2)
        guard case .list(let nested) = list.items[1].blocks[1].kind else { return XCTFail("no nested list") }
        XCTAssertEqual(nested.items.map { $0.blocks.plainText }, ["nested"])
        XCTAssertEqual(list.items[1].blocks[1].location, loc(16, 3))
    }

    func testOrderedListsKeepStartDelimiterAndLooseness() {
        guard case .list(let paren) = blocks[4].kind, case .list(let loose) = blocks[5].kind else { return XCTFail() }
        XCTAssertEqual(paren.marker, .ordered(start: 3, delimiter: .parenthesis))
        XCTAssertTrue(paren.isTight)
        XCTAssertEqual(paren.items.map { $0.blocks.plainText }, ["three", "four"])
        XCTAssertEqual(loose.marker, .ordered(start: 1, delimiter: .period))
        XCTAssertFalse(loose.isTight)
        XCTAssertEqual(loose.items.count, 2)
    }

    func testBlockQuotesNest() {
        let expected = Block(.blockQuote([
            Block(.paragraph([.text("A quote"), .softBreak, .text("with two lines.")]), at: loc(27, 3)),
            Block(.blockQuote([Block(.paragraph([.text("nested quote")]), at: loc(30, 5))]), at: loc(30, 3)),
        ]), at: loc(27))
        XCTAssertEqual(blocks[6], expected)
    }

    func testCodeBlocksKeepInfoAndText() {
        XCTAssertEqual(blocks[7], Block(.codeBlock(info: "swift", code: "let x = 1"), at: loc(32)))
        XCTAssertEqual(blocks[8], Block(.codeBlock(info: "", code: "indented code"), at: loc(36, 5)))
    }

    func testTableKeepsAlignmentsHeaderAndPadsShortRows() {
        let expected = Block.Table(
            alignments: [.left, .right, .center],
            header: [[.text("Name")], [.text("Votes")], [.text("Share")]],
            rows: [[[.text("Ana")], [.text("1,203")], [.text("52%")]],
                   [[.text("Ben")], [.text("1,101")], []]])
        XCTAssertEqual(blocks[9], Block(.table(expected), at: loc(38)))
    }

    func testImageKeepsAltTextAndTitle() {
        guard case .paragraph(let content) = blocks[10].kind else { return XCTFail("\(blocks[10])") }
        XCTAssertEqual(content, [.image(ImageRef(source: "https://example.org/img.png", alt: "A drawing", title: "Img"))])
    }

    func testFootnotesMoveToTheEndInOrderOfReference() {
        XCTAssertEqual(blocks[11].kind, .footnoteDefinition(label: "one", number: 1, content: [
            Block(.paragraph([.text("First note,"), .softBreak, .text("continued.")]), at: loc(47, 9)),
        ]))
        XCTAssertEqual(blocks[12].kind, .footnoteDefinition(label: "two", number: 2, content: [
            Block(.paragraph([.text("Second note.")]), at: loc(45, 9)),
        ]))
    }

    func testRawHTMLNeverPassesThroughButItsWordsStay() {
        let (blocks, diagnostics) = MarkdownReader.read(
            "Hello <b>bold</b> world.\n\n<div class=\"x\"><script>alert(1)</script>Kept &amp; words</div>\n\n<!-- note -->\n",
            file: "h.md")
        XCTAssertEqual(blocks.map(\.plainText), ["Hello bold world.", "Kept & words"])
        XCTAssertEqual(diagnostics.map(\.severity), [.warning, .warning, .warning])
        XCTAssertEqual(diagnostics.map { $0.location?.line }, [1, 3, 5])
        XCTAssertTrue(diagnostics.allSatisfy { $0.message.contains("HTML") })
    }

    func testDangerousLinkSchemesLoseTheLinkButKeepTheText() {
        let (blocks, diagnostics) = MarkdownReader.read("[click](javascript:alert(1)) here\n", file: "j.md")
        guard case .paragraph(let content) = blocks.first?.kind else { return XCTFail() }
        XCTAssertEqual(content, [.text("click here")])
        XCTAssertEqual(diagnostics.count, 1)
    }

    func testDeepNestingIsFlattenedWithAWarningNotACrash() {
        let deep = String(repeating: "> ", count: 5000) + "bottom\n"
        let (blocks, diagnostics) = MarkdownReader.read(deep, file: "deep.md")
        XCTAssertTrue(blocks.plainText.contains("bottom"))
        XCTAssertTrue(diagnostics.contains { $0.message.contains("nested") })
        let brackets = String(repeating: "*a ", count: 3000) + String(repeating: "*", count: 3000)
        let (inlineBlocks, _) = MarkdownReader.read(brackets, file: "deep2.md")
        XCTAssertFalse(inlineBlocks.isEmpty)
    }
}
