import Foundation
import IssueModel
import PageMakeup
import Typesetting

/// A PDF written page by page, as page makeup draws the pages: each page's first pass (its
/// fonts, pictures, links and the text its glyphs stand for, which depend on the pages before)
/// is done when it is added, on the calling thread, and its content stream is written and
/// compressed by the other core meanwhile; `finish` cuts the fonts, embeds the pictures and
/// writes the rest. A build's other core is idle while the pages are drawn (the drawing is in
/// page order, on one thread): the content streams of the pages drawn so far are written then.
///
/// The file goes through a temporary file beside `path`, renamed into place by `finish`; `cancel`
/// (or an error) removes it, so a failed build never leaves half a PDF. Imposed sheets are not
/// written this way (see `PDFWriter.writePDF`).
public final class PDFPageStream {
    private let renderer: PDFRenderer
    private let images: ImageSurfaces
    private let path: String
    private let temporary: String
    private let file: PDFFile
    private let margin: Double
    private let catalog: Int, pagesObject: Int, resources: Int
    private let pageCount: Int

    // What the first pass has settled, in the order it met it.
    private var fonts: [String: PDFRenderer.UsedFont] = [:]
    private var fontOrder: [PDFRenderer.UsedFont] = []
    /// The font for a face, found by the face object first: a run's face, not its path hashed,
    /// for every run of the issue.
    private var fontOfFace: [ObjectIdentifier: PDFRenderer.UsedFont] = [:]
    private var pictures: [String: (name: String, object: Int)] = [:]
    private var pictureOrder: [(name: String, object: Int, image: PageImage)] = []
    private var pageObjects: [Int] = []
    private var pageHeights: [Double] = []
    private var contentObjects: [Int] = []
    private var added = 0

    /// The work the other core shares: content streams (page tasks, released as the pages are
    /// added), then fonts (released by `finish`); each task writes its own slot.
    private final class Work: @unchecked Sendable {
        let pageTasks = Handout(), fontTasks = Handout()
        let pages: Slots<DisplayPage>
        /// Per page, what its content stream reads, fixed once the first pass is past the page:
        /// the fonts and pictures named so far, and the page's clusters whose first glyph
        /// already stands for another text (shown with ActualText), by their place.
        let inputs: Slots<(fonts: [ObjectIdentifier: PDFRenderer.UsedFont], pictures: [String: (name: String, object: Int)], conflicts: [Int])>
        let streams: Slots<(bytes: [UInt8], deflated: [UInt8]?)>
        /// Set by `finish` before the font tasks are released.
        var usedFonts: [PDFRenderer.UsedFont] = []
        var parts: Slots<PDFRenderer.FontParts>?
        var subsets: Slots<(bytes: [UInt8], deflated: [UInt8]?)>?
        let renderer: PDFRenderer
        let margin: Double
        let helperDone = DispatchSemaphore(value: 0)
        var helped = false

        init(pageCount: Int, renderer: PDFRenderer, margin: Double) {
            pages = Slots(count: pageCount)
            inputs = Slots(count: pageCount)
            streams = Slots(count: pageCount)
            self.renderer = renderer
            self.margin = margin
        }

        func page(_ index: Int) {
            guard let page = pages[index], let input = inputs[index] else { return }
            let bytes = renderer.content(of: page, margin: margin, fonts: input.fonts, pictures: input.pictures, conflicts: input.conflicts)
            streams[index] = (bytes, PDFFile.deflate(bytes))
        }

        func font(_ index: Int) {
            guard index < usedFonts.count else { return }
            let used = usedFonts[index]
            let glyphs = used.glyphs
            parts?[index] = PDFRenderer.fontParts(used, glyphs: glyphs)
            subsets?[index] = used.program.subset(keeping: Set(glyphs)).map { ($0, PDFFile.deflate($0)) }
        }

        /// Every task of both kinds this thread can take, pages first.
        func help() {
            while let index = pageTasks.take() { page(index) }
            while let index = fontTasks.take() { font(index) }
        }

        /// No more tasks: the other core finishes what it has and stops.
        func stop() {
            pageTasks.release(upTo: 0, last: true)
            fontTasks.release(upTo: 0, last: true)
            if helped {
                helperDone.wait()
                helped = false
            }
        }
    }
    private let work: Work
    private var done = false

