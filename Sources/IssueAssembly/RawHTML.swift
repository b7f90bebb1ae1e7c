import Foundation

/// What is left of raw HTML once its tags are gone: raw HTML never reaches the model (nor the PDF
/// or the email), but the words a writer put between tags are kept as plain text.
enum RawHTML {
    /// The text of an HTML fragment: comments, tags, and the contents of `script` and `style`
    /// removed; character references decoded; white space collapsed.
    static func text(of html: String) -> String {
        var out = ""
        var rest = Substring(html)
        while let lt = rest.firstIndex(of: "<") {
            out += rest[..<lt]
            let tail = rest[lt...]
            if tail.hasPrefix("<!--") {
                rest = tail.range(of: "-->").map { tail[$0.upperBound...] } ?? ""
                continue
            }
            let lower = tail.prefix(8).lowercased()
            if let element = ["script", "style"].first(where: { lower.hasPrefix("<" + $0) }) {
                if let end = tail.range(of: "</" + element, options: .caseInsensitive) {
                    let after = tail[end.upperBound...]
                    rest = after.firstIndex(of: ">").map { after[after.index(after: $0)...] } ?? ""
                } else {
                    rest = ""
                }
                out += " "
                continue
            }
            if let gt = tail.firstIndex(of: ">") {
                out += " "
                rest = tail[tail.index(after: gt)...]
            } else {
                // A lone "<" that opens no tag is text.
                out += "<"
                rest = tail.dropFirst()
            }
        }
        out += rest
        return decodeEntities(out).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}",
        "mdash": "—", "ndash": "–", "hellip": "…", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
        "copy": "©", "eacute": "é", "aacute": "á", "iacute": "í", "oacute": "ó", "uacute": "ú", "ntilde": "ñ",
    ]

    /// Decodes `&name;`, `&#123;` and `&#x1F;` references; unknown ones stay as written.
    static func decodeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let tail = rest[rest.index(after: amp)...]
            if let semi = tail.prefix(12).firstIndex(of: ";") {
                let name = String(tail[..<semi])
                var decoded: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if name.hasPrefix("#") {
                    decoded = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                } else {
                    decoded = named[name]
                }
                if let decoded, !decoded.unicodeScalars.contains(where: { $0.value == 0 }) {
                    out += decoded
                    rest = tail[tail.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = tail
        }
        return out + rest
    }
}
