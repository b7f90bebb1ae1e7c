import CCairo
import Foundation
import IssueModel
import PageMakeup
import Typesetting

/// Writes display lists as PDF directly: each page one content stream, glyphs shown by index
/// from Type 0 fonts (Identity-H, the font programs cut to the glyphs used by HarfBuzz's
/// subsetter, every glyph keeping its index), a ToUnicode map from the runs' own text and
/// clusters (so an `fi` ligature extracts as "fi"; a glyph met with two texts gets the second
/// as ActualText), pictures carried as they are (JPEG, PNG rows) or as pixels, links,
/// outline, metadata, and for press the TrimBox and BleedBox. Cairo is left for PNG
/// previews and imposed sheets.
///
/// Cairo's PDF backend records each page, replays it to find what it supports, and replays it
/// again to write it: for the large benchmark issue three quarters of a billion instructions,
/// a quarter of the build. This writes the same pages in a fraction of that.
struct PDFRenderer {
    let options: PrintOptions
    let images: ImageSurfaces

    /// A font as the document uses it: its resource name, the glyphs shown and their text,
    /// in arrays by glyph index (this is looked up for every glyph of the issue).
    final class UsedFont: @unchecked Sendable {
        let name: String
        let object: Int
        let program: FontProgram
        /// Every glyph's width in text space units (thousandths of the size), to three decimals:
        /// made with the font and never changed, so that any core may read it while the first
        /// pass goes on marking glyphs shown.
        let widths: [Double]
        /// Whether the first pass met the glyph. (Unchecked exclusivity here and below: read
        /// and written for every glyph of the issue, by the first pass only.)
        @exclusivity(unchecked) private var shown: [Bool]
        /// The text each glyph stands for (its first cluster's), by glyph: 0 for none yet, a
        /// byte plus one for a one-byte text (most glyphs), else 257 plus an index into
        /// `longTexts`. Flat, so that checking a glyph's text copies nothing.
        @exclusivity(unchecked) private var textCodes: [UInt32]
        @exclusivity(unchecked) private var longTexts: [[UInt8]] = []
        init(name: String, object: Int, program: FontProgram) {
            self.name = name
            self.object = object
            self.program = program
            let unitsPerEm = program.unitsPerEm
            widths = (0..<UInt32(program.glyphCount)).map { (Double(program.advance(of: $0)) * 1000 / unitsPerEm * 1000).rounded() / 1000 }
            shown = Array(repeating: false, count: program.glyphCount)
            textCodes = Array(repeating: 0, count: program.glyphCount)
        }

        /// Whether `glyph` already stands for a text other than `piece`; the first text a glyph
        /// meets becomes its own.
        func conflicts<Piece: Collection<UInt8>>(_ glyph: UInt32, with piece: Piece) -> Bool {
            let index = Int(glyph)
            guard index != 0, index < textCodes.count else { return false }
            let code = textCodes[index]
            if code == 0 {
                if piece.count == 1 {
                    textCodes[index] = UInt32(piece[piece.startIndex]) + 1
                } else {
                    textCodes[index] = 257 + UInt32(longTexts.count)
                    longTexts.append(Array(piece))
                }
                return false
            }
            if code <= 256 { return !(piece.count == 1 && UInt32(piece[piece.startIndex]) + 1 == code) }
            return !longTexts[Int(code - 257)].elementsEqual(piece)
        }

        /// The text of each glyph that has one.
        var text: [UInt32: String] {
            var out: [UInt32: String] = [:]
            for (glyph, code) in textCodes.enumerated() where code != 0 {
                out[UInt32(glyph)] = code <= 256 ? String(decoding: [UInt8(code - 1)], as: UTF8.self)
                    : String(decoding: longTexts[Int(code - 257)], as: UTF8.self)
            }
            return out
        }

        /// Marks `glyph` shown (the first pass).
        func show(_ glyph: UInt32) {
            let index = Int(glyph)
            if index < shown.count { shown[index] = true }
        }

