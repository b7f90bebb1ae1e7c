/// A piece of a text part that is filled per copy: text as it is, or field number N, whose
/// value each copy gives (see `MessageTemplate.copy(headers:fields:)`).
public enum TextPiece: Sendable, Hashable {
    case text(String)
    case field(Int)
}

/// A message compiled once for a whole send, from which each personalised copy is made in
/// microseconds.
///
/// A newsletter copy is some 700 KB (HTML and text in quoted-printable, pictures in base64), and
/// all but a few hundred bytes of it are the same for every subscriber. Serialising each copy
/// whole re-encodes the text and copies the pictures every time. Here the message is encoded
/// once into *static chunks*: immutable bytes at a fixed address that every copy refers to and
/// none copies. Between them stand the slots a copy fills: the header fields that differ per
/// copy (To, Message-ID, List-Unsubscribe), and the fields of the text parts. A copy
/// (`MessageCopy`) is a list of segments: the shared chunks and its own small buffer.
///
/// Quoted-printable (RFC 2045 §6.7) is not made for pieces, so the pieces are cut where it is
/// safe: each static chunk of a text part is encoded on its own with its end treated as a line
/// end (a space or tab there becomes `=20` / `=09`, as a decoder strips whitespace before a
/// line break) and ends with a soft break (`=` CRLF) unless it ends with a hard CRLF; each field
/// value is encoded the same way on lines of its own. The soft breaks decode to nothing, so the
/// decoded text is exactly the text filled whole; every line stays within 76 characters; and
/// every boundary between segments of a text part falls at a line end, which is what lets DKIM
/// canonicalise the static chunks once (see `DKIMSigner`).
///
/// A field value must be one line: a line break in a subscriber's name or address would be
/// refused in the header it also goes into, and refusing it here keeps every boundary a line
/// boundary (and the line ends of the text the template's own).
public final class MessageTemplate: Sendable {
    /// A header field of the template: the same in every copy, or given by each copy.
    public enum HeaderField: Sendable {
        case fixed(Header)
        case perCopy(String)
    }

    enum Piece: Sendable {
        case chunk(Int)
        case header(Int)
        case field(Int)
        /// A CRLF when any of these fields is not empty (a text part that ends with fields:
        /// see `TemplateBuilder.appendQuotedPrintable`); the CRLF is the chunk.
        case lineEndUnlessEmpty([Int], chunk: Int)
    }

    let chunks: [SharedChunk]
    let pieces: [Piece]
    /// The index in `pieces` where the body begins (after the header block's empty line).
    let bodyStart: Int
    /// The names of the per-copy header fields, in the order `copy` takes their values.
    public let perCopyHeaders: [String]
    /// How many field values `copy` needs (one more than the highest field number).
    public let fieldCount: Int
    /// The static bytes of every copy, pictures included.
    public let staticByteCount: Int

    /// - Parameters:
    ///   - headers: the message's header fields in order; `MIME-Version` and the body's
    ///     `Content-Type` follow them, as in `Message.serialized()`.
    ///   - body: the body; its text parts may be `.textTemplate`s.
    public init(headers: [HeaderField], body: MIMEPart) throws(MIMEError) {
        var builder = TemplateBuilder()
        var names: [String] = []
        for field in headers {
            switch field {
            case .fixed(let header):
                builder.pending += header.folded.utf8
            case .perCopy(let name):
                builder.close()
                builder.pieces.append(.header(names.count))
                names.append(name)
            }
        }
        builder.pending += try Header("MIME-Version", "1.0").folded.utf8
        try body.compile(into: &builder, depth: 0)
        builder.close()
        chunks = builder.chunks
        pieces = builder.pieces
        bodyStart = builder.bodyStart ?? builder.pieces.count
        perCopyHeaders = names
        fieldCount = builder.pieces.reduce(0) { most, piece in
            switch piece {
            case .field(let n): return max(most, n + 1)
            case .lineEndUnlessEmpty(let fields, _): return max(most, (fields.max() ?? -1) + 1)
            default: return most
            }
        }
        staticByteCount = builder.chunks.reduce(0) { $0 + $1.bytes.count }
    }

