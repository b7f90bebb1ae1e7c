import Foundation
import IssueAssembly
import IssueModel
import Typesetting
import XCTest

/// Paragraphs set in the tabloid's column, checked for what a reader and a PDF see.
final class ParagraphTests: XCTestCase {
    private var typesetter: Typesetter!

    override func setUpWithError() throws {
        typesetter = try Bundled.typesetter()
    }

    private func set(_ text: String, measure: Double = Bundled.column, language: String = "en",
                     format: ParagraphFormat = ParagraphFormat(), style: TextStyle = Bundled.body) throws -> SetParagraph {
        try typesetter.set([TextRun(text, style: style)], language: language, measure: measure, format: format)
    }

    /// The words of the lines: added hyphens at line ends taken off, and a word broken across
    /// lines joined again.
    private func words(of paragraph: SetParagraph) -> [String] {
        var text = ""
        for line in paragraph.lines {
            for run in line.runs { text += run.endsWithAddedHyphen ? String(run.text.dropLast()) : run.text }
            if !line.breaksInsideWord { text += " " }
        }
        return text.split(separator: " ").map(String.init)
    }

    func testThreeHyphensInARowUnderFirstFitNeverUnderTotalFit() throws {
        let text = try String(contentsOf: Bundled.packageRoot.appendingPathComponent("Tests/Fixtures/typesetting/three-hyphens.txt"),
                              encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var first = LineStatistics(), total = LineStatistics()
        first.add(try set(text, format: ParagraphFormat(algorithm: .firstFit)).lines)
        let totalFit = try set(text)
        total.add(totalFit.lines)
        XCTAssertGreaterThanOrEqual(first.longestHyphenRun, 3)
        XCTAssertLessThanOrEqual(total.longestHyphenRun, 2)
        XCTAssertEqual(words(of: totalFit), text.split(separator: " ").map(String.init))
    }

    func testNoLineIsWiderThanItsMeasureAndRatiosStayInTheirPass() throws {
        for paragraph in try SampleIssueSettingTests.paragraphs() {
            let set = try typesetter.set(paragraph.runs, language: paragraph.language, measure: Bundled.column)
            for line in set.lines {
                XCTAssertLessThanOrEqual(line.width, Bundled.column + 0.01, line.text)
                XCTAssertGreaterThanOrEqual(line.adjustmentRatio, -1, line.text)
                XCTAssertFalse(line.isOverfull, line.text)
                // Pass 1 allows badness 100 (r ≤ 1), pass 2 badness 200 (r ≤ 1.26).
                if set.pass == 1 { XCTAssertLessThanOrEqual(line.adjustmentRatio, 1.0001, line.text) }
                if set.pass == 2 { XCTAssertLessThanOrEqual(line.adjustmentRatio, 1.2600, line.text) }
                if let ratio = line.wordSpaceRatio { XCTAssertGreaterThanOrEqual(ratio, 0.669, line.text) }
            }
        }
    }

    func testEveryWordComesBackFromTheLines() throws {
        for paragraph in try SampleIssueSettingTests.paragraphs() where paragraph.runs.count == 1 {
            let set = try typesetter.set(paragraph.runs, language: paragraph.language, measure: Bundled.column)
            let original = paragraph.runs[0].text.replacingOccurrences(of: "\u{00AD}", with: "")
                .split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
            XCTAssertEqual(words(of: set), original)
        }
    }

    func testLigaturesMapBackToTheirLetters() throws {
        let set = try self.set("The office filed a flawless fluffy affidavit", measure: 400)
        let runs = set.lines.flatMap(\.runs)
        let ligatures = runs.flatMap { run in run.clusters.filter { $0.byteCount >= 2 && $0.glyphCount == 1 } }
        XCTAssertGreaterThanOrEqual(ligatures.count, 4, "fi, fl ligatures expected from PT Serif")
        for run in runs {
            XCTAssertEqual(run.clusters.reduce(0) { $0 + $1.byteCount }, run.text.utf8.count)
            XCTAssertEqual(run.clusters.reduce(0) { $0 + $1.glyphCount }, run.glyphs.count)
        }
        XCTAssertEqual(set.lines.map(\.text).joined(), "The office filed a flawless fluffy affidavit")
    }

    /// Text whose characters are single scalars (curly quotes, dashes, Latin letters with
    /// accents) is read without grapheme breaking; a combining accent or an emoji sequence
    /// sends its run the long way. Both must set the same words, and a decomposed "é" must stay
    /// one character with its accent.
    func testCharactersAreTheSameReadByScalarOrByGraphemeCluster() throws {
        let simple = "“Café” — naïve Señora Núñez paid 1,50 € … at 10\u{00A0}a.m.; Œuvre–Ørsted ‘quoted’ text"
        let combined = simple + " and cafe\u{301} 👍🏽 résumé"
        for measure in [60.0, 90, 134, 400] {
            let a = try self.set(simple, measure: measure)
            XCTAssertEqual(words(of: a), simple.split(separator: " ").map(String.init), "\(measure)")
            let b = try self.set(combined, measure: measure)
            XCTAssertEqual(words(of: b), combined.split(separator: " ").map(String.init), "\(measure)")
            for line in b.lines { XCTAssertFalse(line.text.hasPrefix("\u{301}"), "\(measure): \(line.text)") }
        }
    }

    func testNonBreakingSpacesNeverBreak() throws {
        let text = "At 10\u{00A0}a.m. on Route\u{00A0}9 the 2\u{202F}km race began; Mr.\u{00A0}Okoro said 40\u{00A0}percent of 1,200\u{00A0}homes were dry."
        for measure in stride(from: 40.0, through: 140, by: 7) {
            let set = try self.set(text, measure: measure)
            for line in set.lines {
                XCTAssertFalse(line.text.hasSuffix("\u{00A0}"), "\(measure): \(line.text)")
                XCTAssertFalse(line.text.hasPrefix("a.m."), "\(measure)")
                XCTAssertFalse(line.text.hasPrefix("9 "), "\(measure)")
                XCTAssertFalse(line.text.hasPrefix("percent"), "\(measure)")
            }
        }
    }

    func testHyphenationPointsFollowTheDictionaries() {
        let hyphenation = Hyphenation()
        func split(_ word: String, _ lang: String) -> String {
            var out = word
            for offset in hyphenation.points(in: word, language: lang).reversed() {
                out.insert("-", at: out.utf8.index(out.startIndex, offsetBy: offset))
            }
            return out
        }
        // US English patterns, 2 letters before a break and 3 after.
        XCTAssertEqual(split("hyphenation", "en"), "hy-phen-ation")
        XCTAssertEqual(split("typesetting", "en"), "type-set-ting")
        XCTAssertEqual(split("newspaper", "en"), "news-pa-per")
        XCTAssertEqual(split("ended", "en"), "ended", "no break leaves fewer than 3 letters")
        XCTAssertEqual(split("flood", "en"), "flood")
        XCTAssertEqual(split("NASA", "en"), "NASA", "capitals are not hyphenated")
        // Spanish patterns, 2 and 2.
        XCTAssertEqual(split("información", "es"), "in-for-ma-ción")
        XCTAssertEqual(split("mañana", "es"), "ma-ña-na")
        XCTAssertEqual(split("comunitario", "es"), "co-mu-ni-ta-rio")
        XCTAssertEqual(split("casa", "es"), "casa", "shorter than 5 letters")
        XCTAssertTrue(hyphenation.supports("es-MX"))
        XCTAssertFalse(hyphenation.supports("ht"), "no Haitian Creole dictionary: not hyphenated")
        XCTAssertEqual(split("organization", "ht"), "organization")
    }

    func testSoftHyphensAreTheOnlyBreaksInTheirWordAndVanishFromTheText() throws {
        let set = try self.set("Counter\u{00AD}revolutionaries gathered", measure: 80)
        XCTAssertEqual(set.lines.first?.text, "Counter-")
        XCTAssertTrue(set.lines.first?.runs.last?.endsWithAddedHyphen == true)
        XCTAssertFalse(set.lines.map(\.text).joined().contains("\u{00AD}"))
    }

    func testExplicitHyphensAndDashesAreBreaksWithoutAddedHyphens() throws {
        let set = try self.set("Wilnide Jean-Baptiste said so", measure: 75)
        XCTAssertEqual(set.lines.first?.text, "Wilnide Jean-")
        XCTAssertEqual(set.lines.first?.runs.last?.endsWithAddedHyphen, false)
        XCTAssertTrue(set.lines.first?.isHyphenated == true)
        let dash = try self.set("the river—and the road", measure: 50)
        XCTAssertTrue(dash.lines.contains { $0.text.hasSuffix("river—") }, dash.lines.map(\.text).description)
    }

    func testAddressesBreakOnlyAfterSeparatorsWithoutHyphens() throws {
        let url = "https://millbrook.example.org/minutes/2026/november-board-meeting-final.pdf"
        let set = try self.set("The minutes are at \(url) as of today.")
        for line in set.lines {
            XCTAssertLessThanOrEqual(line.width, Bundled.column + 0.01)
            XCTAssertFalse(line.runs.last?.endsWithAddedHyphen == true, line.text)
            if line.text.contains("example") || line.text.contains("minutes/") {
                let last = line.text.trimmingCharacters(in: .whitespaces).last!
                XCTAssertTrue("/.-".contains(last) || line.text.hasSuffix("today."), line.text)
            }
        }
        XCTAssertTrue(set.lines.map(\.text).joined().contains(url))
    }

    func testAWordWiderThanTheColumnIsCutNeverOverfull() throws {
        let set = try self.set("Cipher TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384_AND_MORE_LETTERS_THAN_FIT here", measure: 80)
        XCTAssertTrue(set.lines.allSatisfy { $0.width <= 80.01 && !$0.isOverfull }, set.lines.map(\.text).description)
        XCTAssertTrue(set.lines.map(\.text).joined().contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384_AND_MORE_LETTERS_THAN_FIT"))
    }

    func testAGlyphWiderThanTheMeasureIsReportedOverfull() throws {
        let set = try self.set("W", measure: 3)
        XCTAssertEqual(set.overfullLines, ["W"])
    }

    func testCharactersNoFaceHasAreReportedAndOthersFallBack() throws {
        let set = try self.set("Nguyễn Thị Lan saw ☃ and 𓀀.", measure: 300)
        XCTAssertEqual(set.missingCharacters, ["𓀀"])
        let faces = Set(set.lines.flatMap(\.runs).map(\.face.family))
        XCTAssertTrue(faces.contains("PT Serif"))
        XCTAssertTrue(faces.contains { $0.hasPrefix("DejaVu") }, "\(faces)")
    }

    func testAlignmentsAndIndent() throws {
        let text = "A short line of text that wraps onto a second line here."
        let left = try set(text, measure: 150, format: ParagraphFormat(alignment: .left))
        let right = try set(text, measure: 150, format: ParagraphFormat(alignment: .right))
        let center = try set(text, measure: 150, format: ParagraphFormat(alignment: .center))
        XCTAssertEqual(left.lines.first?.runs.first?.x ?? -1, 0, accuracy: 0.001)
        let rightEnd = right.lines[0].runs[0].x + right.lines[0].width
        XCTAssertEqual(rightEnd, 150, accuracy: 0.01)
        XCTAssertEqual(center.lines[0].runs[0].x * 2 + center.lines[0].width, 150, accuracy: 0.01)
        XCTAssertNil(left.lines[0].wordSpaceRatio, "ragged lines keep natural spaces")
        let indented = try set(text, measure: 150, format: ParagraphFormat(firstLineIndent: 12))
        XCTAssertEqual(indented.lines[0].runs[0].x, 12, accuracy: 0.001)
        XCTAssertEqual(indented.lines[1].runs[0].x, 0, accuracy: 0.001)
        let spaced = try set(text, measure: 150, format: ParagraphFormat(spaceBefore: 6, spaceAfter: 3))
        XCTAssertEqual(spaced.height(leading: 11.5), 6 + Double(spaced.lines.count) * 11.5 + 3, accuracy: 1e-9)
        let justified = try set(text, measure: 150)
        XCTAssertEqual(justified.lines[0].width, 150, accuracy: 0.01)
        XCTAssertLessThan(justified.lines.last!.width, 150)
    }

    func testHangingPunctuationLeavesTheMarginForQuotesAndHyphens() throws {
        let text = "“Cribs first, then the toy shelves, then the freezer food into coolers,” she said on Saturday morning."
        let set = try self.set(text, format: ParagraphFormat(hangingPunctuation: true))
        XCTAssertLessThan(set.lines[0].runs[0].x, 0, "the opening quote hangs left")
        for line in set.lines.dropLast() where line.text.hasSuffix(",") || line.text.hasSuffix("-") {
            XCTAssertGreaterThan(line.runs[0].x + line.width, Bundled.column, line.text)
        }
    }

    func testInlineStylesBecomeFacesLinksAndDatelines() throws {
        let inlines: [Inline] = [
            .dateline("MILLBROOK, NY"), .text(" — A "), .emphasis([.text("quiet")]), .text(" and "),
            .strong([.text("bold")]), .text(" day; see "), .link(url: "https://x.org/a", title: "", content: [.text("the minutes")]),
            .text(" and "), .code("issue check"), .footnoteReference(label: "1", number: 1), .text("."),
        ]
        let runs = InlineFaces().runs(for: inlines, base: Bundled.body)
        let set = try typesetter.set(runs, language: "en", measure: 600)
        let glyphRuns = set.lines.flatMap(\.runs)
        func run(containing s: String) -> GlyphRun? { glyphRuns.first { $0.text.contains(s) } }
        XCTAssertEqual(run(containing: "MILLBROOK")?.face.isBold, true)
        XCTAssertEqual(run(containing: "quiet")?.face.isItalic, true)
        XCTAssertEqual(run(containing: "bold")?.face.isBold, true)
        XCTAssertEqual(run(containing: "minutes")?.link, "https://x.org/a")
        XCTAssertEqual(run(containing: "issue")?.face.family, "PT Mono")
        let mark = try XCTUnwrap(glyphRuns.first { $0.rise > 0 })
        XCTAssertEqual(mark.text, "1")
        XCTAssertLessThan(mark.size, Bundled.body.size)
        // Small capitals: PT Serif has none of its own (its c2sc only maps punctuation), so
        // they are made from capitals set smaller; the text stays as written.
        XCTAssertEqual(run(containing: "MILLBROOK")?.size ?? 0, 9.5 * 0.8, accuracy: 0.001)
        XCTAssertEqual(set.lines[0].text, "MILLBROOK, NY — A quiet and bold day; see the minutes and issue check1.")
    }
}

final class CoverageTests: XCTestCase {
    func testCharactersNoFontHasAreWarningsNamingTheArticleAndLine() throws {
        let typesetter = try Bundled.typesetter()
        var article = Article(slug: "01-x", file: "articles/01-x.md", title: "Nguyễn Thị Lan ☃", language: "en")
        article.body = [
            Block(.paragraph([.text("Plain text.")]), at: SourceLocation(file: "articles/01-x.md", line: 5)),
            Block(.paragraph([.text("A hieroglyph 𓀀 twice 𓀀.")]), at: SourceLocation(file: "articles/01-x.md", line: 7)),
        ]
        let warnings = try typesetter.coverageWarnings(for: article, family: "PT Serif")
        XCTAssertEqual(warnings.map(\.description), [
            "articles/01-x.md:7:1: warning: no bundled font has '𓀀' (U+13000); it prints as an empty box\n"
                + "    hint: replace it, or add a font that has it to fonts/",
        ])
    }

    func testTheSampleIssueNeedsNoGlyphTheFontsLack() throws {
        let typesetter = try Bundled.typesetter()
        let issue = try XCTUnwrap(IssueAssembler.assemble(weekFolder: Bundled.packageRoot.appendingPathComponent("issues/2026-12-03").path).issue)
        for article in issue.articles {
            XCTAssertEqual(try typesetter.coverageWarnings(for: article, family: "PT Serif"), [], article.slug)
        }
    }
}
