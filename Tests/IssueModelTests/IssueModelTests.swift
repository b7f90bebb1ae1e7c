import IssueModel
import XCTest

final class IssueDateTests: XCTestCase {
    func testParsesOnlyRealCalendarDates() {
        XCTAssertEqual(IssueDate(iso: "2026-12-03")?.description, "2026-12-03")
        XCTAssertNotNil(IssueDate(iso: "2028-02-29"))
        XCTAssertNil(IssueDate(iso: "2026-02-29"), "2026 is not a leap year")
        XCTAssertNil(IssueDate(iso: "1900-02-29"), "centuries are leap years only every 400")
        XCTAssertNotNil(IssueDate(iso: "2000-02-29"))
        for bad in ["2026-13-01", "2026-00-10", "2026-12-32", "26-12-03", "2026/12/03", "2026-1-3", "next week", "", "２０２６-12-03"] {
            XCTAssertNil(IssueDate(iso: bad), bad)
        }
    }

    func testAddingDaysCrossesMonthsYearsAndLeapDays() {
        let d = IssueDate(iso: "2026-12-31")!
        XCTAssertEqual(d.adding(days: 1).description, "2027-01-01")
        XCTAssertEqual(IssueDate(iso: "2028-02-26")!.adding(days: 7).description, "2028-03-04")
        XCTAssertEqual(IssueDate(iso: "2026-03-01")!.adding(days: -1).description, "2026-02-28")
        XCTAssertEqual(d.adding(days: 0), d)
    }

    func testWeekdays() {
        XCTAssertEqual(IssueDate(iso: "2026-12-03")!.isoWeekday, 4, "a Thursday")
        XCTAssertEqual(IssueDate(iso: "2026-11-29")!.isoWeekday, 7, "a Sunday")
        XCTAssertEqual(IssueDate(iso: "2000-01-01")!.isoWeekday, 6, "a Saturday")
    }
}

final class DiagnosticTests: XCTestCase {
    func testPrintsLikeACompiler() {
        let d = Diagnostic.error("front matter has no 'title'", at: SourceLocation(file: "a/b.md", line: 4, column: 2), hint: "add one")
        XCTAssertEqual(d.description, "a/b.md:4:2: error: front matter has no 'title'\n    hint: add one")
        XCTAssertEqual(Diagnostic.warning("w", at: nil).description, "warning: w")
    }

    func testSortsByFileThenPositionKeepingUnplacedFirst() {
        let ds: [Diagnostic] = [
            .warning("b2", at: SourceLocation(file: "b", line: 2)),
            .error("a9", at: SourceLocation(file: "a", line: 9)),
            .error("none", at: nil),
            .warning("a10", at: SourceLocation(file: "a", line: 10)),
        ]
        XCTAssertEqual(ds.sortedForPrinting().map(\.message), ["none", "a9", "a10", "b2"])
        XCTAssertEqual(ds.errorCount, 2)
        XCTAssertEqual(ds.warningCount, 2)
    }
}

final class TextTests: XCTestCase {
    func testWordsNeedALetterOrDigit() {
        XCTAssertEqual(Text.wordCount(of: "Jésula Pierre-Louis — said “yes” … 3 times"), 6)
        XCTAssertEqual(Text.wordCount(of: "10\u{00A0}a.m. on Route\u{00A0}9"), 5)
        XCTAssertEqual(Text.wordCount(of: "  — • …  "), 0)
    }

    func testPlainTextOfInlinesReadsLikeTheReaderSeesIt() {
        let inlines: [Inline] = [.dateline("MILLBROOK"), .text(" — A "), .emphasis([.text("big")]), .softBreak,
                                 .link(url: "https://x.org", title: "", content: [.text("day")]), .footnoteReference(label: "n", number: 1)]
        XCTAssertEqual(inlines.plainText, "MILLBROOK — A big day1")
    }

    func testTemplatesFillKnownPlaceholdersOnly() {
        XCTAssertEqual(Publication.fill(template: "https://x.org/u?t={{token}}&e={{ email }}&z={{zip}}",
                                        with: ["token": "abc", "email": "a@b.org"]),
                       "https://x.org/u?t=abc&e=a@b.org&z={{zip}}")
        XCTAssertEqual(Publication.fill(template: "open {{token", with: ["token": "x"]), "open {{token")
    }
}