    /// Opens the temporary file and starts the other core. `pageCount`: how many pages will be
    /// added (at most).
    public init(to path: String, options: PrintOptions, pageCount: Int) throws(PDFOutputError) {
        guard options.imposition == nil else { throw .write("\(path): imposed sheets are written whole") }
        guard pageCount > 0 else { throw .write("a PDF without pages") }
        images = ImageSurfaces(grayscale: options.grayscale, carryAsIs: true)
        renderer = PDFRenderer(options: options, images: images)
        self.path = path
        temporary = PDFWriter.temporaryPath(for: path)
        // The version is settled when the fonts are known: an OpenType font program (CFF
        // outlines) in FontFile3 makes the file PDF 1.6; everything else here is PDF 1.5.
        file = try PDFFile(path: temporary, version: "1.5")
        catalog = file.reserve()
        pagesObject = file.reserve()
        resources = file.reserve()
        margin = options.press.map { PrintOptions.markSpace + $0.bleed } ?? 0
        self.pageCount = pageCount
        work = Work(pageCount: pageCount, renderer: renderer, margin: margin)
        if ProcessInfo.processInfo.activeProcessorCount > 1 {
            work.helped = true
            let work = self.work
            SpareThreads.run {
                work.help()
                work.helperDone.signal()
            }
        }
    }

    deinit {
        if !done { cancel() }
    }

    /// The font for a face: its program read the first time the face is met.
    private func font(for face: FontFace) throws(PDFOutputError) -> PDFRenderer.UsedFont {
        if let known = fontOfFace[ObjectIdentifier(face)] { return known }
        if let known = fonts[face.path] {
            fontOfFace[ObjectIdentifier(face)] = known
            return known
        }
        let program: FontProgram
        do {
            program = try FontProgram(path: face.path)
        } catch {
            throw .font("\(face): \(error)")
        }
        let used = PDFRenderer.UsedFont(name: "F\(fontOrder.count + 1)", object: file.reserve(), program: program)
        fonts[face.path] = used
        fontOfFace[ObjectIdentifier(face)] = used
        fontOrder.append(used)
        return used
    }

    /// The next page: its first pass here (what depends on the pages before), its content
    /// stream handed to the other core.
    public func add(_ page: DisplayPage) throws(PDFOutputError) {
        guard !done else { throw .write("\(path): the PDF is already finished or given up") }
        guard added < pageCount else { throw .write("\(path): more pages than the \(pageCount) announced") }
        let pageIndex = added
        let width = page.width + 2 * margin, height = page.height + 2 * margin
        var annotations: [String] = []
        var claims = PDFRenderer.ClusterClaims()
        for item in page.items {
            switch item {
            case .glyphs(let run, _):
                renderer.claim(run, font: try font(for: run.face), into: &claims)
            case .image(let image, let rect):
                guard rect.width > 0, rect.height > 0, pictures[image.path] == nil else { continue }
                let picture = ("Im\(pictureOrder.count + 1)", file.reserve())
                pictures[image.path] = picture
                pictureOrder.append((picture.0, picture.1, image))
            case .link(let rect, let url):
                // In PDF space: y up from the bottom of the (enlarged) page.
                let x1 = rect.x + margin, x2 = rect.x + rect.width + margin
                let y1 = height - margin - rect.y - rect.height, y2 = height - margin - rect.y
                annotations.append("<< /Type /Annot /Subtype /Link /Rect [\(PDFRenderer.format(x1)) \(PDFRenderer.format(y1)) "
                                   + "\(PDFRenderer.format(x2)) \(PDFRenderer.format(y2))]"
                                   + " /Border [0 0 0] /A << /S /URI /URI \(PDFFile.literal(PDFRenderer.uriBytes(url))) >> >>")
            case .rule, .fill:
                break
            }
        }
        work.pages[pageIndex] = page
        work.inputs[pageIndex] = (fontOfFace, pictures, claims.conflicts)
        added += 1
        work.pageTasks.release(upTo: added)
        contentObjects.append(file.reserve())
        var annotationRefs: [Int] = []
        for annotation in annotations {
            let number = file.reserve()
            file.object(number, annotation)
            annotationRefs.append(number)
        }
        let pageObject = file.reserve()
        let format = PDFRenderer.format
        var dictionary = "<< /Type /Page /Parent \(pagesObject) 0 R /MediaBox [0 0 \(format(width)) \(format(height))]"
        if let press = renderer.options.press {
            let o = margin
            dictionary += " /TrimBox [\(format(o)) \(format(o)) \(format(o + page.width)) \(format(o + page.height))]"
            dictionary += " /BleedBox [\(format(o - press.bleed)) \(format(o - press.bleed)) "
                + "\(format(o + page.width + press.bleed)) \(format(o + page.height + press.bleed))]"
        }
        dictionary += " /Resources \(resources) 0 R /Contents \(contentObjects[contentObjects.count - 1]) 0 R"
        if !annotationRefs.isEmpty { dictionary += " /Annots [" + annotationRefs.map { "\($0) 0 R" }.joined(separator: " ") + "]" }
        file.object(pageObject, dictionary + " >>")
        pageObjects.append(pageObject)
        pageHeights.append(height)
    }

