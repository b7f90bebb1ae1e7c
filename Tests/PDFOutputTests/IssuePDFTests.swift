import Foundation
import IssueAssembly
import IssueModel
import PageMakeup
import PDFOutput
import TestSupport
import Typesetting
import XCTest

/// The sample issue made up and written in each layout, read back as a reader and a print
/// shop would read it.
final class IssuePDFTests: XCTestCase {
    static let root = PDFWriterTests.packageRoot

    struct Built {
        var issue: Issue
        var madeUp: MadeUpIssue
        var pdf: URL
    }

    struct MadeUp {
        var issue: Issue
        var madeUp: MadeUpIssue
    }

    /// The sample made up in a layout, not yet written.
    /// The sample issue read, in layout `name`, and a typesetter with the tool's fonts.
    static func sampleIssue(layout name: String) throws -> (issue: Issue, typesetter: Typesetter) {
        let assembly = IssueAssembler.assemble(weekFolder: Self.root.appendingPathComponent("issues/2026-12-03").path,
                                               workingFolder: Self.root.path)
        var issue = try XCTUnwrap(assembly.issue)
        let read = LayoutReader.read(name: name, folders: [Self.root.appendingPathComponent("layouts").path])
        issue.pageLayout = try XCTUnwrap(read.layout, "\(read.diagnostics)")
        return (issue, Typesetter(fonts: try FontLibrary(folder: Self.root.appendingPathComponent("fonts").path)))
    }

    static func buildWithoutWriting(layout name: String) throws -> MadeUp {
        let (issue, typesetter) = try sampleIssue(layout: name)
        return MadeUp(issue: issue, madeUp: try PagePlanner(layout: issue.pageLayout!, typesetter: typesetter).makeUp(issue))
    }

