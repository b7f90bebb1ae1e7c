import Foundation
import IssueAssembly
import IssueModel
import PageMakeup
import PDFOutput
import TestSupport
import Typesetting
import XCTest

/// Automatic page makeup of the sample issue and of a generated 40-story issue: the front page,
/// jumps whose page numbers are right, every line placed once, full columns, pages in fours.
final class PageMakeupTests: XCTestCase {
    static let root = PDFWriterTests.packageRoot

    /// The sample issue in the tabloid layout, made up and written once for all the tests here.
    nonisolated(unsafe) static var sample: (issue: Issue, madeUp: MadeUpIssue, pdf: URL)?

    func sample() throws -> (issue: Issue, madeUp: MadeUpIssue, pdf: URL) {
        if let s = Self.sample { return s }
        let built = try IssuePDFTests.buildWithoutWriting(layout: "tabloid")
        let pdf = FileManager.default.temporaryDirectory.appendingPathComponent("makeup-\(UUID().uuidString).pdf")
        try PDFWriter.writePDF(built.madeUp.document, to: pdf.path)
        Self.sample = (built.issue, built.madeUp, pdf)
        return (built.issue, built.madeUp, pdf)
    }

    /// pdftotext of one page.
    func text(of pdf: URL, page: Int) throws -> String {
        let (status, out) = try runTool("pdftotext", ["-enc", "UTF-8", "-f", "\(page)", "-l", "\(page)", pdf.path, "-"])
        XCTAssertEqual(status, 0)
        return out
    }

    func testFrontPageHasTheMastheadTheLeadOnTopAndThreeToFiveStories() throws {
        let (issue, madeUp, pdf) = try sample()
        let front = try XCTUnwrap(madeUp.report.pages.first)
        let starting = front.stories.filter { slug in madeUp.report.stories.first { $0.slug == slug }?.pages.first == 1 }
        XCTAssertTrue((3...5).contains(starting.count), "front-page stories: \(front.stories)")
        XCTAssertEqual(front.stories.first, issue.articles[0].slug, "the lead comes first")
        XCTAssertTrue(front.boxes.contains("inside"), "page 1 has the Inside box: \(front.boxes)")
        let page1 = try text(of: pdf, page: 1)
        let name = try XCTUnwrap(page1.range(of: issue.publication.name))
        let leadWords = issue.articles[0].title.split(separator: " ").prefix(3).joined(separator: " ")
        let lead = try XCTUnwrap(page1.range(of: leadWords), "the lead's headline is on page 1")
        XCTAssertLessThan(name.lowerBound, lead.lowerBound, "the masthead comes before the lead")
        // The lead's headline is the first headline under the masthead.
        for article in issue.articles.dropFirst() {
            if let other = page1.range(of: article.title.split(separator: " ").prefix(4).joined(separator: " ")) {
                XCTAssertLessThan(lead.lowerBound, other.lowerBound, article.slug)
            }
        }
        // The Inside box names every story that does not start on page 1, with its page.
        for story in madeUp.report.stories where story.pages.first != 1 {
            XCTAssertTrue(page1.contains("\(story.pages[0])"), story.slug)
        }
    }

    func testEveryJumpLineNamesThePageWhereTheStoryGoesOn() throws {
        let (_, madeUp, pdf) = try sample()
        let jumps = madeUp.report.pages.reduce(0) { $0 + $1.jumps }
        XCTAssertGreaterThan(jumps, 0, "the sample's long stories jump")
        var texts: [Int: String] = [:]
        for page in madeUp.report.pages { texts[page.number] = try text(of: pdf, page: page.number) }
        let on = try NSRegularExpression(pattern: "(?:Continued on page|Sigue en la página) (\\d+)")
        let from = try NSRegularExpression(pattern: "(?:Continued from page|Viene de la página) (\\d+)")
        var seenOn = 0, seenFrom = 0
        for page in madeUp.report.pages {
            let t = try XCTUnwrap(texts[page.number])
            for match in on.matches(in: t, range: NSRange(t.startIndex..., in: t)) {
                seenOn += 1
                let target = Int((t as NSString).substring(with: match.range(at: 1)))!
                XCTAssertGreaterThan(target, page.number, "a jump goes forward")
                let there = try XCTUnwrap(texts[target], "page \(target) exists")
                XCTAssertTrue(there.contains("Continued from page \(page.number)") || there.contains("Viene de la página \(page.number)"),
                              "page \(page.number) jumps to \(target), which does not say it continues from \(page.number)")
            }
            seenFrom += from.numberOfMatches(in: t, range: NSRange(t.startIndex..., in: t))
        }
        XCTAssertEqual(seenOn, jumps, "one jump line per jump")
        XCTAssertEqual(seenFrom, jumps, "one 'Continued from' per jump")
        // The report agrees: a story that jumps has as many pages after its first as jumps.
        for story in madeUp.report.stories {
            XCTAssertEqual(story.pages.count, story.jumps + 1, story.slug)
            XCTAssertEqual(story.pages, story.pages.sorted(), story.slug)
        }
    }

