import CCairo
import Foundation
import PageMakeup
import Typesetting

public enum PDFOutputError: Error, CustomStringConvertible, Equatable {
    case font(String)
    case image(String, String)
    case cairo(String)
    case write(String)

    public var description: String {
        switch self {
        case .font(let s): return "font: \(s)"
        case .image(let path, let why): return "\(path): \(why)"
        case .cairo(let s): return "Cairo: \(s)"
        case .write(let s): return "cannot write \(s)"
        }
    }
}

/// Writes display lists: a PDF (by `PDFRenderer`, directly) with its fonts embedded and
/// subset, every word extractable, links, an outline and fixed metadata; imposed sheets and PNG
/// previews of the pages drawn with Cairo.
public enum PDFWriter {
    /// Writes the PDF through a temporary file beside `path`, renamed into place only when
    /// complete: a failed build never leaves half a PDF. Returns what was made.
    @discardableResult
    public static func writePDF(_ document: DisplayDocument, to path: String,
                                options: PrintOptions = PrintOptions()) throws(PDFOutputError) -> PrintSummary {
        let temporary = temporaryPath(for: path)
        let finished = temporary + ".post"
        do {
            guard let imposition = options.imposition else {
                let stream = try PDFPageStream(to: path, options: options, pageCount: document.pages.count)
                for page in document.pages { try stream.add(page) }
                return try stream.finish(document)
            }
            let images = ImageSurfaces(grayscale: options.grayscale, carryAsIs: true)
            images.prepare(document.pages.flatMap { page in
                page.items.compactMap { if case .image(let image, _) = $0 { return image } else { return nil } }
            })
            let summary = try Imposing.write(document, imposition: imposition, images: images, to: temporary)
            // Imposed sheets come from Cairo: their boxes and PNG pictures are put in after it.
            var boxes: PDFPostPass.Boxes?
            if let press = options.press, let first = document.pages.first {
                // Boxes in PDF coordinates, from the bottom-left corner of the enlarged page.
                let o = PrintOptions.markSpace + press.bleed
                boxes = PDFPostPass.Boxes(trim: [o, o, o + first.width, o + first.height],
                                          bleed: [o - press.bleed, o - press.bleed, o + first.width + press.bleed, o + first.height + press.bleed])
            }
            if boxes != nil || !images.passthroughPNGs.isEmpty {
                try PDFPostPass.apply(boxes: boxes, pictures: images.passthroughPNGs, input: temporary, output: finished)
                try replace(temporary, with: finished)
            }
            try replace(path, with: temporary)
            return summary
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            try? FileManager.default.removeItem(atPath: finished)
            throw error
        }
    }

