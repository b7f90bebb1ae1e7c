import Crypto
import Foundation
import IssueModel

/// One subscriber of the list.
public struct Recipient: Hashable, Sendable {
    public var email: String
    public var name: String?
    public var language: String?
    /// The opaque token of unsubscribe links: the CSV's, or made from the address with the
    /// list's secret.
    public var token: String
    /// Any other columns, for templates.
    public var fields: [String: String]
    /// Its line in the recipients file, for messages about it (0 when not from a file).
    public var line: Int

    public init(email: String, name: String? = nil, language: String? = nil, token: String, fields: [String: String] = [:], line: Int = 0) {
        self.email = email
        self.line = line
        self.name = name
        self.language = language
        self.token = token
        self.fields = fields
    }
}

/// A recipients CSV: a header row with an `email` column (required) and optional `name`,
/// `lang`, `token` and any other columns; UTF-8; fields quoted with `"` (doubled inside);
/// CRLF or LF line endings. Bad addresses and duplicates (compared without regard to case) are
/// reported with their line and left out, never dropped silently.
public enum RecipientList {
    public static func read(path: String, displayPath: String, secret: String) -> (recipients: [Recipient], diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        guard let data = FileManager.default.contents(atPath: path) else {
            return ([], [.error("cannot read the recipients file", at: SourceLocation(file: displayPath))])
        }
        guard var text = String(data: data, encoding: .utf8) else {
            return ([], [.error("the recipients file is not UTF-8", at: SourceLocation(file: displayPath))])
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let rows = parse(text)
        guard let header = rows.first else {
            return ([], [.error("the recipients file is empty", at: SourceLocation(file: displayPath))])
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let emailColumn = columns.firstIndex(of: "email") else {
            return ([], [.error("the recipients file has no 'email' column", at: SourceLocation(file: displayPath, line: header.line),
                                hint: "the first row names the columns: email,name,lang,token,…")])
        }
        var seen: [String: Int] = [:]
        var out: [Recipient] = []
        for row in rows.dropFirst() where !(row.fields.count == 1 && row.fields[0].trimmingCharacters(in: .whitespaces).isEmpty) {
            let at = SourceLocation(file: displayPath, line: row.line)
            func value(_ column: String) -> String? {
                guard let i = columns.firstIndex(of: column), i < row.fields.count else { return nil }
                let v = row.fields[i].trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            let email = emailColumn < row.fields.count ? row.fields[emailColumn].trimmingCharacters(in: .whitespaces) : ""
            guard isAddress(email) else {
                diagnostics.append(.warning("'\(email.prefix(60))' is not an e-mail address; left out", at: at))
                continue
            }
            if let first = seen[email.lowercased()] {
                diagnostics.append(.warning("\(email) is on the list twice (first on line \(first)); mailed once", at: at))
                continue
            }
            if let name = value("name"), name.unicodeScalars.contains(where: { $0.value < 32 }) {
                diagnostics.append(.warning("the name of \(email) holds a control character; left out", at: at))
                continue
            }
            seen[email.lowercased()] = row.line
            var fields: [String: String] = [:]
            for (i, column) in columns.enumerated() where i < row.fields.count && !["email", "name", "lang", "token"].contains(column) {
                fields[column] = row.fields[i]
            }
            let token = value("token") ?? (secret.isEmpty ? nil : Token.make(email: email, secret: secret))
            guard let token else {
                diagnostics.append(.error("\(email) has no token, and no secret is set to make one", at: at,
                                          hint: "give a 'token' column, or set ISSUE_TOKEN_SECRET to a long random string"))
                continue
            }
            out.append(Recipient(email: email, name: value("name"), language: value("lang"), token: token, fields: fields, line: row.line))
        }
        return (out, diagnostics)
    }

    struct Row {
        var fields: [String]
        var line: Int
    }

    /// RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks.
    static func parse(_ text: String) -> [Row] {
        var rows: [Row] = []
        var field = "", fields: [String] = []
        var quoted = false, line = 1, rowLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true
            case ",": fields.append(field); field = ""
            case "\r": break
            case "\n":
                fields.append(field)
                rows.append(Row(fields: fields, line: rowLine))
                fields = []; field = ""
                line += 1; rowLine = line
            default: field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append(Row(fields: fields, line: rowLine))
        }
        return rows
    }

    public static func isAddress(_ s: String) -> Bool {
        // Most addresses are ASCII: checked byte by byte (a list of 200,000 is read before a
        // send starts), control characters refused with the spaces; others by Characters,
        // where Unicode's spaces count too.
        let utf8 = s.utf8
        if utf8.allSatisfy({ $0 < 128 }) {
            var at = 0, atIndex = -1, lastDot = -1, i = 0
            for b in utf8 {
                switch b {
                case UInt8(ascii: "@"): at += 1; atIndex = i
                case UInt8(ascii: "."): if atIndex >= 0 { lastDot = i }
                case 0...32, 127, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
                     UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""):
                    return false
                default: break
                }
                i += 1
            }
            return at == 1 && atIndex > 0 && lastDot > atIndex && lastDot != utf8.count - 1 && utf8.count <= 254
        }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasSuffix(".")
            && !s.contains(where: { $0.isWhitespace || "<>()[],;:\\\"".contains($0) }) && s.utf8.count <= 254
    }
}

/// Unsubscribe tokens made from an address and the list's secret (HMAC-SHA-256): the same
/// address always gets the same token, and nobody can make one without the secret.
public enum Token {
    public static func make(email: String, secret: String) -> String {
        Maker(secret: secret).make(email: email)
    }

    /// Tokens of one secret: the HMAC keyed once and copied for each address (a value, so a
    /// copy is a snapshot of the keyed state), as a send makes a Message-ID for every copy.
    /// Unchecked Sendable: `HMAC` is not marked, but it is a value (hash state and key bytes)
    /// that is only ever read here; each token works on its own copy.
    public struct Maker: @unchecked Sendable {
        private let keyed: HMAC<SHA256>

        public init(secret: String) {
            keyed = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        }

        public func make(email: String) -> String {
            var hmac = keyed
            var lower = email.lowercased()
            lower.withUTF8 { hmac.update(data: UnsafeRawBufferPointer($0)) }
            let mac = hmac.finalize()
            // 128 bits are plenty for an unsubscribe link; hex keeps it URL-safe. (Made for every
            // address of a list and every copy's Message-ID: no String(format:) per byte.)
            let digits: StaticString = "0123456789abcdef"
            return String(unsafeUninitializedCapacity: 32) { out in
                digits.withUTF8Buffer { digits in
                    for (i, byte) in mac.prefix(16).enumerated() {
                        out[2 * i] = digits[Int(byte >> 4)]
                        out[2 * i + 1] = digits[Int(byte & 15)]
                    }
                }
                return 32
            }
        }
    }
}

/// `--shard K/N`: which of N machines sends an address. Made from the address alone (SHA-256 of
/// it in lower case), so the split does not depend on the list's order and every machine, given
/// the same list, agrees on it.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// Parses `K/N`, 1 ≤ K ≤ N.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else { return nil }
        index = k
        count = n
    }

    public func contains(_ email: String) -> Bool {
        let digest = Array(SHA256.hash(data: Data(email.lowercased().utf8)))
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(value % UInt64(count)) == index - 1
    }

    public var description: String { "\(index)/\(count)" }
}