        /// A glyph's width; read from every core.
        func width(_ glyph: UInt32) -> Double {
            let index = Int(glyph)
            return index < widths.count ? widths[index] : 0
        }

        /// The glyphs shown, in order (once the first pass is over).
        var glyphs: [UInt32] { shown.indices.filter { shown[$0] }.map { UInt32($0) } }
    }

    /// `body(0) … body(count - 1)` on every core, in order. `body` must read only what no
    /// other call writes.
    static func onEveryCore<T>(_ count: Int, _ body: (Int) -> T?) -> [T?] {
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let out = slots.baseAddress!
            withoutActuallyEscaping(body) { body in
                nonisolated(unsafe) let work = body
                // Each call writes its own slot.
                SpareThreads.onEveryCore(count) { (out + $0).pointee = work($0) }
            }
        }
        return results
    }

    /// What a font's dictionaries hold that takes time to make: the widths of its glyphs and its
    /// ToUnicode map (compressed), with the glyphs they were made for. Made on any core, from
    /// what the first pass settled.
    struct FontParts: @unchecked Sendable {
        var glyphs: [UInt32]
        var widths: String
        var toUnicode: [UInt8]
        var toUnicodeDeflated: [UInt8]?
    }

    static func fontParts(_ used: UsedFont, glyphs: [UInt32]) -> FontParts {
        // Widths in runs of consecutive glyphs.
        var w = ""
        var run: [UInt32] = []
        func flushRun() {
            guard let first = run.first else { return }
            w += "\(first) [" + run.map { Self.format(used.width($0)) }.joined(separator: " ") + "] "
            run = []
        }
        for glyph in glyphs {
            if let last = run.last, glyph != last + 1 { flushRun() }
            run.append(glyph)
        }
        flushRun()
        let toUnicode = Array(Self.toUnicode(used.text).utf8)
        return FontParts(glyphs: glyphs, widths: w, toUnicode: toUnicode, toUnicodeDeflated: PDFFile.deflate(toUnicode))
    }

    /// The embedded font: a Type 0 font over a CID font whose CIDs are the glyph indices.
    func writeFont(_ used: UsedFont, program cut: (subset: [UInt8], deflated: [UInt8]?), parts: FontParts,
                           file: PDFFile) throws(PDFOutputError) {
        let program = used.program
        let glyphs = parts.glyphs
        // The subset's tag: six capitals from the glyphs it holds, the same for the same glyphs.
        var hash: UInt64 = 0xcbf29ce484222325
        for glyph in glyphs { hash = (hash ^ UInt64(glyph)) &* 0x100000001b3 }
        hash = (hash ^ UInt64(truncatingIfNeeded: program.postScriptName.hashValueStable)) &* 0x100000001b3
        var tag = ""
        for _ in 0..<6 { tag.append(Character(UnicodeScalar(UInt8(65 + hash % 26)))); hash /= 26 }
        let name = tag + "+" + program.postScriptName

        let fontFile = file.reserve(), descriptor = file.reserve(), cidFont = file.reserve(), toUnicode = file.reserve()
        let length1 = program.isCFF ? " /Subtype /OpenType" : " /Length1 \(cut.subset.count)"
        if let deflated = cut.deflated {
            file.stream(fontFile, dictionary: length1, bytes: deflated, compress: false, filter: "/FlateDecode")
        } else {
            file.stream(fontFile, dictionary: length1, bytes: cut.subset, compress: false)
        }
        let scale = 1000 / program.unitsPerEm
        func units(_ v: Int) -> String { Self.format(Double(v) * scale) }
        var flags = program.isSerif ? 2 : 0
        flags |= 4                                     // symbolic: glyphs by index, not by a standard encoding
        if program.isFixedPitch { flags |= 1 }
        if program.isItalic { flags |= 64 }
        let box = program.boundingBox
        file.object(descriptor, "<< /Type /FontDescriptor /FontName /\(name) /Flags \(flags)"
                    + " /FontBBox [\(units(box.xMin)) \(units(box.yMin)) \(units(box.xMax)) \(units(box.yMax))]"
                    + " /ItalicAngle \(Self.format(program.italicAngle)) /Ascent \(units(program.ascender))"
                    + " /Descent \(units(program.descender)) /CapHeight \(units(program.capHeight)) /StemV 80"
                    + (program.isCFF ? " /FontFile3" : " /FontFile2") + " \(fontFile) 0 R >>")
        let w = parts.widths
        file.object(cidFont, "<< /Type /Font /Subtype /\(program.isCFF ? "CIDFontType0" : "CIDFontType2") /BaseFont /\(name)"
                    + " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                    + " /FontDescriptor \(descriptor) 0 R /DW 0 /W [\(w)]"
                    + (program.isCFF ? "" : " /CIDToGIDMap /Identity") + " >>")
        if let deflated = parts.toUnicodeDeflated {
            file.stream(toUnicode, bytes: deflated, compress: false, filter: "/FlateDecode")
        } else {
            file.stream(toUnicode, bytes: parts.toUnicode, compress: false)
        }
        file.object(used.object, "<< /Type /Font /Subtype /Type0 /BaseFont /\(name) /Encoding /Identity-H"
                    + " /DescendantFonts [\(cidFont) 0 R] /ToUnicode \(toUnicode) 0 R >>")
    }

    /// A ToUnicode CMap (Adobe technical note 5411): each glyph to the text it stands for.
    static func toUnicode(_ text: [UInt32: String]) -> String {
        var out = """
        /CIDInit /ProcSet findresource begin
        12 dict begin
        begincmap
        /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
        /CMapName /Adobe-Identity-UCS def
        /CMapType 2 def
        1 begincodespacerange
        <0000> <FFFF>
        endcodespacerange

        """
        let entries = text.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        var start = 0
        while start < entries.count {
            let chunk = entries[start..<min(start + 100, entries.count)]
            out += "\(chunk.count) beginbfchar\n"
            for (glyph, string) in chunk {
                out += "<" + hex4(glyph) + "> " + utf16Hex(string) + "\n"
            }
            out += "endbfchar\n"
            start += 100
        }
        out += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        return out
    }

    static func utf16Hex(_ s: String) -> String {
        var out = "<"
        for unit in s.utf16 { out += hex4(UInt32(unit)) }
        return out + ">"
    }

    /// Four upper-case hex digits (the low sixteen bits), as `%04X` gives them.
    static func hex4(_ value: UInt32) -> String {
        func digit(_ shift: UInt32) -> Character {
            let d = UInt8((value >> shift) & 0xF)
            return Character(Unicode.Scalar(d < 10 ? 0x30 + d : 0x37 + d))
        }
        return String([digit(12), digit(8), digit(4), digit(0)])
    }

    // MARK: Pictures

    func writePicture(_ image: PageImage, object: Int, file: PDFFile) throws(PDFOutputError) {
        switch try images.source(for: image) {
        case .jpeg(let bytes, let width, let height, let components):
            let space = components == 1 ? "/DeviceGray" : components == 4 ? "/DeviceCMYK" : "/DeviceRGB"
            file.stream(object, dictionary: " /Type /XObject /Subtype /Image /Width \(width) /Height \(height) /ColorSpace \(space)"
                        + " /BitsPerComponent 8 /Interpolate true", bytes: bytes, compress: false, filter: "/DCTDecode")
        case .png(let picture):
            file.stream(object, dictionary: " /Type /XObject /Subtype /Image /Width \(picture.width) /Height \(picture.height)"
                        + " /ColorSpace \(picture.colorSpace) /BitsPerComponent \(picture.bitsPerComponent) /Interpolate true",
                        bytes: picture.compressed, compress: false, filter: "/FlateDecode", decodeParameters: picture.decodeParameters)
        case .pixels(let surface):
            cairo_surface_flush(surface)
            let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
            let stride = Int(cairo_image_surface_get_stride(surface))
            guard let data = cairo_image_surface_get_data(surface), width > 0, height > 0 else { throw .image(image.path, "has no pixels") }
            let gray = images.grayscale
            var pixels = [UInt8]()
            pixels.reserveCapacity(width * height * (gray ? 1 : 3))
            // Cairo's RGB24 is BGRX in memory on a little-endian machine.
            for y in 0..<height {
                let row = data + y * stride
                for x in 0..<width {
                    let p = row + x * 4
                    if gray {
                        pixels.append(p[1])
                    } else {
                        pixels.append(p[2]); pixels.append(p[1]); pixels.append(p[0])
                    }
                }
            }
            file.stream(object, dictionary: " /Type /XObject /Subtype /Image /Width \(width) /Height \(height)"
                        + " /ColorSpace \(gray ? "/DeviceGray" : "/DeviceRGB") /BitsPerComponent 8 /Interpolate true", bytes: pixels)
        }
    }

    // MARK: Press

    /// Crop marks at the trim's corners, in the space outside the bleed: hairlines 12 pt long,
    /// 3 pt clear of the bleed so they never print on the page.
    func cropMarks(page: DisplayPage, bleed: Double, height: Double, into content: inout ContentStream) {
        let o = PrintOptions.markSpace + bleed
        let gap = bleed + 3, length = 12.0
        content.op("q 1 0 0 -1 0 ")
        content.number(height)
        content.op("cm 0 G 0.25 w\n")
        for x in [o, o + page.width] {
            for y in [o, o + page.height] {
                let dx: Double = x == o ? -1 : 1, dy: Double = y == o ? -1 : 1
                content.number(x + dx * gap); content.number(y); content.op("m ")
                content.number(x + dx * (gap + length)); content.number(y); content.op("l ")
                content.number(x); content.number(y + dy * gap); content.op("m ")
                content.number(x); content.number(y + dy * (gap + length)); content.op("l\n")
            }
        }
        content.op("S Q\n")
    }

    // MARK: Helpers

    /// The document information dictionary; dates as PDF dates (§7.9.4).
    static func info(_ m: DocumentMetadata) -> String {
        var fields: [(String, String)] = [("Title", m.title), ("Author", m.author), ("Subject", m.subject),
                                          ("Keywords", m.keywords), ("Creator", m.creator), ("Producer", "issue")]
        fields = fields.filter { !$0.1.isEmpty }
        var body = "<<"
        for (key, value) in fields { body += " /\(key) \(PDFFile.text(value))" }
        let digits = m.date.filter(\.isASCIIDigit)
        if digits.count >= 8 {
            let date = "D:" + String(digits.prefix(14)) + (m.date.hasSuffix("Z") ? "Z" : "")
            body += " /CreationDate (\(date)) /ModDate (\(date))"
        }
        return body + " >>"
    }

    /// A URI's bytes as a PDF URI wants them: 7-bit, anything else percent-encoded.
    static func uriBytes(_ url: String) -> [UInt8] {
        var out: [UInt8] = []
        for b in url.utf8 {
            if b > 0x20 && b < 0x7F {
                out.append(b)
            } else {
                out.append(contentsOf: Array(String(format: "%%%02X", b).utf8))
            }
        }
        return out
    }

    static func format(_ x: Double) -> String {
        var c = ContentStream(capacity: 16)
        c.number(x)
        return String(decoding: c.bytes.dropLast(), as: UTF8.self)
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

private extension String {
    /// FNV-1a over the UTF-8 bytes: the same on every run, unlike `hashValue`.
    var hashValueStable: UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325
        for b in utf8 { hash = (hash ^ UInt64(b)) &* 0x100000001b3 }
        return hash
    }
}
