import Foundation

/// A problem with something that would go into a header: never written, always reported.
public struct MIMEError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// `Display Name <local@domain>`, with the name encoded as an RFC 5322 phrase.
public struct Mailbox: Hashable, Sendable {
    public var name: String?
    public var address: String

    public init(name: String?, address: String) throws(MIMEError) {
        try Header.refuseLineBreaks(address, in: "an address")
        if let name { try Header.refuseLineBreaks(name, in: "a name") }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !address.contains(where: { $0.isWhitespace || "<>()[],;:\\\"".contains($0) }) else {
            throw MIMEError("'\(address)' is not an e-mail address")
        }
        self.name = name?.isEmpty == true ? nil : name
        self.address = address
    }

    /// Parses `Name <address>` or a bare address.
    public init(parsing text: String) throws(MIMEError) {
        try Header.refuseLineBreaks(text, in: "an address")
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            try self.init(name: name, address: String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]))
        } else {
            try self.init(name: nil, address: trimmed)
        }
    }

    /// For a header: a plain name as it is, one with specials in quotes, one with non-ASCII as
    /// encoded words (RFC 2047 §5: in a phrase, never inside the address).
    public var headerValue: String {
        guard let name else { return address }
        let ascii = name.utf8.allSatisfy { $0 >= 32 && $0 < 127 }
        let atext = name.allSatisfy { $0.isLetter || $0.isNumber || " !#$%&'*+-/=?^_`{|}~".contains($0) }
        let phrase: String
        if !ascii {
            phrase = Encodings.encodedWords(name).joined(separator: " ")
        } else if atext {
            phrase = name
        } else {
            phrase = "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "\(phrase) <\(address)>"
    }
}

/// One header field.
public struct Header: Hashable, Sendable {
    public var name: String
    /// The value, unfolded; ASCII only (encode text with `Encodings.headerText` first).
    public var value: String

    public init(_ name: String, _ value: String) throws(MIMEError) {
        try Header.refuseLineBreaks(value, in: "the \(name) header")
        guard value.utf8.allSatisfy({ $0 >= 32 && $0 < 127 || $0 == 9 }) else {
            throw MIMEError("the \(name) header holds characters that are not ASCII; encode them first")
        }
        self.name = name
        self.value = value
    }

    /// A CR or LF in something a user wrote must never reach a header: that is how a subject
    /// grows a Bcc line.
    static func refuseLineBreaks(_ text: String, in what: String) throws(MIMEError) {
        if let bad = text.unicodeScalars.first(where: { $0 == "\r" || $0 == "\n" || $0 == "\u{0}" || $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }) {
            throw MIMEError("\(what) holds a line break (U+\(String(bad.value, radix: 16, uppercase: true))); it would forge headers")
        }
    }

    /// `Name: value`, folded at spaces so that lines stay within 78 characters where a space
    /// allows, and within 998 always (RFC 5322 §2.2.3, §2.1.1). Ends with CRLF.
    public var folded: String {
        var lines: [String] = []
        var line = name + ":"
        for (index, word) in value.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            let piece = (index == 0 ? " " : " ") + word
            if line.count + piece.count > 78 && line.count > name.count + 1 && !line.allSatisfy({ $0 == " " }) {
                lines.append(line)
                line = piece
            } else {
                line += piece
            }
            // A single word longer than 998 would break the limit: cut it (only opaque tokens are).
            while line.utf8.count > 998 {
                lines.append(String(line.prefix(997)))
                line = " " + line.dropFirst(997)
            }
        }
        lines.append(line)
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

extension Header {
    /// The date as RFC 5322 §3.3 writes it: `Thu, 03 Dec 2026 07:00:00 +0000`.
    public static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(format: "%@, %02d %@ %04d %02d:%02d:%02d +0000", days[c.weekday! - 1], c.day!, months[c.month! - 1],
                      c.year!, c.hour!, c.minute!, c.second!)
    }
}
