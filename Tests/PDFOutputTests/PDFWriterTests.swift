import Foundation
import IssueAssembly
import IssueModel
import PageMakeup
import PDFOutput
import TestSupport
import Typesetting
import XCTest

/// Real PDFs of the sample issue's text flowed through tabloid columns, read back with the
/// tools a print shop and a reader use: pdftotext, pdffonts, qpdf, pdfinfo.
final class PDFWriterTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Built {
        var document: DisplayDocument
        var words: [String]
    }

    /// The first three stories of the sample in a tabloid's five 134.4 pt columns, page after
    /// page, with their titles as outline entries.
    func buildDocument() throws -> Built {
        let issue = try XCTUnwrap(IssueAssembler.assemble(weekFolder: Self.packageRoot.appendingPathComponent("issues/2026-12-03").path).issue)
        let typesetter = Typesetter(fonts: try FontLibrary(folder: Self.packageRoot.appendingPathComponent("fonts").path))
        let body = TextStyle(family: "PT Serif", size: 9.5)
        let faces = InlineFaces()
        var paragraphs: [SetParagraph] = []
        var outline: [(title: String, paragraph: Int)] = []
        var words: [String] = []
        for article in issue.articles.prefix(3) {
            outline.append((article.title, paragraphs.count))
            for block in article.body {
                guard case .paragraph(let inlines) = block.kind else { continue }
                let runs = faces.runs(for: inlines, base: body)
                paragraphs.append(try typesetter.set(runs, language: article.language, measure: 134.4,
                                                     format: ParagraphFormat(firstLineIndent: 9.5)))
                words += runs.map(\.text).joined().split(whereSeparator: { $0.isWhitespace }).map(String.init)
            }
        }
        let columns = (0..<5).map { Rect(x: 36 + Double($0) * (134.4 + 12), y: 36, width: 134.4, height: 1224 - 72) }
        let flow = ColumnFlow(columns: columns, leading: 11.5, firstBaselineOffset: 9)
        var pages: [DisplayPage] = []
        var entries: [OutlineEntry] = []
        var remaining = paragraphs[...]
        var offset = 0
        while !remaining.isEmpty {
            let result = flow.flow(Array(remaining))
            var page = DisplayPage(width: 792, height: 1224)
            for placed in result.lines { page.items += placed.displayItems }
            for (title, index) in outline where index >= offset && index < offset + remaining.count {
                if let first = result.lines.first(where: { $0.line.text == paragraphs[index].lines.first?.text }) {
                    entries.append(OutlineEntry(title: title, page: pages.count, y: first.origin.y - 12))
                }
            }
            pages.append(page)
            guard let (p, placedLines) = result.overset else { break }
            var rest = Array(remaining.dropFirst(p))
            rest[0].lines.removeFirst(placedLines)
            offset += p
            remaining = rest[...]
        }
        let metadata = DocumentMetadata(title: "The Millbrook Ledger, No. 412", author: "The Millbrook Ledger",
                                        subject: "December 3, 2026", creator: "issue", date: "2026-12-03T00:00:00")
        return Built(document: DisplayDocument(pages: pages, outline: entries, metadata: metadata), words: words)
    }

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try runTool(tool, arguments)
    }

    func testEveryWordComesBackFromPdftotextAcrossHyphenBreaks() throws {
        let built = try buildDocument()
        XCTAssertGreaterThan(built.document.pages.count, 1, "three stories run past one page")
        let pdf = try temporaryFolder().appendingPathComponent("issue.pdf")
        try PDFWriter.writePDF(built.document, to: pdf.path)
        let (status, text) = try run("pdftotext", ["-enc", "UTF-8", pdf.path, "-"])
        XCTAssertEqual(status, 0)
        // A line that ends in a hyphen joins its word again, across a column or page break too
        // (pdftotext puts a blank line or a form feed there).
        let joined = text.replacingOccurrences(of: "-\\s*\n\\s*", with: "-", options: .regularExpression)
        let extracted = Set(joined.split(whereSeparator: { $0.isWhitespace }).map(String.init))
        let hyphenJoined = Set(extracted.map { $0.replacingOccurrences(of: "-", with: "") })
        var missing: [String] = []
        for word in built.words where !extracted.contains(word) && !hyphenJoined.contains(word.replacingOccurrences(of: "-", with: "")) {
            missing.append(word)
        }
        XCTAssertEqual(missing, [], "words of the articles missing from pdftotext's output")
        XCTAssertTrue(text.contains("first"), "the fi ligature extracts as its letters")
    }

    /// PT Serif's outlines as PostScript (CFF) curves, in an OpenType file: what a publication's
    /// own `.otf` fonts usually are.
    static let makeCFF = """
    import sys
    from fontTools.ttLib import TTFont
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    src = TTFont(sys.argv[1]); order = src.getGlyphOrder(); gs = src.getGlyphSet(); strings = {}
    for name in order:
        pen = T2CharStringPen(gs[name].width, gs); gs[name].draw(pen); strings[name] = pen.getCharString()
    fb = FontBuilder(src['head'].unitsPerEm, isTTF=False)
    fb.setupGlyphOrder(order); fb.setupCharacterMap(src.getBestCmap())
    fb.setupCFF('PTSerifCFF-Regular', {'FullName': 'PT Serif CFF'}, strings, {})
    fb.setupHorizontalMetrics({n: src['hmtx'][n] for n in order})
    fb.setupHorizontalHeader(ascent=src['hhea'].ascent, descent=src['hhea'].descent)
    fb.setupNameTable({'familyName': 'PT Serif', 'styleName': 'Regular', 'psName': 'PTSerifCFF-Regular'})
    fb.setupOS2(sTypoAscender=src['OS/2'].sTypoAscender, usWinAscent=src['OS/2'].usWinAscent, usWinDescent=src['OS/2'].usWinDescent)
    fb.setupPost(); fb.font['GSUB'] = src['GSUB']; fb.font['GPOS'] = src['GPOS']
    fb.save(sys.argv[2])
    """

    func testAnOpenTypeFontWithPostScriptOutlinesIsEmbeddedAsCFF() throws {
        let python = try testPython(importing: ["fontTools"], packageRoot: Self.packageRoot)
        let folder = try temporaryFolder()
        let fonts = folder.appendingPathComponent("fonts")
        try FileManager.default.createDirectory(at: fonts, withIntermediateDirectories: true)
        for name in ["DejaVuSerif.ttf", "DejaVuSans.ttf"] {
            try FileManager.default.copyItem(at: Self.packageRoot.appendingPathComponent("fonts/\(name)"), to: fonts.appendingPathComponent(name))
        }
        let made = try runProgram(python, ["-c", Self.makeCFF, Self.packageRoot.appendingPathComponent("fonts/PTSerif-Regular.ttf").path,
                                           fonts.appendingPathComponent("PTSerifCFF-Regular.otf").path])
        XCTAssertEqual(made.status, 0, made.output)

        let typesetter = Typesetter(fonts: try FontLibrary(folder: fonts.path))
        let text = "The first office of the fjord took (parenthesised) words back."
        let set = try typesetter.set([TextRun(text, style: TextStyle(family: "PT Serif", size: 10))], language: "en-US", measure: 500)
        var page = DisplayPage(width: 600, height: 200)
        for (i, line) in set.lines.enumerated() { page.items += PlacedLine(line: line, column: 0, origin: Point(x: 40, y: 60 + Double(i) * 12)).displayItems }
        let metadata = DocumentMetadata(title: "CFF", author: "", subject: "", keywords: "", creator: "issue", date: "2026-12-03T00:00:00")
        let pdf = folder.appendingPathComponent("cff.pdf")
        try PDFWriter.writePDF(DisplayDocument(pages: [page], metadata: metadata), to: pdf.path)

        XCTAssertEqual(try run("qpdf", ["--check", pdf.path]).status, 0)
        let fontsList = try run("pdffonts", [pdf.path]).output
        let row = try XCTUnwrap(fontsList.split(separator: "\n").first { $0.contains("+PTSerifCFF-Regular") }, fontsList)
        XCTAssertTrue(row.contains("CID Type 0C"), String(row))
        XCTAssertEqual(row.split(separator: " ").suffix(5).prefix(3).map(String.init), ["yes", "yes", "yes"], String(row))
        XCTAssertTrue(try run("pdfinfo", [pdf.path]).output.range(of: #"PDF version:\s+1\.6"#, options: .regularExpression) != nil, "an OpenType font program needs PDF 1.6")
        let extracted = try run("pdftotext", [pdf.path, "-"]).output
        XCTAssertTrue(extracted.contains(text), extracted)
    }

    func testFontsAreEmbeddedAndSubsetAndTheFileIsValid() throws {
        let built = try buildDocument()
        let pdf = try temporaryFolder().appendingPathComponent("issue.pdf")
        try PDFWriter.writePDF(built.document, to: pdf.path)
        let (fontStatus, fonts) = try run("pdffonts", [pdf.path])
        XCTAssertEqual(fontStatus, 0)
        let rows = fonts.split(separator: "\n").dropFirst(2)
        XCTAssertFalse(rows.isEmpty)
        for row in rows {
            let columns = row.split(separator: " ")
            XCTAssertTrue(columns.first?.contains("+PTSerif") == true || columns.first?.contains("+") == true, String(row))
            // name, type (one or two words), encoding, emb, sub, uni, object, id
            XCTAssertEqual(columns.suffix(5).prefix(3).map(String.init), ["yes", "yes", "yes"], "embedded, subset, with a ToUnicode map: \(row)")
        }
        let (checkStatus, check) = try run("qpdf", ["--check", pdf.path])
        XCTAssertEqual(checkStatus, 0, check)
        let (_, info) = try run("pdfinfo", [pdf.path])
        let lines = info.split(separator: "\n").map { $0.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) + "" } }
        let fields = Dictionary(lines.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(fields["Title"], "The Millbrook Ledger, No. 412")
        XCTAssertEqual(fields["Author"], "The Millbrook Ledger")
        XCTAssertTrue(fields["Page size"]?.hasPrefix("792 x 1224 pts") == true, info)
        XCTAssertTrue(fields["CreationDate"]?.contains("2026") == true, info)
    }

    func testTwoBuildsAreByteIdentical() throws {
        let folder = try temporaryFolder()
        let a = folder.appendingPathComponent("a.pdf"), b = folder.appendingPathComponent("b.pdf")
        try PDFWriter.writePDF(try buildDocument().document, to: a.path)
        try PDFWriter.writePDF(try buildDocument().document, to: b.path)
        XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b))
    }

    func testLinksAndOutlineAreInTheFile() throws {
        let built = try buildDocument()
        XCTAssertEqual(built.document.outline.count, 3)
        let pdf = try temporaryFolder().appendingPathComponent("issue.pdf")
        try PDFWriter.writePDF(built.document, to: pdf.path)
        let (_, dump) = try run("qpdf", ["--qdf", "--object-streams=disable", pdf.path, "-"])
        XCTAssertTrue(dump.contains("/URI (https://millbrook.example.org/minutes)"), "the lead's link is an annotation")
        XCTAssertTrue(dump.contains("/Outlines"))
        let titles = built.document.outline.map(\.title)
        // Each title, as a literal string or (with non-ASCII characters) as UTF-16 in hex.
        for title in titles {
            let hex = "<feff" + title.utf16.map { String(format: "%04x", $0) }.joined() + ">"
            XCTAssertTrue(dump.contains("/Title (\(title))") || dump.contains("/Title \(hex)"), title)
        }
    }

    func testNoGlyphLeavesItsColumn() throws {
        let built = try buildDocument()
        for page in built.document.pages {
            for item in page.items {
                guard case .glyphs(let run, let origin) = item else { continue }
                let column = Int(((origin.x - 36) / (134.4 + 12)).rounded())
                let left = 36 + Double(column) * (134.4 + 12)
                for glyph in run.glyphs {
                    XCTAssertGreaterThanOrEqual(origin.x + glyph.x, left - 0.01)
                    XCTAssertLessThanOrEqual(origin.x + glyph.x, left + 134.4 + 0.01)
                }
                XCTAssertLessThanOrEqual(origin.x + run.x + run.width, left + 134.4 + 0.5, run.text)
            }
        }
    }

    func testPNGPreviewsAtTheChosenResolution() throws {
        var built = try buildDocument()
        built.document.pages = Array(built.document.pages.prefix(1))
        let folder = try temporaryFolder()
        let files = try PDFWriter.writePNGs(built.document, to: folder.path, basename: "page", resolution: 30)
        XCTAssertEqual(files.map { ($0 as NSString).lastPathComponent }, ["page-1.png"])
        let data = try Data(contentsOf: URL(fileURLWithPath: files[0]))
        XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = data[20..<24].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(width, 330)   // 792 pt at 30 dpi
        XCTAssertEqual(height, 510)  // 1224 pt
    }
}