    func build(layout name: String) throws -> Built {
        let (issue, typesetter) = try Self.sampleIssue(layout: name)
        let madeUp = try PagePlanner(layout: issue.pageLayout!, typesetter: typesetter).makeUp(issue)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("issue-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("\(name).pdf")
        try PDFWriter.writePDF(madeUp.document, to: pdf.path)
        return Built(issue: issue, madeUp: madeUp, pdf: pdf)
    }

    /// Every word a reader should find: headline matter (the PDF prints credits and pull
    /// quotes), body text, captions; a footnote mark runs into its word in extracted text.
    static func words(of article: Article) -> [String] {
        readerWords(of: article, headMatter: [article.credit, article.pullquote, article.dateline], footnoteMarks: .attached)
    }

    func extractedWords(_ pdf: URL) throws -> Set<String> {
        let (status, text) = try runTool("pdftotext", ["-enc", "UTF-8", pdf.path, "-"])
        XCTAssertEqual(status, 0)
        let joined = text.replacingOccurrences(of: "-\\s*\\n\\s*", with: "-", options: .regularExpression)
        let tokens = joined.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        var words = Set(tokens)
        // A word no column can hold (an e-mail address) breaks after a separator, with no
        // hyphen: the two pieces are neighbours in the text.
        for (a, b) in zip(tokens, tokens.dropFirst()) where a.hasSuffix(".") || a.hasSuffix("/") || a.hasSuffix("@") {
            words.insert(a + b)
        }
        words.formUnion(words.map { $0.replacingOccurrences(of: "-", with: "") })
        return words
    }

    /// Words read column by column (pdftotext cropped to each column of each page): a reader
    /// reads a leg down, while pdftotext's page order may run a pull quote into the column
    /// beside it.
    func columnWords(_ built: Built) throws -> Set<String> {
        let layout = try XCTUnwrap(built.issue.pageLayout)
        var words = Set<String>()
        for page in 1...built.madeUp.document.pages.count {
            let left = !layout.facingPages || page % 2 == 1 ? layout.margins.inside : layout.margins.outside
            var previous: [Substring] = []
            for c in 0..<layout.columns {
                let x = left + Double(c) * (layout.columnWidth + layout.gutter)
                let (status, text) = try runTool("pdftotext", ["-enc", "UTF-8", "-f", "\(page)", "-l", "\(page)",
                                                               "-x", "\(Int(x - 2))", "-y", "0", "-W", "\(Int(layout.columnWidth + 4))",
                                                               "-H", "\(Int(layout.pageHeight))", built.pdf.path, "-"])
                XCTAssertEqual(status, 0)
                let joined = text.replacingOccurrences(of: "-\\s*\\n\\s*", with: "-", options: .regularExpression)
                let tokens = joined.split(whereSeparator: { $0.isWhitespace })
                for token in tokens {
                    words.insert(String(token))
                    words.insert(token.replacingOccurrences(of: "-", with: ""))
                }
                // A word hyphenated at the foot of a leg goes on at the head of the next leg,
                // somewhere in the next column.
                for head in previous where head.count > 2 && head.hasSuffix("-") {
                    for tail in tokens where tail.first?.isLowercase == true { words.insert(String(head.dropLast() + tail)) }
                }
                previous = tokens
            }
        }
        return words
    }

    func checkEveryWordIsInThePDF(_ built: Built) throws {
        let extracted = try extractedWords(built.pdf).union(try columnWords(built))
        var missing: [String] = []
        for article in built.issue.articles {
            for word in Self.words(of: article) where !extracted.contains(word) && !extracted.contains(word.replacingOccurrences(of: "-", with: "")) {
                missing.append("\(article.slug): \(word)")
            }
        }
        XCTAssertEqual(missing, [], "words missing from the \(built.madeUp.report.layout) PDF")
    }

    func testTabloidHasEveryWordEmbeddedFontsAndAValidFile() throws {
        let built = try build(layout: "tabloid")
        try checkEveryWordIsInThePDF(built)
        let (fontStatus, fonts) = try runTool("pdffonts", [built.pdf.path])
        XCTAssertEqual(fontStatus, 0)
        for row in fonts.split(separator: "\n").dropFirst(2) {
            XCTAssertEqual(row.split(separator: " ").suffix(5).prefix(2).map(String.init), ["yes", "yes"], String(row))
        }
        let (checkStatus, check) = try runTool("qpdf", ["--check", built.pdf.path])
        XCTAssertEqual(checkStatus, 0, check)
        XCTAssertEqual(built.madeUp.diagnostics, [])
        print("tabloid: \(built.madeUp.report.pages.count) pages, filled "
              + built.madeUp.report.pages.map { String(format: "%.0f%%", $0.filled * 100) }.joined(separator: " "))
    }

    func testLetterAndA4HaveEveryWordToo() throws {
        for layout in ["letter", "a4"] {
            let built = try build(layout: layout)
            try checkEveryWordIsInThePDF(built)
            XCTAssertGreaterThan(built.madeUp.report.pages.count, 10, layout)
        }
    }

    func testEachPictureIsEmbeddedOnceAndJPEGsAsTheyAre() throws {
        let built = try build(layout: "tabloid")
        let (_, list) = try runTool("pdfimages", ["-list", built.pdf.path])
        let rows = list.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").map(String.init) }
        // page num type width height color comp bpc enc ...
        let images = rows.filter { $0.count > 8 && $0[2] == "image" }
        XCTAssertEqual(images.count, 4, list)
        XCTAssertEqual(images.filter { $0[8] == "jpeg" }.count, 2, "JPEGs go in as DCT data, not re-encoded")
        let sizes = Set(images.map { "\($0[3])x\($0[4])" })
        XCTAssertEqual(sizes, ["1600x1067", "1000x1250", "1400x900", "1400x1000"])
    }

    func testNoGlyphLeavesTheTextAreaAndTheLeadContinuesOnPageTwo() throws {
        let built = try build(layout: "tabloid")
        let layout = try XCTUnwrap(built.issue.pageLayout)
        for (index, page) in built.madeUp.document.pages.enumerated() {
            let left = !layout.facingPages || index % 2 == 0 ? layout.margins.inside : layout.margins.outside
            let right = left + layout.pageWidth - layout.margins.inside - layout.margins.outside
            for item in page.items {
                guard case .glyphs(let run, let origin) = item else { continue }
                for glyph in run.glyphs {
                    // Hanging punctuation may stand out by a few points; nothing more.
                    XCTAssertGreaterThanOrEqual(origin.x + glyph.x, left - 4, "page \(index + 1): \(run.text)")
                    XCTAssertLessThanOrEqual(origin.x + glyph.x, right + 4, "page \(index + 1): \(run.text)")
                    XCTAssertLessThanOrEqual(origin.y - glyph.y, layout.pageHeight - layout.margins.bottom + 2, "page \(index + 1): \(run.text)")
                }
            }
        }
        // Body text (PT Serif at the body size) stays inside the column it starts in.
        let body = layout.style(.body)
        for (index, page) in built.madeUp.document.pages.enumerated() {
            let left = !layout.facingPages || index % 2 == 0 ? layout.margins.inside : layout.margins.outside
            for item in page.items {
                guard case .glyphs(let run, let origin) = item, run.face.family == body.font, run.size == body.size,
                      !run.glyphs.isEmpty else { continue }
                let start = origin.x + run.glyphs[0].x
                let column = Int(((start - left) / (layout.columnWidth + layout.gutter)).rounded(.down))
                let columnLeft = left + Double(column) * (layout.columnWidth + layout.gutter)
                XCTAssertGreaterThanOrEqual(start, columnLeft - 0.01, run.text)
                XCTAssertLessThanOrEqual(origin.x + run.x + run.width, columnLeft + layout.columnWidth + 0.5,
                                         "page \(index + 1), column \(column + 1): \(run.text)")
            }
        }
        let lead = try XCTUnwrap(built.madeUp.report.stories.first)
        XCTAssertEqual(lead.slug, "01-river-road")
        XCTAssertEqual(Array(lead.pages.prefix(2)), [1, 2], "the lead runs past page 1 and continues on page 2")
        for story in built.madeUp.report.stories {
            XCTAssertEqual(story.overfullLines, 0, story.slug)
            XCTAssertEqual(story.oversetUnits, 0, story.slug)
        }
    }

    func testTwoBuildsAreByteIdentical() throws {
        let a = try build(layout: "letter"), b = try build(layout: "letter")
        XCTAssertEqual(try Data(contentsOf: a.pdf), try Data(contentsOf: b.pdf))
    }

    /// The operators of each page's content stream, read back uncompressed by qpdf: `(…)`
    /// strings (glyph codes, escapes and all) and the operands before each operator skipped.
    func pageOperators(_ pdf: URL) throws -> [[(op: String, operands: [String])]] {
        let (status, dump) = try runTool("qpdf", ["--qdf", "--normalize-content=n", "--object-streams=disable", pdf.path, "-"])
        XCTAssertEqual(status, 0)
        var pages: [[(op: String, operands: [String])]] = []
        for part in dump.components(separatedBy: "%% Contents for page ").dropFirst() {
            guard let start = part.range(of: "stream\n"), let end = part.range(of: "\nendstream") else { continue }
            let bytes = Array(part[start.upperBound..<end.lowerBound].utf8)
            var ops: [(op: String, operands: [String])] = [], operands: [String] = []
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "(") {
                    var depth = 0
                    repeat {
                        if bytes[i] == UInt8(ascii: "\\") { i += 1 } else if bytes[i] == UInt8(ascii: "(") { depth += 1 } else if bytes[i] == UInt8(ascii: ")") { depth -= 1 }
                        i += 1
                    } while depth > 0 && i < bytes.count
                    operands.append("(…)")
                } else if b == 0x20 || b == 0x0A || b == 0x0D || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") {
                    i += 1
                } else {
                    var j = i
                    while j < bytes.count, ![0x20, 0x0A, 0x0D, UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "]")].contains(bytes[j]) { j += 1 }
                    let token = String(decoding: bytes[i..<j], as: UTF8.self)
                    if let first = token.unicodeScalars.first, CharacterSet.letters.contains(first) || token == "'" || token == "\"" {
                        ops.append((token, operands))
                        operands = []
                    } else {
                        operands.append(token)
                    }
                    i = j
                }
            }
            pages.append(ops)
        }
        return pages
    }

    /// Lines share text objects: a text object holds only text (no path or picture may be drawn
    /// inside one, §9.4), each is closed, and a run sets its font, size and color only when they
    /// differ from what the lines before it left. Drawn the same as with an object per line.
    func testTextObjectsHoldOnlyTextAndSetOnlyWhatChanges() throws {
        let built = try build(layout: "tabloid")
        let pages = try pageOperators(built.pdf)
        XCTAssertEqual(pages.count, built.madeUp.document.pages.count)
        let textOperators: Set<String> = ["Tf", "Tm", "TJ", "Tj", "Td", "TD", "T*", "Tc", "Tw", "Tz", "TL", "Ts", "Tr",
                                          "BDC", "BMC", "EMC", "g", "G", "rg", "RG", "k", "K"]
        var textObjects = 0, lines = 0
        for (number, ops) in pages.enumerated() {
            var inText = false
            var font: [String]? = nil
            var fill: String? = nil
            for (op, operands) in ops {
                switch op {
                case "BT":
                    XCTAssertFalse(inText, "page \(number + 1): a text object inside another")
                    inText = true
                    textObjects += 1
                case "ET":
                    XCTAssertTrue(inText, "page \(number + 1): ET outside a text object")
                    inText = false
                case "Tf":
                    XCTAssertNotEqual(operands, font, "page \(number + 1): the same font and size set again")
                    font = operands
                case "g":
                    XCTAssertNotEqual(operands.first, fill, "page \(number + 1): the same fill set again")
                    fill = operands.first
                case "Tm":
                    lines += 1
                case "q", "Q":
                    XCTAssertFalse(inText, "page \(number + 1): \(op) inside a text object")
                    fill = nil
                default:
                    if inText { XCTAssertTrue(textOperators.contains(op), "page \(number + 1): \(op) inside a text object") }
                }
            }
            XCTAssertFalse(inText, "page \(number + 1) ends inside a text object")
        }
        XCTAssertGreaterThan(lines, 1000)
        XCTAssertLessThan(textObjects * 10, lines, "\(textObjects) text objects for \(lines) lines")
    }
}
