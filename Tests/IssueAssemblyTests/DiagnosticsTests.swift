import Foundation
import IssueAssembly
import IssueModel
import XCTest

/// One broken input per diagnostic, each checked for its file, line, column and message.
final class DiagnosticsTests: XCTestCase {
    private struct Expected {
        var severity: Diagnostic.Severity
        var line: Int
        var column: Int
        var message: String
    }

    /// Tests/Fixtures/broken: every article has exactly one problem.
    func testEachBrokenArticleGetsOnePreciseDiagnostic() throws {
        let week = FixturePaths.fixture("broken/issues/2026-12-03")
        let assembly = IssueAssembler.assemble(weekFolder: week.path, workingFolder: week.path,
                                               layoutFolders: [FixturePaths.packageRoot.appendingPathComponent("layouts").path])
        let expected: [String: Expected] = [
            "01-yaml-syntax.md": Expected(severity: .error, line: 3, column: 24, message: "invalid YAML: found unexpected end of stream"),
            "02-no-title.md": Expected(severity: .error, line: 1, column: 1, message: "front matter has no 'title'"),
            "03-empty-title.md": Expected(severity: .error, line: 2, column: 8, message: "the article's 'title' is empty"),
            "04-wrong-type.md": Expected(severity: .error, line: 3, column: 11, message: "'priority' must be a whole number, not 'high'"),
            "05-unknown-key.md": Expected(severity: .warning, line: 3, column: 1, message: "unknown key 'colums'"),
            "06-invalid-utf8.md": Expected(severity: .error, line: 4, column: 4, message: "invalid UTF-8 at byte offset 28 (byte 0xE9)"),
            "07-missing-image.md": Expected(severity: .error, line: 3, column: 8, message: "the image 'images/nope.jpg' does not exist"),
            "08-image-outside.md": Expected(severity: .error, line: 3, column: 8, message: "is outside the issue folder"),
            "09-body-image-missing.md": Expected(severity: .error, line: 6, column: 1, message: "the image 'images/gone.png' does not exist"),
            "10-empty-body.md": Expected(severity: .warning, line: 4, column: 1, message: "the article has no body text"),
            "11-unclosed-front-matter.md": Expected(severity: .error, line: 1, column: 1, message: "never closed"),
            "12-no-front-matter.md": Expected(severity: .error, line: 1, column: 1, message: "the article has no front matter"),
            "13-not-an-image.md": Expected(severity: .error, line: 3, column: 8, message: "is not a JPEG or PNG file"),
            "14-link-outside.md": Expected(severity: .error, line: 4, column: 5, message: "a path outside the issue folder"),
            "15-raw-html.md": Expected(severity: .warning, line: 4, column: 11, message: "raw HTML is not allowed: '<b>', '</b>' dropped"),
            "16-bad-lang.md": Expected(severity: .error, line: 3, column: 7, message: "'lang' must be a language code"),
            "17-duplicate-key.md": Expected(severity: .error, line: 2, column: 1, message: "duplicate key 'title'"),
            "18-out-of-range.md": Expected(severity: .error, line: 3, column: 7, message: "'page' must be from 1 to 999, not 0"),
            "notes.docx": Expected(severity: .error, line: 1, column: 1, message: "'notes.docx' is not a Markdown file"),
        ]
        let byFile = Dictionary(grouping: assembly.diagnostics) { ($0.location?.file ?? "") }
        XCTAssertEqual(Set(byFile.keys), Set(expected.keys.map { "articles/\($0)" }), "\(assembly.diagnostics)")
        for (name, want) in expected.sorted(by: { $0.key < $1.key }) {
            let found = byFile["articles/\(name)"] ?? []
            XCTAssertEqual(found.count, 1, "\(name): \(found)")
            guard let d = found.first else { continue }
            XCTAssertEqual(d.severity, want.severity, name)
            XCTAssertEqual(d.location?.line, want.line, "\(name): \(d)")
            XCTAssertEqual(d.location?.column, want.column, "\(name): \(d)")
            XCTAssertTrue(d.message.contains(want.message), "\(name): \(d.message)")
        }
        XCTAssertTrue(assembly.hasErrors)
    }