/// Column flow on the baseline grid, with widows and orphans kept out.
final class ColumnFlowTests: XCTestCase {
    func paragraph(lines: Int, typesetter: Typesetter) throws -> SetParagraph {
        var p = try typesetter.set([TextRun("word", style: TextStyle(family: "PT Serif", size: 9.5))], language: "en", measure: 100)
        p.lines = Array(repeating: p.lines[0], count: lines)
        return p
    }

    func testBaselinesSitOnTheGridAndParagraphsNeverLeaveOneLineAlone() throws {
        let typesetter = Typesetter(fonts: try FontLibrary(folder: PDFWriterTests.packageRoot.appendingPathComponent("fonts").path))
        // Two columns of 10 lines each (first baseline 9 pt down, 11.5 pt apart).
        let columns = [Rect(x: 0, y: 0, width: 100, height: 9 + 9 * 11.5), Rect(x: 110, y: 0, width: 100, height: 9 + 9 * 11.5)]
        let flow = ColumnFlow(columns: columns, leading: 11.5, firstBaselineOffset: 9)
        XCTAssertEqual(flow.capacity(of: columns[0]), 10)
        // 9 lines, then a 3-line paragraph: one line would be an orphan, so all 3 go over.
        var result = flow.flow([try paragraph(lines: 9, typesetter: typesetter), try paragraph(lines: 3, typesetter: typesetter)])
        XCTAssertEqual(result.linesPerColumn, [9, 3])
        // 7 lines, then a 4-line paragraph: 3 fit, but that leaves a widow; 2 and 2 it is.
        result = flow.flow([try paragraph(lines: 7, typesetter: typesetter), try paragraph(lines: 4, typesetter: typesetter)])
        XCTAssertEqual(result.linesPerColumn, [9, 2])
        for placed in result.lines {
            let slot = (placed.origin.y - 9) / 11.5
            XCTAssertEqual(slot, slot.rounded(), accuracy: 1e-9, "baseline off the grid")
        }
        // More than both columns hold: the rest is overset, with how much of it was placed.
        result = flow.flow([try paragraph(lines: 25, typesetter: typesetter)])
        XCTAssertEqual(result.overset?.paragraph, 0)
        XCTAssertEqual(result.overset?.linesPlaced, 20)
    }
}


