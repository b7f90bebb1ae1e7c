/// A part of a message: text (sent quoted-printable), binary data (base64), or a multipart of
/// parts.
public final class MIMEPart: @unchecked Sendable {
    public enum Body {
        case text(String)
        /// Text with fields filled per copy: only a `MessageTemplate` can write it.
        case textTemplate([TextPiece])
        case binary([UInt8])
        case multipart(subtype: String, [MIMEPart])
    }

    public let contentType: String
    public let body: Body
    /// `Content-ID` without its angle brackets, for `cid:` references.
    public let contentID: String?
    public let filename: String?
    /// The encoded body, made once: a picture shared by many personalised copies is encoded
    /// for the first and reused for the rest.
    private var encodedBody: String?
    private var serializedLeaf: [UInt8]?

    public init(contentType: String, body: Body, contentID: String? = nil, filename: String? = nil) {
        self.contentType = contentType
        self.body = body
        self.contentID = contentID
        self.filename = filename
        // A picture is encoded now, once, and only read afterwards: the parts of a newsletter
        // are shared by every copy and every sending thread.
        if case .binary(let data) = body { encodedBody = Encodings.base64Lines(data) }
    }

    public static func text(_ text: String, subtype: String) -> MIMEPart {
        MIMEPart(contentType: "text/\(subtype); charset=UTF-8", body: .text(text))
    }

    /// A text part whose fields each copy fills (see `MessageTemplate`).
    public static func textTemplate(_ pieces: [TextPiece], subtype: String) -> MIMEPart {
        MIMEPart(contentType: "text/\(subtype); charset=UTF-8", body: .textTemplate(pieces))
    }

    /// Quoted-printable and base64 bodies can never hold "=_" (RFC 2045 §6.7, §6.8), and each
    /// nesting level has its own boundary: no part can contain its delimiter.
    static func boundary(subtype: String, depth: Int) -> String { "=_issue_\(subtype)_\(depth)" }

    /// The part's own header fields, in the order they are written.
    func ownHeaders(depth: Int) throws(MIMEError) -> [Header] {
        var headers: [Header] = []
        switch body {
        case .text, .textTemplate:
            headers.append(try Header("Content-Type", contentType))
            headers.append(try Header("Content-Transfer-Encoding", "quoted-printable"))
        case .binary:
            var type = contentType
            if let filename { type += "; " + Self.filenameParameter("name", filename) }
            headers.append(try Header("Content-Type", type))
            headers.append(try Header("Content-Transfer-Encoding", "base64"))
            if let filename { headers.append(try Header("Content-Disposition", "inline; " + Self.filenameParameter("filename", filename))) }
        case .multipart(let subtype, _):
            var type = "multipart/\(subtype); boundary=\"\(Self.boundary(subtype: subtype, depth: depth))\""
            if subtype == "related" { type += "; type=\"text/html\"" }
            headers.append(try Header("Content-Type", type))
        }
        if let contentID { headers.append(try Header("Content-ID", "<\(contentID)>")) }
        return headers
    }

    /// The part's own headers and body, CRLF throughout, appended to `out`. A leaf part is
    /// serialised once and its bytes reused: a picture shared by every personalised copy costs
    /// a copy of bytes per message, not an encoding.
    func serialize(into out: inout [UInt8], depth: Int = 0) throws(MIMEError) {
        if let cached = serializedLeaf {
            out += cached
            return
        }
        if case .textTemplate = body {
            throw MIMEError("a text part with fields is written only by a MessageTemplate, which fills them")
        }
        let headers = try ownHeaders(depth: depth)
        if case .multipart(let subtype, let parts) = body {
            for h in headers { out += Array(h.folded.utf8) }
            out += Encodings.crlf
            let boundary = Self.boundary(subtype: subtype, depth: depth)
            let delimiter = Array("--\(boundary)\r\n".utf8)
            for part in parts {
                out += delimiter
                try part.serialize(into: &out, depth: depth + 1)
                // The CRLF before a boundary line belongs to the boundary (RFC 2046 §5.1.1):
                // a part that ends with a line break needs one more, or a parser takes its last
                // one away.
                out += Encodings.crlf
            }
            out += Array("--\(boundary)--\r\n".utf8)
            return
        }
        var leaf: [UInt8] = []
        for h in headers { leaf += Array(h.folded.utf8) }
        leaf += Encodings.crlf
        leaf += Array(encoded.utf8)
        if case .binary = body { serializedLeaf = leaf }
        out += leaf
    }

    /// The encoded body of a leaf part (empty for the others).
    var encoded: String {
        if let encodedBody { return encodedBody }
        let value: String
        switch body {
        case .text(let text): value = Encodings.quotedPrintable(text.hasSuffix("\n") ? text : text + "\n")
        case .binary(let data): value = Encodings.base64Lines(data)
        case .multipart, .textTemplate: value = ""
        }
        encodedBody = value
        return value
    }

    /// `name="file.jpg"`, or RFC 2231's `name*=UTF-8''…` when the name is not plain ASCII.
    static func filenameParameter(_ key: String, _ name: String) -> String {
        let plain = name.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != 34 && $0 != 92 }
        if plain { return "\(key)=\"\(name)\"" }
        var encoded = ""
        for b in name.utf8 {
            if (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || "!#$&+-.^_`|~".utf8.contains(b) {
                encoded.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                encoded += "%" + String(decoding: [Encodings.hex[Int(b >> 4)], Encodings.hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return "\(key)*=UTF-8''\(encoded)"
    }
}

/// A whole message: its headers in order and its body.
public struct Message: Sendable {
    public var headers: [Header]
    public var body: MIMEPart

    public init(headers: [Header], body: MIMEPart) {
        self.headers = headers
        self.body = body
    }

    /// The message as it goes on the wire: CRLF line endings, folded headers, MIME-Version.
    public func serialized() throws(MIMEError) -> [UInt8] {
        var out: [UInt8] = []
        for header in headers { out += Array(header.folded.utf8) }
        out += Array(try Header("MIME-Version", "1.0").folded.utf8)
        try body.serialize(into: &out)
        return out
    }
}
