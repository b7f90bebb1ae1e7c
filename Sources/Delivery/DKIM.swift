import Crypto
import _CryptoExtras
import Foundation
import MIME

/// DKIM signatures (RFC 6376) over the exact bytes that are sent: rsa-sha256 (RFC 8301: keys of
/// 2048 bits or more) or ed25519-sha256 (RFC 8463), relaxed/relaxed canonicalization, no `l=`
/// (a body length lets anyone append to a signed message).
public struct DKIMSigner: @unchecked Sendable {
    enum Key {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    let key: Key
    public let domain: String
    public let selector: String

    /// The headers signed, when the message has them (notes/email.md): From always; the list
    /// headers so that nobody can change where an unsubscribe goes.
    public static let signedHeaders = ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
                                       "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post"]

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public var algorithm: String {
        if case .rsa = key { return "rsa-sha256" }
        return "ed25519-sha256"
    }

    /// - Parameter pem: a PEM private key: RSA (PKCS#1 or PKCS#8) or Ed25519 (PKCS#8, as
    ///   `openssl genpkey -algorithm ed25519` writes it).
    public init(pem: String, domain: String, selector: String) throws {
        self.domain = domain
        self.selector = selector
        for (what, value) in [("domain", domain), ("selector", selector)] {
            guard !value.isEmpty, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }) else {
                throw Failure(description: "the DKIM \(what) '\(value.prefix(60))' is not a DNS name")
            }
        }
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined().trimmingCharacters(in: .whitespacesAndNewlines)
        // PKCS#8 of an Ed25519 key is a fixed 16-byte prefix and the 32-byte seed (RFC 8410).
        let ed25519Prefix: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
        if let der = Data(base64Encoded: body), der.count == 48, Array(der.prefix(16)) == ed25519Prefix {
            key = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32)))
            return
        }
        do {
            let rsa = try _RSA.Signing.PrivateKey(pemRepresentation: pem)
            key = .rsa(rsa)
        } catch {
            throw Failure(description: "not an RSA private key of 2048 bits or more (RFC 8301) or an Ed25519 private key, in PEM")
        }
    }

    /// The public key as the DNS TXT record at `selector._domainkey.domain` gives it (`p=`).
    public var dnsRecord: String {
        switch key {
        case .rsa(let k): return "v=DKIM1; k=rsa; p=" + k.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let k): return "v=DKIM1; k=ed25519; p=" + k.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// The message with a `DKIM-Signature` header in front.
    public func sign(_ message: [UInt8], time: Date = Date()) throws -> [UInt8] {
        let (headerEnd, bodyStart) = Self.split(message)
        let bodyHash = SHA256.hash(data: Self.relaxedBody(message[bodyStart...]))
        return try signatureField(headers: message[..<headerEnd], bodyHash: bodyHash, time: time) + message
    }

    /// A compiled copy with a `DKIM-Signature` header in front, its body hashed segment by
    /// segment, never made whole. `prepare(_:)` makes this faster for a template's copies.
    public func sign(_ copy: MessageCopy, time: Date = Date()) throws -> MessageCopy {
        var body = RelaxedBodyHash()
        copy.forEachBodySegment { bytes, _ in body.update(bytes) }
        return try sign(copy, bodyHash: body.finalize(), time: time)
    }

    func sign(_ copy: MessageCopy, bodyHash: SHA256.Digest, time: Date) throws -> MessageCopy {
        var block = copy.headerBytes
        // Without its empty line, as `split` gives the header block of whole bytes.
        if block.count >= 4 && block.suffix(4).elementsEqual([13, 10, 13, 10]) { block.removeLast(2) }
        return copy.prepending(try signatureField(headers: block[...], bodyHash: bodyHash, time: time))
    }

    /// The `DKIM-Signature` field (CRLF at its end) for a message of these header fields (their
    /// block, each field's CRLF included) and this hash of its canonical body.
    func signatureField(headers block: ArraySlice<UInt8>, bodyHash digest: SHA256.Digest, time: Date) throws -> [UInt8] {
        let bodyHash = Data(digest).base64EncodedString()
        let headers = Self.headers(block)
        var used = Set<Int>()
        var names: [String] = []
        var signedText: [UInt8] = []
        for name in Self.signedHeaders {
            // The last instance first (RFC 6376 §5.4.2); each of ours is there once.
            guard let index = headers.indices.reversed().first(where: { !used.contains($0) && headers[$0].name.lowercased() == name.lowercased() }) else { continue }
            used.insert(index)
            names.append(name)
            signedText += Self.relaxedHeader(headers[index].raw)
        }
        // Folded between tags, each line well under 78 characters; relaxed canonicalization
        // unfolds it again, so the folding is part of what is signed, consistently.
        var value = "v=1; a=\(algorithm); c=relaxed/relaxed; d=\(domain); s=\(selector);\r\n\tt=\(Int(time.timeIntervalSince1970)); h="
        var line = "\tt=\(Int(time.timeIntervalSince1970)); h="
        for (i, name) in names.enumerated() {
            let piece = name + (i == names.count - 1 ? ";" : ":")
            if line.count + piece.count > 74 {
                value += "\r\n\t"
                line = "\t"
            }
            value += piece
            line += piece
        }
        value += "\r\n\tbh=\(bodyHash);\r\n\tb="
        let unsigned = "DKIM-Signature: " + value
        var canonical = Self.relaxedHeader(Array(unsigned.utf8))
        canonical.removeLast(2) // the signature header goes in without its CRLF (§3.7)
        signedText += canonical
        let signature: Data
        switch key {
        case .rsa(let k):
            signature = try k.signature(for: SHA256.hash(data: signedText), padding: .insecurePKCS1v1_5).rawRepresentation
        case .ed25519(let k):
            // RFC 8463 §3: Ed25519 signs the SHA-256 hash of the data, not the data.
            signature = try k.signature(for: Data(SHA256.hash(data: signedText)))
        }
        let b64 = signature.base64EncodedString()
        var folded = ""
        var start = b64.startIndex
        while start < b64.endIndex {
            let end = b64.index(start, offsetBy: 70, limitedBy: b64.endIndex) ?? b64.endIndex
            folded += (folded.isEmpty ? "" : "\r\n\t ") + b64[start..<end]
            start = end
        }
        return Array((unsigned + folded + "\r\n").utf8)
    }

    /// Where the header block ends (before its blank line) and the body starts.
    static func split(_ message: [UInt8]) -> (headerEnd: Int, bodyStart: Int) {
        var i = 0
        while i + 3 < message.count {
            if message[i] == 13 && message[i + 1] == 10 && message[i + 2] == 13 && message[i + 3] == 10 { return (i + 2, i + 4) }
            i += 1
        }
        return (message.count, message.count)
    }

    /// The header fields of a header block, each with its raw bytes (continuation lines and
    /// final CRLF included).
    static func headers(_ block: ArraySlice<UInt8>) -> [(name: String, raw: [UInt8])] {
        var out: [(name: String, raw: [UInt8])] = []
        var current: [UInt8] = []
        var lineStart = true
        for b in block {
            if lineStart && b != 32 && b != 9 && !current.isEmpty {
                out.append((Self.name(of: current), current))
                current = []
            }
            current.append(b)
            lineStart = b == 10
        }
        if !current.isEmpty { out.append((Self.name(of: current), current)) }
        return out
    }

    static func name(of field: [UInt8]) -> String {
        let colon = field.firstIndex(of: 58) ?? field.count
        return String(decoding: field[..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    /// RFC 6376 §3.4.2: name lowercased, value unfolded, runs of whitespace one space, none at
    /// either end of the value.
    static func relaxedHeader(_ field: [UInt8]) -> [UInt8] {
        let colon = field.firstIndex(of: 58) ?? field.count
        var out = Array(String(decoding: field[..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased().utf8)
        out.append(58)
        var value: [UInt8] = []
        var space = false
        for b in field[min(colon + 1, field.count)...] where b != 13 && b != 10 {
            if b == 32 || b == 9 {
                space = true
            } else {
                if space && !value.isEmpty { value.append(32) }
                space = false
                value.append(b)
            }
        }
        return out + value + [13, 10]
    }

    /// RFC 6376 §3.4.4: whitespace at line ends removed, runs inside a line one space, empty
    /// lines at the end removed, and a non-empty body ends with CRLF. One pass over the bytes
    /// into a buffer of the body's size (the canonical body is never longer, but for a final
    /// CRLF): it runs over every copy of a send, some hundreds of kilobytes each.
    static func relaxedBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        body.withUnsafeBufferPointer { source in
            let n = source.count
            return [UInt8](unsafeUninitializedCapacity: n + 2) { out, count in
                var o = 0, i = 0
                var emptyLines = 0, lineLength = 0
                var space = false
                while i < n {
                    let b = source[i]
                    if b == 13 && i + 1 < n && source[i + 1] == 10 {
                        if lineLength == 0 {
                            emptyLines += 1
                        } else {
                            out[o] = 13; out[o + 1] = 10; o += 2
                        }
                        lineLength = 0
                        space = false
                        i += 2
                        continue
                    }
                    if b > 32 {
                        // A run of ordinary bytes (a whole base64 line, most of a text line)
                        // is copied at once.
                        var j = i + 1
                        while j < n && source[j] > 32 { j += 1 }
                        if lineLength == 0 {
                            while emptyLines > 0 { out[o] = 13; out[o + 1] = 10; o += 2; emptyLines -= 1 }
                        }
                        if space { out[o] = 32; o += 1; lineLength += 1; space = false }
                        (out.baseAddress! + o).update(from: source.baseAddress! + i, count: j - i)
                        o += j - i
                        lineLength += j - i
                        i = j
                        continue
                    }
                    if b == 32 || b == 9 {
                        space = true
                    } else {
                        // Empty lines count only when something follows them.
                        if lineLength == 0 {
                            while emptyLines > 0 { out[o] = 13; out[o + 1] = 10; o += 2; emptyLines -= 1 }
                        }
                        if space { out[o] = 32; o += 1; lineLength += 1; space = false }
                        out[o] = b; o += 1
                        lineLength += 1
                    }
                    i += 1
                }
                if lineLength > 0 { out[o] = 13; out[o + 1] = 10; o += 2 }
                count = o
            }
        }
    }
}