/// Pictures of every kind a newsroom sends, and broken ones.
final class ImageTests: XCTestCase {
    func image(_ name: String, _ w: Int, _ h: Int) -> PageImage {
        PageImage(path: PDFWriterTests.packageRoot.appendingPathComponent("Tests/Fixtures/images/\(name)").path,
                  format: .jpeg, pixelWidth: w, pixelHeight: h)
    }

    func document(_ images: [PageImage]) -> DisplayDocument {
        var page = DisplayPage(width: 300, height: 200)
        for (i, image) in images.enumerated() {
            page.items.append(.image(image, Rect(x: 10 + Double(i) * 140, y: 10, width: 120, height: 80)))
        }
        return DisplayDocument(pages: [page], metadata: DocumentMetadata(title: "Images", date: "2026-12-03T00:00:00"))
    }

    func temporary() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testGrayscaleAndCMYKJPEGsGoInAsTheyAreAndPreview() throws {
        let folder = try temporary()
        let doc = document([image("gray.jpg", 120, 80), image("cmyk.jpg", 120, 80)])
        let pdf = folder.appendingPathComponent("images.pdf")
        try PDFWriter.writePDF(doc, to: pdf.path)
        let (_, list) = try runTool("pdfimages", ["-list", pdf.path])
        let rows = list.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").map(String.init) }
        // Grayscale goes in as its JPEG; Photoshop-style (inverted) CMYK as its decoded pixels.
        XCTAssertEqual(rows.map { $0[5] }, ["gray", "rgb"], list)
        XCTAssertEqual(rows.map { $0[8] }, ["jpeg", "image"], list)
        // The CMYK picture is a cyan block: red low, green and blue high, as poppler draws it.
        let (status, _) = try runTool("pdftoppm", ["-r", "72", pdf.path, folder.appendingPathComponent("page").path])
        XCTAssertEqual(status, 0)
        let ppm = try Data(contentsOf: folder.appendingPathComponent("page-1.ppm"))
        let header = 15  // "P6\n300 200\n255\n"
        let pixel = header + (50 * 300 + 220) * 3
        XCTAssertLessThan(ppm[pixel], 120)
        XCTAssertGreaterThan(ppm[pixel + 1], 150)
        XCTAssertGreaterThan(ppm[pixel + 2], 150)
        // Previews decode both with TurboJPEG.
        XCTAssertEqual(try PDFWriter.writePNGs(doc, to: folder.path, basename: "preview").count, 1)
    }

