import CFreeType
import CHarfBuzz
import Foundation

/// The FreeType library instance the faces of one `FontLibrary` are opened with.
final class FreeTypeLibrary {
    let handle: FT_Library

    init() throws(FontError) {
        var library: FT_Library?
        guard FT_Init_FreeType(&library) == 0, let library else { throw .freeTypeUnavailable }
        handle = library
    }

    deinit { FT_Done_FreeType(handle) }
}

public enum FontError: Error, CustomStringConvertible, Equatable {
    case freeTypeUnavailable
    case noFonts(folder: String)
    case unreadable(path: String)
    case missingFamily(String, available: [String])

    public var description: String {
        switch self {
        case .freeTypeUnavailable: return "FreeType could not be initialised"
        case .noFonts(let folder): return "no font files (.ttf, .otf) in \(folder)"
        case .unreadable(let path): return "\(path) is not a font FreeType can read"
        case .missingFamily(let family, let available):
            return "no font of the family '\(family)'; the fonts folder has \(available.joined(separator: ", "))"
        }
    }
}

/// One font file, opened with FreeType (for names, metrics and coverage) and with HarfBuzz on
/// top of the same FreeType face (for shaping). Shaping is done in font units, so one face
/// serves every size.
public final class FontFace: CustomStringConvertible {
    /// The file the face was loaded from: what a PDF writer embeds.
    public let path: String
    public let family: String
    public let style: String
    public let isBold: Bool
    public let isItalic: Bool
    public let unitsPerEm: Double
    /// Typographic ascender and descender (descender negative), in font units.
    public let ascender: Double
    public let descender: Double

    let library: FreeTypeLibrary
    let ftFace: FT_Face
    let hbFont: OpaquePointer

    init(path: String, library: FreeTypeLibrary) throws(FontError) {
        var face: FT_Face?
        guard FT_New_Face(library.handle, path, 0, &face) == 0, let face else { throw .unreadable(path: path) }
        self.library = library
        self.path = path
        ftFace = face
        family = face.pointee.family_name.map { String(cString: $0) } ?? (path as NSString).lastPathComponent
        style = face.pointee.style_name.map { String(cString: $0) } ?? "Regular"
        isBold = face.pointee.style_flags & FT_Long(FT_STYLE_FLAG_BOLD) != 0
        isItalic = face.pointee.style_flags & FT_Long(FT_STYLE_FLAG_ITALIC) != 0
        unitsPerEm = Double(max(1, face.pointee.units_per_EM))
        ascender = Double(face.pointee.ascender)
        descender = Double(face.pointee.descender)
        let hbFace = hb_ft_face_create_referenced(face)
        let font = hb_font_create(hbFace)!
        hb_face_destroy(hbFace)
        // Shape in font units: positions come back unscaled and are scaled per size by us.
        let upem = Int32(face.pointee.units_per_EM)
        hb_font_set_scale(font, upem, upem)
        hb_ot_font_set_funcs(font)
        hbFont = font
    }

    deinit {
        hb_font_destroy(hbFont)
        FT_Done_Face(ftFace)
    }

    public var description: String { "\(family) \(style)" }

    /// The glyph for a character, nil when the face does not have it.
    public func glyph(for scalar: Unicode.Scalar) -> UInt32? {
        let index = FT_Get_Char_Index(ftFace, FT_ULong(scalar.value))
        return index == 0 ? nil : UInt32(index)
    }

    public func covers(_ scalar: Unicode.Scalar) -> Bool { glyph(for: scalar) != nil }

    /// Points per font unit at `size`.
    public func scale(at size: Double) -> Double { size / unitsPerEm }
}

/// The faces of a `fonts/` folder, found by family and style names read from the files.
///
/// Loaded by path, never through fontconfig, so the same folder sets the same way everywhere.
public final class FontLibrary {
    public let folder: String
    public let faces: [FontFace]
    /// Families tried, in order, for a character the requested face lacks.
    public var fallbackFamilies: [String]

    public init(folder: String, fallbackFamilies: [String] = ["DejaVu Serif", "DejaVu Sans"]) throws(FontError) {
        let library = try FreeTypeLibrary()
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var faces: [FontFace] = []
        for name in names where ["ttf", "otf"].contains((name as NSString).pathExtension.lowercased()) {
            faces.append(try FontFace(path: (folder as NSString).appendingPathComponent(name), library: library))
        }
        guard !faces.isEmpty else { throw .noFonts(folder: folder) }
        self.folder = folder
        self.faces = faces
        self.fallbackFamilies = fallbackFamilies
    }

    public var families: [String] { Array(Set(faces.map(\.family))).sorted() }

    /// The face of `family` closest to the weight and slant asked for: exact, then same weight,
    /// then regular. Family names compare without regard to case.
    public func face(family: String, bold: Bool = false, italic: Bool = false) throws(FontError) -> FontFace {
        let members = faces.filter { $0.family.caseInsensitiveCompare(family) == .orderedSame }
        guard !members.isEmpty else { throw .missingFamily(family, available: families) }
        return members.first { $0.isBold == bold && $0.isItalic == italic }
            ?? members.first { $0.isBold == bold }
            ?? members.first { !$0.isBold && !$0.isItalic }
            ?? members[0]
    }

    /// The faces tried after `primary`, matching its weight and slant where the family can.
    func fallbacks(for primary: FontFace) -> [FontFace] {
        fallbackFamilies.compactMap { try? face(family: $0, bold: primary.isBold, italic: primary.isItalic) }
            .filter { $0 !== primary }
    }
}

/// A FreeType face of its own for a renderer that draws with FreeType (Cairo's FreeType font
/// backend), opened from the same file as a `FontFace` and closed when this object goes. A
/// renderer keeps it alive for as long as it uses the face; the raw pointer is all it sees.
public final class RenderingFace {
    private let library: FreeTypeLibrary
    private let face: FT_Face

    /// The `FT_Face`, for handing to the renderer's FreeType entry point.
    public var freeTypeFace: UnsafeMutableRawPointer { UnsafeMutableRawPointer(face) }

    init(path: String) throws(FontError) {
        library = try FreeTypeLibrary()
        var opened: FT_Face?
        guard FT_New_Face(library.handle, path, 0, &opened) == 0, let opened else { throw .unreadable(path: path) }
        face = opened
    }

    deinit { FT_Done_Face(face) }
}

extension FontFace {
    /// A separate FreeType face of this font's file, owned by the caller.
    public func openForRendering() throws(FontError) -> RenderingFace {
        try RenderingFace(path: path)
    }
}
