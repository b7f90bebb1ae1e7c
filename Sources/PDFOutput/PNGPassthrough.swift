import CZlib

/// A PNG that a PDF can carry without decoding it. A PNG's IDAT chunks are one zlib stream of
/// rows, each led by its filter byte: exactly what a PDF image with `/FlateDecode` and
/// `/Predictor 15` holds (PDF 32000-1 §7.4.4.4). Carrying it as it is saves decoding the
/// pixels and, far dearer, compressing them again: for a 1400 × 1000 picture about 60 ms and
/// 5.6 MB of memory. (pdfTeX embeds PNGs the same way.)
///
/// Only pictures without transparency qualify: colour type 0 (gray), 2 (RGB) or 3 (palette,
/// without `tRNS`), not interlaced. Anything else, and any PNG that is damaged, is left to
/// Cairo, which decodes it (laying transparency on white) or reports what is wrong.
struct PNGPassthrough: Sendable {
    let width: Int
    let height: Int
    let bitsPerComponent: Int
    /// Components per pixel: 1 (gray or palette index) or 3 (RGB).
    let colors: Int
    /// RGB triples of a palette picture.
    let palette: [UInt8]?
    /// The IDAT chunks' data, joined: a zlib stream.
    let compressed: [UInt8]

    /// Reads `bytes` as a PNG and checks it (chunk CRCs, the header's values, and the zlib
    /// stream inflated to its end with the size and filter bytes its rows need). Nil when the
    /// picture must be decoded instead.
    init?(bytes: [UInt8], maximumPixels: Int) {
        let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
        guard bytes.count > 8, Array(bytes[0..<8]) == signature else { return nil }
        var offset = 8
        var header: [UInt8]?
        var palette: [UInt8]?
        var idat: [UInt8] = []
        var ended = false
        var idatDone = false
        while offset + 12 <= bytes.count {
            let length = Int(Self.uint32(bytes, offset))
            let typeStart = offset + 4, dataStart = offset + 8
            // PNG chunks are under 2^31 bytes; a longer one is damage (and zlib counts in 32 bits).
            guard length < 1 << 31, length <= bytes.count - dataStart - 4 else { return nil }
            let dataEnd = dataStart + length
            let crc = bytes.withUnsafeBufferPointer { buffer in
                crc32(0, buffer.baseAddress! + typeStart, uInt(length + 4))
            }
            guard crc == UInt(Self.uint32(bytes, dataEnd)) else { return nil }
            let type = String(decoding: bytes[typeStart..<dataStart], as: UTF8.self)
            if header == nil && type != "IHDR" { return nil }
            switch type {
            case "IHDR":
                guard header == nil, length == 13 else { return nil }
                header = Array(bytes[dataStart..<dataEnd])
            case "PLTE":
                guard length % 3 == 0, length > 0, length <= 768 else { return nil }
                palette = Array(bytes[dataStart..<dataEnd])
            case "tRNS":
                return nil
            case "IDAT":
                guard !idatDone else { return nil }
                idat.append(contentsOf: bytes[dataStart..<dataEnd])
            case "IEND":
                ended = true
            default:
                // An unknown critical chunk (upper-case first letter) changes how the picture
                // is read: leave it to the decoder.
                if let first = type.utf8.first, first >= 65, first <= 90 { return nil }
            }
            if !idat.isEmpty && type != "IDAT" { idatDone = true }
            offset = dataEnd + 4
            if ended { break }
        }
        guard ended, let header, !idat.isEmpty else { return nil }
        let width = Int(Self.uint32(header, 0)), height = Int(Self.uint32(header, 4))
        let depth = Int(header[8]), colorType = header[9]
        guard width > 0, height > 0, width <= maximumPixels / height,
              header[10] == 0, header[11] == 0, header[12] == 0 else { return nil }
        let colors: Int
        switch colorType {
        case 0: guard [1, 2, 4, 8, 16].contains(depth) else { return nil }; colors = 1; palette = nil
        case 2: guard [8, 16].contains(depth) else { return nil }; colors = 3; palette = nil
        case 3:
            guard [1, 2, 4, 8].contains(depth), let entries = palette, entries.count / 3 <= 1 << depth else { return nil }
            colors = 1
        default: return nil
        }
        let rowBytes = 1 + (width * colors * depth + 7) / 8
        guard Self.inflates(idat, rows: height, rowBytes: rowBytes) else { return nil }
        self.width = width
        self.height = height
        self.bitsPerComponent = depth
        self.colors = colors
        self.palette = palette
        self.compressed = idat
    }

    /// The image dictionary's entries besides the filter: `/Width … /ColorSpace …`.
    var colorSpace: String {
        guard let palette else { return colors == 3 ? "/DeviceRGB" : "/DeviceGray" }
        let hex = palette.map { String($0, radix: 16, uppercase: true) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        return "[/Indexed /DeviceRGB \(palette.count / 3 - 1) <\(hex)>]"
    }

    /// `/DecodeParms` for the rows' PNG filters.
    var decodeParameters: String {
        "<< /Predictor 15 /Colors \(colors) /BitsPerComponent \(bitsPerComponent) /Columns \(width) >>"
    }

    private static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    /// True when `data` inflates to exactly `rows` rows of `rowBytes`, each starting with a
    /// filter type from 0 to 4, and the stream ends there. The rows are looked at in a small
    /// buffer and dropped.
    private static func inflates(_ data: [UInt8], rows: Int, rowBytes: Int) -> Bool {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return false }
        defer { inflateEnd(&stream) }
        let total = rows * rowBytes
        var produced = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        return data.withUnsafeBufferPointer { input -> Bool in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let count = chunk.count - Int(stream.avail_out)
                // Filter bytes in this piece: at every multiple of rowBytes.
                var next = (produced + rowBytes - 1) / rowBytes * rowBytes
                while next < produced + count {
                    if next >= total || chunk[next - produced] > 4 { return false }
                    next += rowBytes
                }
                produced += count
                if produced > total { return false }
                if status == Z_STREAM_END { return produced == total }
                if status != Z_OK || (count == 0 && stream.avail_in == 0) { return false }
            }
        }
    }
}
