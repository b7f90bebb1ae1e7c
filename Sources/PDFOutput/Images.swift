import CCairo
import CTurboJPEG
import Foundation
import PageMakeup

/// Pictures as Cairo surfaces, decoded once per document.
///
/// A PNG is read by Cairo. A JPEG is decoded with TurboJPEG (grayscale and CMYK too) for
/// previews and for Cairo's bookkeeping, and its file's own bytes are attached as the surface's
/// JPEG data, which Cairo's PDF backend embeds as they are: never recompressed (but for
/// Photoshop's inverted CMYK, which Cairo would embed as a negative).
///
/// For a PDF (`carryAsIs`), pictures the PDF can hold as they are are never decoded: a JPEG
/// becomes a 1 × 1 stand-in surface carrying the file as its JPEG data (checked by decoding it
/// at an eighth of its size), and a PNG without transparency a 2 × 1 stand-in whose pixels
/// number it, replaced after Cairo by the PNG's own compressed rows (`PNGPassthrough`,
/// `PDFPostPass`). A picture is drawn through the unit square whatever its pixel size, so the
/// page is the same.
final class ImageSurfaces {
    /// Larger pictures are refused rather than decoded: 100 megapixels is 400 MB of pixels.
    static let maximumPixels = 100_000_000

    private var surfaces: [String: OpaquePointer] = [:]
    /// Pictures turned to gray (for black-and-white printers); JPEGs then go in as pixels.
    let grayscale: Bool
    /// Pictures go into a PDF as they are where they can (see above).
    let carryAsIs: Bool
    /// The PNGs whose stand-ins the PDF's post-pass replaces, numbered by their stand-in.
    private(set) var passthroughPNGs: [PNGPassthrough] = []

    init(grayscale: Bool = false, carryAsIs: Bool = false) {
        self.grayscale = grayscale
        self.carryAsIs = carryAsIs && !grayscale
    }

    /// The stand-in's first pixel; its second is the picture's number (see `PDFPostPass`).
    static let standInMark: [UInt8] = [0x49, 0x53, 0x53]

