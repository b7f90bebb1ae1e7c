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
        guard Self.isAddress(address) else { throw MIMEError("'\(address)' is not an e-mail address") }
        self.name = name?.isEmpty == true ? nil : name
        self.address = address
    }

    /// One `@` with something before it and a dot after it, and no whitespace or specials.
    /// Made for every copy of a send: ASCII (nearly every address) is checked byte by byte,
    /// with the same answer as the Character-wise check that does the rest.
    static func isAddress(_ address: String) -> Bool {
        if address.utf8.allSatisfy({ $0 < 128 }) {
            var at = 0, atIndex = 0, dotAfterAt = false
            for (i, b) in address.utf8.enumerated() {
                switch b {
                case UInt8(ascii: "@"):
                    at += 1
                    atIndex = i
                case UInt8(ascii: "."):
                    if at == 1 { dotAfterAt = true }
                case 9...13, 32, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
                     UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""):
                    return false
                default: break
                }
            }
            return at == 1 && atIndex > 0 && dotAfterAt
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !address.contains(where: { $0.isWhitespace || "<>()[],;:\\\"".contains($0) })
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
        let atext = ascii ? name.utf8.allSatisfy { b in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || " !#$%&'*+-/=?^_`{|}~".utf8.contains(b)
        } : name.allSatisfy { $0.isLetter || $0.isNumber || " !#$%&'*+-/=?^_`{|}~".contains($0) }
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
        var out: [UInt8] = []
        appendFolded(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `folded`, appended to `out` as bytes: a copy's own header fields are folded for every
    /// copy of a send. Name and value are ASCII (the initialiser sees to the value), so a
    /// character is a byte. A line breaks before a word that would take it past 78, unless the
    /// line holds only the name or only spaces; a word longer than a line is cut at 997.
    func appendFolded(to out: inout [UInt8]) {
        var lineStart = out.count
        out += name.utf8
        out.append(58)
        let nameLength = out.count - lineStart
        var onlySpaces = false
        var value = self.value
        value.withUTF8 { v in
            var wordStart = 0
            while true {
                var wordEnd = wordStart
                while wordEnd < v.count && v[wordEnd] != 32 { wordEnd += 1 }
                let lineLength = out.count - lineStart
                if lineLength + 1 + (wordEnd - wordStart) > 78 && lineLength > nameLength && !onlySpaces {
                    out.append(13)
                    out.append(10)
                    lineStart = out.count
                    onlySpaces = true
                }
                out.append(32)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: v[wordStart..<wordEnd]))
                if wordEnd > wordStart { onlySpaces = false }
                // Only an opaque token is longer than a line may be: cut it.
                while out.count - lineStart > 998 {
                    out.insert(contentsOf: [13, 10, 32], at: lineStart + 997)
                    lineStart += 999
                    onlySpaces = out[lineStart...].allSatisfy { $0 == 32 }
                }
                if wordEnd >= v.count { break }
                wordStart = wordEnd + 1
            }
        }
        out.append(13)
        out.append(10)
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