    func testEveryLineOfEveryStoryIsPlacedExactlyOnce() throws {
        let (issue, madeUp, _) = try sample()
        try checkEveryLinePlacedOnce(issue, madeUp)
    }

    func checkEveryLinePlacedOnce(_ issue: Issue, _ madeUp: MadeUpIssue, file: StaticString = #filePath, line: UInt = #line) throws {
        let layout = try XCTUnwrap(issue.pageLayout)
        var composer = StoryComposer(layout: layout, typesetter: try Self.typesetter())
        for (article, story) in zip(issue.articles, madeUp.report.stories) {
            let blocks = try composer.composeBlocks(article)
            let lines = blocks.reduce(0) { $0 + $1.units.filter { $0.line != nil }.count }
            XCTAssertEqual(story.lines, lines, "\(article.slug): lines set and lines placed", file: file, line: line)
            XCTAssertEqual(story.oversetUnits, 0, article.slug, file: file, line: line)
            XCTAssertFalse(story.pages.isEmpty, "\(article.slug) is placed", file: file, line: line)
        }
    }

    func testColumnsReachTheBottomAndPagesComeInFours() throws {
        let (issue, madeUp, _) = try sample()
        XCTAssertEqual(madeUp.report.pages.count % 4, 0, "\(madeUp.report.pages.count) pages")
        try checkFullColumns(issue, madeUp)
        // A table set across a module cannot take added space: a line or two may stay empty
        // above the foot of a leg, never more.
        for page in madeUp.report.pages {
            XCTAssertLessThanOrEqual(page.holes, 2, "page \(page.number)")
        }
    }

    /// Every column of every page has something in its last grid line: a line of text whose
    /// baseline is within one baseline of the bottom margin, or a box or picture reaching there.
    func checkFullColumns(_ issue: Issue, _ madeUp: MadeUpIssue, file: StaticString = #filePath, line: UInt = #line) throws {
        let layout = try XCTUnwrap(issue.pageLayout)
        let bottom = layout.pageHeight - layout.margins.bottom
        for (index, page) in madeUp.document.pages.enumerated() {
            let left = !layout.facingPages || index % 2 == 0 ? layout.margins.inside : layout.margins.outside
            var lowest = Array(repeating: 0.0, count: layout.columns)
            func mark(_ x0: Double, _ x1: Double, _ y: Double) {
                for c in 0..<layout.columns {
                    let cl = left + Double(c) * (layout.columnWidth + layout.gutter)
                    if x0 < cl + layout.columnWidth - 1 && x1 > cl + 1 { lowest[c] = max(lowest[c], y) }
                }
            }
            for item in page.items {
                switch item {
                case .glyphs(let run, let origin):
                    mark(origin.x + run.x, origin.x + run.x + run.width, origin.y)
                case .fill(let r, _), .image(_, let r):
                    mark(r.x, r.x + r.width, r.y + r.height)
                default: break
                }
            }
            for c in 0..<layout.columns {
                XCTAssertGreaterThanOrEqual(lowest[c], bottom - layout.baseline,
                                            "page \(index + 1), column \(c + 1) ends \(Int(bottom - lowest[c])) pt above the bottom margin",
                                            file: file, line: line)
            }
        }
    }