    private func diagnostics(_ scratch: ScratchIssue) -> [Diagnostic] {
        IssueAssembler.assemble(weekFolder: scratch.week.path, workingFolder: scratch.root.path).diagnostics
    }

    func testDateThatIsNotADate() throws {
        let scratch = try ScratchIssue(issueYAML: "number: 7\ndate: 2026-02-30\nlayout: tabloid\n")
        defer { scratch.remove() }
        let found = diagnostics(scratch)
        XCTAssertEqual(found.map(\.description), [
            "issues/2026-12-03/issue.yaml:2:7: error: 'date' is not a date: '2026-02-30'\n    hint: write the date as YYYY-MM-DD, for example 2026-12-03",
        ])
    }

    func testIssueFolderWithNoArticles() throws {
        let scratch = try ScratchIssue(articles: [:])
        defer { scratch.remove() }
        let found = diagnostics(scratch)
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.location?.file, "issues/2026-12-03/articles")
        XCTAssertEqual(found.first?.message, "the issue has no articles")
    }

    func testMissingIssueYAMLAndPublication() throws {
        let scratch = try ScratchIssue()
        defer { scratch.remove() }
        try FileManager.default.removeItem(at: scratch.week.appendingPathComponent("issue.yaml"))
        try FileManager.default.removeItem(at: scratch.issues.appendingPathComponent("publication.yaml"))
        let assembly = IssueAssembler.assemble(weekFolder: scratch.week.path, workingFolder: scratch.root.path)
        XCTAssertNil(assembly.issue)
        XCTAssertEqual(assembly.diagnostics.map { $0.location?.file }, ["issues/publication.yaml", "issues/2026-12-03/issue.yaml"])
        XCTAssertEqual(assembly.articles.count, 1, "articles are still checked")
    }

    /// publication.yaml is read beside the articles, not before them: an article without 'lang'
    /// still takes the publication's language, and one with its own keeps it.
    func testAnArticleWithoutLangTakesThePublicationsLanguage() throws {
        let scratch = try ScratchIssue(articles: ["01-a.md": "---\ntitle: Una\n---\nTexto.\n",
                                                  "02-b.md": "---\ntitle: Two\nlang: en-GB\n---\nText.\n"],
                                       publication: "name: Semanario\nlanguage: es\n")
        defer { scratch.remove() }
        let assembly = IssueAssembler.assemble(weekFolder: scratch.week.path, workingFolder: scratch.root.path)
        XCTAssertEqual(assembly.diagnostics.map(\.description), [])
        XCTAssertEqual(assembly.issue?.articles.map(\.language), ["es", "en-GB"])
        // Without a usable publication.yaml the articles are still read, in English.
        try FileManager.default.removeItem(at: scratch.issues.appendingPathComponent("publication.yaml"))
        XCTAssertEqual(IssueAssembler.assemble(weekFolder: scratch.week.path, workingFolder: scratch.root.path).articles.map(\.language),
                       ["en", "en-GB"])
    }

    func testPublicationErrorsPointAtTheirValues() throws {
        let scratch = try ScratchIssue(publication: """
            name: Weekly
            language: en
            email:
              from: not an address
              list_id: "Weekly <weekly.example.org>"
              unsubscribe_url: "http://example.org/u?t={{tokn}}"
            archive_url: ftp://example.org/
            """)
        defer { scratch.remove() }
        let found = diagnostics(scratch).sortedForPrinting().map { "\($0.location!.line):\($0.location!.column) \($0.severity): \($0.message)" }
        XCTAssertEqual(found, [
            "4:9 error: 'from' must be an address like 'The Ledger <news@example.org>', not 'not an address'",
            "6:20 warning: 'unsubscribe_url' holds the unknown placeholder {{tokn}}; it is left as written",
            "6:20 warning: 'unsubscribe_url' should be https: one-click unsubscribe (RFC 8058) requires it",
            "7:14 error: 'archive_url' must be a web address starting with https://, not 'ftp://example.org/'",
        ])
    }

    func testOrderNamingAMissingArticle() throws {
        let scratch = try ScratchIssue(issueYAML: "number: 7\ndate: 2026-12-03\nlayout: tabloid\norder:\n  - 01-story\n  - 02-ghost\n")
        defer { scratch.remove() }
        let found = diagnostics(scratch)
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.location?.line, 6)
        XCTAssertEqual(found.first?.location?.column, 5)
        XCTAssertTrue(found.first?.message.contains("'02-ghost', which is not an article") == true)
    }

    func testSymbolicLinkLeavingTheFolderIsAnError() throws {
        let scratch = try ScratchIssue(articles: ["01-story.md": "---\ntitle: Linked\nimage: images/escape.png\n---\nText.\n"])
        defer { scratch.remove() }
        try scratch.write("outside.png", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        try FileManager.default.createSymbolicLink(atPath: scratch.week.appendingPathComponent("images/escape.png").path,
                                                   withDestinationPath: scratch.root.appendingPathComponent("outside.png").path)
        let found = diagnostics(scratch)
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found.first?.message.contains("outside the issue folder") == true, "\(found)")
    }

    func testArticlesLinkedFromOutsideOrNotRegularFilesAreRefused() throws {
        let scratch = try ScratchIssue()
        defer { scratch.remove() }
        try scratch.write("elsewhere.md", "---\ntitle: Secret\n---\nText.\n")
        try FileManager.default.createSymbolicLink(atPath: scratch.week.appendingPathComponent("articles/02-linked.md").path,
                                                   withDestinationPath: scratch.root.appendingPathComponent("elsewhere.md").path)
        XCTAssertEqual(mkfifo(scratch.week.appendingPathComponent("articles/03-pipe.md").path, 0o644), 0)
        let found = diagnostics(scratch).sortedForPrinting()
        XCTAssertEqual(found.map(\.message), ["'02-linked.md' is a link to a file outside the issue folder",
                                              "'03-pipe.md' is not a regular file"])
    }

    /// Paths through linked folders are followed where they lead: a picture in a linked folder
    /// inside the issue is found, a missing one there is reported missing (shown where it would
    /// be), `..` after a link is taken from the link's target (`gallery/../real` is the
    /// target's sibling, as the system opens it), and a link in articles/ to a folder is a folder.
    func testPathsThroughLinkedFoldersAreResolvedWhereTheLinksLead() throws {
        let scratch = try ScratchIssue(articles: [
            "01-found.md": "---\ntitle: Found\nimage: images/gallery/pic.png\n---\nText.\n",
            "02-missing.md": "---\ntitle: Missing\nimage: images/gallery/none.png\n---\nText.\n",
            "03-dotdot.md": "---\ntitle: Up\nimage: images/gallery/../real/pic.png\n---\nText.\n",
        ])
        defer { scratch.remove() }
        try scratch.write("issues/2026-12-03/pictures/real/pic.png", try Data(contentsOf: FixturePaths.fixture("images/tall.png")))
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: scratch.week.appendingPathComponent("images/gallery").path,
                                  withDestinationPath: scratch.week.appendingPathComponent("pictures/real").path)
        try fm.createSymbolicLink(atPath: scratch.week.appendingPathComponent("articles/more").path,
                                  withDestinationPath: scratch.week.appendingPathComponent("pictures").path)
        let found = diagnostics(scratch).sortedForPrinting()
        XCTAssertEqual(found.map(\.message), [
            "the image 'images/gallery/none.png' does not exist (issues/2026-12-03/pictures/real/none.png)",
            "'more' is a folder inside articles/; it is ignored",
        ], "\(found)")
    }

    func testAnArticleOverFourMegabytesIsRefusedEvenThroughALinkInsideTheFolder() throws {
        let scratch = try ScratchIssue()
        defer { scratch.remove() }
        let huge = "---\ntitle: Long\n---\n" + String(repeating: "Word after word after word. ", count: 160_000)
        try scratch.write("issues/2026-12-03/articles/05-long.md", huge)
        // A link inside the folder to the same file is measured by what it points to.
        try scratch.write("issues/2026-12-03/long-original.md", huge)
        try FileManager.default.createSymbolicLink(atPath: scratch.week.appendingPathComponent("articles/06-linked.md").path,
                                                   withDestinationPath: scratch.week.appendingPathComponent("long-original.md").path)
        let found = diagnostics(scratch).sortedForPrinting()
        let kilobytes = huge.utf8.count / 1024
        XCTAssertEqual(found.map(\.message), ["the article is \(kilobytes) KB, over the 4 MB an article may have",
                                              "the article is \(kilobytes) KB, over the 4 MB an article may have"])
        XCTAssertEqual(found.compactMap { $0.location?.file }.map { ($0 as NSString).lastPathComponent }, ["05-long.md", "06-linked.md"])
    }

    func testAPictureOverAHundredMegapixelsIsRefusedAtItsLine() throws {
        let scratch = try ScratchIssue(articles: ["01-story.md": "---\ntitle: Huge\nimage: images/huge.jpg\n---\nText.\n"])
        defer { scratch.remove() }
        try scratch.write("issues/2026-12-03/images/huge.jpg",
                          try Data(contentsOf: FixturePaths.fixture("images/huge.jpg")))
        let found = diagnostics(scratch)
        XCTAssertEqual(found.map(\.message), ["the image 'images/huge.jpg' is 20000×20000 pixels, over the 100 megapixels a picture may have"])
        XCTAssertEqual(found.first?.location?.line, 3)
    }

    func testControlCharactersInAFieldAreRefused() throws {
        let scratch = try ScratchIssue(issueYAML: "number: 7\ndate: 2026-12-03\nlayout: tabloid\nsubject: \"Hello\\r\\nBcc: all@example.org\"\n")
        defer { scratch.remove() }
        let found = diagnostics(scratch)
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found.first?.message.contains("control character U+000D") == true, "\(found)")
        XCTAssertEqual(found.first?.location?.line, 4)
    }

    func testLayoutNameCannotBeAPath() throws {
        let scratch = try ScratchIssue(issueYAML: "number: 7\ndate: 2026-12-03\nlayout: ../../etc/passwd\n")
        defer { scratch.remove() }
        let found = diagnostics(scratch)
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found.first?.message.hasPrefix("'layout' must be the name of a layout") == true)
    }

    func testHostileYAMLIsADiagnosticNotACrash() throws {
        let deep = String(repeating: "[", count: 20_000)
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            + "title: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        let scratch = try ScratchIssue(articles: [
            "01-deep.md": "---\ntitle: \(deep)\n---\nText.\n",
            "02-laughs.md": "---\n\(laughs)---\nText.\n",
            "03-binary.md": String(decoding: [0x2D, 0x2D, 0x2D, 0x0A, 0x00, 0x01], as: UTF8.self),
        ])
        defer { scratch.remove() }
        let found = diagnostics(scratch)
        XCTAssertTrue(found.contains { $0.location?.file.hasSuffix("01-deep.md") == true && $0.isError })
        XCTAssertTrue(found.contains { $0.location?.file.hasSuffix("02-laughs.md") == true && $0.message.contains("'title' must be text") })
        XCTAssertTrue(found.contains { $0.location?.file.hasSuffix("03-binary.md") == true && $0.message.contains("NUL byte") })
    }

    func testCRLFFilesKeepTheirLineNumbers() throws {
        let scratch = try ScratchIssue(articles: ["01-crlf.md": "---\r\ntitle: Windows\r\npriority: first\r\n---\r\nText.\r\n"])
        defer { scratch.remove() }
        let found = diagnostics(scratch)
        XCTAssertEqual(found.map { $0.location?.line }, [3])
    }
}