    func surface(for image: PageImage) throws(PDFOutputError) -> OpaquePointer {
        if let known = surfaces[image.path] { return known }
        let surface: OpaquePointer
        if carryAsIs, let standIn = try standIn(for: image) {
            surface = standIn
        } else {
            switch image.format {
            case .png: surface = try png(image.path)
            case .jpeg: surface = try jpeg(image.path)
            }
        }
        if grayscale { Self.makeGray(surface) }
        // One image object in the PDF however often the picture is drawn.
        let id = Array(image.path.utf8)
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: id.count)
        copy.initialize(from: id, count: id.count)
        cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_UNIQUE_ID, copy, UInt(id.count), { $0?.deallocate() }, copy)
        surfaces[image.path] = surface
        return surface
    }

    deinit {
        for surface in surfaces.values { cairo_surface_destroy(surface) }
    }

    /// How a picture goes into a PDF, worked out without Cairo (so on any thread): a PNG's
    /// rows or a JPEG's bytes as they are, or decoded pixels.
    enum Carried: @unchecked Sendable {
        case png(PNGPassthrough)
        /// The file's bytes, checked.
        case jpeg([UInt8])
        case decoded
    }

    private var carried: [String: Result<Carried, PDFOutputError>] = [:]

    /// Checks the pictures a document draws, on all cores, before Cairo needs them: checking
    /// (a PNG's rows inflated, a JPEG decoded at an eighth) is most of what a picture costs
    /// once nothing is compressed again.
    func prepare(_ images: [PageImage]) {
        guard carryAsIs else { return }
        var seen = Set<String>()
        let distinct = images.filter { seen.insert($0.path).inserted && carried[$0.path] == nil }
        let results = PDFRenderer.onEveryCore(distinct.count) { index in
            Result { () throws(PDFOutputError) -> Carried in try Self.carry(distinct[index]) }
        }
        for (index, image) in distinct.enumerated() {
            if let result = results[index] { carried[image.path] = result }
        }
    }

    /// What a PDF writer embeds for a picture.
    enum Source {
        /// The file's own bytes, with its size and colour components (1, 3 or 4).
        case jpeg([UInt8], width: Int, height: Int, components: Int)
        case png(PNGPassthrough)
        /// Decoded (laid on white, made gray if asked): an RGB24 surface this object owns.
        case pixels(OpaquePointer)
    }

    /// How the PDF writer embeds `image`: as it is where it can, else as pixels.
    func source(for image: PageImage) throws(PDFOutputError) -> Source {
        if carryAsIs {
            switch try (carried[image.path] ?? Result { () throws(PDFOutputError) -> Carried in try Self.carry(image) }).get() {
            case .png(let picture):
                return .png(picture)
            case .jpeg(let bytes):
                guard let handle = tjInitDecompress() else { throw .image(image.path, "TurboJPEG is not available") }
                defer { tjDestroy(handle) }
                let (width, height, colorspace) = try Self.jpegHeader(bytes, handle: handle, path: image.path)
                let components = colorspace == Int32(TJCS_GRAY.rawValue) ? 1
                    : colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) ? 4 : 3
                return .jpeg(bytes, width: Int(width), height: Int(height), components: components)
            case .decoded:
                break
            }
        }
        if let known = surfaces[image.path] { return .pixels(known) }
        let surface: OpaquePointer
        switch image.format {
        case .png: surface = try png(image.path)
        case .jpeg: surface = try jpeg(image.path)
        }
        if grayscale { Self.makeGray(surface) }
        surfaces[image.path] = surface
        return .pixels(surface)
    }

    /// How `image` goes into a PDF; throws when the file cannot be read or is a damaged JPEG.
    static func carry(_ image: PageImage) throws(PDFOutputError) -> Carried {
        let path = image.path
        switch image.format {
        case .png:
            guard let data = FileManager.default.contents(atPath: path) else { throw .image(path, "cannot be read") }
            return PNGPassthrough(bytes: [UInt8](data), maximumPixels: maximumPixels).map { .png($0) } ?? .decoded
        case .jpeg:
            guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { throw .image(path, "cannot be read") }
            let bytes = [UInt8](data)
            return try checkJPEG(bytes, path: path) ? .jpeg(bytes) : .decoded
        }
    }

    /// A JPEG's size and colour space from its header; damaged or over-large ones are errors.
    private static func jpegHeader(_ bytes: [UInt8], handle: tjhandle, path: String) throws(PDFOutputError) -> (Int32, Int32, Int32) {
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt(bytes.count), &width, &height, &subsampling, &colorspace)
        }
        guard header == 0, width > 0, height > 0 else {
            throw .image(path, "is a damaged JPEG (\(String(cString: tjGetErrorStr2(handle))))")
        }
        guard Int(width) * Int(height) <= maximumPixels else {
            throw .image(path, "is \(width)×\(height) pixels, over the \(maximumPixels / 1_000_000) megapixels a picture may have")
        }
        return (width, height, colorspace)
    }

    /// Checks a JPEG by decoding it at an eighth of its size (finding damage as the full decode
    /// would); false for CMYK with Adobe's inverted inks, which must be decoded.
    private static func checkJPEG(_ bytes: [UInt8], path: String) throws(PDFOutputError) -> Bool {
        guard let handle = tjInitDecompress() else { throw .image(path, "TurboJPEG is not available") }
        defer { tjDestroy(handle) }
        let (width, height, colorspace) = try jpegHeader(bytes, handle: handle, path: path)
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        if isCMYK && hasAdobeMarker(bytes) { return false }
        let small = (Int(width) + 7) / 8, smallHeight = (Int(height) + 7) / 8
        var pixels = [UInt8](repeating: 0, count: small * smallHeight * 4)
        let status = bytes.withUnsafeBufferPointer { src in
            tjDecompress2(handle, src.baseAddress, UInt(bytes.count), &pixels, Int32(small), Int32(small * 4), Int32(smallHeight),
                          Int32((isCMYK ? TJPF_CMYK : TJPF_BGRX).rawValue), 0)
        }
        guard status == 0 else { throw .image(path, "is a damaged JPEG (\(String(cString: tjGetErrorStr2(handle))))") }
        return true
    }

    /// The stand-in surface for a picture the PDF carries as it is, or nil when it must be decoded.
    private func standIn(for image: PageImage) throws(PDFOutputError) -> OpaquePointer? {
        let how = try (carried[image.path] ?? Result { () throws(PDFOutputError) -> Carried in try Self.carry(image) }).get()
        switch how {
        case .decoded:
            return nil
        case .jpeg(let bytes):
            // 1 × 1, carrying the file as its JPEG data: Cairo embeds the JPEG at its own size.
            guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1),
                  cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { return nil }
            let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
            copy.initialize(from: bytes, count: bytes.count)
            cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_JPEG, copy, UInt(bytes.count), { $0?.deallocate() }, copy)
            return surface
        case .png(let picture):
            // 2 × 1: the mark, then the picture's number (RGB24 is BGRX in memory here).
            guard passthroughPNGs.count < 1 << 24, let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 2, 1),
                  cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let pixels = cairo_image_surface_get_data(surface) else {
                return nil
            }
            let number = passthroughPNGs.count
            let mark = Self.standInMark
            cairo_surface_flush(surface)
            pixels[0] = mark[2]; pixels[1] = mark[1]; pixels[2] = mark[0]; pixels[3] = 255
            pixels[4] = UInt8(number & 255); pixels[5] = UInt8(number >> 8 & 255); pixels[6] = UInt8(number >> 16 & 255); pixels[7] = 255
            cairo_surface_mark_dirty(surface)
            passthroughPNGs.append(picture)
            return surface
        }
    }

    private func png(_ path: String) throws(PDFOutputError) -> OpaquePointer {
        guard let surface = cairo_image_surface_create_from_png(path) else { throw .image(path, "cannot be read") }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw .image(path, "is not a PNG Cairo can read (\(String(cString: cairo_status_to_string(status))))")
        }
        guard cairo_image_surface_get_format(surface) == CAIRO_FORMAT_ARGB32 else { return surface }
        // A PNG with an alpha channel is laid on white: no soft masks in the PDF, which some
        // raster image processors at print shops flatten badly.
        let width = cairo_image_surface_get_width(surface), height = cairo_image_surface_get_height(surface)
        guard let flat = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height), let cr = cairo_create(flat) else {
            return surface
        }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_set_source_surface(cr, surface, 0, 0)
        cairo_paint(cr)
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
        cairo_surface_flush(flat)
        return flat
    }

    private func jpeg(_ path: String) throws(PDFOutputError) -> OpaquePointer {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { throw .image(path, "cannot be read") }
        let bytes = [UInt8](data)
        guard let handle = tjInitDecompress() else { throw .image(path, "TurboJPEG is not available") }
        defer { tjDestroy(handle) }
        let (width, height, colorspace) = try Self.jpegHeader(bytes, handle: handle, path: path)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw .image(path, "is too large to decode")
        }
        let stride = cairo_image_surface_get_stride(surface)
        guard let pixels = cairo_image_surface_get_data(surface) else {
            cairo_surface_destroy(surface)
            throw .image(path, "is too large to decode")
        }
        cairo_surface_flush(surface)
        var status: Int32
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let adobe = Self.hasAdobeMarker(bytes)
        if isCMYK {
            // TurboJPEG does not convert CMYK to RGB: decode the inks and convert them here.
            var cmyk = [UInt8](repeating: 0, count: Int(width) * Int(height) * 4)
            status = bytes.withUnsafeBufferPointer { src in
                tjDecompress2(handle, src.baseAddress, UInt(bytes.count), &cmyk, width, width * 4, height, Int32(TJPF_CMYK.rawValue), 0)
            }
            if status == 0 { Self.convertCMYK(cmyk, width: Int(width), height: Int(height), into: pixels, stride: Int(stride), adobe: adobe) }
        } else {
            // Cairo's RGB24 is BGRX in memory on a little-endian machine.
            status = bytes.withUnsafeBufferPointer { src in
                tjDecompress2(handle, src.baseAddress, UInt(bytes.count), pixels, width, stride, height, Int32(TJPF_BGRX.rawValue), 0)
            }
        }
        guard status == 0 else {
            let message = String(cString: tjGetErrorStr2(handle))
            cairo_surface_destroy(surface)
            throw .image(path, "is a damaged JPEG (\(message))")
        }
        cairo_surface_mark_dirty(surface)
        // Cairo 1.16 embeds a CMYK JPEG without the Decode array that Adobe's inverted inks
        // need, and viewers show it as a negative: such a picture goes in as its decoded pixels.
        // So does any picture made gray.
        if (isCMYK && adobe) || grayscale { return surface }
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        copy.initialize(from: bytes, count: bytes.count)
        cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_JPEG, copy, UInt(bytes.count), { $0?.deallocate() }, copy)
        return surface
    }

    /// Every pixel to its luminance (Rec. 709 weights), in place: red, green and blue equal.
    static func makeGray(_ surface: OpaquePointer) {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return }
        let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        for y in 0..<height {
            for x in 0..<width {
                let p = data + y * stride + x * 4
                let blue = 0.0722 * Double(p[0]), green = 0.7152 * Double(p[1]), red = 0.2126 * Double(p[2])
                let gray = UInt8(min(255, (blue + green + red).rounded()))
                p[0] = gray; p[1] = gray; p[2] = gray
            }
        }
        cairo_surface_mark_dirty(surface)
    }

    /// Photoshop writes CMYK JPEGs with an Adobe APP14 segment and their inks inverted.
    static func hasAdobeMarker(_ bytes: [UInt8]) -> Bool {
        var i = 2
        while i + 4 < bytes.count, bytes[i] == 0xFF {
            let marker = bytes[i + 1]
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if marker == 0xEE, i + 9 < bytes.count, Array(bytes[(i + 4)..<(i + 9)]) == Array("Adobe".utf8) { return true }
            if marker == 0xDA { break }
            i += 2 + length
        }
        return false
    }

    static func convertCMYK(_ cmyk: [UInt8], width: Int, height: Int, into pixels: UnsafeMutablePointer<UInt8>, stride: Int, adobe: Bool) {
        for y in 0..<height {
            for x in 0..<width {
                let s = (y * width + x) * 4
                var c = Int(cmyk[s]), m = Int(cmyk[s + 1]), ye = Int(cmyk[s + 2]), k = Int(cmyk[s + 3])
                if !adobe { c = 255 - c; m = 255 - m; ye = 255 - ye; k = 255 - k }
                let d = y * stride + x * 4
                pixels[d] = UInt8(ye * k / 255)
                pixels[d + 1] = UInt8(m * k / 255)
                pixels[d + 2] = UInt8(c * k / 255)
                pixels[d + 3] = 255
            }
        }
    }
}
