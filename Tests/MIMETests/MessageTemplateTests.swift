import Foundation
@testable import MIME
import TestSupport
import XCTest

/// Compiled messages: a copy made from a `MessageTemplate` decodes to exactly the text filled
/// whole, keeps its lines short, and streams the same bytes every way it can be read.
final class MessageTemplateTests: XCTestCase {
    static let picture = (0..<5000).map { UInt8(($0 * 37 + 11) % 256) }

    func sampleBody(_ text: MIMEPart, _ html: MIMEPart) -> MIMEPart {
        let image = MIMEPart(contentType: "image/png", body: .binary(Self.picture), contentID: "p1@example.org", filename: "Foto Zoë.png")
        let related = MIMEPart(contentType: "", body: .multipart(subtype: "related", [html, image]))
        return MIMEPart(contentType: "", body: .multipart(subtype: "alternative", [text, related]))
    }

    func headers() throws -> [Header] {
        [try Header("From", try Mailbox(name: "The Ledger", address: "news@example.org").headerValue),
         try Header("Subject", Encodings.headerText("A week of “floods” — and a long subject " + String(repeating: "word ", count: 20)))]
    }

    func testAMessageWithoutFieldsIsByteForByteTheWholeSerialisation() throws {
        let text = "Hello = world \nline with a trailing space \n" + String(repeating: "Zoë Brontë-Halloran ", count: 30) + "\nno final break"
        let html = "<p>Héllo\t</p>\n" + String(repeating: "<td style=\"padding:0\">x</td>", count: 20)
        let whole = try Message(headers: try headers(), body: sampleBody(.text(text, subtype: "plain"), .text(html, subtype: "html"))).serialized()
        for body in [sampleBody(.text(text, subtype: "plain"), .text(html, subtype: "html")),
                     sampleBody(.textTemplate([.text(text)], subtype: "plain"), .textTemplate([.text(html)], subtype: "html"))] {
            let template = try MessageTemplate(headers: try headers().map { .fixed($0) }, body: body)
            XCTAssertEqual(template.fieldCount, 0)
            XCTAssertEqual(try template.copy(headers: [], fields: []).bytes, whole)
        }
    }

    /// Texts with fields in every awkward place, and values that quoted-printable has to work
    /// at: each copy decodes to the text filled whole, final line break rule and all.
    func testPiecewiseQuotedPrintableDecodesToTheTextFilledWhole() throws {
        let long = String(repeating: "x", count: 74)
        let templates: [[TextPiece]] = [
            [.field(0), .text(" and "), .field(1), .field(2), .text(" \t"), .field(0), .text("\n" + long + " "), .field(1), .text("\nend\n")],
            [.text("Dear "), .field(0), .text(",\n\n"), .field(1)],
            [.text("ends with a line break\n"), .field(0), .field(1)],
            [.text("no break at the end"), .field(2)],
            [.text("a CRLF at the end\r\n"), .field(0)],
            [.text(long + "é"), .field(0), .text("=" + long)],
            [.field(0)],
            [],
        ]
        let values: [[String]] = [
            ["", "", ""],
            ["=", "a ", "\t"],
            [" ", "José Muñoz Ortíz", "<script>alert(1)</script>"],
            [String(repeating: "é", count: 300), String(repeating: "y", count: 300), "Zoë \"Z\" Brontë = 1 "],
            ["e\u{301}", "🌊 tide", "tab\tinside  "],
        ]
        for pieces in templates {
            let template = try MessageTemplate(headers: [.fixed(try Header("From", "a@example.org"))],
                                               body: .textTemplate(pieces, subtype: "plain"))
            for fields in values {
                let copy = try template.copy(headers: [], fields: fields)
                let bytes = copy.bytes
                checkLines(bytes)
                let filled = pieces.map { piece -> String in
                    switch piece {
                    case .text(let text): return text
                    case .field(let n): return fields[n]
                    }
                }.joined()
                // What `Message.serialized()` makes of the filled text.
                let whole = try Message(headers: [try Header("From", "a@example.org")], body: .text(filled, subtype: "plain")).serialized()
                let body = Array(bytes[(try XCTUnwrap(Self.bodyStart(bytes)))...])
                for line in String(decoding: body, as: UTF8.self).components(separatedBy: "\r\n") {
                    XCTAssertLessThanOrEqual(line.utf8.count, 76, line)
                    XCTAssertFalse(line.hasSuffix(" ") || line.hasSuffix("\t"), "whitespace a decoder would strip: \(line)")
                }
                let wholeBody = Array(whole[(try XCTUnwrap(Self.bodyStart(whole)))...])
                XCTAssertEqual(try Self.decodeQuotedPrintable(body), try Self.decodeQuotedPrintable(wholeBody), "\(pieces) \(fields)")
                XCTAssertEqual(try Self.decodeQuotedPrintable(body), Encodings.crlfLines(filled.hasSuffix("\n") ? filled : filled + "\n"))
                // The strict parser agrees (once per template: it is a process each time).
                guard fields == values[3] else { continue }
                let parsed = try parseStrictly(bytes)
                XCTAssertEqual((parsed["body"] as? [String: Any])?["text"] as? String,
                               (try parseStrictly(whole)["body"] as? [String: Any])?["text"] as? String)
            }
        }
    }