    /// How many static chunks the template has.
    public var chunkCount: Int { chunks.count }

    /// Calls `body` with the bytes of static chunk `index` (valid only inside the call).
    public func withChunk<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(chunks[index].bytes)
    }

    /// The indices of the static chunks that stand in the body.
    public var bodyChunks: [Int] {
        pieces[bodyStart...].compactMap { piece in
            switch piece {
            case .chunk(let n), .lineEndUnlessEmpty(_, let n): return n
            case .header, .field: return nil
            }
        }
    }

    /// The static chunks every copy's body begins with, in order: the body up to its first
    /// field. Each copy's first body segments are exactly these chunks.
    public var sharedBodyPrefix: [Int] {
        var prefix: [Int] = []
        for piece in pieces[bodyStart...] {
            guard case .chunk(let n) = piece else { break }
            prefix.append(n)
        }
        return prefix
    }

    /// One copy: `headers` are the per-copy header fields, in the order of `perCopyHeaders`;
    /// `fields[n]` is the value of field n, as it goes in the text (HTML-escaped by the caller
    /// where the part is HTML). Only the values are encoded; the rest is shared.
    public func copy(headers: [Header], fields: [String]) throws(MIMEError) -> MessageCopy {
        guard headers.count == perCopyHeaders.count,
              zip(headers, perCopyHeaders).allSatisfy({ $0.name.lowercased() == $1.lowercased() }) else {
            throw MIMEError("a copy needs the header fields \(perCopyHeaders.joined(separator: ", ")), in that order")
        }
        guard fields.count >= fieldCount else {
            throw MIMEError("a copy needs \(fieldCount) field values, not \(fields.count)")
        }
        var own: [UInt8] = []
        own.reserveCapacity(1024)
        var headerRanges: [Range<Int>] = []
        headerRanges.reserveCapacity(headers.count)
        for header in headers {
            let start = own.count
            header.appendFolded(to: &own)
            headerRanges.append(start..<own.count)
        }
        // Each field's value encoded once, however often the text shows it.
        var fieldRanges = [Range<Int>?](repeating: nil, count: fieldCount)
        func range(of field: Int) throws(MIMEError) -> Range<Int> {
            if let known = fieldRanges[field] { return known }
            let start = own.count
            var value = fields[field]
            let hasLineBreak = value.withUTF8 { bytes -> Bool in
                if bytes.contains(where: { $0 == 13 || $0 == 10 }) { return true }
                Encodings.appendQuotedPrintable(bytes, to: &own, piece: true)
                return false
            }
            if hasLineBreak { throw MIMEError("field \(field) of a copy holds a line break; a field value is one line") }
            fieldRanges[field] = start..<own.count
            return start..<own.count
        }
        var segments: [MessageCopy.Segment] = []
        segments.reserveCapacity(pieces.count)
        var count = 0
        var bodySegment = 0
        for (index, piece) in pieces.enumerated() {
            if index == bodyStart { bodySegment = segments.count }
            let segment: MessageCopy.Segment
            switch piece {
            case .chunk(let n):
                segment = .init(chunk: n, start: 0, count: chunks[n].bytes.count)
            case .header(let n):
                segment = .init(chunk: -1, start: headerRanges[n].lowerBound, count: headerRanges[n].count)
            case .field(let n):
                let r = try range(of: n)
                segment = .init(chunk: -1, start: r.lowerBound, count: r.count)
            case .lineEndUnlessEmpty(let trailing, let n):
                guard trailing.contains(where: { !fields[$0].isEmpty }) else { continue }
                segment = .init(chunk: n, start: 0, count: chunks[n].bytes.count)
            }
            if segment.count == 0 { continue }
            segments.append(segment)
            count += segment.count
        }
        if bodyStart >= pieces.count { bodySegment = segments.count }
        return MessageCopy(template: self, own: own, segments: segments, bodyStart: bodySegment, count: count)
    }
}

