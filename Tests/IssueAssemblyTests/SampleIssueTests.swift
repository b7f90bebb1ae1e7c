import Foundation
import IssueAssembly
import IssueModel
import XCTest

/// The bundled sample issue, assembled as `issue check` and `issue build` read it.
final class SampleIssueTests: XCTestCase {
    private static let assembly = IssueAssembler.assemble(
        weekFolder: FixturePaths.sampleIssues.appendingPathComponent("2026-12-03").path,
        workingFolder: FixturePaths.packageRoot.path)

    private var issue: Issue {
        get throws { try XCTUnwrap(Self.assembly.issue, "\(Self.assembly.diagnostics)") }
    }

    private func blocks(_ article: Article, where match: (Block.Kind) -> Bool) -> [Block] {
        var found: [Block] = []
        func visit(_ b: Block) {
            if match(b.kind) { found.append(b) }
            switch b.kind {
            case .blockQuote(let bs), .footnoteDefinition(_, _, let bs): bs.forEach(visit)
            case .list(let l): l.items.forEach { $0.blocks.forEach(visit) }
            default: break
            }
        }
        article.body.forEach(visit)
        return found
    }

    func testSampleIsCleanAndBigEnough() throws {
        XCTAssertEqual(Self.assembly.diagnostics, [])
        let issue = try issue
        XCTAssertTrue((10...14).contains(issue.articles.count), "\(issue.articles.count) articles")
        XCTAssertGreaterThanOrEqual(issue.wordCount, 10_000)
        XCTAssertEqual(issue.publication.name, "The Millbrook Ledger")
        XCTAssertEqual(issue.number, 412)
        XCTAssertEqual(issue.date.description, "2026-12-03")
        XCTAssertEqual(issue.layout, "tabloid")
        XCTAssertNotNil(issue.publication.email.listID)
        XCTAssertNotNil(issue.publication.email.unsubscribeURL)
    }

    func testArticlesRunInPriorityOrderWithTheLeadFirst() throws {
        let issue = try issue
        let priorities = issue.articles.compactMap(\.priority)
        XCTAssertEqual(priorities.count, issue.articles.count)
        XCTAssertEqual(priorities, priorities.sorted())
        let lead = try XCTUnwrap(issue.lead)
        XCTAssertEqual(lead.priority, 1)
        let image = try XCTUnwrap(lead.image)
        XCTAssertNotNil(image.path)
        XCTAssertGreaterThan(image.pixelWidth ?? 0, 0)
        XCTAssertNotNil(lead.caption)
        XCTAssertNotNil(lead.credit)
        XCTAssertNotNil(lead.pullquote)
    }

    func testLanguagesAreEnglishAndOneSpanishArticle() throws {
        let issue = try issue
        let spanish = issue.articles.filter { $0.language == "es" }
        XCTAssertEqual(spanish.count, 1)
        XCTAssertTrue(spanish[0].body.plainText.contains("ñ") || spanish[0].title.contains("ñ"))
        XCTAssertTrue(issue.articles.filter { $0.language != "es" }.allSatisfy { $0.language == "en" })
    }

    func testTheSampleUsesEveryKindOfMatterAPaperHas() throws {
        let articles = try issue.articles
        func some(_ what: String, _ match: @escaping (Block.Kind) -> Bool) {
            XCTAssertTrue(articles.contains { !blocks($0, where: match).isEmpty }, "no article has \(what)")
        }
        some("a table") { if case .table = $0 { return true } else { return false } }
        some("a footnote") { if case .footnoteDefinition = $0 { return true } else { return false } }
        some("a block quote") { if case .blockQuote = $0 { return true } else { return false } }
        some("a nested bullet list") {
            guard case .list(let l) = $0, l.marker == .bullet else { return false }
            return l.items.contains { $0.blocks.contains { if case .list = $0.kind { return true } else { return false } } }
        }
        some("a numbered list") { if case .list(let l) = $0 { return l.isOrdered } else { return false } }
        some("a subhead") { if case .heading = $0 { return true } else { return false } }
        // Several dispatches, each opening with a dateline, in one story.
        let dispatches = articles.filter { article in
            let breaks = article.body.filter { $0.kind == .thematicBreak }.count
            let datelines = article.body.filter {
                if case .paragraph(let c) = $0.kind, case .dateline? = c.first { return true } else { return false }
            }.count
            return breaks >= 2 && datelines >= 3
        }
        XCTAssertFalse(dispatches.isEmpty, "no story of dispatches with datelines")
    }

    func testImagesAreRealJPEGAndPNGFilesOfTheWeek() throws {
        let images = try issue.articles.flatMap(\.images)
        XCTAssertGreaterThanOrEqual(Set(images.compactMap(\.path)).count, 3)
        XCTAssertTrue(images.contains { $0.format == .jpeg })
        XCTAssertTrue(images.contains { $0.format == .png })
        for image in images {
            XCTAssertNotNil(image.path, image.source)
            XCTAssertGreaterThan(image.pixelWidth ?? 0, 0, image.source)
            XCTAssertGreaterThan(image.pixelHeight ?? 0, 0, image.source)
        }
    }

    func testRealTypographyComesThrough() throws {
        let text = try issue.articles.map { $0.title + "\n" + $0.body.plainText }.joined(separator: "\n")
        for (mark, name) in [("“", "opening double quote"), ("”", "closing double quote"), ("’", "apostrophe"),
                             ("—", "em dash"), ("–", "en dash"), ("\u{00A0}", "non-breaking space"), ("…", "ellipsis")] {
            XCTAssertTrue(text.contains(mark), "no \(name) in the sample")
        }
        XCTAssertFalse(text.contains("\""), "a straight double quote was left")
        for name in ["Jean-Baptiste", "Muñoz", "Dufresne"] {
            XCTAssertTrue(text.contains(name), name)
        }
    }
}