    func testEverywayOfReadingACopyGivesTheSameBytes() throws {
        let body = sampleBody(.textTemplate([.text("Hi "), .field(0), .text("!\n")], subtype: "plain"),
                              .textTemplate([.text("<p>"), .field(1), .text("</p>\n")], subtype: "html"))
        let template = try MessageTemplate(headers: [.fixed(try headers()[0]), .perCopy("To"), .fixed(try headers()[1]), .perCopy("Message-ID")],
                                           body: body)
        let copy = try template.copy(headers: [try Header("To", "reader@example.org"), try Header("Message-ID", "<1@example.org>")],
                                     fields: ["Reader = 1", "&lt;Reader&gt;"])
        let bytes = copy.bytes
        XCTAssertEqual(bytes.count, copy.count)
        XCTAssertTrue(String(decoding: bytes, as: UTF8.self).hasPrefix("From: The Ledger <news@example.org>\r\nTo: reader@example.org\r\nSubject: "))
        var joined: [UInt8] = []
        copy.forEachSegment { joined += $0 }
        XCTAssertEqual(joined, bytes)
        XCTAssertEqual(copy.headerBytes + { var b: [UInt8] = []; copy.forEachBodySegment { s, _ in b += s }; return b }(), bytes)
        for size in [1, 7, 100, 65536] {
            var cursor = MessageCopy.Cursor()
            var read: [UInt8] = []
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
            defer { buffer.deallocate() }
            while true {
                let n = copy.read(into: buffer, cursor: &cursor)
                if n == 0 { break }
                read += buffer[0..<n]
            }
            XCTAssertTrue(cursor.isAtEnd(of: copy))
            XCTAssertEqual(read, bytes, "read \(size) at a time")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("m.eml").path
        try copy.write(toFile: path)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), bytes)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["m.eml"], "no temporary file left")
        let signed = copy.prepending(Array("X-Test: 1\r\n".utf8))
        XCTAssertEqual(signed.bytes, Array("X-Test: 1\r\n".utf8) + bytes)
        XCTAssertEqual(MessageCopy(bytes: bytes).bytes, bytes)
        XCTAssertEqual(MessageCopy(bytes: bytes).headerBytes, copy.headerBytes)
        XCTAssertThrowsError(try copy.write(toFile: folder.appendingPathComponent("no/such/folder.eml").path))
    }

    func testACopyRefusesLineBreaksInFieldsAndWrongHeaders() throws {
        let template = try MessageTemplate(headers: [.perCopy("To")], body: .textTemplate([.text("Hi "), .field(0)], subtype: "plain"))
        let to = try Header("To", "a@example.org")
        XCTAssertThrowsError(try template.copy(headers: [to], fields: ["two\nlines"]))
        XCTAssertThrowsError(try template.copy(headers: [to], fields: ["a\rb"]))
        XCTAssertThrowsError(try template.copy(headers: [], fields: ["x"]))
        XCTAssertThrowsError(try template.copy(headers: [try Header("Cc", "a@example.org")], fields: ["x"]))
        XCTAssertThrowsError(try template.copy(headers: [to], fields: []))
        XCTAssertThrowsError(try Header("To", "a@example.org\r\nBcc: b@example.org"))
        XCTAssertThrowsError(try Mailbox(name: "Eve\nBcc: x@example.org", address: "eve@example.org"))
        // And the whole-message path never writes a text part with fields.
        XCTAssertThrowsError(try Message(headers: [to], body: .textTemplate([.field(0)], subtype: "plain")).serialized())
    }

    /// The byte-wise folding against the String-wise one it replaced, on values made to hit
    /// every branch: double spaces, words past 78 and past 998, tabs.
    func testFoldingIsUnchanged() throws {
        var generator = SystemRandomNumberGenerator()
        let words = ["a", "", "word", "Zoë", "=?UTF-8?Q?Zo=C3=AB?=", "\t", String(repeating: "t", count: 70),
                     String(repeating: "L", count: 1200), "<https://example.org/unsubscribe?t=0123456789abcdef>,"]
        for _ in 0..<500 {
            let count = Int.random(in: 1...12, using: &generator)
            let value = (0..<count).map { _ in words.randomElement(using: &generator) ?? "" }.joined(separator: " ")
            guard let header = try? Header(["Subject", "List-Unsubscribe", "To"].randomElement(using: &generator) ?? "X", value) else { continue }
            XCTAssertEqual(header.folded, Self.referenceFolded(header), value)
        }
    }

    /// `Header.folded` as it was written with Strings.
    static func referenceFolded(_ header: Header) -> String {
        var lines: [String] = []
        var line = header.name + ":"
        for word in header.value.split(separator: " ", omittingEmptySubsequences: false) {
            let piece = " " + word
            if line.count + piece.count > 78 && line.count > header.name.count + 1 && !line.allSatisfy({ $0 == " " }) {
                lines.append(line)
                line = piece
            } else {
                line += piece
            }
            while line.utf8.count > 998 {
                lines.append(String(line.prefix(997)))
                line = " " + line.dropFirst(997)
            }
        }
        lines.append(line)
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func bodyStart(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i + 3 < bytes.count {
            if bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    /// RFC 2045 §6.7 decoding: soft breaks go, `=XX` becomes its byte. (Our encoder leaves no
    /// whitespace at a line's end, which is checked apart.)
    static func decodeQuotedPrintable(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        func hex(_ b: UInt8) throws -> UInt8 {
            switch b {
            case 48...57: return b - 48
            case 65...70: return b - 55
            default: throw ToolError("not an uppercase hex digit: \(b)")
            }
        }
        while i < bytes.count {
            if bytes[i] == 61 {
                guard i + 2 < bytes.count else { throw ToolError("'=' at the end") }
                if bytes[i + 1] == 13 && bytes[i + 2] == 10 {
                    i += 3
                    continue
                }
                out.append(try hex(bytes[i + 1]) << 4 | hex(bytes[i + 2]))
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }
}
