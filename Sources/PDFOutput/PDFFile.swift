import CDeflate
import Foundation

/// A PDF file written object by object (PDF 32000-1 §7.5): numbered objects, streams deflated,
/// the cross-reference table and trailer at the end. Objects are numbered when reserved and
/// may be written in any order; the file goes out through a buffer, so pictures never sit in
/// memory twice.
final class PDFFile {
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private var buffer: [UInt8] = []
    private var written = 0
    private var offsets: [Int?] = [nil]
    private var failed = false

    /// `version` goes in the header: "1.5", or "1.6" for what needs it.
    init(path: String, version: String = "1.5") throws(PDFOutputError) {
        guard let file = fopen(path, "wb") else { throw .write(path) }
        self.file = file
        self.path = path
        buffer.reserveCapacity(1 << 20)
        // A binary comment line, so transfer programs treat the file as binary.
        raw("%PDF-\(version)\n%\u{e2}\u{e3}\u{cf}\u{d3}\n")
    }

    private var closed = false

    deinit { close() }

    /// Closes the file (after `finish`, or to give it up); nothing is written after.
    func close() {
        guard !closed else { return }
        closed = true
        fclose(file)
    }

    /// The header's version, settled once the file's content is known: `version` is as long
    /// as the one the file was opened with ("1.5" → "1.6").
    func setVersion(_ version: String) {
        precondition(version.utf8.count == 3, "a PDF version is three characters")
        if written == 0 {
            buffer.replaceSubrange(5..<8, with: Array(version.utf8))
        } else {
            flush()
            fseek(file, 5, SEEK_SET)
            _ = Array(version.utf8).withUnsafeBufferPointer { fwrite($0.baseAddress, 1, 3, file) }
            fseek(file, 0, SEEK_END)
        }
    }

    /// A number for an object written later.
    func reserve() -> Int {
        offsets.append(nil)
        return offsets.count - 1
    }

    /// Writes object `number` with `body` (a dictionary, array, or other value).
    func object(_ number: Int, _ body: String) {
        begin(number)
        raw(body)
        raw("\nendobj\n")
    }

    /// Writes a stream object: `dictionary` holds what is not about length or filter.
    func stream(_ number: Int, dictionary: String = "", bytes: [UInt8], compress: Bool = true,
                filter: String? = nil, decodeParameters: String? = nil) {
        var data = bytes
        var filters = filter
        if compress && filter == nil, let deflated = Self.deflate(bytes) {
            data = deflated
            filters = "/FlateDecode"
        }
        begin(number)
        raw("<<" + dictionary + " /Length \(data.count)")
        if let filters { raw(" /Filter " + filters) }
        if let decodeParameters { raw(" /DecodeParms " + decodeParameters) }
        raw(" >>\nstream\n")
        append(data)
        raw("\nendstream\nendobj\n")
    }

    /// The cross-reference table and the trailer; then the file is closed.
    func finish(root: Int, info: Int?) throws(PDFOutputError) {
        let start = written + buffer.count
        raw("xref\n0 \(offsets.count)\n0000000000 65535 f \n")
        for offset in offsets.dropFirst() {
            // An object reserved and never written is a free entry.
            raw(offset.map { Self.padded($0, to: 10) + " 00000 n \n" } ?? "0000000000 65535 f \n")
        }
        raw("trailer\n<< /Size \(offsets.count) /Root \(root) 0 R" + (info.map { " /Info \($0) 0 R" } ?? "") + " >>\n")
        raw("startxref\n\(start)\n%%EOF\n")
        flush()
        if fflush(file) != 0 { failed = true }
        if failed { throw .write(path) }
    }

    private func begin(_ number: Int) {
        offsets[number] = written + buffer.count
        raw("\(number) 0 obj\n")
    }

