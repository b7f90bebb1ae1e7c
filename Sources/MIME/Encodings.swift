/// The transfer encodings of a message: quoted-printable for text, base64 for binary parts,
/// RFC 2047 encoded words for header text. Every line ends in CRLF; no encoded line is longer
/// than 76 characters (RFC 2045 §6.7, §6.8).
public enum Encodings {
    static let hex = Array("0123456789ABCDEF".utf8)
    static let crlf: [UInt8] = [13, 10]

    /// Text with its line endings made CRLF, whatever they were.
    public static func crlfLines(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { bytes -> [UInt8] in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 40)
            var previous: UInt8 = 0
            for byte in bytes {
                if byte == 10 && previous != 13 { out.append(13) }
                if previous == 13 && byte != 10 { out.append(10) }
                out.append(byte)
                previous = byte
            }
            if previous == 13 { out.append(10) }
            return out
        }
    }

    /// Quoted-printable (RFC 2045 §6.7) of UTF-8 text: line breaks become CRLF, other bytes
    /// outside printable ASCII, `=`, and spaces or tabs before a line break are `=XX`, and lines
    /// are cut with a soft break (`=`) so none passes 76 characters. Never splits an `=XX`.
    public static func quotedPrintable(_ text: String) -> String {
        let bytes = crlfLines(text)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 6)
        bytes.withUnsafeBufferPointer { appendQuotedPrintable($0, to: &out, piece: false) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the quoted-printable of `bytes` (CRLF line ends already) to `out`.
    ///
    /// With `piece`, the bytes are one piece of a longer text that is encoded piece by piece (a
    /// compiled message's static chunks and each copy's field values, see `MessageTemplate`):
    /// the piece's end is treated as a line end, so a space or tab there becomes `=20` / `=09`
    /// (a decoder drops whitespace before a line break), and unless the piece ends with a hard
    /// CRLF it ends with a soft break `=` CRLF, within the 76 characters. The next piece then
    /// starts on a line of its own, and the decoded pieces join to exactly the decoded whole.
    static func appendQuotedPrintable(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], piece: Bool) {
        var lineLength = 0
        var i = 0
        let count = bytes.count
        while i < count {
            let b = bytes[i]
            if b == 13, i + 1 < count, bytes[i + 1] == 10 {
                out.append(13)
                out.append(10)
                lineLength = 0
                i += 2
                continue
            }
            let atEnd = i + 1 >= count
            let atLineEnd = atEnd || bytes[i + 1] == 13
            let literal = (b >= 33 && b <= 126 && b != 61) || ((b == 32 || b == 9) && !atLineEnd)
            let width = literal ? 1 : 3
            // Room for this character and, unless the line ends here, a soft break after it
            // (a piece's end is followed by one).
            if lineLength + width > (atLineEnd && !(atEnd && piece) ? 76 : 75) {
                out.append(61)
                out.append(13)
                out.append(10)
                lineLength = 0
            }
            if literal {
                out.append(b)
            } else {
                out.append(61)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            }
            lineLength += width
            i += 1
        }
        if piece && lineLength > 0 {
            out.append(61)
            out.append(13)
            out.append(10)
        }
    }

    /// Base64 (RFC 2045 §6.8) in lines of 76 characters, CRLF after each.
    public static func base64Lines(_ data: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(data.count * 4 / 3 + data.count / 38 + 4)
        var lineLength = 0
        var i = 0
        while i < data.count {
            let b0 = data[i], b1 = i + 1 < data.count ? data[i + 1] : 0, b2 = i + 2 < data.count ? data[i + 2] : 0
            let n = data.count - i
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 3) << 4 | b1 >> 4)])
            out.append(n > 1 ? alphabet[Int((b1 & 15) << 2 | b2 >> 6)] : 61)
            out.append(n > 2 ? alphabet[Int(b2 & 63)] : 61)
            lineLength += 4
            if lineLength == 76 {
                out += crlf
                lineLength = 0
            }
            i += 3
        }
        if lineLength > 0 { out += crlf }
        return String(decoding: out, as: UTF8.self)
    }

    /// Header text as it may stand in a header: as it is when it is printable ASCII, else as
    /// RFC 2047 encoded words (`=?UTF-8?Q?…?=`), each at most 75 characters and each holding
    /// whole characters, never part of a UTF-8 sequence. Words are separated by a space, where
    /// the header may be folded.
    public static func headerText(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }) && !text.contains("=?") { return text }
        return encodedWords(text).joined(separator: " ")
    }

    /// RFC 2047 Q-encoded words of `text` (§4.2: `_` for space, `=XX` for the rest outside a
    /// safe set), each at most 62 characters: within RFC 2047's 75, and short enough that a
    /// header's first line (`List-Unsubscribe: ` and a word) stays within 78.
    public static func encodedWords(_ text: String) -> [String] {
        let prefix = "=?UTF-8?Q?", suffix = "?="
        let room = 62 - prefix.count - suffix.count
        var words: [String] = []
        var current = ""
        // Scalar by scalar: a word may end between the scalars of one character (decoders join
        // adjacent words), never inside a scalar's UTF-8 bytes.
        for scalar in text.unicodeScalars {
            var encoded = ""
            for b in String(scalar).utf8 {
                switch b {
                case 32: encoded += "_"
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"):
                    encoded.unicodeScalars.append(Unicode.Scalar(b))
                default:
                    encoded += "=" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
                }
            }
            if current.count + encoded.count > room && !current.isEmpty {
                words.append(prefix + current + suffix)
                current = ""
            }
            current += encoded
        }
        if !current.isEmpty || words.isEmpty { words.append(prefix + current + suffix) }
        return words
    }
}
