import Foundation
import IssueAssembly
import IssueModel
import PageMakeup
import PDFOutput
import TestSupport
import Typesetting
import XCTest

/// Outputs for a print shop and for office printers, read back with qpdf and poppler.
final class PrintProductionTests: XCTestCase {
    func temporary() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("print-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func status(_ tool: String, _ arguments: [String]) throws -> Int32 { try runTool(tool, arguments).status }

    /// `pdfinfo -box` of one page: box name to [left, bottom, right, top].
    func boxes(_ pdf: URL, page: Int = 1) throws -> [String: [Double]] {
        let (status, info) = try runTool("pdfinfo", ["-box", "-f", "\(page)", "-l", "\(page)", pdf.path])
        XCTAssertEqual(status, 0)
        var out: [String: [Double]] = [:]
        for line in info.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].hasSuffix("Box") else { continue }
            let name = parts[0].split(separator: " ").last.map(String.init) ?? ""
            out[name] = parts[1].split(separator: " ").compactMap { Double($0) }
        }
        return out
    }

    /// A document of `count` letter pages, each saying which it is in large type.
    func numberedPages(_ count: Int) throws -> DisplayDocument {
        let typesetter = Typesetter(fonts: try FontLibrary(folder: PDFWriterTests.packageRoot.appendingPathComponent("fonts").path))
        let pages = try (1...count).map { n -> DisplayPage in
            let set = try typesetter.set([TextRun("PAGE\u{00A0}\(n)", style: TextStyle(family: "PT Sans", size: 48, bold: true))],
                                         language: "en", measure: 500, format: ParagraphFormat(alignment: .center))
            var page = DisplayPage(width: 612, height: 792)
            page.items = PlacedLine(line: set.lines[0], column: 0, origin: Point(x: 56, y: 400)).displayItems
            return page
        }
        return DisplayDocument(pages: pages, metadata: DocumentMetadata(title: "Numbered", date: "2026-12-03T00:00:00"))
    }

    func testPressPDFHasTrimAndBleedBoxesFromTheLayout() throws {
        let built = try IssuePDFTests.buildWithoutWriting(layout: "tabloid")
        let layout = try XCTUnwrap(built.issue.pageLayout)
        let pdf = try temporary().appendingPathComponent("press.pdf")
        try PDFWriter.writePDF(built.madeUp.document, to: pdf.path, options: PrintOptions(press: .init(bleed: layout.bleed)))
        XCTAssertEqual(try status("qpdf", ["--check", pdf.path]), 0)
        for page in [1, built.madeUp.document.pages.count] {
            let b = try boxes(pdf, page: page)
            let trim = try XCTUnwrap(b["TrimBox"]), bleed = try XCTUnwrap(b["BleedBox"]), media = try XCTUnwrap(b["MediaBox"])
            XCTAssertEqual(trim[2] - trim[0], layout.pageWidth, accuracy: 0.01)
            XCTAssertEqual(trim[3] - trim[1], layout.pageHeight, accuracy: 0.01)
            XCTAssertEqual(bleed[2] - bleed[0], layout.pageWidth + 2 * layout.bleed, accuracy: 0.01)
            XCTAssertEqual(bleed[3] - bleed[1], layout.pageHeight + 2 * layout.bleed, accuracy: 0.01)
            XCTAssertGreaterThan(media[2] - media[0], bleed[2] - bleed[0], "room for crop marks outside the bleed")
            XCTAssertEqual(trim[0] - bleed[0], layout.bleed, accuracy: 0.01)
        }
    }

    func testABookletOf12PagesFoldsIntoOrder() throws {
        let folder = try temporary()
        let pdf = folder.appendingPathComponent("booklet.pdf")
        let summary = try PDFWriter.writePDF(try numberedPages(12), to: pdf.path, options: PrintOptions(
            imposition: Imposition(kind: .booklet, sheetWidth: 792, sheetHeight: 1224)))
        XCTAssertEqual(summary.sheetSides, 6)
        XCTAssertEqual(summary.blankPages, 0)
        XCTAssertEqual(try status("qpdf", ["--check", pdf.path]), 0)
        let expected = [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]
        for (index, pair) in expected.enumerated() {
            let (_, text) = try runTool("pdftotext", ["-f", "\(index + 1)", "-l", "\(index + 1)", "-layout", pdf.path, "-"])
            // "PAGE 1" but not the start of "PAGE 12".
            func position(_ n: Int) -> String.Index? {
                text.firstMatch(of: try! Regex("PAGE[\\s\u{00A0}]\(n)(?![0-9])"))?.range.lowerBound
            }
            let left = try XCTUnwrap(position(pair.0), "side \(index + 1): \(text)")
            let right = try XCTUnwrap(position(pair.1), "side \(index + 1): \(text)")
            XCTAssertLessThan(left, right, "side \(index + 1): \(pair.0) on the left of \(pair.1)")
        }
        let (_, fonts) = try runTool("pdffonts", [pdf.path])
        XCTAssertTrue(fonts.contains("PTSans-Bold"), fonts)
        XCTAssertFalse(fonts.contains("Type 3"), "TrueType subsets, not Type 3")
        // 10 pages need 12: two blanks, said in the summary.
        let short = try PDFWriter.writePDF(try numberedPages(10), to: folder.appendingPathComponent("b10.pdf").path,
                                           options: PrintOptions(imposition: Imposition(kind: .booklet, sheetWidth: 612, sheetHeight: 792)))
        XCTAssertEqual(short.blankPages, 2)
        let twoUp = Imposition(kind: .twoUp, sheetWidth: 792, sheetHeight: 1224)
        XCTAssertEqual(twoUp.sides(pages: 5).map { [$0.left, $0.right] }, [[0, 1], [2, 3], [4, nil]])
    }

    func testGrayscaleOutputHasNoColour() throws {
        let built = try IssuePDFTests.buildWithoutWriting(layout: "tabloid")
        let folder = try temporary()
        let pdf = folder.appendingPathComponent("gray.pdf")
        var document = built.madeUp.document
        document.pages = Array(document.pages.prefix(2))  // page 1 has the colour photo, 2 the chart
        try PDFWriter.writePDF(document, to: pdf.path, options: PrintOptions(grayscale: true))
        XCTAssertEqual(try status("qpdf", ["--check", pdf.path]), 0)
        XCTAssertEqual(try status("pdftoppm", ["-r", "20", pdf.path, folder.appendingPathComponent("g").path]), 0)
        XCTAssertEqual(try colouredPixels(in: folder, prefix: "g"), 0)
        // The same pages in colour do have colour: the check can fail.
        let colour = folder.appendingPathComponent("colour.pdf")
        try PDFWriter.writePDF(document, to: colour.path)
        XCTAssertEqual(try status("pdftoppm", ["-r", "20", colour.path, folder.appendingPathComponent("c").path]), 0)
        XCTAssertGreaterThan(try colouredPixels(in: folder, prefix: "c"), 100)
    }

    /// Pixels whose red, green and blue differ, in the PPM files pdftoppm wrote.
    func colouredPixels(in folder: URL, prefix: String) throws -> Int {
        var coloured = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasPrefix(prefix + "-") && name.hasSuffix(".ppm") {
            let data = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            // P6 header: three lines.
            var newlines = 0, start = 0
            for (i, b) in data.enumerated() where b == 10 {
                newlines += 1
                if newlines == 3 { start = i + 1; break }
            }
            var i = start
            while i + 2 < data.count {
                let r = Int(data[i]), g = Int(data[i + 1]), b = Int(data[i + 2])
                if max(abs(r - g), abs(g - b), abs(r - b)) > 6 { coloured += 1 }
                i += 3
            }
        }
        return coloured
    }
}