    private func raw(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    private func append(_ bytes: [UInt8]) {
        if bytes.count >= 1 << 16 {
            flush()
            write(bytes)
        } else {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 20 { flush() }
        }
    }

    private func flush() {
        write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let count = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        if count != bytes.count { failed = true }
        written += bytes.count
    }

    /// A zlib stream (FlateDecode) made by libdeflate at level 1, its fastest. Measured on the
    /// large benchmark issue without its pictures (callgrind, one thread): the compressor takes
    /// 37 M instructions of the build's 813 M, against 66 M at level 4 and 82 M at level 5;
    /// the PDF is 384 KB, against 360 KB and 352 KB (Typst's of the same text: 407 KB). Rebuilt
    /// dozens of times on a publishing night, the file's size matters less than the wait. Nil if
    /// it fails.
    static func deflate(_ bytes: [UInt8], level: Int32 = 1) -> [UInt8]? {
        guard let compressor = libdeflate_alloc_compressor(level) else { return nil }
        defer { libdeflate_free_compressor(compressor) }
        let bound = libdeflate_zlib_compress_bound(compressor, bytes.count)
        var out = [UInt8](repeating: 0, count: bound)
        let size = bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                libdeflate_zlib_compress(compressor, src.baseAddress, bytes.count, dst.baseAddress, bound)
            }
        }
        guard size > 0 else { return nil }
        out.removeSubrange(size...)
        return out
    }

    // MARK: Values

    /// A text string (§7.9.2.2): literal when it is printable ASCII, else UTF-16BE with its mark.
    static func text(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return literal(Array(s.utf8)) }
        var hex = "<FEFF"
        for unit in s.utf16 { hex += PDFRenderer.hex4(UInt32(unit)) }
        return hex + ">"
    }

    /// A literal string of bytes, with `(`, `)` and `\` escaped and anything unprintable in octal.
    static func literal(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = [UInt8(ascii: "(")]
        out.reserveCapacity(bytes.count + 2)
        for b in bytes {
            switch b {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), b]
            case 0x20..<0x7F: out.append(b)
            default: out += [UInt8(ascii: "\\"), UInt8(ascii: "0") + b >> 6, UInt8(ascii: "0") + (b >> 3) & 7, UInt8(ascii: "0") + b & 7]
            }
        }
        out.append(UInt8(ascii: ")"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `n` in decimal, zeros in front to `width` digits (`%010d` for a cross-reference entry).
    static func padded(_ n: Int, to width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// A page's content stream, built as bytes: numbers are written by hand (three decimals at
/// most, no exponent), this being the loop every glyph of the issue goes through. The bytes go
/// into a buffer of its own (an array's append checks its storage at every byte); `bytes`
/// copies them out once.
struct ContentStream {
    private final class Buffer {
        var start: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int
        init(capacity: Int) {
            self.capacity = max(16, capacity)
            start = .allocate(capacity: self.capacity)
        }
        deinit { start.deallocate() }
        /// Room for `n` more bytes, the buffer doubled when it has not.
        @inline(__always) func reserve(_ n: Int) {
            guard count + n > capacity else { return }
            var grown = capacity * 2
            while grown < count + n { grown *= 2 }
            let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            moved.update(from: start, count: count)
            start.deallocate()
            start = moved
            capacity = grown
        }
        @inline(__always) func append(_ b: UInt8) {
            reserve(1)
            start[count] = b
            count += 1
        }
        func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            reserve(bytes.count)
            if let base = bytes.baseAddress { (start + count).update(from: base, count: bytes.count) }
            count += bytes.count
        }
    }
    private let buffer: Buffer

    init(capacity: Int = 1 << 16) { buffer = Buffer(capacity: capacity) }

    /// What has been written.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: buffer.start, count: buffer.count)) }

    mutating func op(_ s: StaticString) {
        s.withUTF8Buffer { buffer.append($0) }
    }

    mutating func raw(_ s: String) {
        var s = s
        s.withUTF8 { buffer.append($0) }
    }

    mutating func space() { buffer.append(0x20) }

    mutating func newline() { buffer.append(0x0A) }

    /// `x` to three decimals, trailing zeros dropped, then a space. (Written straight into the
    /// buffer, room for the longest made first: this runs for every number of every page.)
    mutating func number(_ x: Double) {
        // A coordinate that is not finite (a bug upstream) must not stop the file: it is 0.
        let value = x.isFinite ? min(max(x, -1e9), 1e9) : 0
        var thousandths = Int((value * 1000).rounded())
        buffer.reserve(24)
        var p = buffer.start + buffer.count
        if thousandths < 0 {
            p.pointee = UInt8(ascii: "-")
            p += 1
            thousandths = -thousandths
        }
        let whole = thousandths / 1000
        var fraction = thousandths % 1000
        p = Self.digits(of: whole, at: p)
        if fraction != 0 {
            p.pointee = UInt8(ascii: ".")
            p[1] = UInt8(ascii: "0") + UInt8(fraction / 100)
            p[2] = UInt8(ascii: "0") + UInt8(fraction / 10 % 10)
            p[3] = UInt8(ascii: "0") + UInt8(fraction % 10)
            // Trailing zeros dropped.
            var digits = 3
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            p += 1 + digits
        }
        p.pointee = 0x20
        buffer.count = p + 1 - buffer.start
    }

    /// `x` rounded to a whole number with no space after it: a `TJ` array's adjustment, always
    /// followed by the string it moves (a delimiter), and there on most glyphs of a tracked
    /// line. Not finite (a bug upstream), it is 0.
    mutating func adjustment(_ x: Double) {
        let n = x.isFinite ? Int(min(max(x, -1e12), 1e12).rounded()) : 0
        buffer.reserve(24)
        var p = buffer.start + buffer.count
        if n < 0 {
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        p = Self.digits(of: abs(n), at: p)
        buffer.count = p - buffer.start
    }

    /// `n` (not negative) in decimal at `p`; the byte after it.
    private static func digits(of n: Int, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var count = 1
        var rest = n / 10
        while rest > 0 { count += 1; rest /= 10 }
        var v = n
        for i in stride(from: count - 1, through: 0, by: -1) {
            p[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        }
        return p + count
    }

    /// A glyph index as its two bytes inside a literal `(…)` string, a parenthesis or backslash
    /// escaped with a backslash, and a carriage return as `\r` (a reader would take it for a
    /// line end).
    mutating func glyph(_ id: UInt32) {
        buffer.reserve(4)
        var p = buffer.start + buffer.count
        func put(_ b: UInt8) {
            switch b {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                p[0] = UInt8(ascii: "\\")
                p[1] = b
                p += 2
            case 0x0D:
                p[0] = UInt8(ascii: "\\")
                p[1] = UInt8(ascii: "r")
                p += 2
            default:
                p.pointee = b
                p += 1
            }
        }
        put(UInt8(truncatingIfNeeded: id >> 8))
        put(UInt8(truncatingIfNeeded: id))
        buffer.count = p - buffer.start
    }
}
