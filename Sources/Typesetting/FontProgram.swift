import CHarfBuzz
import Foundation

/// What a PDF needs of a font file to embed it: its PostScript name, metrics for the font
/// descriptor, each glyph's advance, and the program cut down to the glyphs a document uses.
/// Read from the file with HarfBuzz, apart from the face the typesetter shapes with (one
/// `FontProgram` per file and document, on the writing thread).
public final class FontProgram {
    public let path: String
    /// The face's PostScript name, with any character a PDF name cannot hold dropped.
    public let postScriptName: String
    public let unitsPerEm: Double
    /// In font units: the box of all glyphs, the typographic ascender and descender, and the
    /// height of capitals.
    public let boundingBox: (xMin: Int, yMin: Int, xMax: Int, yMax: Int)
    public let ascender: Int
    public let descender: Int
    public let capHeight: Int
    /// Degrees, counter-clockwise from vertical (negative for a face that leans right).
    public let italicAngle: Double
    public let isFixedPitch: Bool
    public let isItalic: Bool
    public let isSerif: Bool
    /// Outlines in PostScript (CFF), not TrueType, form.
    public let isCFF: Bool
    /// Glyphs in the font: indices run from 0 to one less.
    public let glyphCount: Int

    private let blob: OpaquePointer
    private let face: OpaquePointer
    private let font: OpaquePointer

    public init(path: String) throws(FontError) {
        guard let blob = hb_blob_create_from_file_or_fail(path) else { throw .unreadable(path: path) }
        let face = hb_face_create(blob, 0)!
        guard hb_face_get_glyph_count(face) > 0 else {
            hb_face_destroy(face)
            hb_blob_destroy(blob)
            throw .unreadable(path: path)
        }
        self.path = path
        glyphCount = Int(hb_face_get_glyph_count(face))
        self.blob = blob
        self.face = face
        font = hb_font_create(face)
        let upem = Int32(max(16, hb_face_get_upem(face)))
        hb_font_set_scale(font, upem, upem)
        unitsPerEm = Double(upem)

        func table(_ tag: String) -> [UInt8] {
            let t = Array(tag.utf8)
            let code = UInt32(t[0]) << 24 | UInt32(t[1]) << 16 | UInt32(t[2]) << 8 | UInt32(t[3])
            let blob = hb_face_reference_table(face, code)
            defer { hb_blob_destroy(blob) }
            var length: UInt32 = 0
            guard let data = hb_blob_get_data(blob, &length), length > 0 else { return [] }
            return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { Array(UnsafeBufferPointer(start: $0, count: Int(length))) }
        }
        func int16(_ bytes: [UInt8], _ at: Int) -> Int {
            at + 2 <= bytes.count ? Int(Int16(bitPattern: UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]))) : 0
        }
        let head = table("head"), post = table("post"), os2 = table("OS/2")
        boundingBox = (int16(head, 36), int16(head, 38), int16(head, 40), int16(head, 42))
        if post.count >= 16 {
            italicAngle = Double(int16(post, 4)) + Double(UInt16(post[6]) << 8 | UInt16(post[7])) / 65536
            isFixedPitch = post[12] | post[13] | post[14] | post[15] != 0
        } else {
            italicAngle = 0
            isFixedPitch = false
        }
        var metric: hb_position_t = 0
        ascender = hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &metric) != 0 ? Int(metric) : boundingBox.yMax
        descender = hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &metric) != 0 ? Int(metric) : boundingBox.yMin
        capHeight = hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_CAP_HEIGHT, &metric) != 0 && metric > 0 ? Int(metric) : ascender
        let macStyle = head.count >= 46 ? Int(head[45]) : 0
        isItalic = macStyle & 2 != 0 || italicAngle != 0
        // OS/2 sFamilyClass: 1 to 7 are the serif classes.
        let familyClass = os2.count >= 32 ? Int(os2[30]) : 0
        isSerif = (1...7).contains(familyClass)
        isCFF = !table("CFF ").isEmpty || !table("CFF2").isEmpty

        var length: UInt32 = 64
        var name = [CChar](repeating: 0, count: 64)
        hb_ot_name_get_utf8(face, hb_ot_name_id_t(HB_OT_NAME_ID_POSTSCRIPT_NAME), hb_language_get_default(), &length, &name)
        let read = String(decoding: name.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let cleaned = read.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F && !"()<>[]{}/%#".unicodeScalars.contains($0) }
        let fallback = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        postScriptName = cleaned.isEmpty ? String(fallback.unicodeScalars.filter { $0.isASCII && $0.value > 0x20 && !"()<>[]{}/%#".unicodeScalars.contains($0) })
            : String(String.UnicodeScalarView(cleaned))
    }

    deinit {
        hb_font_destroy(font)
        hb_face_destroy(face)
        hb_blob_destroy(blob)
    }

    /// A glyph's advance, in font units.
    public func advance(of glyph: UInt32) -> Int {
        Int(hb_font_get_glyph_h_advance(font, glyph))
    }

    /// The font program with only `glyphs` (and .notdef) in it, every glyph keeping its index,
    /// hinting instructions kept; layout tables and device metrics (hdmx, LTSH, VDMX: pixel
    /// widths for screens) dropped: what a PDF embeds. Nil when HarfBuzz cannot cut it.
    public func subset(keeping glyphs: Set<UInt32>) -> [UInt8]? {
        guard let input = hb_subset_input_create_or_fail() else { return nil }
        defer { hb_subset_input_destroy(input) }
        let set = hb_subset_input_glyph_set(input)
        hb_set_add(set, 0)
        for glyph in glyphs { hb_set_add(set, glyph) }
        // The glyphs at their own indices; with GSUB dropped, no others are pulled in through it.
        hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_RETAIN_GIDS.rawValue)
        let drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG)
        for tag in ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern", "DSIG", "morx", "kerx", "feat", "meta", "hdmx", "LTSH", "VDMX", "PCLT"] {
            let t = Array(tag.utf8)
            hb_set_add(drop, UInt32(t[0]) << 24 | UInt32(t[1]) << 16 | UInt32(t[2]) << 8 | UInt32(t[3]))
        }
        guard let subset = hb_subset_or_fail(face, input) else { return nil }
        defer { hb_face_destroy(subset) }
        let blob = hb_face_reference_blob(subset)
        defer { hb_blob_destroy(blob) }
        var length: UInt32 = 0
        guard let data = hb_blob_get_data(blob, &length), length > 0 else { return nil }
        return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { Array(UnsafeBufferPointer(start: $0, count: Int(length))) }
    }
}