    /// The fonts, pictures, outline and metadata of `document`, whose pages are the pages added;
    /// then the file is renamed into place.
    @discardableResult
    public func finish(_ document: DisplayDocument) throws(PDFOutputError) -> PrintSummary {
        do throws(PDFOutputError) {
            guard !done else { throw PDFOutputError.write(path) }
            guard added > 0 else { throw PDFOutputError.write("a PDF without pages") }
            guard added == document.pages.count else { throw PDFOutputError.write("\(path): \(added) pages added of \(document.pages.count)") }
            try finishFile(document)
            file.close()
            try PDFWriter.replace(path, with: temporary)
            done = true
            return PrintSummary(sheetSides: document.pages.count, blankPages: 0)
        } catch {
            cancel()
            throw error
        }
    }

    /// Stops the other core and removes the temporary file (nothing is written at `path`).
    public func cancel() {
        work.stop()
        done = true
        file.close()
        try? FileManager.default.removeItem(atPath: temporary)
    }

    private func finishFile(_ document: DisplayDocument) throws(PDFOutputError) {
        // Every font and picture is known now, and every glyph's width and text.
        work.pageTasks.release(upTo: added, last: true)
        work.usedFonts = fontOrder
        work.parts = Slots(count: fontOrder.count)
        work.subsets = Slots(count: fontOrder.count)
        work.fontTasks.release(upTo: fontOrder.count, last: true)
        work.help()
        work.stop()
        if fontOrder.contains(where: { $0.program.isCFF }) { file.setVersion("1.6") }
        for index in 0..<added {
            guard let stream = work.streams[index] else { continue }
            if let deflated = stream.deflated {
                file.stream(contentObjects[index], bytes: deflated, compress: false, filter: "/FlateDecode")
            } else {
                file.stream(contentObjects[index], bytes: stream.bytes, compress: false)
            }
        }
        images.prepare(document.pages.flatMap { page in
            page.items.compactMap { if case .image(let image, _) = $0 { return image } else { return nil } }
        })
        for picture in pictureOrder {
            try renderer.writePicture(picture.image, object: picture.object, file: file)
        }
        // The fonts, in order.
        for (index, used) in fontOrder.enumerated() {
            guard let program = work.subsets?[index], let parts = work.parts?[index] else { throw .font("cannot subset \(used.program.path)") }
            try renderer.writeFont(used, program: (program.bytes, program.deflated), parts: parts, file: file)
        }
        let fontNames: String = fontOrder.isEmpty ? ""
            : " /Font << " + fontOrder.map { "/\($0.name) \($0.object) 0 R" }.joined(separator: " ") + " >>"
        let pictureNames: String = pictureOrder.isEmpty ? ""
            : " /XObject << " + pictureOrder.map { "/\($0.name) \($0.object) 0 R" }.joined(separator: " ") + " >>"
        file.object(resources, "<< /ProcSet [/PDF /Text /ImageB /ImageC]" + fontNames + pictureNames + " >>")
        file.object(pagesObject, "<< /Type /Pages /Kids [" + pageObjects.map { "\($0) 0 R" }.joined(separator: " ")
                    + "] /Count \(pageObjects.count) >>")

        // The outline: one level, in the order the document lists it.
        let entries = document.outline.filter { document.pages.indices.contains($0.page) }
        var outlines: Int?
        if !entries.isEmpty {
            let root = file.reserve()
            let numbers = entries.map { _ in file.reserve() }
            for (i, entry) in entries.enumerated() {
                var body = "<< /Title \(PDFFile.text(entry.title)) /Parent \(root) 0 R"
                if i > 0 { body += " /Prev \(numbers[i - 1]) 0 R" }
                if i + 1 < numbers.count { body += " /Next \(numbers[i + 1]) 0 R" }
                body += " /Dest [\(pageObjects[entry.page]) 0 R /XYZ 0 \(PDFRenderer.format(pageHeights[entry.page] - margin - entry.y)) 0] >>"
                file.object(numbers[i], body)
            }
            file.object(root, "<< /Type /Outlines /First \(numbers[0]) 0 R /Last \(numbers[numbers.count - 1]) 0 R /Count \(numbers.count) >>")
            outlines = root
        }
        file.object(catalog, "<< /Type /Catalog /Pages \(pagesObject) 0 R"
                    + (outlines.map { " /Outlines \($0) 0 R /PageMode /UseOutlines" } ?? "") + " >>")
        let info = file.reserve()
        file.object(info, PDFRenderer.info(document.metadata))
        try file.finish(root: catalog, info: info)
    }
}
