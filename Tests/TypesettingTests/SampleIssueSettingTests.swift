import Foundation
import IssueAssembly
import IssueModel
import Typesetting
import XCTest

/// The sample issue's body text set in the tabloid's justified 134 pt columns, 9.5/11.5 pt,
/// by total fit and by first fit, side by side.
final class SampleIssueSettingTests: XCTestCase {
    /// Every paragraph of running text in the sample: paragraphs, list items and quotes.
    static func paragraphs() throws -> [(runs: [TextRun], language: String)] {
        let week = Bundled.packageRoot.appendingPathComponent("issues/2026-12-03").path
        let assembly = IssueAssembler.assemble(weekFolder: week)
        let issue = try XCTUnwrap(assembly.issue)
        let faces = InlineFaces()
        var out: [(runs: [TextRun], language: String)] = []
        func visit(_ block: Block, _ language: String) {
            switch block.kind {
            case .paragraph(let inlines):
                let runs = faces.runs(for: inlines, base: Bundled.body)
                if !runs.isEmpty { out.append((runs, language)) }
            case .blockQuote(let blocks), .footnoteDefinition(_, _, let blocks): blocks.forEach { visit($0, language) }
            case .list(let list): list.items.forEach { $0.blocks.forEach { visit($0, language) } }
            default: break
            }
        }
        for article in issue.articles { article.body.forEach { visit($0, article.language) } }
        return out
    }

    func testTotalFitLeavesFewerLooseLinesThanFirstFit() throws {
        let typesetter = try Bundled.typesetter()
        let paragraphs = try Self.paragraphs()
        XCTAssertGreaterThan(paragraphs.count, 200)
        var stats: [ParagraphFormat.Algorithm: LineStatistics] = [:]
        for algorithm in [ParagraphFormat.Algorithm.totalFit, .firstFit] {
            var s = LineStatistics()
            for p in paragraphs {
                let set = try typesetter.set(p.runs, language: p.language, measure: Bundled.column,
                                             format: ParagraphFormat(algorithm: algorithm))
                s.add(set.lines)
                for line in set.lines {
                    XCTAssertLessThanOrEqual(line.width, Bundled.column + 0.01, line.text)
                }
            }
            stats[algorithm] = s
        }
        let total = try XCTUnwrap(stats[.totalFit]), first = try XCTUnwrap(stats[.firstFit])
        print("sample issue, 134 pt, 9.5/11.5 PT Serif\n  total fit: \(total)\n  first fit: \(first)")
        XCTAssertLessThan(total.over150, first.over150)
        XCTAssertEqual(total.overfull, 0)
        XCTAssertLessThanOrEqual(total.longestHyphenRun, 2)
    }
}
