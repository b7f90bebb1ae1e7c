import Foundation
import MIME
import TestSupport
import XCTest

final class EncodingTests: XCTestCase {
    func testQuotedPrintableRoundTripsAndKeepsLinesShort() throws {
        let text = "Wilnide Jean-Baptiste said “yes” — and José Muñoz Ortíz agreed. = sign, trailing space \n"
            + String(repeating: "Nguyễn Thị Lan ", count: 20) + "\nline\twith tab\t\n" + String(repeating: "é", count: 100)
        let qp = Encodings.quotedPrintable(text)
        for line in qp.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.count, 76, line) }
        XCTAssertFalse(qp.utf8.contains { $0 > 126 }, "quoted-printable is 7-bit")
        let message = Message(headers: [try Header("From", "a@example.org")], body: .text(text, subtype: "plain"))
        let bytes = try message.serialized()
        checkLines(bytes, maximum: 76)
        let parsed = try parseStrictly(bytes)
        let body = parsed["body"] as! [String: Any]
        // A text part always ends with a line break.
        XCTAssertEqual((body["text"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n"), text + "\n")
    }

    func testBase64LinesAre76Characters() {
        let data = (0..<1000).map { UInt8($0 % 256) }
        let lines = Encodings.base64Lines(data).components(separatedBy: "\r\n").dropLast()
        XCTAssertTrue(lines.dropLast().allSatisfy { $0.count == 76 })
        XCTAssertEqual(Data(base64Encoded: lines.joined()), Data(data))
    }

    func testEncodedWordsNeverPass75OrSplitACharacter() {
        let subject = String(repeating: "Renée Dufresne, 94, taught Millbrook French — ¡olé! 🌊 ", count: 4)
        let words = Encodings.encodedWords(subject)
        XCTAssertGreaterThan(words.count, 3)
        for word in words {
            XCTAssertLessThanOrEqual(word.count, 75, word)
            XCTAssertTrue(word.hasPrefix("=?UTF-8?Q?") && word.hasSuffix("?="))
        }
        XCTAssertEqual(Encodings.headerText("Plain ASCII subject"), "Plain ASCII subject")
    }
}

final class HeaderTests: XCTestCase {
    func testNonASCIINamesAndLongSubjectsParseBackExactly() throws {
        let from = try Mailbox(name: "José Muñoz Ortíz", address: "jose@example.org")
        let quoted = try Mailbox(name: "Ledger, The (weekly)", address: "news@example.org")
        let subject = "River Road floods a third time — “easy answers” run short for Millbrook’s Zoë Brontë-Halloran, "
            + String(repeating: "and the county, ", count: 20) + "¡sí!"
        let message = Message(headers: [
            try Header("From", from.headerValue), try Header("To", quoted.headerValue),
            try Header("Subject", Encodings.headerText(subject)),
        ], body: .text("Hello", subtype: "plain"))
        let bytes = try message.serialized()
        checkLines(bytes)
        let head = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        for line in head.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.count, 78, line) }
        let headers = try parseStrictly(bytes)["headers"] as! [String: String]
        XCTAssertEqual(headers["Subject"], subject)
        XCTAssertEqual(headers["From"], "José Muñoz Ortíz <jose@example.org>")
        XCTAssertEqual(headers["To"], "\"Ledger, The (weekly)\" <news@example.org>")
    }

    func testLineBreaksInHeaderFieldsAreRefused() {
        XCTAssertThrowsError(try Header("Subject", "Hello\r\nBcc: everyone@example.org"))
        XCTAssertThrowsError(try Header("Subject", "Hello\nBcc: x"))
        XCTAssertThrowsError(try Mailbox(name: "Eve\r\nBcc: x@example.org", address: "eve@example.org"))
        XCTAssertThrowsError(try Mailbox(parsing: "eve@example.org\r\nBcc: x@example.org"))
        XCTAssertThrowsError(try Mailbox(parsing: "not an address"))
        XCTAssertThrowsError(try Header("Subject", "raw ünïcode"), "header values must be encoded first")
    }

    func testDatesAreRFC5322() {
        XCTAssertEqual(Header.date(Date(timeIntervalSince1970: 1_796_281_200)), "Thu, 03 Dec 2026 07:00:00 +0000")
    }
}

final class MultipartTests: XCTestCase {
    func testAlternativeWithRelatedHTMLAndAnImageParsesStrictly() throws {
        let image = MIMEPart(contentType: "image/png", body: .binary(Array(repeating: 0x89, count: 3000)),
                             contentID: "map.png@issue", filename: "Plan de la ville, élevé.png")
        let html = MIMEPart.text("<p>Hello <img src=\"cid:map.png@issue\" alt=\"map\"></p>", subtype: "html")
        let body = MIMEPart(contentType: "", body: .multipart(subtype: "alternative", [
            .text("Hello", subtype: "plain"),
            MIMEPart(contentType: "", body: .multipart(subtype: "related", [html, image])),
        ]))
        let bytes = try Message(headers: [try Header("From", "a@example.org")], body: body).serialized()
        checkLines(bytes, maximum: 78)
        let parsed = try parseStrictly(bytes)
        let root = parsed["body"] as! [String: Any]
        XCTAssertEqual(root["type"] as? String, "multipart/alternative")
        let parts = root["parts"] as! [[String: Any]]
        XCTAssertEqual(parts.map { $0["type"] as? String }, ["text/plain", "multipart/related"])
        let related = parts[1]["parts"] as! [[String: Any]]
        XCTAssertEqual(related.map { $0["type"] as? String }, ["text/html", "image/png"])
        XCTAssertEqual(related[1]["cid"] as? String, "<map.png@issue>")
        XCTAssertEqual(related[1]["filename"] as? String, "Plan de la ville, élevé.png")
        XCTAssertEqual(related[1]["size"] as? Int, 3000)
        // The same parts give the same bytes (boundaries come from the content).
        XCTAssertEqual(try Message(headers: [try Header("From", "a@example.org")], body: body).serialized(), bytes)
    }
}