    func testPageAndColumnHintsAreKeptOrSaidToBeImpossible() throws {
        var issue = try IssuePDFTests.buildWithoutWriting(layout: "tabloid").issue
        let typesetter = try Self.typesetter()
        // The basketball story asked for page 2 and three columns; the calendar for page 40
        // and nine columns.
        let sports = try XCTUnwrap(issue.articles.firstIndex { $0.slug == "05-millers-basketball" })
        let calendar = try XCTUnwrap(issue.articles.firstIndex { $0.slug == "12-community-calendar" })
        issue.articles[sports].page = 2
        issue.articles[sports].columns = 3
        issue.articles[calendar].page = 40
        issue.articles[calendar].columns = 9
        let madeUp = try PagePlanner(layout: issue.pageLayout!, typesetter: typesetter).makeUp(issue)
        let story = try XCTUnwrap(madeUp.report.stories.first { $0.slug == "05-millers-basketball" })
        XCTAssertEqual(story.pages.first, 2, "the page hint is kept")
        let messages = madeUp.diagnostics.map(\.message)
        XCTAssertTrue(messages.contains { $0.contains("'page: 40' could not be honoured") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.contains("'columns: 9' asks for more columns") }, "\(messages)")
        XCTAssertFalse(messages.contains { $0.contains("'page: 2'") }, "\(messages)")
        XCTAssertEqual(madeUp.report.pages.count % 4, 0)
        // Three columns wide wherever it stands: its body lines sit in three adjacent columns on its first page.
        try checkEveryLinePlacedOnce(issue, madeUp)
    }

