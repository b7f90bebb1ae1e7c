import Foundation
import XCTest

/// The `issue` command as a user runs it: the built binary, real folders, exit codes and output.
final class CommandLineTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary `swift build` made beside this test bundle.
    static let binary: URL = {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
            + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
            + [packageRoot.appendingPathComponent(".build/debug")]
        for folder in candidates {
            let url = folder.appendingPathComponent("issue")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/issue")
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ arguments: [String], in folder: URL = packageRoot) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a full pipe cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("issue-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A copy of the bundled sample's issues/ folder, to change freely.
    func copyOfSample() throws -> URL {
        let folder = try temporaryFolder()
        try FileManager.default.copyItem(at: Self.packageRoot.appendingPathComponent("issues"),
                                         to: folder.appendingPathComponent("issues"))
        return folder
    }

    func testCheckOnTheSampleIssueIsClean() throws {
        let result = try run(["check"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "", "the sample issue has no errors and no warnings")
        XCTAssertTrue(result.stdout.hasPrefix("issues/2026-12-03: 12 articles, "), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix(": 0 errors, 0 warnings\n"), result.stdout)
    }

    func testCheckOnBrokenArticlesPrintsOneLinePerProblemAndFails() throws {
        let result = try run(["check", "Tests/Fixtures/broken/issues/2026-12-03"])
        XCTAssertEqual(result.status, 1)
        let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("    hint:") }
        XCTAssertEqual(lines.count, 19, result.stderr)
        let prefix = "Tests/Fixtures/broken/issues/2026-12-03/articles/"
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix(prefix) }, result.stderr)
        XCTAssertTrue(lines.contains("\(prefix)04-wrong-type.md:3:11: error: 'priority' must be a whole number, not 'high'"))
        XCTAssertTrue(lines.contains("\(prefix)05-unknown-key.md:3:1: warning: unknown key 'colums' in the front matter; it is ignored"))
        XCTAssertTrue(result.stdout.hasSuffix(": 16 errors, 3 warnings\n"), result.stdout)
    }

    func testStrictTurnsWarningsIntoFailure() throws {
        let folder = try copyOfSample()
        let article = folder.appendingPathComponent("issues/2026-12-03/articles/99-extra.md")
        try Data("---\ntitle: Extra\nsubhead: oops\n---\nText.\n".utf8).write(to: article)
        XCTAssertEqual(try run(["check"], in: folder).status, 0)
        let strict = try run(["check", "--strict"], in: folder)
        XCTAssertEqual(strict.status, 1)
        XCTAssertTrue(strict.stderr.contains("issues/2026-12-03/articles/99-extra.md:3:1: warning: unknown key 'subhead'"), strict.stderr)
    }

    func testCheckFindsAStyleNamingAFontTheFolderLacks() throws {
        let folder = try copyOfSample()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("layouts"), withIntermediateDirectories: true)
        try "name: Own\ncolumns: 4\nstyles:\n  body: {font: Comic Sans, size: 9pt}\n"
            .write(to: folder.appendingPathComponent("layouts/tabloid.yaml"), atomically: true, encoding: .utf8)
        let result = try run(["check"], in: folder)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("layouts/tabloid.yaml:1:1: error: the body style names the font 'Comic Sans'"), result.stderr)
        XCTAssertEqual(try run(["build"], in: folder).status, 1, "the build refuses it too")
    }

    func testCheckWithoutAnIssueSaysWhatToDo() throws {
        let empty = try temporaryFolder()
        let result = try run(["check"], in: empty)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("no issue to work on"), result.stderr)
        let missing = try run(["check", "no/such/week"], in: empty)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.hasPrefix("no/such/week: error: no such folder"), missing.stderr)
    }

    func testCheckAcceptsTheIssuesFolderAndAnAbsolutePath() throws {
        let viaIssues = try run(["check", "issues"])
        XCTAssertEqual(viaIssues.status, 0, viaIssues.stderr)
        let absolute = Self.packageRoot.appendingPathComponent("issues/2026-12-03").path
        let viaPath = try run(["check", absolute], in: try temporaryFolder())
        XCTAssertEqual(viaPath.status, 0, viaPath.stderr)
        XCTAssertTrue(viaPath.stdout.hasPrefix(absolute + ": "), viaPath.stdout)
    }

    func testNewScaffoldsTheNextWeekThatChecksClean() throws {
        let folder = try copyOfSample()
        let made = try run(["new"], in: folder)
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertTrue(made.stdout.hasPrefix("created issue 413 of 2026-12-10 in issues/2026-12-10/"), made.stdout)
        let yaml = try String(contentsOf: folder.appendingPathComponent("issues/2026-12-10/issue.yaml"), encoding: .utf8)
        XCTAssertTrue(yaml.hasPrefix("number: 413\nvolume: 9\ndate: 2026-12-10\nlayout: tabloid\n"), yaml)
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("issues/2026-12-10/images").path,
                                                     isDirectory: &isDirectory) && isDirectory.boolValue)

        // The new week is now the newest: check finds it, and its template article is valid.
        let checked = try run(["check"], in: folder)
        XCTAssertEqual(checked.status, 0, checked.stderr)
        XCTAssertTrue(checked.stdout.hasPrefix("issues/2026-12-10: 1 article, "), checked.stdout)

        // A date given explicitly; one that exists, or is not after the newest, is refused.
        XCTAssertEqual(try run(["new", "2026-12-24"], in: folder).status, 0)
        let again = try run(["new", "2026-12-24"], in: folder)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("exists already"), again.stderr)
        let earlier = try run(["new", "2026-12-17", "--from", "issues/2026-12-24"], in: folder)
        XCTAssertEqual(earlier.status, 1)
        XCTAssertTrue(earlier.stderr.contains("is not after"), earlier.stderr)
        let notADate = try run(["new", "Friday"], in: folder)
        XCTAssertNotEqual(notADate.status, 0)
        XCTAssertTrue(notADate.stderr.contains("'Friday' is not a date"), notADate.stderr)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("issues").path)
        XCTAssertFalse(leftovers.contains { $0.hasPrefix(".new-") }, "\(leftovers)")
    }

    func testBuildWritesThePDFPreviewsAndReportAndIsRepeatable() throws {
        let folder = try copyOfSample()
        let result = try run(["build", "--png", "previews", "--resolution", "20", "--report", "fit.json"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "", "the sample builds without warnings")
        XCTAssertTrue(result.stdout.hasPrefix("wrote build/2026-12-03.pdf: "), result.stdout)
        XCTAssertTrue(result.stdout.contains(" 12 stories, "), result.stdout)
        XCTAssertTrue(result.stdout.contains("\n  page  1 "), result.stdout)
        let pdf = folder.appendingPathComponent("build/2026-12-03.pdf")
        let first = try Data(contentsOf: pdf)
        XCTAssertTrue(first.starts(with: Array("%PDF-1.5".utf8)))
        let previews = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("previews").path)
        XCTAssertTrue(previews.contains("2026-12-03-1.png"), "\(previews)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("fit.json"))) as? [String: Any]
        let pages = try XCTUnwrap(report?["pages"] as? [[String: Any]])
        let stories = try XCTUnwrap(report?["stories"] as? [[String: Any]])
        XCTAssertEqual(pages.count, previews.count)
        XCTAssertEqual(stories.count, 12)
        XCTAssertEqual(report?["layout"] as? String, "Tabloid")
        XCTAssertNotNil(stories.first?["looseLines"] as? Int)
        // The same input, the same bytes.
        XCTAssertEqual(try run(["build"], in: folder).status, 0)
        XCTAssertEqual(try Data(contentsOf: pdf), first)
        // Another layout and another output.
        let letter = try run(["build", "--layout", "letter", "-o", "letter.pdf"], in: folder)
        XCTAssertEqual(letter.status, 0, letter.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("letter.pdf").path))
    }

    func testBuildRefusesAnIssueWithErrorsAndWritesNothing() throws {
        let result = try run(["build", "Tests/Fixtures/broken/issues/2026-12-03", "-o", "/tmp/never-written.pdf"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("04-wrong-type.md:3:11: error: 'priority' must be a whole number"), result.stderr)
        XCTAssertTrue(result.stderr.hasSuffix("16 errors; no PDF written\n"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/never-written.pdf"))
        let badLayout = try run(["build", "--layout", "broadsheet"])
        XCTAssertEqual(badLayout.status, 1)
        XCTAssertTrue(badLayout.stderr.contains("no layout 'broadsheet'"), badLayout.stderr)
    }

    func testEmailWritesTheListCopyPersonalCopiesAndTheArchivePage() throws {
        let folder = try copyOfSample()
        let made = try run(["email"], in: folder)
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertTrue(made.stdout.hasPrefix("wrote build/2026-12-03.eml ("), made.stdout)
        XCTAssertTrue(made.stdout.contains("of Gmail's 102 KB"), made.stdout)
        let eml = try Data(contentsOf: folder.appendingPathComponent("build/2026-12-03.eml"))
        XCTAssertTrue(String(decoding: eml.prefix(200), as: UTF8.self).hasPrefix("Date: "))

        try "email,name,token\r\nana@example.org,Ana Ruiz,t1\r\nben@example.org,,t2\r\n"
            .write(to: folder.appendingPathComponent("list.csv"), atomically: true, encoding: .utf8)
        let personal = try run(["email", "--recipients", "list.csv", "--dir", "out", "--mbox", "all.mbox", "--html", "web.html"], in: folder)
        XCTAssertEqual(personal.status, 0, personal.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).sorted()
        XCTAssertEqual(files, ["000001-ana_example.org.eml", "000002-ben_example.org.eml"])
        let mbox = try String(contentsOf: folder.appendingPathComponent("all.mbox"), encoding: .utf8)
        XCTAssertEqual(mbox.components(separatedBy: "\nFrom issue ").count + (mbox.hasPrefix("From issue ") ? 0 : -1), 2)
        let web = try String(contentsOf: folder.appendingPathComponent("web.html"), encoding: .utf8)
        XCTAssertTrue(web.contains("src=\"images/river-road.jpg\""), "the archive page links its pictures")

        let bad = try run(["email", "--recipients", "list.csv"], in: folder)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--recipients needs --dir or --mbox"), bad.stderr)
    }

    /// Inputs no sample has: an empty story, a 20-column table, 500-character code lines, a
    /// 300-word headline, lists and quotes 12 deep, Arabic, Hebrew, Chinese and emoji, words
    /// wider than any column, a picture 50 times taller than wide, 2,000 one-word paragraphs.
    /// Nothing crashes, nothing is left out, the PDF is valid.
    func testAHostileIssueBuildsWithoutCrashingOrLosingAnything() throws {
        let folder = try temporaryFolder()
        let week = folder.appendingPathComponent("issues/2026-12-03")
        try FileManager.default.createDirectory(at: week.appendingPathComponent("articles"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: week.appendingPathComponent("images"), withIntermediateDirectories: true)
        try "name: Hostile Weekly\nlanguage: en\n".write(to: folder.appendingPathComponent("issues/publication.yaml"), atomically: true, encoding: .utf8)
        try "number: 1\ndate: 2026-12-03\nlayout: letter\n".write(to: week.appendingPathComponent("issue.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: Self.packageRoot.appendingPathComponent("Tests/Fixtures/images/tall.png"),
                                         to: week.appendingPathComponent("images/tall.png"))
        let columns = 20
        var table = "| " + (0..<columns).map { "Column \($0) header" }.joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: columns) + "\n"
        for r in 0..<40 { table += "| " + (0..<columns).map { "cell \(r).\($0) with words" }.joined(separator: " | ") + " |\n" }
        let articles: [String: String] = [
            "01-empty.md": "---\ntitle: Only a title\n---\n",
            "02-table.md": "---\ntitle: A huge table\n---\n" + table,
            "03-code.md": "---\ntitle: Code\n---\n```\n" + String(repeating: String(repeating: "x", count: 500) + "\n", count: 30) + "```\n",
            "04-title.md": "---\ntitle: " + Array(repeating: "Longwordedness", count: 300).joined(separator: " ") + "\n---\nBody.\n",
            "05-nest.md": "---\ntitle: Nesting\n---\n" + (0..<12).map { String(repeating: "  ", count: $0) + "- level \($0)\n" }.joined()
                + "\n" + String(repeating: "> ", count: 12) + "deep quote\n",
            "06-scripts.md": "---\ntitle: Scripts\nlang: ar\n---\nمرحبا بالعالم. שלום עולם. 你好世界。 😀🎉 Ελληνικά кириллица.\n",
            "07-words.md": "---\ntitle: Long words\n---\n" + Array(repeating: String(repeating: "Pneumonoultramicroscopicsilicovolcanoconiosis", count: 3), count: 40).joined(separator: " ") + "\n",
            "08-tall.md": "---\ntitle: Tall picture\nimage: images/tall.png\ncaption: A very tall picture\n---\n![tall](images/tall.png)\n\nText after.\n",
            "09-many.md": "---\ntitle: Many short paragraphs\n---\n" + (0..<2000).map { "P\($0)." }.joined(separator: "\n\n") + "\n",
        ]
        for (name, text) in articles { try text.write(to: week.appendingPathComponent("articles/\(name)"), atomically: true, encoding: .utf8) }
        let checked = try run(["check"], in: folder)
        XCTAssertEqual(checked.status, 0, checked.stderr)
        XCTAssertTrue(checked.stderr.contains("06-scripts.md:5:1: warning: no bundled font has '你' (U+4F60)"), checked.stderr)
        let built = try run(["build", "-o", "hostile.pdf"], in: folder)
        XCTAssertEqual(built.status, 0, built.stderr)
        XCTAssertFalse(built.stderr.contains("left out"), built.stderr)
        XCTAssertTrue(built.stderr.contains("06-scripts.md:1:1: warning: no bundled font has '你'"), built.stderr)
        let pdf = folder.appendingPathComponent("hostile.pdf")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/qpdf")
        check.arguments = ["--check", pdf.path]
        check.standardOutput = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0)
        // No From address: the email is refused with a reason, not a crash.
        let mail = try run(["email"], in: folder)
        XCTAssertEqual(mail.status, 1)
        XCTAssertTrue(mail.stderr.contains("gives no email 'from'"), mail.stderr)
    }

    func testHelpDocumentsTheCommands() throws {
        let help = try run(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("check"))
        XCTAssertTrue(help.stdout.contains("new"))
        XCTAssertTrue(help.stdout.contains("build"))
        let checkHelp = try run(["check", "--help"])
        XCTAssertTrue(checkHelp.stdout.contains("--strict"))
    }
}
