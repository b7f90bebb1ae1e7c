import CCairo
import Foundation
import PageMakeup

/// How the PDF is made for printing.
public struct PrintOptions: Sendable {
    /// For a print shop: pages enlarged by the bleed, crop marks outside it, TrimBox and BleedBox.
    public struct Press: Sendable {
        public var bleed: Double
        public init(bleed: Double) { self.bleed = bleed }
    }

    public var press: Press?
    /// Pictures in gray, for black-and-white printers.
    public var grayscale: Bool
    public var imposition: Imposition?

    /// Room outside the bleed for the crop marks.
    public static let markSpace = 18.0

    public init(press: Press? = nil, grayscale: Bool = false, imposition: Imposition? = nil) {
        self.press = press
        self.grayscale = grayscale
        self.imposition = imposition
    }
}

/// Pages placed two to a side of a larger sheet.
public struct Imposition: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Saddle-stitch order: printed double-sided (flip on the short edge), the stack folded
        /// in half gives pages 1…N in order.
        case booklet
        /// Pages in order, two to a side, for cutting the sheets in half.
        case twoUp = "2up"
    }

    public var kind: Kind
    /// The sheet, in points; laid landscape.
    public var sheetWidth: Double
    public var sheetHeight: Double

    public init(kind: Kind, sheetWidth: Double, sheetHeight: Double) {
        self.kind = kind
        self.sheetWidth = max(sheetWidth, sheetHeight)
        self.sheetHeight = min(sheetWidth, sheetHeight)
    }

    /// Sheet sizes by name, in points.
    public static let sheets: [String: (Double, Double)] = [
        "letter": (612, 792), "a4": (595.276, 841.89), "tabloid": (792, 1224), "a3": (841.89, 1190.551),
    ]

    /// The pages on each side of each sheet, left and right, 0-based; nil for a blank.
    public func sides(pages: Int) -> [(left: Int?, right: Int?)] {
        func page(_ i: Int) -> Int? { i < pages ? i : nil }
        switch kind {
        case .booklet:
            let n = (pages + 3) / 4 * 4
            var sides: [(Int?, Int?)] = []
            for s in 0..<(n / 4) {
                sides.append((page(n - 1 - 2 * s), page(2 * s)))      // front: N|1, N-2|3 …
                sides.append((page(2 * s + 1), page(n - 2 - 2 * s)))  // back: 2|N-1, 4|N-3 …
            }
            return sides
        case .twoUp:
            return stride(from: 0, to: pages, by: 2).map { (page($0), page($0 + 1)) }
        }
    }

    /// Pages added blank to fill the sheets.
    public func blanks(pages: Int) -> Int {
        kind == .booklet ? (pages + 3) / 4 * 4 - pages : pages % 2
    }
}

/// What an output holds, for the summary.
public struct PrintSummary: Sendable {
    public var sheetSides: Int
    public var blankPages: Int

    public init(sheetSides: Int, blankPages: Int) {
        self.sheetSides = sheetSides
        self.blankPages = blankPages
    }
}

/// Imposed output: each page drawn once into a Cairo recording surface (vector, with its
/// text), then painted, scaled to fit half a sheet, onto the sheets in imposition order. Text
/// stays extractable and fonts embedded.
enum Imposing {
    static func write(_ document: DisplayDocument, imposition: Imposition, images: ImageSurfaces,
                      to path: String) throws(PDFOutputError) -> PrintSummary {
        let fonts = CairoFonts()
        var recordings: [OpaquePointer] = []
        defer { recordings.forEach { cairo_surface_destroy($0) } }
        for page in document.pages {
            var extents = cairo_rectangle_t(x: 0, y: 0, width: page.width, height: page.height)
            guard let recording = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents) else { throw .cairo("no recording surface") }
            recordings.append(recording)
            guard let cr = cairo_create(recording) else { throw .cairo("no drawing context") }
            // Links would point at the wrong places on a sheet: left out.
            try PDFWriter.draw(page, on: cr, fonts: fonts, images: images, links: false)
            cairo_destroy(cr)
        }
        let w = imposition.sheetWidth, h = imposition.sheetHeight
        guard let surface = cairo_pdf_surface_create(path, w, h), cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw .write(path)
        }
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5)
        PDFWriter.setMetadata(document.metadata, on: surface)
        guard let cr = cairo_create(surface) else { throw .cairo("no drawing context") }
        defer { cairo_destroy(cr) }
        let sides = imposition.sides(pages: document.pages.count)
        let half = w / 2
        for side in sides {
            for (slot, index) in [side.left, side.right].enumerated() {
                guard let index else { continue }
                let page = document.pages[index]
                let scale = min(half / page.width, h / page.height)
                cairo_save(cr)
                cairo_translate(cr, Double(slot) * half + (half - page.width * scale) / 2, (h - page.height * scale) / 2)
                cairo_scale(cr, scale, scale)
                cairo_set_source_surface(cr, recordings[index], 0, 0)
                cairo_paint(cr)
                cairo_restore(cr)
            }
            cairo_show_page(cr)
        }
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw .cairo(String(cString: cairo_status_to_string(status))) }
        return PrintSummary(sheetSides: sides.count, blankPages: imposition.blanks(pages: document.pages.count))
    }
}
