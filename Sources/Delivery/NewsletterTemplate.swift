import Foundation
import EmailRendering
import IssueModel
import MIME

/// The issue's message compiled once for a send (`Newsletter.template(date:)`), and each
/// subscriber's copy made from it: the To, Message-ID and List-Unsubscribe fields and the
/// recipient's fields in the text and HTML are all a copy encodes; the text, the HTML and the
/// pictures (some 700 KB) are encoded once and shared by every copy (see `MessageTemplate`).
/// Immutable: any number of threads make copies from one template.
public final class NewsletterTemplate: Sendable {
    /// The compiled message.
    public let message: MessageTemplate
    let addressing: Addressing
    let messageIDs: Token.Maker
    /// A subscriber's Message-ID is these around the token (`Addressing.messageID(for:)`).
    let messageIDAround: (prefix: String, suffix: String)
    let unsubscribeURL: LinkTemplate?
    let unsubscribeMailto: LinkTemplate?
    /// What each field number of the message stands for: a recipient field, HTML-escaped or not.
    let slots: [Slot]
    let hasListUnsubscribe: Bool

    struct Slot: Hashable, Sendable {
        var name: String
        var html: Bool
    }

    /// The per-copy header fields, in the order the message has them.
    static let perCopyHeaders = ["To", "Message-ID", "List-Unsubscribe"]

