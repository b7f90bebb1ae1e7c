import ArgumentParser
import XCTest

@testable import issue

/// `BuildCommand.plain` reads plain `issue build` lines without ArgumentParser: each line it
/// reads must come out exactly as ArgumentParser reads it, and every other line must be left
/// to ArgumentParser (which reads it or says what is wrong with it).
final class BuildCommandLineTests: XCTestCase {
    /// Every option of a build command, as text.
    private func options(_ command: BuildCommand) -> [String] {
        [String(describing: command.issue), String(describing: command.output), String(describing: command.layout),
         String(describing: command.pngFolder), String(describing: command.resolution), String(describing: command.report),
         String(describing: command.press), String(describing: command.impose), command.sheet,
         String(describing: command.grayscale), String(describing: command.timings)]
    }

    func testPlainLinesAreReadAsArgumentParserReadsThem() throws {
        let lines: [[String]] = [
            ["build"],
            ["build", "issues/2026-12-03"],
            ["build", "issues/2026-12-03", "-o", "out.pdf"],
            ["build", "-o", "out.pdf", "issues/2026-12-03"],
            ["build", "--output", "build/a b.pdf", "--timings"],
            ["build", "--layout", "letter", "--grayscale", "--report", "fit.json"],
            ["build", "2026-12-03", "--png", "previews", "--resolution", "72.5"],
            ["build", "--resolution", "1200", "--png", "p"],
            ["build", "--press", "--layout", "a4", "--timings", "--grayscale"],
            ["build", "--impose", "booklet", "--sheet", "A3"],
            ["build", "--impose", "2up", "--sheet", "tabloid", "-o", "sheets.pdf", "week"],
            ["build", "--sheet", "a4"],
            ["build", "issues/été", "--layout", "my_layout-2"],
        ]
        for line in lines {
            let plain = try XCTUnwrap(BuildCommand.plain(line), "\(line)")
            let parsed = try XCTUnwrap(IssueCommand.parseAsRoot(line) as? BuildCommand, "\(line)")
            XCTAssertEqual(options(plain), options(parsed), "\(line)")
        }
    }

    func testEveryOtherLineIsLeftToArgumentParser() {
        let lines: [[String]] = [
            [], ["check"], ["email", "week"], ["Build"],
            ["build", "--help"], ["build", "-h"], ["build", "help"], ["build", "--version"],
            ["build", "--bogus"], ["build", "-x"], ["build", "-"], ["build", "--"], ["build", "--", "week"],
            ["build", "-o"], ["build", "-o", "--press"], ["build", "-o", "-out.pdf"], ["build", "-o", ""],
            ["build", "--output=out.pdf"], ["build", "-oout.pdf"],
            ["build", "--press", "--press"], ["build", "-o", "a.pdf", "--output", "b.pdf"],
            ["build", "week", "other-week"], ["build", ""],
            ["build", "--resolution", "5"], ["build", "--resolution", "abc"], ["build", "--resolution", "-72"],
            ["build", "--impose", "folded"], ["build", "--press", "--impose", "booklet"],
            ["build", "--sheet", "a5"], ["build", "--layout", "bad/name"],
        ]
        for line in lines {
            XCTAssertNil(BuildCommand.plain(line), "\(line)")
        }
    }

    /// An option added to `BuildCommand` and not to `plain` would be left in ArgumentParser's
    /// definition state, and reading it would stop the program: every one must be set.
    func testThePlainReadingSetsEveryOption() throws {
        let command = try XCTUnwrap(BuildCommand.plain(["build"]))
        let children = Mirror(reflecting: command).children
        XCTAssertEqual(children.count, options(command).count)
        for child in children {
            XCTAssertFalse(String(describing: child.value).contains("*definition*"), child.label ?? "?")
        }
    }
}
