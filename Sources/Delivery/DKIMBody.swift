import Crypto
import Foundation
import MIME

/// The hash of a body in relaxed canonical form (RFC 6376 §3.4.4), fed in pieces that may be cut
/// anywhere, even between a CR and its LF: runs of spaces and tabs inside a line become one
/// space, those at a line's end go, empty lines at the end of the body go, and a body that does
/// not end with a line break gets one. The same rules as `DKIMSigner.relaxedBody`, which works
/// on a whole body; this keeps what a piece's end leaves open (a pending CR, pending whitespace,
/// empty lines that count only if something follows) in its state.
///
/// Being a value (SHA256 included), a state can be copied: that is the snapshot of a shared
/// prefix that each copy goes on from (`DKIMSigner.Prepared`).
struct RelaxedBodyHash: @unchecked Sendable {
    /// Where a piece's canonical form left off.
    struct State: Sendable, Equatable {
        /// Empty lines seen and not yet written: written only when something follows.
        var emptyLines = 0
        /// Bytes written on the current line.
        var lineLength = 0
        /// Whitespace seen after the last byte written: one space if more follows on the line.
        var space = false
        /// A CR seen last: a line end if an LF follows, else an ordinary byte.
        var cr = false
        /// At the start of a line with nothing pending but empty lines: where a chunk of a
        /// compiled message starts, and from where its precomputed form holds.
        var atLineStart: Bool { lineLength == 0 && !space && !cr }
    }

    private(set) var state = State()
    private var hash = SHA256()
    private var out: [UInt8] = []
    /// Keeps the canonical bytes instead of hashing them (`Canonical`).
    private var keep = false

    init() {
        out.reserveCapacity(Self.flushAt + 1024)
    }

    /// Canonical bytes are handed to SHA-256 in runs of this size: one call per byte would
    /// cost more than the hashing.
    static let flushAt = 32 * 1024

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if state.cr {
                state.cr = false
                if b == 10 {
                    lineEnd()
                    i += 1
                    continue
                }
                content(13)
            }
            if b > 32 {
                // A run of ordinary bytes (a base64 line, most of a text line) at once.
                var j = i + 1
                while j < n && bytes[j] > 32 { j += 1 }
                beforeContent()
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<j]))
                state.lineLength += j - i
                i = j
                if !keep && out.count >= Self.flushAt { flush() }
                continue
            }
            switch b {
            case 13: state.cr = true
            case 32, 9: state.space = true
            default: content(b)
            }
            i += 1
        }
        if !keep && out.count >= Self.flushAt { flush() }
    }

    /// A chunk canonicalised ahead (`Canonical`), given with its raw bytes for when this state
    /// is not at a line start and the precomputed form does not hold.
    mutating func update(_ chunk: Canonical, raw: UnsafeRawBufferPointer) {
        guard state.atLineStart else {
            update(raw)
            return
        }
        if chunk.bytes.isEmpty {
            // Nothing but empty lines (or whitespace): they add to those pending.
            state.emptyLines += chunk.end.emptyLines
            state.space = chunk.end.space
            state.cr = chunk.end.cr
            return
        }
        writeEmptyLines()
        flush()
        chunk.bytes.withUnsafeBytes { hash.update(bufferPointer: $0) }
        state = chunk.end
    }

    /// The hash, the body ended.
    mutating func finalize() -> SHA256.Digest {
        if state.cr {
            state.cr = false
            content(13)
        }
        if state.lineLength > 0 {
            out.append(13)
            out.append(10)
        }
        flush()
        return hash.finalize()
    }

    /// Writes what is pending into the hash: a snapshot taken after it holds no buffer.
    mutating func flush() {
        guard !out.isEmpty else { return }
        out.withUnsafeBytes { hash.update(bufferPointer: $0) }
        out.removeAll(keepingCapacity: true)
    }

    private mutating func content(_ b: UInt8) {
        beforeContent()
        out.append(b)
        state.lineLength += 1
    }

    private mutating func beforeContent() {
        if state.lineLength == 0 { writeEmptyLines() }
        if state.space {
            out.append(32)
            state.lineLength += 1
            state.space = false
        }
    }

    private mutating func writeEmptyLines() {
        while state.emptyLines > 0 {
            out.append(13)
            out.append(10)
            state.emptyLines -= 1
        }
    }

    private mutating func lineEnd() {
        if state.lineLength == 0 {
            state.emptyLines += 1
        } else {
            out.append(13)
            out.append(10)
        }
        state.lineLength = 0
        state.space = false
    }

    /// A static chunk in canonical form, for a state at a line start with no empty lines
    /// pending: its bytes (empty when it holds nothing but empty lines), and the state it
    /// leaves.
    struct Canonical: Sendable {
        var bytes: [UInt8]
        var end: State

        init(_ raw: UnsafeRawBufferPointer) {
            var body = RelaxedBodyHash()
            body.keep = true
            body.update(raw)
            bytes = body.out
            end = body.state
        }
    }
}

extension DKIMSigner {
    /// A signer made ready for the copies of one template: the canonical form of each static
    /// chunk of the body is made once, and the body hash's state after the chunks every copy
    /// begins with (the first boundary and the text part up to its first field) is kept; each
    /// copy's hash goes on from a copy of that state. Signing a copy then costs hashing the
    /// rest of its body (SHA-256 over the pictures, mostly) and one signature.
    public struct Prepared: Sendable {
        public let signer: DKIMSigner
        let template: MessageTemplate
        /// By chunk index: the canonical form of each chunk of the body.
        let canonical: [RelaxedBodyHash.Canonical?]
        /// The chunks every copy's body begins with, and the hash state after them.
        let prefix: [Int]
        let afterPrefix: RelaxedBodyHash

        /// A copy of `template` with a `DKIM-Signature` in front; any other copy is signed as
        /// `DKIMSigner.sign(_:time:)` signs it.
        public func sign(_ copy: MessageCopy, time: Date = Date()) throws -> MessageCopy {
            guard copy.template === template, let digest = bodyHash(copy) else { return try signer.sign(copy, time: time) }
            return try signer.sign(copy, bodyHash: digest, time: time)
        }

        /// The body hash from the snapshot; nil if the copy does not begin with the prefix.
        func bodyHash(_ copy: MessageCopy) -> SHA256.Digest? {
            var body = afterPrefix
            var index = 0
            var matches = true
            copy.forEachBodySegment { bytes, chunk in
                guard matches else { return }
                if index < prefix.count {
                    matches = chunk == prefix[index]
                    index += 1
                    return
                }
                if let chunk, let canonical = canonical[chunk] {
                    body.update(canonical, raw: bytes)
                } else {
                    body.update(bytes)
                }
            }
            guard matches && index == prefix.count else { return nil }
            return body.finalize()
        }
    }

    /// Canonicalises `template`'s static body chunks and hashes the prefix all its copies share.
    public func prepare(_ template: MessageTemplate) -> Prepared {
        var canonical = [RelaxedBodyHash.Canonical?](repeating: nil, count: template.chunkCount)
        for index in template.bodyChunks {
            canonical[index] = template.withChunk(index) { RelaxedBodyHash.Canonical($0) }
        }
        var body = RelaxedBodyHash()
        for index in template.sharedBodyPrefix {
            template.withChunk(index) { raw in
                if let c = canonical[index] { body.update(c, raw: raw) } else { body.update(raw) }
            }
        }
        body.flush()
        return Prepared(signer: self, template: template, canonical: canonical, prefix: template.sharedBodyPrefix, afterPrefix: body)
    }
}