/// Immutable bytes at a fixed address, freed with the last template (or copy) that holds them:
/// copies point into them (`writev`, libcurl's read callback) without copying.
final class SharedChunk: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer
    let bytes: UnsafeRawBufferPointer

    init(_ source: [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, source.count), alignment: 16)
        source.withUnsafeBytes { storage.copyMemory(from: $0) }
        self.storage = storage
        bytes = UnsafeRawBufferPointer(rebasing: storage[0..<source.count])
    }

    deinit { storage.deallocate() }
}

/// Collects a template while the message is walked: static bytes pile up in `pending` until a
/// per-copy piece closes them into a chunk.
struct TemplateBuilder {
    var chunks: [SharedChunk] = []
    var pieces: [MessageTemplate.Piece] = []
    var pending: [UInt8] = []
    var bodyStart: Int?
    private var lineEnd: Int?

    mutating func close() {
        guard !pending.isEmpty else { return }
        chunks.append(SharedChunk(pending))
        pieces.append(.chunk(chunks.count - 1))
        pending = []
    }

    /// The body begins here: a segment boundary, so that DKIM finds the body without a search.
    mutating func markBodyStart() {
        close()
        bodyStart = pieces.count
    }

    /// A text part's body in quoted-printable, static pieces encoded now, fields left open.
    ///
    /// The filled text gets a final line break when it has none (as `MIMEPart.encoded` does,
    /// with the same `hasSuffix("\n")`): known now when the text ends with static text; when it
    /// ends with fields, it depends on whether they are empty, and a conditional CRLF decides
    /// per copy.
    mutating func appendQuotedPrintable(_ pieces: [TextPiece]) {
        var merged: [TextPiece] = []
        for piece in pieces {
            if case .text(let text) = piece {
                if text.isEmpty { continue }
                if case .text(let before)? = merged.last {
                    merged[merged.count - 1] = .text(before + text)
                    continue
                }
            }
            merged.append(piece)
        }
        var trailingFields: [Int] = []
        var tail = merged.count
        while tail > 0, case .field(let n) = merged[tail - 1] {
            trailingFields.append(n)
            tail -= 1
        }
        var endsWithLineBreak = false
        if tail > 0, case .text(let text) = merged[tail - 1] { endsWithLineBreak = text.hasSuffix("\n") }
        if trailingFields.isEmpty && !endsWithLineBreak {
            if case .text(let text)? = merged.last { merged[merged.count - 1] = .text(text + "\n") } else { merged.append(.text("\n")) }
        }
        for piece in merged {
            switch piece {
            case .text(let text):
                Encodings.crlfLines(text).withUnsafeBufferPointer { Encodings.appendQuotedPrintable($0, to: &pending, piece: true) }
            case .field(let n):
                close()
                self.pieces.append(.field(n))
            }
        }
        guard !trailingFields.isEmpty else { return }
        if endsWithLineBreak {
            close()
            if lineEnd == nil {
                chunks.append(SharedChunk(Encodings.crlf))
                lineEnd = chunks.count - 1
            }
            self.pieces.append(.lineEndUnlessEmpty(trailingFields, chunk: lineEnd ?? 0))
        } else {
            pending += Encodings.crlf
        }
    }
}

extension MIMEPart {
    /// The part into a template, as `serialize` writes it but for the text parts with fields.
    func compile(into builder: inout TemplateBuilder, depth: Int) throws(MIMEError) {
        for header in try ownHeaders(depth: depth) { builder.pending += header.folded.utf8 }
        builder.pending += Encodings.crlf
        if depth == 0 { builder.markBodyStart() }
        switch body {
        case .text, .binary:
            builder.pending += encoded.utf8
        case .textTemplate(let pieces):
            builder.appendQuotedPrintable(pieces)
        case .multipart(let subtype, let parts):
            let boundary = Self.boundary(subtype: subtype, depth: depth)
            for part in parts {
                builder.pending += "--\(boundary)\r\n".utf8
                try part.compile(into: &builder, depth: depth + 1)
                // The CRLF that belongs to the boundary (see `serialize`).
                builder.pending += Encodings.crlf
            }
            builder.pending += "--\(boundary)--\r\n".utf8
        }
    }
}
