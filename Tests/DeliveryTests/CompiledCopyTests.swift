import Crypto
@testable import Delivery
import EmailRendering
import Foundation
import IssueAssembly
import IssueModel
import MIME
import TestSupport
import XCTest

/// Copies made from the compiled message (`NewsletterTemplate`) against the whole-message path
/// they replace, for values chosen to break things; and DKIM over a copy's segments against
/// DKIM over its bytes, checked by dkimpy.
final class CompiledCopyTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let date = Date(timeIntervalSince1970: 1_796_281_200)

    /// The sample issue's newsletter, its HTML and text given every field in awkward places:
    /// first and last, side by side, after trailing whitespace, at the end of a long line.
    func newsletter() throws -> Newsletter {
        let issue = try XCTUnwrap(IssueAssembler.assemble(weekFolder: Self.root.appendingPathComponent("issues/2026-12-03").path,
                                                          workingFolder: Self.root.path).issue)
        let template = try String(contentsOf: Self.root.appendingPathComponent("layouts/email/issue.mustache"), encoding: .utf8)
        var edition = try EmailRenderer.render(issue, template: template)
        let f = EmailEdition.field
        XCTAssertTrue(edition.html.contains("<body"))
        edition.html = f("name") + " \t" + edition.html.replacingOccurrences(of: "<body", with: "<p>Dear " + f("name") + f("token") + " </p><body")
            + String(repeating: "x", count: 73) + " " + f("email") + f("name")
        edition.text = "Dear " + f("name") + ",  \n" + edition.text + f("token") + " " + f("unsubscribe_url") + "\n" + f("name")
        return try Newsletter(issue: issue, edition: edition)
    }

    static let hostile: [Recipient] = [
        Recipient(email: "a+b@example.org", name: "A = B", token: "tok=en  "),
        Recipient(email: "trailing@example.org", name: "Trailing  ", token: ""),
        Recipient(email: "long@example.org", name: String(repeating: "Ñandú ", count: 50), token: String(repeating: "t", count: 300)),
        Recipient(email: "script@example.org", name: "<script>alert(1)</script> & \"quotes\"", token: "é/?&"),
        Recipient(email: "zoe@example.org", name: "Zoë \"Z\" O'Brien", token: "tok"),
        Recipient(email: "empty@example.org", name: "", token: ""),
        Recipient(email: "none@example.org", name: nil, token: "x"),
    ]

    func testCompiledCopiesDecodeToWhatTheWholeMessageDecodesTo() throws {
        let newsletter = try newsletter()
        let template = try newsletter.template(date: Self.date)
        for recipient in Self.hostile {
            let copy = try template.copy(for: recipient)
            let bytes = copy.bytes
            XCTAssertEqual(bytes.count, copy.count)
            checkLines(bytes)
            // Every body line (boundaries, part headers, quoted-printable, base64) within 76.
            let body = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
            for line in body.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.utf8.count, 76, line) }

            var values = newsletter.addressing.values(email: recipient.email, token: recipient.token)
            values["name"] = recipient.name ?? ""
            let whole = try newsletter.wholeMessage(to: try Mailbox(name: recipient.name, address: recipient.email), values: values,
                                                    messageID: newsletter.messageID(for: recipient.email), date: Self.date)
            // The header block byte for byte: folding, order and all.
            XCTAssertEqual(copy.headerBytes, MessageCopy(bytes: whole).headerBytes)
            let parsed = try parseStrictly(bytes), reference = try parseStrictly(whole)
            XCTAssertEqual(parsed["headers"] as? [String: String], reference["headers"] as? [String: String])
            XCTAssertEqual(parsed["defects"] as? [String], [])
            let parts = try XCTUnwrap((parsed["body"] as? [String: Any])?["parts"] as? [[String: Any]])
            let referenceParts = try XCTUnwrap((reference["body"] as? [String: Any])?["parts"] as? [[String: Any]])
            let text = try XCTUnwrap(parts[0]["text"] as? String)
            XCTAssertEqual(text, referenceParts[0]["text"] as? String)
            let related = try XCTUnwrap(parts[1]["parts"] as? [[String: Any]])
            let referenceRelated = try XCTUnwrap(referenceParts[1]["parts"] as? [[String: Any]])
            let html = try XCTUnwrap(related[0]["text"] as? String)
            XCTAssertEqual(html, referenceRelated[0]["text"] as? String)
            XCTAssertEqual(related.dropFirst().map { $0["size"] as? Int }, referenceRelated.dropFirst().map { $0["size"] as? Int })
            XCTAssertEqual(related.dropFirst().map { $0["cid"] as? String }, referenceRelated.dropFirst().map { $0["cid"] as? String })
            // And what the edition fills: the HTML escaped, the text as it is.
            let expected = newsletter.edition.personalized(values)
            func withFinalBreak(_ s: String) -> String { s.hasSuffix("\n") ? s : s + "\n" }
            XCTAssertEqual(html.replacingOccurrences(of: "\r\n", with: "\n"), withFinalBreak(expected.html).replacingOccurrences(of: "\r\n", with: "\n"))
            XCTAssertEqual(text.replacingOccurrences(of: "\r\n", with: "\n"), withFinalBreak(expected.text))
            XCTAssertFalse(html.contains("<script>alert"), "escaped in the HTML")
            if recipient.email == "script@example.org" {
                XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"))
                XCTAssertTrue(text.contains("Dear <script>alert(1)</script> & \"quotes\","), "the text as it is")
            }
        }
        // The list copy too.
        let list = try parseStrictly(try template.listCopy().bytes)
        let referenceList = try parseStrictly(try newsletter.wholeMessage(to: try Mailbox(parsing: newsletter.issue.publication.email.from ?? ""),
                                                                          values: newsletter.addressing.values(email: "", token: ""),
                                                                          messageID: newsletter.addressing.listMessageID, date: Self.date))
        XCTAssertEqual(list["headers"] as? [String: String], referenceList["headers"] as? [String: String])
        XCTAssertEqual(NSDictionary(dictionary: list["body"] as? [String: Any] ?? [:]), NSDictionary(dictionary: referenceList["body"] as? [String: Any] ?? [:]))
    }

    func testLineBreaksInANameOrAddressAreRefused() throws {
        let template = try newsletter().template(date: Self.date)
        for recipient in [Recipient(email: "eve@example.org", name: "Eve\r\nBcc: all@example.org", token: "t"),
                          Recipient(email: "eve@example.org", name: "Eve\nX", token: "t"),
                          Recipient(email: "eve@example.org\nBcc: x@example.org", name: nil, token: "t"),
                          Recipient(email: "not an address", name: nil, token: "t"),
                          // Not ASCII: no header can hold it (the whole-message path refused it too).
                          Recipient(email: "josé@exämple.org", name: nil, token: "t")] {
            XCTAssertThrowsError(try template.copy(for: recipient))
        }
    }

    func testLinksAndTokensAreFilledAsBefore() throws {
        let newsletter = try newsletter()
        let addressing = newsletter.addressing
        for template in ["https://x.example/u?e={{ email }}&t={{token}}&n={{number}}&d={{date}}&v={{volume}}", "{{token}}{{email}}",
                         "mailto:u@x.example?subject={{unknown}}-{{email", "\u{E000}{{email}}\u{E001}", "plain", ""] {
            let link = LinkTemplate(template, addressing: addressing)
            for (email, token) in [("josé+1@exämple.org", "é/?& 🌊~._-"), ("", ""), ("a@b.c", "{{email}}")] {
                let encoded = (Addressing.percentEncoded(email), Addressing.percentEncoded(token))
                XCTAssertEqual(link.fill(encoded, addressing: addressing), addressing.fill(template, email: email, token: token), template)
            }
        }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        for value in ["Ünïcødé~_-. 日本", "a+b@c.d", "٣²ſ", "\u{E000}", "%41"] {
            XCTAssertEqual(Addressing.percentEncoded(value), value.addingPercentEncoding(withAllowedCharacters: allowed))
        }
        // HMAC-SHA-256 hex, as Python's hmac module makes it.
        XCTAssertEqual(Token.make(email: "Wilnide@example.org", secret: "a long random secret"), "47c87031f38e1ded465529b20d47592f")
        XCTAssertEqual(Token.Maker(secret: "message-id 7 2026-12-03").make(email: "josé@exämple.org"), "46103ae10603885351255f3518e8fc4f")
    }

    /// What sendmail is given: each CRLF an LF, even where a segment ends between the two,
    /// and any other CR as it is.
    func testSendmailGetsLocalLineEndsAcrossSegments() throws {
        let copy = MessageCopy(bytes: Array("\nA\r\r\n\r\nB\rC\r".utf8)).prepending(Array("H\r".utf8))
        let sample = try newsletter().template(date: Self.date).copy(for: Self.hostile[0])
        for message in [copy, sample] {
            let pipe = Pipe()
            final class Received: @unchecked Sendable { var data = Data() }
            let received = Received()
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                received.data = pipe.fileHandleForReading.readDataToEndOfFile()
                done.signal()
            }
            try SendmailTransport.writeLocal(message, to: pipe.fileHandleForWriting)
            try pipe.fileHandleForWriting.close()
            done.wait()
            let whole = message.bytes
            let expected = whole.enumerated().filter { i, b in !(b == 13 && i + 1 < whole.count && whole[i + 1] == 10) }.map(\.1)
            XCTAssertEqual([UInt8](received.data), expected)
        }
    }

    // MARK: DKIM

    /// The relaxed body hash fed in pieces cut anywhere (between a CR and its LF, inside a run
    /// of spaces), and with chunks canonicalised ahead, equals the hash of the whole.
    func testTheRelaxedBodyHashDoesNotDependOnWhereTheBodyIsCut() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [32, 9, 13, 10, 13, 10, 65, 66, 61]
        for _ in 0..<2000 {
            let body = (0..<Int.random(in: 0...60, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? 65 }
            let whole = Data(SHA256.hash(data: DKIMSigner.relaxedBody(body[...])))
            var cuts = (0..<Int.random(in: 0...5, using: &generator)).map { _ in Int.random(in: 0...body.count, using: &generator) }
            cuts = (cuts + [0, body.count]).sorted()
            var hash = RelaxedBodyHash()
            for (from, to) in zip(cuts, cuts.dropFirst()) {
                body[from..<to].withUnsafeBytes { raw in
                    if Bool.random(using: &generator) { hash.update(RelaxedBodyHash.Canonical(raw), raw: raw) } else { hash.update(raw) }
                }
            }
            XCTAssertEqual(Data(hash.finalize()), whole, "\(body)")
        }
    }

    func testDKIMOverSegmentsIsDKIMOverTheBytesAndVerifiesWithDkimpy() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = try newsletter().template(date: Self.date)
        // A message of one text part ending in empty and blank lines after a field: the body's
        // trailing empty lines fall across segments.
        let plain = try MessageTemplate(headers: [.fixed(try Header("From", "news@millbrookledger.example.org")), .perCopy("To"),
                                                  .fixed(try Header("Subject", "Plain"))],
                                        body: .textTemplate([.text("Hi \t \n\n"), .field(0), .text("  \n \n\n\n")], subtype: "plain"))
        var files: [String] = []
        // Signed now: dkimpy refuses a signature from the future (the issue's date may be).
        let time = Date()
        for (algorithm, generate) in [("rsa", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]), ("ed25519", ["genpkey", "-algorithm", "ed25519"])] {
            let key = folder.appendingPathComponent("\(algorithm).pem")
            XCTAssertEqual(try run("/usr/bin/openssl", generate + ["-out", key.path]).status, 0)
            let signer = try DKIMSigner(pem: try String(contentsOf: key, encoding: .utf8), domain: "millbrookledger.example.org", selector: "s1")
            let prepared = signer.prepare(template.message)
            let preparedPlain = signer.prepare(plain)
            var copies = try Self.hostile.map { try template.copy(for: $0) } + [try template.listCopy()]
            copies += try ["", "x", "  "].map { try plain.copy(headers: [try Header("To", "a@example.org")], fields: [$0]) }
            for (i, copy) in copies.enumerated() {
                // The prepared path, from the snapshot, not the fallback.
                XCTAssertNotNil((copy.template === plain ? preparedPlain : prepared).bodyHash(copy))
                let signed = try (copy.template === plain ? preparedPlain : prepared).sign(copy, time: time)
                XCTAssertEqual(signed.bytes, try signer.sign(copy.bytes, time: time), "copy \(i), \(algorithm)")
                XCTAssertEqual(try signer.sign(copy, time: time).bytes, signed.bytes)
                // Another template's prepared signer falls back to signing the copy as it is.
                XCTAssertEqual(try (copy.template === plain ? prepared : preparedPlain).sign(copy, time: time).bytes, signed.bytes)
                let file = folder.appendingPathComponent("\(algorithm)-\(i).eml")
                try Data(signed.bytes).write(to: file)
                files.append(file.path)
            }
        }
        let python = try Self.python()
        let verify = try run(python, ["-c", """
            import base64, subprocess, sys, dkim
            folder = sys.argv[1]
            def record(name):
                der = subprocess.run(['openssl', 'pkey', '-in', folder + '/' + name + '.pem', '-pubout', '-outform', 'DER'], capture_output=True, check=True).stdout
                return b'v=DKIM1; k=ed25519; p=' + base64.b64encode(der[-32:]) if name == 'ed25519' else b'v=DKIM1; k=rsa; p=' + base64.b64encode(der)
            records = {'rsa': record('rsa'), 'ed25519': record('ed25519')}
            for path in sys.argv[2:]:
                key = records['ed25519' if '/ed25519-' in path else 'rsa']
                ok = dkim.verify(open(path, 'rb').read(), dnsfunc=lambda name, timeout=5: key)
                print(path, 'verified' if ok else 'FAILED')
            """, folder.path] + files)
        XCTAssertEqual(verify.status, 0, verify.output)
        XCTAssertEqual(verify.output.components(separatedBy: "verified").count - 1, files.count, verify.output)
    }

    // MARK: Helpers

    static func python() throws -> String {
        try testPython(importing: ["dkim", "nacl"], packageRoot: root)
    }

    func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try runProgram(executable, arguments)
    }
}
