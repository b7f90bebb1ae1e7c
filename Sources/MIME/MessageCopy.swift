import Foundation

/// One copy of a message as the bytes that go on the wire, kept as segments: the static chunks
/// of its `MessageTemplate` (shared by every copy, never copied) and the copy's own small
/// buffer (its header fields and field values). `count` is the length of the whole; `bytes`
/// makes it contiguous, for whoever needs that (a test, an mbox); transports stream it
/// (`forEachSegment`, `read(into:cursor:)`, `write(to:)`) without ever making it whole.
public struct MessageCopy: Sendable {
    /// Bytes `start..<start + count` of a template chunk, or of the copy's own buffer (`chunk`
    /// -1). Never empty.
    struct Segment: Sendable {
        let chunk: Int
        let start: Int
        let count: Int
    }

    /// The template whose chunks the segments refer to; nil for a copy made of plain bytes.
    public let template: MessageTemplate?
    let own: [UInt8]
    let segments: [Segment]
    /// The index of the first segment of the body: the header block is the segments before it,
    /// its empty line included.
    let bodyStart: Int
    /// The length of the whole message in bytes.
    public let count: Int

    init(template: MessageTemplate?, own: [UInt8], segments: [Segment], bodyStart: Int, count: Int) {
        self.template = template
        self.own = own
        self.segments = segments
        self.bodyStart = bodyStart
        self.count = count
    }

    /// A copy of bytes serialised whole (`Message.serialized()`): one segment for the header
    /// block (up to and with its empty line) and one for the body.
    public init(bytes: [UInt8]) {
        var split = bytes.count
        var i = 0
        while i + 3 < bytes.count {
            if bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
                split = i + 4
                break
            }
            i += 1
        }
        var segments: [Segment] = []
        if split > 0 { segments.append(Segment(chunk: -1, start: 0, count: split)) }
        if split < bytes.count { segments.append(Segment(chunk: -1, start: split, count: bytes.count - split)) }
        self.init(template: nil, own: bytes, segments: segments, bodyStart: split > 0 ? 1 : 0, count: bytes.count)
    }

    /// The whole message, contiguous.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var offset = 0
            forEachSegment { segment in
                guard let base = buffer.baseAddress, let source = segment.baseAddress else { return }
                UnsafeMutableRawPointer(base + offset).copyMemory(from: source, byteCount: segment.count)
                offset += segment.count
            }
            initialized = offset
        }
    }

    /// The header block, its empty line included (small: a kilobyte or two).
    public var headerBytes: [UInt8] {
        var out: [UInt8] = []
        forEachSegment(in: 0..<bodyStart) { out += $0 }
        return out
    }

    /// Calls `body` with each segment's bytes, in order. The pointer is valid only inside the call.
    public func forEachSegment(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try forEachSegment(in: segments.indices, body)
    }

    /// Calls `body` with each segment of the body (after the header block), and with the index
    /// of the template chunk it is when it is one whole (what DKIM has canonicalised ahead).
    public func forEachBodySegment(_ body: (UnsafeRawBufferPointer, _ chunk: Int?) throws -> Void) rethrows {
        try own.withUnsafeBytes { ownBytes in
            for segment in segments[bodyStart...] {
                let whole = segment.chunk >= 0 && segment.start == 0 && segment.count == template?.chunks[segment.chunk].bytes.count
                try body(bytes(of: segment, own: ownBytes), whole ? segment.chunk : nil)
            }
        }
    }

    private func forEachSegment(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try own.withUnsafeBytes { ownBytes in
            for segment in segments[range] { try body(bytes(of: segment, own: ownBytes)) }
        }
    }

    private func bytes(of segment: Segment, own ownBytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let source = segment.chunk < 0 ? ownBytes : (template?.chunks[segment.chunk].bytes ?? UnsafeRawBufferPointer(start: nil, count: 0))
        return UnsafeRawBufferPointer(rebasing: source[segment.start..<(segment.start + segment.count)])
    }

    /// The copy with a header field in front (a `DKIM-Signature`): its own buffer grows by the
    /// field; the shared chunks stay where they are.
    public func prepending(_ header: [UInt8]) -> MessageCopy {
        guard !header.isEmpty else { return self }
        var grown = own
        grown += header
        return MessageCopy(template: template, own: grown,
                           segments: [Segment(chunk: -1, start: own.count, count: header.count)] + segments,
                           bodyStart: bodyStart + 1, count: count + header.count)
    }

    /// Where a reader of the copy stands (`read(into:cursor:)`).
    public struct Cursor: Sendable {
        var segment = 0
        var offset = 0
        public init() {}
        /// True when the whole copy has been read.
        public func isAtEnd(of copy: MessageCopy) -> Bool { segment >= copy.segments.count }
    }

    /// Copies the next bytes of the copy into `buffer`, as many as fit, and moves `cursor` on:
    /// for a reader that asks for the message a buffer at a time (libcurl's read callback).
    /// Returns how many bytes it copied: 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer, cursor: inout Cursor) -> Int {
        guard let destination = buffer.baseAddress else { return 0 }
        var written = 0
        own.withUnsafeBytes { ownBytes in
            while written < buffer.count && cursor.segment < segments.count {
                let source = bytes(of: segments[cursor.segment], own: ownBytes)
                let n = min(buffer.count - written, source.count - cursor.offset)
                if n > 0, let base = source.baseAddress {
                    (destination + written).copyMemory(from: base + cursor.offset, byteCount: n)
                }
                written += n
                cursor.offset += n
                if cursor.offset >= source.count {
                    cursor.segment += 1
                    cursor.offset = 0
                }
            }
        }
        return written
    }

    /// Writes the whole copy to a file descriptor (a file, a pipe, /dev/null) with `writev`,
    /// straight from the segments; goes on after short writes and EINTR.
    public func write(to descriptor: Int32) throws {
        try own.withUnsafeBytes { ownBytes in
            var vectors = segments.map { segment -> iovec in
                let source = bytes(of: segment, own: ownBytes)
                return iovec(iov_base: UnsafeMutableRawPointer(mutating: source.baseAddress), iov_len: source.count)
            }
            var first = 0
            while first < vectors.count {
                // IOV_MAX is 1024 on Linux and macOS.
                let batch = Int32(min(vectors.count - first, 1024))
                let written = vectors.withUnsafeMutableBufferPointer { v -> Int in
                    guard let base = v.baseAddress else { return 0 }
                    return writev(descriptor, base + first, batch)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(code: errno)
                }
                if written == 0 { throw WriteError(code: EIO) }
                var left = written
                while left > 0 && first < vectors.count {
                    if vectors[first].iov_len <= left {
                        left -= vectors[first].iov_len
                        first += 1
                    } else {
                        vectors[first].iov_base = vectors[first].iov_base.map { $0 + left }
                        vectors[first].iov_len -= left
                        left = 0
                    }
                }
            }
        }
    }

    /// Writes the copy to the file at `path` under a temporary name beside it, then renames it:
    /// nobody ever sees half a message, and a failed write leaves nothing behind.
    public func write(toFile path: String) throws {
        let temporary = path + ".\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw WriteError(code: errno) }
        do {
            try write(to: descriptor)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        if close(descriptor) != 0 || rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw WriteError(code: code)
        }
    }

    /// A write that failed, with the system's words for why.
    public struct WriteError: Error, CustomStringConvertible, LocalizedError {
        public let code: Int32
        public var description: String { String(cString: strerror(code)) }
        public var errorDescription: String? { description }
    }
}
