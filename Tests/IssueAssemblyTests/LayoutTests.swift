import Foundation
import IssueAssembly
import IssueModel
import XCTest

final class LayoutTests: XCTestCase {
    let folder = FixturePaths.packageRoot.appendingPathComponent("layouts").path

    func testTheBundledLayoutsReadCleanWithTheirGrids() throws {
        let tabloid = LayoutReader.read(name: "tabloid", folders: [folder], workingFolder: FixturePaths.packageRoot.path)
        XCTAssertEqual(tabloid.diagnostics, [])
        let t = try XCTUnwrap(tabloid.layout)
        XCTAssertEqual(t.pageWidth, 792)
        XCTAssertEqual(t.pageHeight, 1224)
        XCTAssertEqual(t.columns, 5)
        XCTAssertEqual(t.columnWidth, 134.4, accuracy: 0.001)
        XCTAssertEqual(t.style(.body).size, 9.5)
        XCTAssertEqual(t.style(.body).leading, 11.5)
        XCTAssertEqual(t.style(.headline).size(spanning: 3), 34)
        XCTAssertEqual(t.style(.headline).size(spanning: 12), 48)
        XCTAssertEqual(t.email.accent, "#8a1c1c")
        XCTAssertEqual(t.email.width, 600)
        let letter = try XCTUnwrap(LayoutReader.read(name: "letter", folders: [folder]).layout)
        XCTAssertEqual(letter.columns, 3)
        XCTAssertEqual(letter.margins.inside, 43.2, accuracy: 0.001)
        XCTAssertEqual(letter.style(.body).leading, 12.5)
        let a4 = try XCTUnwrap(LayoutReader.read(name: "a4", folders: [folder]).layout)
        XCTAssertEqual(a4.pageWidth, 595.276, accuracy: 0.01)
        XCTAssertEqual(a4.columns, 3)
    }

    func testABadValueIsADiagnosticAtItsLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("layouts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        name: Broken
        page:
          width: 11 parsecs
          margins: 0.5in
        columns: 40
        gutter: 12pt
        baseline: 11.5pt
        styles:
          body: {font: PT Serif, size: 9.5pt, align: sideways}
          sidebar: {font: PT Sans}
        colour: red
        email:
          accent: red
          sans: "Arial; } body { display: none"
          width: 2000
        """.write(to: dir.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let read = LayoutReader.read(name: "broken", folders: [dir.path], workingFolder: dir.path)
        XCTAssertNil(read.layout)
        let found = read.diagnostics.sortedForPrinting().map { "\($0.location!.line):\($0.location!.column) \($0.severity): \($0.message)" }
        XCTAssertEqual(found, [
            "3:10 error: 'width' must be a length like 12pt, 0.5in, 10mm or 1pc, not '11 parsecs'",
            "5:10 error: 'columns' must be from 1 to 12, not 40",
            "9:46 error: 'align' must be one of justify, left, center, right, not 'sideways'",
            "10:3 warning: unknown style 'sidebar'; it is ignored",
            "11:1 warning: unknown key 'colour' in the layout; it is ignored",
            "13:11 error: 'accent' must be a colour like #1a1a1a, not 'red'",
            "14:9 error: 'sans' must be a list of fonts like Georgia, serif",
            "15:10 error: 'width' must be from 480 to 800, not 2000",
        ])
        let missing = LayoutReader.read(name: "nowhere", folders: [dir.path])
        XCTAssertEqual(missing.diagnostics.first?.message.hasPrefix("no layout 'nowhere'"), true)
    }

    func testAnIssueNamingAMissingLayoutGetsAnErrorAtItsLayoutLine() throws {
        let scratch = try ScratchIssue(issueYAML: "number: 7\ndate: 2026-12-03\nlayout: broadsheet\n")
        defer { scratch.remove() }
        let found = IssueAssembler.assemble(weekFolder: scratch.week.path, workingFolder: scratch.root.path).diagnostics
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.location?.line, 3)
        XCTAssertTrue(found.first?.message.hasPrefix("no layout 'broadsheet'") == true, "\(found)")
        XCTAssertTrue(found.first?.hint?.contains("a4, letter, tabloid") == true, "\(found)")
    }
}
