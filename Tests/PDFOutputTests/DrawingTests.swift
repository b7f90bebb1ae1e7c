import IssueAssembly
import IssueModel
@testable import PageMakeup
import XCTest

/// Drawing the planned pages, apart from the search.
final class DrawingTests: XCTestCase {
    /// A head the planner has not kept (one the other level's planner measured while the two
    /// threads shared a search) is set again as the page is drawn, through the composer the
    /// planner's own measures use: the pages come out the same, and the two uses of that
    /// composer never overlap (they did once: a fatal access conflict, now and then, on the
    /// large benchmark issue).
    func testPagesDrawnWithoutTheSearchsHeadsAreTheSame() throws {
        let root = PageMakeupTests.root
        let issue = try XCTUnwrap(IssueAssembler.assemble(weekFolder: root.appendingPathComponent("issues/2026-12-03").path).issue)
        var planner = PagePlanner(layout: issue.pageLayout!, typesetter: try PageMakeupTests.typesetter())
        let kept = try planner.makeUp(issue)
        planner.drawsWithoutMeasuredHeads = true
        let redrawn = try planner.makeUp(issue)
        XCTAssertTrue(kept.report.pages.contains { $0.jumps > 0 }, "the sample has jumps, and so continuation heads")
        XCTAssertEqual(kept.document.pages.map(\.items.count), redrawn.document.pages.map(\.items.count))
        XCTAssertEqual(String(describing: kept.document.pages), String(describing: redrawn.document.pages), "the pages differ")
        XCTAssertEqual(kept.report.cost, redrawn.report.cost)
    }
}