    /// Stories set on two threads make the same pages, byte for byte, and the same warnings
    /// (a character no font has, met on either thread) as on one.
    func testTwoThreadsMakeTheSamePagesAsOne() throws {
        var issue = try XCTUnwrap(IssueAssembler.assemble(weekFolder: Self.root.appendingPathComponent("issues/2026-12-03").path).issue)
        issue.articles[1].title += " \u{16A0}"
        issue.articles[issue.articles.count - 1].title += " \u{1D11E}"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("threads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var outputs: [(Data, [String])] = []
        for threads in [1, 2] {
            var planner = PagePlanner(layout: issue.pageLayout!, typesetter: try Self.typesetter())
            planner.threads = threads
            let madeUp = try planner.makeUp(issue)
            let pdf = folder.appendingPathComponent("\(threads).pdf")
            try PDFWriter.writePDF(madeUp.document, to: pdf.path)
            outputs.append((try Data(contentsOf: pdf), madeUp.diagnostics.map(\.message)))
        }
        XCTAssertEqual(outputs[0].0, outputs[1].0, "the PDFs differ")
        XCTAssertEqual(outputs[0].1, outputs[1].1)
        XCTAssertTrue(outputs[1].1.contains { $0.contains("U+16A0") || $0.contains("\u{16A0}") }, "\(outputs[1].1)")
    }

    /// An issue of one story leaves pages of house matter only, so the search tries looser
    /// plans after the first: on two threads those share each page's trials between both (the
    /// thread that planned ahead joining in). The pages and the warnings are the same as on one.
    func testLooserPlansSharedBetweenThreadsMakeTheSamePagesAsOne() throws {
        var issue = try XCTUnwrap(IssueAssembler.assemble(weekFolder: Self.root.appendingPathComponent("issues/2026-12-03").path).issue)
        issue.articles = Array(issue.articles.prefix(1))
        issue.articles[0].title += " \u{16A0}"
        var outputs: [([DisplayPage], FitReport, [String])] = []
        for threads in [1, 2] {
            var planner = PagePlanner(layout: issue.pageLayout!, typesetter: try Self.typesetter())
            planner.threads = threads
            let madeUp = try planner.makeUp(issue)
            outputs.append((madeUp.document.pages, madeUp.report, madeUp.diagnostics.map(\.message)))
        }
        XCTAssertEqual(outputs[0].0.count, outputs[1].0.count)
        XCTAssertEqual(outputs[0].0.map { $0.items.count }, outputs[1].0.map { $0.items.count })
        XCTAssertEqual(String(describing: outputs[0].0), String(describing: outputs[1].0), "the pages differ")
        XCTAssertEqual(outputs[0].1.cost, outputs[1].1.cost)
        XCTAssertEqual(outputs[0].2, outputs[1].2)
        XCTAssertTrue(outputs[1].2.contains { $0.contains("U+16A0") || $0.contains("\u{16A0}") }, "\(outputs[1].2)")
    }

    static func typesetter() throws -> Typesetter {
        Typesetter(fonts: try FontLibrary(folder: root.appendingPathComponent("fonts").path))
    }

    /// Forty stories of 200 to 3,000 words (a fixed seed), some with pictures, a few with hints.
    func testFortyGeneratedStoriesMakeUpWithNothingLeftOut() throws {
        var generator = SeededGenerator(seed: 40)
        let vocabulary = ("council river bridge vote budget school library harvest market weather flood road mayor "
            + "farmers teachers parents families volunteers evening morning county village election winter season "
            + "neighbours committee hospital station repair report meeting tuesday thursday hundred dollars percent "
            + "because although however several residents reported that officials would consider").split(separator: " ").map(String.init)
        let base = try IssuePDFTests.buildWithoutWriting(layout: "tabloid").issue
        let pictures = base.articles.compactMap(\.image)
        var articles: [Article] = []
        for n in 1...40 {
            let words = Int.random(in: 200...3000, using: &generator)
            var body: [Block] = []
            var left = words
            while left > 0 {
                let count = min(left, Int.random(in: 30...110, using: &generator))
                let text = (0..<count).map { _ in vocabulary[Int.random(in: 0..<vocabulary.count, using: &generator)] }.joined(separator: " ")
                body.append(Block(.paragraph([.text(text.prefix(1).uppercased() + text.dropFirst() + ".")]), at: SourceLocation(file: "s\(n).md")))
                if Int.random(in: 0..<8, using: &generator) == 0 {
                    body.append(Block(.heading(level: 2, content: [.text("A subhead for part \(body.count)")]), at: SourceLocation(file: "s\(n).md")))
                }
                left -= count
            }
            var article = Article(slug: String(format: "%02d-story", n), file: "s\(n).md",
                                  title: "Story \(n): " + (0..<Int.random(in: 3...9, using: &generator)).map { _ in vocabulary[Int.random(in: 0..<vocabulary.count, using: &generator)] }.joined(separator: " "),
                                  language: "en", body: body)
            article.priority = n
            if n % 5 == 1 { article.image = pictures[n % pictures.count] }
            if n % 7 == 3 { article.deck = "A deck that says what the story is about in a sentence of plain words." }
            if n % 13 == 5 { article.columns = 3 }
            articles.append(article)
        }
        var issue = base
        issue.articles = articles
        let started = Date()
        let madeUp = try PagePlanner(layout: issue.pageLayout!, typesetter: try Self.typesetter()).makeUp(issue)
        print(String(format: "40 stories: %d pages made up in %.3f s (plan %.3f s), %d jumps, %d holes",
                     madeUp.report.pages.count, Date().timeIntervalSince(started), madeUp.makeupSeconds,
                     madeUp.report.pages.reduce(0) { $0 + $1.jumps }, madeUp.report.pages.reduce(0) { $0 + $1.holes }))
        XCTAssertEqual(madeUp.diagnostics.filter { $0.severity == .error }, [])
        XCTAssertEqual(madeUp.report.pages.count % 4, 0)
        try checkEveryLinePlacedOnce(issue, madeUp)
        for story in madeUp.report.stories {
            XCTAssertEqual(story.pages.count, story.jumps + 1, story.slug)
        }
        // The jump lines are right here too, read from the display list.
        let pdf = FileManager.default.temporaryDirectory.appendingPathComponent("forty-\(UUID().uuidString).pdf")
        defer { try? FileManager.default.removeItem(at: pdf) }
        try PDFWriter.writePDF(madeUp.document, to: pdf.path)
        let (status, check) = try runTool("qpdf", ["--check", pdf.path])
        XCTAssertEqual(status, 0, check)
    }
}

/// A small fixed-seed generator (SplitMix64), so the generated issue is the same every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