    init(addressing: Addressing, edition: EmailEdition, imageParts: [MIMEPart], date: Date, subjectPrefix: String) throws {
        self.addressing = addressing
        let email = addressing.issue.publication.email
        messageIDs = addressing.messageIDMaker
        messageIDAround = addressing.messageIDAround
        unsubscribeURL = email.unsubscribeURL.map { LinkTemplate($0, addressing: addressing) }
        unsubscribeMailto = email.unsubscribeMailto.map { LinkTemplate($0, addressing: addressing) }
        var slots: [Slot] = []
        func pieces(_ text: String, html: Bool) -> [TextPiece] {
            EmailEdition.pieces(text).map { piece in
                switch piece {
                case .text(let text): return .text(text)
                case .field(let name):
                    let slot = Slot(name: name, html: html)
                    if let n = slots.firstIndex(of: slot) { return .field(n) }
                    slots.append(slot)
                    return .field(slots.count - 1)
                }
            }
        }
        let text = MIMEPart.textTemplate(pieces(edition.text, html: false), subtype: "plain")
        let html = MIMEPart.textTemplate(pieces(edition.html, html: true), subtype: "html")
        let related = MIMEPart(contentType: "", body: .multipart(subtype: "related", [html] + imageParts))
        let body = MIMEPart(contentType: "", body: .multipart(subtype: "alternative", [text, imageParts.isEmpty ? html : related]))

        // The header set and order of `Newsletter.wholeMessage`.
        var headers: [MessageTemplate.HeaderField] = [
            .fixed(try Header("Date", Header.date(date))),
            .fixed(try Header("From", addressing.from.headerValue)),
            .perCopy("To"),
            .fixed(try Header("Subject", Encodings.headerText(subjectPrefix + edition.subject))),
            .perCopy("Message-ID"),
        ]
        if let replyTo = email.replyTo { headers.append(.fixed(try Header("Reply-To", try Mailbox(parsing: replyTo).headerValue))) }
        if let listID = email.listID { headers.append(.fixed(try Header("List-Id", Newsletter.listID(listID)))) }
        hasListUnsubscribe = email.unsubscribeURL != nil || email.unsubscribeMailto != nil
        if hasListUnsubscribe { headers.append(.perCopy("List-Unsubscribe")) }
        // One-click unsubscribe (RFC 8058) needs the https link.
        if email.unsubscribeURL?.lowercased().hasPrefix("https://") == true {
            headers.append(.fixed(try Header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")))
        }
        message = try MessageTemplate(headers: headers, body: body)
        self.slots = slots
    }

    /// A subscriber's copy. Refuses (throws) an address or name that cannot stand in a header,
    /// a line break above all.
    public func copy(for recipient: Recipient) throws -> MessageCopy {
        let to = try Mailbox(name: recipient.name, address: recipient.email)
        return try copy(to: to, email: recipient.email, name: recipient.name ?? "", token: recipient.token,
                        messageID: messageIDAround.prefix + messageIDs.make(email: recipient.email) + messageIDAround.suffix)
    }

    /// The copy for a list server: to the list's own address, with list-level unsubscribe links.
    public func listCopy() throws -> MessageCopy {
        try copy(to: addressing.from, email: "", name: "", token: "", messageID: addressing.listMessageID)
    }

    private func copy(to: Mailbox, email: String, name: String, token: String, messageID: String) throws -> MessageCopy {
        let encoded = (email: Addressing.percentEncoded(email), token: Addressing.percentEncoded(token))
        let unsubscribeURL = self.unsubscribeURL.map { $0.fill(encoded, addressing: addressing) }
        var headers = [try Header("To", to.headerValue), try Header("Message-ID", "<\(messageID)>")]
        if hasListUnsubscribe {
            var links: [String] = []
            if let unsubscribeURL { links.append("<\(unsubscribeURL)>") }
            if let mailto = unsubscribeMailto { links.append("<\(mailto.fill(encoded, addressing: addressing))>") }
            headers.append(try Header("List-Unsubscribe", links.joined(separator: ", ")))
        }
        // The values `Newsletter.wholeMessage` fills with; any other field is empty, as there.
        let fields = slots.map { slot -> String in
            let value: String
            switch slot.name {
            case "email": value = email
            case "name": value = name
            case "token": value = token
            case "unsubscribe_url": value = unsubscribeURL ?? ""
            default: value = ""
            }
            return slot.html ? EmailEdition.htmlValue(value) : value
        }
        return try message.copy(headers: headers, fields: fields)
    }
}

/// What a copy's addressing is made from: the issue (its publication's email settings) and the
/// From mailbox. Pure functions of them, shared by the compiled and the whole-message paths.
struct Addressing: Sendable {
    let issue: Issue
    let from: Mailbox

    var domain: String { String(from.address.split(separator: "@").last ?? "localhost") }

    /// The list copy's Message-ID: one per issue.
    var listMessageID: String { "issue-\(issue.number)-\(issue.date)@\(domain)" }

    /// The Message-ID of a subscriber's copy, without angle brackets.
    func messageID(for email: String) -> String {
        messageIDAround.prefix + messageIDMaker.make(email: email) + messageIDAround.suffix
    }

    /// What stands before and after the token in a subscriber's Message-ID.
    var messageIDAround: (prefix: String, suffix: String) { ("issue-\(issue.number)-\(issue.date)-", "@\(domain)") }

    /// Message-IDs' tokens: keyed with the issue, so each issue's copy has its own.
    var messageIDMaker: Token.Maker { Token.Maker(secret: "message-id \(issue.number) \(issue.date)") }

    func values(email: String, token: String) -> [String: String] {
        var v = ["email": email, "token": token]
        v["unsubscribe_url"] = issue.publication.email.unsubscribeURL.map { fill($0, email: email, token: token) } ?? ""
        return v
    }

    func fill(_ template: String, email: String, token: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return fill(template, encoded: (email.addingPercentEncoding(withAllowedCharacters: allowed) ?? "",
                                        token.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""))
    }

    /// `fill` with the address and token percent-encoded already.
    func fill(_ template: String, encoded: (email: String, token: String)) -> String {
        Publication.fill(template: template, with: [
            "email": encoded.email, "token": encoded.token,
            "date": issue.date.description, "number": String(issue.number), "volume": issue.volume.map(String.init) ?? "",
        ])
    }

    /// What `fill` makes of a value with Foundation's `addingPercentEncoding` and its allowed
    /// set (ASCII letters and digits, `-._~`; every other UTF-8 byte `%XX`, as Foundation
    /// encodes even the non-ASCII letters of `alphanumerics`), byte by byte: it runs twice for
    /// every copy of a send.
    static func percentEncoded(_ value: String) -> String {
        let hex: StaticString = "0123456789ABCDEF"
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 16)
        hex.withUTF8Buffer { hex in
            for b in value.utf8 {
                switch b {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                    out.append(b)
                default:
                    out.append(UInt8(ascii: "%"))
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 15)])
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// An unsubscribe URL or mailto template of publication.yaml, cut once at the places the
/// address and token go, the issue's own placeholders filled: a copy's link is then a few
/// appends, not a template scan. `Publication.fill` never scans what it inserts, so where
/// values go depends on the template alone; it is found by filling with two markers. A
/// template that holds the markers itself is filled whole for each copy.
struct LinkTemplate: Sendable {
    enum Part: Sendable {
        case text(String)
        case email
        case token
    }

    let template: String
    let parts: [Part]?

    init(_ template: String, addressing: Addressing) {
        self.template = template
        let markers: (email: Unicode.Scalar, token: Unicode.Scalar) = ("\u{E000}", "\u{E001}")
        guard !template.unicodeScalars.contains(where: { $0 == markers.email || $0 == markers.token }) else {
            parts = nil
            return
        }
        var parts: [Part] = []
        var text = String.UnicodeScalarView()
        for scalar in addressing.fill(template, encoded: (String(markers.email), String(markers.token))).unicodeScalars {
            guard scalar == markers.email || scalar == markers.token else {
                text.append(scalar)
                continue
            }
            if !text.isEmpty { parts.append(.text(String(text))) }
            text = String.UnicodeScalarView()
            parts.append(scalar == markers.email ? .email : .token)
        }
        if !text.isEmpty { parts.append(.text(String(text))) }
        self.parts = parts
    }

    func fill(_ encoded: (email: String, token: String), addressing: Addressing) -> String {
        guard let parts else { return addressing.fill(template, encoded: encoded) }
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .email: out += encoded.email
            case .token: out += encoded.token
            }
        }
        return out
    }
}
