import Crypto
import Foundation
import EmailRendering
import IssueModel
import MIME

/// The issue's messages: one for a list server, or one per subscriber. Pictures are read and
/// encoded once and shared by every copy.
public final class Newsletter {
    public let issue: Issue
    public let edition: EmailEdition
    private let from: Mailbox
    private let imageParts: [MIMEPart]

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The bytes of a picture as the message carries it, and their MIME type.
    public typealias PictureSource = @Sendable (EmailImage) throws -> (bytes: [UInt8], contentType: String)

    /// The file as it is.
    public static let filePictures: PictureSource = { image in
        guard let data = FileManager.default.contents(atPath: image.path) else {
            throw Failure(description: "\(image.path): cannot be read")
        }
        return ([UInt8](data), image.format == .jpeg ? "image/jpeg" : "image/png")
    }

    /// - Parameter pictures: where the pictures' bytes come from (scaled for email by the
    ///   caller, who has the means); the files as they are by default.
    public init(issue: Issue, edition: EmailEdition, pictures: PictureSource = Newsletter.filePictures) throws {
        self.issue = issue
        self.edition = edition
        guard let fromText = issue.publication.email.from else {
            throw Failure(description: "publication.yaml gives no email 'from': a message needs a From address")
        }
        do {
            from = try Mailbox(parsing: fromText)
        } catch {
            throw Failure(description: "publication.yaml's email 'from': \(error)")
        }
        var parts: [MIMEPart] = []
        for image in edition.images {
            let (bytes, type) = try pictures(image)
            parts.append(MIMEPart(contentType: type, body: .binary(bytes), contentID: image.contentID,
                                  filename: (image.source as NSString).lastPathComponent))
        }
        imageParts = parts
    }

    /// What a copy's headers and fields are made from.
    var addressing: Addressing { Addressing(issue: issue, from: from) }

    /// The copy for a list server: addressed to the list's own address, with list-level
    /// unsubscribe links.
    public func listMessage(date: Date) throws -> [UInt8] {
        try template(date: date).listCopy().bytes
    }

    /// A subscriber's own copy, whole. Its Message-ID comes from the issue and the address, so
    /// the same copy sent twice carries the same Message-ID and receivers can drop the second.
    /// Compiles the message for this one copy: a send makes a `template` once and its copies
    /// from that.
    /// - Parameter subjectPrefix: put before the subject (`[TEST] ` for `issue send --test`).
    public func message(for recipient: Recipient, date: Date, subjectPrefix: String = "") throws -> [UInt8] {
        try template(date: date, subjectPrefix: subjectPrefix).copy(for: recipient).bytes
    }

    /// The message compiled for a send: every copy made from it shares its encoded text and
    /// pictures (see `NewsletterTemplate`).
    public func template(date: Date, subjectPrefix: String = "") throws -> NewsletterTemplate {
        try NewsletterTemplate(addressing: addressing, edition: edition, imageParts: imageParts, date: date, subjectPrefix: subjectPrefix)
    }

    /// The Message-ID of a subscriber's copy, without angle brackets.
    public func messageID(for email: String) -> String { addressing.messageID(for: email) }

    /// The address in the publication's From, for the envelope sender.
    public var fromAddress: String { from.address }

    /// A fingerprint of everything a copy carries but the recipient (text, HTML, pictures,
    /// headers): a send that began with one content refuses to go on with another. Made from
    /// the whole-message serialisation, which does not change with how copies are compiled:
    /// a send begun by an earlier version of the tool can be finished by this one.
    public func contentHash() throws -> String {
        let bytes = try wholeMessage(to: from, values: addressing.values(email: "", token: ""),
                                     messageID: addressing.listMessageID, date: Date(timeIntervalSince1970: 0))
        return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// A copy serialised whole, the text filled and quoted-printable-encoded as one: the
    /// reference the compiled copies are checked against (they decode to the same), and the
    /// content fingerprint.
    func wholeMessage(to: Mailbox, values: [String: String], messageID: String, date: Date, subjectPrefix: String = "") throws -> [UInt8] {
        let email = issue.publication.email
        var headers = [
            try Header("Date", Header.date(date)),
            try Header("From", from.headerValue),
            try Header("To", to.headerValue),
            try Header("Subject", Encodings.headerText(subjectPrefix + edition.subject)),
            try Header("Message-ID", "<\(messageID)>"),
        ]
        if let replyTo = email.replyTo { headers.append(try Header("Reply-To", try Mailbox(parsing: replyTo).headerValue)) }
        if let listID = email.listID { headers.append(try Header("List-Id", Self.listID(listID))) }
        var unsubscribe: [String] = []
        if let url = email.unsubscribeURL { unsubscribe.append("<\(addressing.fill(url, email: values["email"] ?? "", token: values["token"] ?? ""))>") }
        if let mailto = email.unsubscribeMailto { unsubscribe.append("<\(addressing.fill(mailto, email: values["email"] ?? "", token: values["token"] ?? ""))>") }
        if !unsubscribe.isEmpty { headers.append(try Header("List-Unsubscribe", unsubscribe.joined(separator: ", "))) }
        // One-click unsubscribe (RFC 8058) needs the https link.
        if email.unsubscribeURL?.lowercased().hasPrefix("https://") == true {
            headers.append(try Header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        let (html, text) = edition.personalized(values)
        let related = MIMEPart(contentType: "", body: .multipart(subtype: "related", [.text(html, subtype: "html")] + imageParts))
        let body = MIMEPart(contentType: "", body: .multipart(subtype: "alternative", [
            .text(text, subtype: "plain"), imageParts.isEmpty ? .text(html, subtype: "html") : related,
        ]))
        return try Message(headers: headers, body: body).serialized()
    }

    /// `Description <list.id>` with a non-ASCII description encoded (RFC 2919 allows a phrase).
    static func listID(_ value: String) -> String {
        guard let open = value.lastIndex(of: "<") else { return "<\(value)>" }
        let description = value[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        let id = value[open...]
        if description.isEmpty { return String(id) }
        let ascii = description.utf8.allSatisfy { $0 >= 32 && $0 < 127 }
        return (ascii ? "\"\(description.replacingOccurrences(of: "\"", with: ""))\"" : Encodings.headerText(description)) + " " + id
    }
}

/// Messages in an mbox file (mboxrd: a `From ` line before each, `>` before body lines that
/// start with `From `), with LF line endings as mailbox files have.
public enum Mbox {
    public static func entry(_ message: [UInt8], sender: String, date: Date) -> [UInt8] {
        var text = String(decoding: message, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var l = String(line)
            let stripped = l.drop(while: { $0 == ">" })
            if stripped.hasPrefix("From ") { l = ">" + l }
            return l
        }
        if lines.last == "" { lines.removeLast() }
        text = lines.joined(separator: "\n")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE MMM dd HH:mm:ss yyyy"
        return Array("From \(sender) \(formatter.string(from: date))\n\(text)\n\n".utf8)
    }
}