    /// Writes one PNG per page, `<basename>-<n>.png` (n from 1), at `resolution` pixels per inch.
    @discardableResult
    public static func writePNGs(_ document: DisplayDocument, to folder: String, basename: String,
                                 resolution: Double = 60) throws(PDFOutputError) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .write(folder)
        }
        let fonts = CairoFonts()
        let images = ImageSurfaces()
        var written: [String] = []
        let scale = resolution / 72
        for (index, page) in document.pages.enumerated() {
            let width = Int32((page.width * scale).rounded(.up)), height = Int32((page.height * scale).rounded(.up))
            guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height),
                  cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw .cairo("cannot make a \(width)×\(height) image") }
            defer { cairo_surface_destroy(surface) }
            guard let cr = cairo_create(surface) else { throw .cairo("no drawing context") }
            defer { cairo_destroy(cr) }
            cairo_set_source_rgb(cr, 1, 1, 1)
            cairo_paint(cr)
            cairo_scale(cr, scale, scale)
            try draw(page, on: cr, fonts: fonts, images: images)
            cairo_surface_flush(surface)
            let path = (folder as NSString).appendingPathComponent("\(basename)-\(index + 1).png")
            let temporary = temporaryPath(for: path)
            guard cairo_surface_write_to_png(surface, temporary) == CAIRO_STATUS_SUCCESS else {
                try? FileManager.default.removeItem(atPath: temporary)
                throw .write(path)
            }
            try replace(path, with: temporary)
            written.append(path)
        }
        return written
    }

    // MARK: Drawing

    static func draw(_ page: DisplayPage, on cr: OpaquePointer, fonts: CairoFonts, images: ImageSurfaces,
                     links: Bool = true) throws(PDFOutputError) {
        for item in page.items {
            switch item {
            case .glyphs(let run, let origin):
                try drawGlyphs(run, origin: origin, on: cr, fonts: fonts)
            case .rule(let from, let to, let width, let gray):
                cairo_set_source_rgb(cr, gray.level, gray.level, gray.level)
                cairo_set_line_width(cr, width)
                cairo_move_to(cr, from.x, from.y)
                cairo_line_to(cr, to.x, to.y)
                cairo_stroke(cr)
            case .fill(let rect, let gray):
                cairo_set_source_rgb(cr, gray.level, gray.level, gray.level)
                cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
                cairo_fill(cr)
            case .image(let image, let rect):
                let surface = try images.surface(for: image)
                let w = Double(cairo_image_surface_get_width(surface)), h = Double(cairo_image_surface_get_height(surface))
                guard w > 0, h > 0 else { continue }
                cairo_save(cr)
                cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
                cairo_clip(cr)
                cairo_translate(cr, rect.x, rect.y)
                cairo_scale(cr, rect.width / w, rect.height / h)
                cairo_set_source_surface(cr, surface, 0, 0)
                cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD)
                cairo_paint(cr)
                cairo_restore(cr)
            case .link(let rect, let url):
                guard links else { continue }
                let attributes = "rect=[\(format(rect.x)) \(format(rect.y)) \(format(rect.width)) \(format(rect.height))] uri='\(escape(url))'"
                cairo_tag_begin(cr, CAIRO_TAG_LINK, attributes)
                cairo_tag_end(cr, CAIRO_TAG_LINK)
            }
        }
    }

    /// Glyphs with their text: `cairo_show_text_glyphs` writes the clusters into the PDF's
    /// text mapping, so an `fi` ligature extracts as "fi" and every word comes back.
    private static func drawGlyphs(_ run: GlyphRun, origin: Point, on cr: OpaquePointer, fonts: CairoFonts) throws(PDFOutputError) {
        guard !run.glyphs.isEmpty else { return }
        cairo_set_font_face(cr, try fonts.face(for: run.face))
        cairo_set_font_size(cr, run.size)
        cairo_set_source_rgb(cr, 0, 0, 0)
        var glyphs = run.glyphs.map { cairo_glyph_t(index: UInt($0.id), x: origin.x + $0.x, y: origin.y - $0.y) }
        var clusters = run.clusters.map { cairo_text_cluster_t(num_bytes: Int32($0.byteCount), num_glyphs: Int32($0.glyphCount)) }
        let text = Array(run.text.utf8)
        let mapped = run.clusters.reduce(0) { $0 + $1.byteCount } == text.count
            && run.clusters.reduce(0) { $0 + $1.glyphCount } == glyphs.count
        if mapped {
            text.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    cairo_show_text_glyphs(cr, chars.baseAddress, Int32(chars.count), &glyphs, Int32(glyphs.count),
                                           &clusters, Int32(clusters.count), cairo_text_cluster_flags_t(0))
                }
            }
        } else {
            // A run whose clusters do not add up is a typesetting bug; still draw the glyphs.
            assertionFailure("clusters of '\(run.text)' do not cover its text and glyphs")
            cairo_show_glyphs(cr, &glyphs, Int32(glyphs.count))
        }
        if run.struck {
            let y = origin.y - run.rise - run.size * 0.28
            cairo_set_line_width(cr, max(0.4, run.size * 0.05))
            cairo_move_to(cr, origin.x + run.x, y)
            cairo_line_to(cr, origin.x + run.x + run.width, y)
            cairo_stroke(cr)
        }
    }

    // MARK: Helpers

    static func setMetadata(_ m: DocumentMetadata, on surface: OpaquePointer) {
        let fields: [(cairo_pdf_metadata_t, String)] = [
            (CAIRO_PDF_METADATA_TITLE, m.title), (CAIRO_PDF_METADATA_AUTHOR, m.author),
            (CAIRO_PDF_METADATA_SUBJECT, m.subject), (CAIRO_PDF_METADATA_KEYWORDS, m.keywords),
            (CAIRO_PDF_METADATA_CREATOR, m.creator), (CAIRO_PDF_METADATA_CREATE_DATE, m.date),
            (CAIRO_PDF_METADATA_MOD_DATE, m.date),
        ]
        for (key, value) in fields where !value.isEmpty {
            cairo_pdf_surface_set_metadata(surface, key, value)
        }
    }

    /// Numbers in Cairo's attribute strings: plain decimals, never exponents.
    private static func format(_ x: Double) -> String { String(format: "%.3f", x) }

    /// A string value of a Cairo tag attribute is in single quotes; `'` and `\` are escaped.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    }

    static func temporaryPath(for path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        return (folder.isEmpty ? "." : folder) + "/.\(name).\(ProcessInfo.processInfo.processIdentifier).tmp"
    }

    static func replace(_ path: String, with temporary: String) throws(PDFOutputError) {
        guard rename(temporary, path) == 0 else { throw .write(path) }
    }
}