    func testDamagedAndHugeJPEGsAreErrorsNamingTheFileNotCrashes() throws {
        let folder = try temporary()
        for (name, message) in [("truncated.jpg", "damaged JPEG"), ("huge.jpg", "20000×20000 pixels")] {
            do {
                try PDFWriter.writePDF(document([image(name, 120, 80)]), to: folder.appendingPathComponent("x.pdf").path)
                XCTFail("\(name) was accepted")
            } catch {
                XCTAssertTrue(error.description.contains(name) && error.description.contains(message), error.description)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.pdf").path), "no half-written PDF")
        }
    }
}

/// PNGs without transparency go into the PDF as their own compressed rows; the rest are
/// decoded by Cairo. Pictures made here by a small writer (Python's zlib), each one solid
/// colour, with the rows' filters varied so that the PDF's predictor has work to do.
final class PNGPassthroughTests: XCTestCase {
    static let writer = #"""
    import struct, sys, zlib
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    def png(path, w, h, depth, ctype, pixel, plte=None, trns=None, damage=False):
        bpp = max(1, len(pixel)); raw = b""
        row = pixel * w if depth >= 8 else bytes([pixel[0]]) * ((w * depth + 7) // 8)
        for y in range(h):
            f = y % 5
            if f == 1: out = bytes((row[i] - (row[i - bpp] if i >= bpp else 0)) & 255 for i in range(len(row)))
            elif f == 2 and y > 0: out = bytes(len(row))
            else: f = 0; out = row
            raw += bytes([f]) + out
        data = zlib.compress(raw)
        if damage: data = data[:len(data) // 2]
        body = chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0))
        if plte: body += chunk(b"PLTE", plte)
        if trns: body += chunk(b"tRNS", trns)
        open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + body + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    d = sys.argv[1]
    png(d + "/gray.png", 40, 30, 8, 0, b"\x40")
    png(d + "/red16.png", 40, 30, 16, 2, b"\xff\xff\x00\x00\x00\x00")
    pal = bytes([0, 0, 0] * 3 + [0, 255, 0] + [9, 9, 9] * 12)
    png(d + "/green4.png", 41, 30, 4, 3, b"\x33", plte=pal)
    png(d + "/blue-trns.png", 40, 30, 8, 3, b"\x00", plte=bytes([0, 0, 255]), trns=b"\xff")
    png(d + "/yellow-rgba.png", 40, 30, 8, 6, b"\xff\xff\x00\xff")
    png(d + "/damaged.png", 40, 30, 8, 2, b"\x10\x20\x30", damage=True)
    """#

    func testPNGsWithoutTransparencyGoInAsTheyAreAndLookTheSame() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertEqual(try runTool("python3", ["-c", Self.writer, folder.path]).status, 0)
        let names = ["gray", "red16", "green4", "blue-trns", "yellow-rgba"]
        var page = DisplayPage(width: 300, height: 100)
        for (i, name) in names.enumerated() {
            let image = PageImage(path: folder.appendingPathComponent("\(name).png").path, format: .png, pixelWidth: 40, pixelHeight: 30)
            page.items.append(.image(image, Rect(x: 10 + Double(i) * 56, y: 10, width: 48, height: 36)))
            // The same picture twice is one image object.
            if i == 0 { page.items.append(.image(image, Rect(x: 10, y: 60, width: 24, height: 18))) }
        }
        let document = DisplayDocument(pages: [page], metadata: DocumentMetadata(title: "PNG", date: "2026-12-03T00:00:00"))
        let pdf = folder.appendingPathComponent("png.pdf")
        try PDFWriter.writePDF(document, to: pdf.path)
        XCTAssertEqual(try runTool("qpdf", ["--check", pdf.path]).status, 0)
        let (_, list) = try runTool("pdfimages", ["-list", pdf.path])
        let rows = list.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").map(String.init) }
        // page num type width height color comp bpc enc …: the first three as they are, the
        // transparent two decoded (8-bit RGB, laid on white).
        XCTAssertEqual(rows.map { $0[3] + "x" + $0[4] + " " + $0[5] + " " + $0[7] }, [
            "40x30 gray 8", "40x30 gray 8", "40x30 rgb 16", "41x30 index 4", "40x30 rgb 8", "40x30 rgb 8",
        ], list)
        XCTAssertEqual(Set(rows.map { $0[10] }).count, 5, "one image object for the picture drawn twice")
        // Each picture's middle, as poppler draws the page.
        XCTAssertEqual(try runTool("pdftoppm", ["-r", "72", pdf.path, folder.appendingPathComponent("page").path]).status, 0)
        let ppm = [UInt8](try Data(contentsOf: folder.appendingPathComponent("page-1.ppm")))
        let header = 15  // "P6\n300 100\n255\n"
        func pixel(_ x: Int, _ y: Int) -> [Int] { (0..<3).map { Int(ppm[header + (y * 300 + x) * 3 + $0]) } }
        let expected = [[64, 64, 64], [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0]]
        for (i, colour) in expected.enumerated() {
            let got = pixel(10 + i * 56 + 24, 28)
            XCTAssertTrue(zip(got, colour).allSatisfy { abs($0 - $1) <= 2 }, "\(names[i]): \(got), not \(colour)")
        }
        XCTAssertTrue(zip(pixel(22, 69), expected[0]).allSatisfy { abs($0 - $1) <= 2 })
        // A PNG whose rows are cut short is an error naming it, and no PDF is left.
        page.items = [.image(PageImage(path: folder.appendingPathComponent("damaged.png").path, format: .png, pixelWidth: 40, pixelHeight: 30),
                             Rect(x: 10, y: 10, width: 40, height: 30))]
        let bad = folder.appendingPathComponent("bad.pdf")
        XCTAssertThrowsError(try PDFWriter.writePDF(DisplayDocument(pages: [page], metadata: document.metadata), to: bad.path)) { error in
            XCTAssertTrue("\(error)".contains("damaged.png"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: bad.path))
    }
}

final class PictureScalingTests: XCTestCase {
    func testPicturesAreScaledTo1200PixelsAndEncodedAgainOnlyWhenThatIsSmaller() throws {
        let images = PDFWriterTests.packageRoot.appendingPathComponent("issues/2026-12-03/images")
        let photo = PageImage(path: images.appendingPathComponent("river-road.jpg").path, format: .jpeg, pixelWidth: 1600, pixelHeight: 1067)
        let scaled = try PictureScaling.scaled(photo, maxWidth: 1200)
        XCTAssertEqual(scaled.width, 1200)
        XCTAssertEqual(scaled.height, 800)
        XCTAssertEqual(scaled.format, .jpeg)
        XCTAssertTrue(scaled.bytes.starts(with: [0xFF, 0xD8, 0xFF]))
        let original = try Data(contentsOf: URL(fileURLWithPath: photo.path))
        XCTAssertLessThan(scaled.bytes.count, original.count)
        // Decodable: the PDF writer takes it back.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scaled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(scaled.bytes).write(to: folder.appendingPathComponent("s.jpg"))
        let page = DisplayPage(width: 200, height: 200, items: [.image(PageImage(path: folder.appendingPathComponent("s.jpg").path, format: .jpeg,
                                                                                   pixelWidth: 1200, pixelHeight: 800), Rect(x: 0, y: 0, width: 150, height: 100))])
        try PDFWriter.writePDF(DisplayDocument(pages: [page], metadata: DocumentMetadata(title: "s", date: "2026-12-03T00:00:00")),
                               to: folder.appendingPathComponent("s.pdf").path)
        // A narrow picture, and a drawing that scaling would make larger, go as they are.
        let portrait = PageImage(path: images.appendingPathComponent("renee-dufresne.jpg").path, format: .jpeg, pixelWidth: 1000, pixelHeight: 1250)
        XCTAssertEqual(try PictureScaling.scaled(portrait, maxWidth: 1200).bytes, [UInt8](try Data(contentsOf: URL(fileURLWithPath: portrait.path))))
        let chart = PageImage(path: images.appendingPathComponent("rent-increases.png").path, format: .png, pixelWidth: 1400, pixelHeight: 900)
        let kept = try PictureScaling.scaled(chart, maxWidth: 1200)
        XCTAssertLessThanOrEqual(kept.bytes.count, try Data(contentsOf: URL(fileURLWithPath: chart.path)).count)
    }
}
