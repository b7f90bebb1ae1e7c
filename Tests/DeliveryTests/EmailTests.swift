import Delivery
import EmailRendering
import Foundation
import IssueAssembly
import IssueModel
import MIME
import TestSupport
import XCTest

/// The sample issue's email: rendered, put in MIME, parsed back strictly.
final class EmailTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let date = Date(timeIntervalSince1970: 1_796_281_200)

    func sample() throws -> Issue {
        try XCTUnwrap(IssueAssembler.assemble(weekFolder: Self.root.appendingPathComponent("issues/2026-12-03").path,
                                              workingFolder: Self.root.path).issue)
    }

    func template() throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent("layouts/email/issue.mustache"), encoding: .utf8)
    }

    /// What a reader sees of HTML: tags gone, entities decoded.
    static func visibleText(_ html: String) -> String {
        var s = html.replacingOccurrences(of: "(?s)<style.*?</style>", with: " ", options: .regularExpression)
        // Inline elements join their text to its neighbours; block elements separate.
        s = s.replacingOccurrences(of: "</?(?:em|strong|s|code|a|span)\\b[^>]*>", with: "", options: .regularExpression)
        s = s.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        for (entity, char) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#8195;", "\u{2003}"), ("&nbsp;", "\u{00A0}"), ("&amp;", "&")] {
            s = s.replacingOccurrences(of: entity, with: char)
        }
        return s
    }

    /// The words of an article as the email shows them: a footnote mark stands apart.
    static func words(of article: Article) -> [String] {
        readerWords(of: article, headMatter: [], footnoteMarks: .apart)
    }

    func testEveryWordIsInTheTextPartAndTheArchivePageAndTheUnshortenedHTML() throws {
        let issue = try sample()
        let archive = try EmailRenderer.render(issue, template: try template(), inlineImages: false)
        let full = try EmailRenderer.render(issue, template: try template(), budget: 10_000_000)
        let mail = try EmailRenderer.render(issue, template: try template())
        let archiveWords = Set(Self.visibleText(archive.html).split(whereSeparator: { $0.isWhitespace }).map(String.init))
        let fullWords = Set(Self.visibleText(full.html).split(whereSeparator: { $0.isWhitespace }).map(String.init))
        // The text part wraps lines and marks emphasis with _ and *: compare without them.
        let textWords = Set(mail.text.replacingOccurrences(of: "\\[\\^\\d+\\]", with: " ", options: .regularExpression)
            .split(whereSeparator: { $0.isWhitespace }).map { $0.replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "*", with: "").lowercased() })
        var missing: [String] = []
        for article in issue.articles {
            for word in Self.words(of: article) {
                if !archiveWords.contains(word) { missing.append("archive \(article.slug): \(word)") }
                if !fullWords.contains(word) { missing.append("html \(article.slug): \(word)") }
                if !textWords.contains(word.replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "*", with: "").lowercased()) {
                    missing.append("text \(article.slug): \(word)")
                }
            }
        }
        XCTAssertEqual(Array(missing.prefix(20)), [])
        // The message's HTML stays under Gmail's clipping point, by shortening late stories.
        XCTAssertLessThanOrEqual(mail.html.utf8.count, EmailRenderer.budget)
        XCTAssertFalse(mail.shortened.isEmpty)
        XCTAssertTrue(mail.html.contains("Read the whole story"))
        XCTAssertTrue(mail.html.contains("https://millbrookledger.example.org/issues/2026-12-03/#\(mail.shortened[0])"))
        print("email HTML \(mail.html.utf8.count) bytes (budget \(EmailRenderer.budget)); shortened \(mail.shortened)")
    }

    func testTheLayoutThemesTheEmail() throws {
        var issue = try sample()
        issue.pageLayout?.email.accent = "#005f73"
        issue.pageLayout?.email.width = 640
        let html = try EmailRenderer.render(issue, template: try template()).html
        XCTAssertTrue(html.contains("color:#005f73"))
        XCTAssertFalse(html.contains("#8a1c1c"))
        XCTAssertTrue(html.contains("width=\"640\""))
    }

    /// A template saved with CR LF or old Mac CR line ends, and a CR a YAML escape put in a
    /// publication's address, come out as LF: a compiled copy cuts its text only at line ends, and
    /// its copies still decode to what the whole message decodes to.
    func testCarriageReturnsInTheTemplateBecomeLineFeeds() throws {
        var issue = try sample()
        issue.publication.address = (issue.publication.address ?? "") + "\rSecond floor"
        let crlf = try template().replacingOccurrences(of: "\n", with: "\r\n").replacingOccurrences(of: "{{email}}", with: "\r{{email}}")
        let edition = try EmailRenderer.render(issue, template: crlf)
        XCTAssertFalse(edition.html.utf8.contains(13))
        XCTAssertFalse(edition.text.utf8.contains(13))
        let newsletter = try Newsletter(issue: issue, edition: edition)
        let recipient = Recipient(email: "cr@example.org", name: "", token: "t")
        let compiled = try newsletter.template(date: Self.date).copy(for: recipient).bytes
        let parsed = try parseStrictly(compiled)
        XCTAssertEqual(parsed["defects"] as? [String] ?? [], [])
        checkLines(compiled)
    }

    func testWithoutAnArchiveTheOverLongEmailIsAWarningSayingByHowMuch() throws {
        var issue = try sample()
        issue.publication.archiveURL = nil
        let edition = try EmailRenderer.render(issue, template: try template())
        XCTAssertEqual(edition.shortened, [])
        XCTAssertEqual(edition.diagnostics.count, 1)
        XCTAssertTrue(edition.diagnostics[0].message.contains("KB over the 102 KB at which Gmail clips it"), edition.diagnostics[0].message)
    }

    func testNothingAnArticleSaysBecomesMarkup() throws {
        var issue = try sample()
        var article = Article(slug: "99-hostile", file: "x.md", title: "<script>alert(1)</script> & \"quotes\"", language: "en")
        article.body = [Block(.paragraph([.text("<img src=x onerror=alert(1)>"), .text("\u{E000}unsubscribe_url\u{E001}"), .code("<b>bold</b>"),
                                          .link(url: "javascript:alert(1)", title: "", content: [.text("click")])]),
                              at: SourceLocation(file: "x.md"))]
        issue.articles = [article]
        let edition = try EmailRenderer.render(issue, template: try template())
        let html = edition.html
        XCTAssertFalse(html.contains("<script>"))
        // An article cannot plant a recipient field: only the template's two stay.
        XCTAssertEqual(html.components(separatedBy: EmailEdition.field("unsubscribe_url")).count - 1, 2)
        XCTAssertFalse(html.contains("<img src=x"))
        XCTAssertFalse(html.contains("<b>bold"))
        XCTAssertFalse(html.contains("javascript:"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"))
    }

    func testTheListMessageParsesStrictlyWithEveryPartUsedAndTheListHeaders() throws {
        let issue = try sample()
        let edition = try EmailRenderer.render(issue, template: try template())
        let bytes = try Newsletter(issue: issue, edition: edition).listMessage(date: Self.date)
        checkLines(bytes)
        let parsed = try parseStrictly(bytes)
        let headers = parsed["headers"] as! [String: String]
        XCTAssertEqual(headers["From"], "The Millbrook Ledger <news@millbrookledger.example.org>")
        XCTAssertEqual(headers["Subject"], issue.subject)
        XCTAssertEqual(headers["MIME-Version"], "1.0")
        XCTAssertEqual(headers["Date"], "Thu, 03 Dec 2026 07:00:00 +0000")
        XCTAssertEqual(headers["List-Id"], "\"Millbrook Ledger weekly\" <weekly.millbrookledger.example.org>")
        XCTAssertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        let unsubscribe = try XCTUnwrap(headers["List-Unsubscribe"])
        XCTAssertTrue(unsubscribe.hasPrefix("<https://"), "https first")
        XCTAssertTrue(unsubscribe.contains("<mailto:"))
        XCTAssertNotNil(headers["Message-ID"])

        let root = parsed["body"] as! [String: Any]
        XCTAssertEqual(root["type"] as? String, "multipart/alternative")
        let parts = root["parts"] as! [[String: Any]]
        XCTAssertEqual(parts.map { $0["type"] as? String }, ["text/plain", "multipart/related"])
        let related = parts[1]["parts"] as! [[String: Any]]
        XCTAssertEqual(related.first?["type"] as? String, "text/html")
        let html = try XCTUnwrap(related.first?["text"] as? String)
        let cids = Set(html.matches(of: /src="cid:([^"]+)"/).map { String($0.1) })
        let partIDs = Set(related.dropFirst().compactMap { ($0["cid"] as? String)?.trimmingCharacters(in: CharacterSet(charactersIn: "<>")) })
        XCTAssertEqual(cids, partIDs, "every cid: has its part and every part is used")
        XCTAssertFalse(cids.isEmpty)
        // Decoded parts are what was rendered.
        let expected = edition.personalized(["email": "", "token": "", "unsubscribe_url": "https://millbrookledger.example.org/unsubscribe?t="])
        let decoded = html.replacingOccurrences(of: "\r\n", with: "\n"), want = expected.html.replacingOccurrences(of: "\r\n", with: "\n")
        if decoded != want {
            try? decoded.write(toFile: "/tmp/decoded.html", atomically: true, encoding: .utf8)
            try? want.write(toFile: "/tmp/want.html", atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(decoded, want)
        XCTAssertEqual((parts[0]["text"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n"), expected.text)
        print("list message: \(bytes.count) bytes")
    }

    func testPersonalisedCopiesFromACSV() throws {
        let issue = try sample()
        let edition = try EmailRenderer.render(issue, template: try template())
        let newsletter = try Newsletter(issue: issue, edition: edition)
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("list-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: csv) }
        try """
        email,name,lang,token,ward\r
        wilnide@example.org,"Jean-Baptiste, Wilnide",ht,,3\r
        jose@example.org,José Muñoz Ortíz,es,tok-jose,1\r
        WILNIDE@example.org,Duplicate,en,,2\r
        not-an-address,Nobody,en,,1\r
        "zoe@example.org","Zoë ""Z"" Brontë-Halloran",en,,4
        """.write(to: csv, atomically: true, encoding: .utf8)
        let list = RecipientList.read(path: csv.path, displayPath: "list.csv", secret: "a long random secret")
        XCTAssertEqual(list.recipients.map(\.email), ["wilnide@example.org", "jose@example.org", "zoe@example.org"])
        XCTAssertEqual(list.diagnostics.map { $0.location?.line }, [4, 5])
        XCTAssertEqual(list.recipients[0].name, "Jean-Baptiste, Wilnide")
        XCTAssertEqual(list.recipients[1].token, "tok-jose")
        XCTAssertEqual(list.recipients[2].name, "Zoë \"Z\" Brontë-Halloran")
        XCTAssertEqual(list.recipients[0].fields["ward"], "3")
        XCTAssertEqual(list.recipients[0].token, Token.make(email: "Wilnide@example.org", secret: "a long random secret"))

        for recipient in list.recipients {
            let bytes = try newsletter.message(for: recipient, date: Self.date)
            checkLines(bytes)
            let parsed = try parseStrictly(bytes)
            let headers = parsed["headers"] as! [String: String]
            XCTAssertEqual(headers["To"]?.hasSuffix("<\(recipient.email)>"), true, headers["To"] ?? "")
            XCTAssertTrue(headers["List-Unsubscribe"]?.contains("t=\(recipient.token)") == true)
            let text = ((parsed["body"] as! [String: Any])["parts"] as! [[String: Any]])[0]["text"] as! String
            XCTAssertTrue(text.contains("You receive this because \(recipient.email) subscribed"))
            // The same copy again has the same Message-ID; another recipient's differs.
            let again = try parseStrictly(try newsletter.message(for: recipient, date: Self.date))["headers"] as! [String: String]
            XCTAssertEqual(again["Message-ID"], headers["Message-ID"])
        }
        let ids = try list.recipients.map { r in (try parseStrictly(try newsletter.message(for: r, date: Self.date))["headers"] as! [String: String])["Message-ID"] }
        XCTAssertEqual(Set(ids).count, list.recipients.count)
    }

    func testTheHTMLHasNoHorizontalScrollAt375PixelsInChromium() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("Debian's chromium is not installed (scripts/install-packages installs it)")
        }
        let issue = try sample()
        let edition = try EmailRenderer.render(issue, template: try template(), inlineImages: false)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The archive page beside the week's images, as on the web. Headless Chromium will not
        // make a window narrower than 500 px, so the page is loaded in a frame of the width
        // under test, and a script reports the frame's document width against the frame's.
        let page = folder.appendingPathComponent("issue.html")
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("images"),
                                                   withDestinationURL: Self.root.appendingPathComponent("issues/2026-12-03/images"))
        try edition.personalized(["email": "reader@example.org"]).html.write(to: page, atomically: true, encoding: .utf8)
        for width in [600, 375] {
            let frame = folder.appendingPathComponent("frame-\(width).html")
            try """
            <!DOCTYPE html><html><head><title>x</title></head><body style="margin:0">
            <iframe id="f" src="issue.html" style="border:0;width:\(width)px;height:1800px"></iframe>
            <script>document.getElementById('f').onload=function(){document.title='scroll:'+this.contentDocument.documentElement.scrollWidth+'/'+this.contentWindow.innerWidth;};</script>
            </body></html>
            """.write(to: frame, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium)
            process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files",
                                 "--window-size=\(width + 100),1200", "--virtual-time-budget=3000", "--dump-dom", frame.absoluteString]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let match = try XCTUnwrap(dom.firstMatch(of: /<title>scroll:(\d+)\/(\d+)<\/title>/), "no probe result at \(width) px")
            let (scroll, window) = (Int(match.1)!, Int(match.2)!)
            XCTAssertEqual(window, width)
            XCTAssertLessThanOrEqual(scroll, window, "horizontal scroll at \(width) px")
            // And the screenshot a person looks at.
            let shot = folder.appendingPathComponent("email-\(width).png")
            let capture = Process()
            capture.executableURL = URL(fileURLWithPath: chromium)
            capture.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files",
                                 "--window-size=\(width + 100),1800", "--screenshot=\(shot.path)", frame.absoluteString]
            capture.standardOutput = FileHandle.nullDevice
            capture.standardError = FileHandle.nullDevice
            try capture.run()
            capture.waitUntilExit()
            let png = try Data(contentsOf: shot)
            XCTAssertTrue(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG screenshot at \(width) px")
        }
    }
}
