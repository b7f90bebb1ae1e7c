import Foundation
import IssueModel
import PageMakeup
import PDFOutput
import TestSupport
import Typesetting
import XCTest

/// A PDF written page by page while page makeup draws the pages: the same file as written
/// from the finished document, and no file at all when it is given up or goes wrong.
final class PDFPageStreamTests: XCTestCase {
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The sample issue made up in `layout`, its pages streamed into `streamed` as they are drawn
    /// (with `options`).
    func makeUp(layout name: String, streamingTo streamed: URL, options: PrintOptions = PrintOptions()) throws
        -> (madeUp: MadeUpIssue, stream: PDFPageStream?) {
        let (issue, typesetter) = try IssuePDFTests.sampleIssue(layout: name)
        var stream: PDFPageStream?
        var failure: (any Error)?
        var announced: [Int] = []
        let madeUp = try PagePlanner(layout: issue.pageLayout!, typesetter: typesetter).makeUp(issue) { page, pageCount in
            announced.append(pageCount)
            do {
                if stream == nil { stream = try PDFPageStream(to: streamed.path, options: options, pageCount: pageCount) }
                try stream?.add(page)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        XCTAssertEqual(announced.count, madeUp.document.pages.count, "every page is handed over as it is drawn")
        XCTAssertEqual(Set(announced), [madeUp.document.pages.count], "with the number of pages there will be")
        return (madeUp, stream)
    }

    func testPagesStreamedWhileDrawnMakeTheSameFileAsTheFinishedDocument() throws {
        let folder = try temporaryFolder()
        let cases = [("tabloid", PrintOptions()), ("letter", PrintOptions(grayscale: true)),
                     ("tabloid", PrintOptions(press: PrintOptions.Press(bleed: 9)))]
        for (index, (layout, options)) in cases.enumerated() {
            let streamed = folder.appendingPathComponent("streamed-\(index).pdf")
            let whole = folder.appendingPathComponent("whole-\(index).pdf")
            let (madeUp, stream) = try makeUp(layout: layout, streamingTo: streamed, options: options)
            XCTAssertFalse(FileManager.default.fileExists(atPath: streamed.path), "nothing at the path before it is finished")
            let summary = try XCTUnwrap(stream).finish(madeUp.document)
            XCTAssertEqual(summary.sheetSides, madeUp.document.pages.count)
            try PDFWriter.writePDF(madeUp.document, to: whole.path, options: options)
            XCTAssertEqual(try Data(contentsOf: streamed), try Data(contentsOf: whole), "\(layout)")
            let (status, output) = try runTool("qpdf", ["--check", streamed.path])
            XCTAssertEqual(status, 0, output)
            let (_, text) = try runTool("pdftotext", ["-enc", "UTF-8", streamed.path, "-"])
            XCTAssertTrue(text.contains("Millbrook"), "the text extracts")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(left, [], "no temporary file is left")
    }

    func testAStreamGivenUpOrLeftUnfinishedLeavesNoFile() throws {
        let folder = try temporaryFolder()
        let pdf = folder.appendingPathComponent("given-up.pdf")
        let (madeUp, stream) = try makeUp(layout: "tabloid", streamingTo: pdf)
        try XCTUnwrap(stream).cancel()
        XCTAssertThrowsError(try XCTUnwrap(stream).add(madeUp.document.pages[0]), "a cancelled stream takes no page") { error in
            XCTAssertTrue("\(error)".contains("already finished or given up"), "\(error)")
        }
        XCTAssertThrowsError(try XCTUnwrap(stream).finish(madeUp.document), "a cancelled stream is not finished")
        XCTAssertFalse(FileManager.default.fileExists(atPath: pdf.path))

        // Dropped after two pages without being finished: the other core stops, the file goes.
        let dropped = folder.appendingPathComponent("dropped.pdf")
        do {
            let partial = try PDFPageStream(to: dropped.path, options: PrintOptions(), pageCount: madeUp.document.pages.count)
            for page in madeUp.document.pages.prefix(2) { try partial.add(page) }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dropped.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [], "no temporary file is left")
    }

    func testPagesBeyondThoseAnnouncedOrMissingAtTheEndAreErrorsAndLeaveNoFile() throws {
        let folder = try temporaryFolder()
        let (madeUp, _) = try makeUp(layout: "tabloid", streamingTo: folder.appendingPathComponent("first.pdf"))
        let pages = madeUp.document.pages
        XCTAssertGreaterThan(pages.count, 2)

        let over = folder.appendingPathComponent("over.pdf")
        let tooMany = try PDFPageStream(to: over.path, options: PrintOptions(), pageCount: 1)
        try tooMany.add(pages[0])
        XCTAssertThrowsError(try tooMany.add(pages[1])) { error in
            XCTAssertTrue("\(error)".contains("more pages than the 1 announced"), "\(error)")
        }
        tooMany.cancel()

        let short = folder.appendingPathComponent("short.pdf")
        let missing = try PDFPageStream(to: short.path, options: PrintOptions(), pageCount: pages.count)
        try missing.add(pages[0])
        XCTAssertThrowsError(try missing.finish(madeUp.document)) { error in
            XCTAssertTrue("\(error)".contains("1 pages added of \(pages.count)"), "\(error)")
        }
        XCTAssertThrowsError(try PDFPageStream(to: short.path, options: PrintOptions(), pageCount: 0))
        var imposed = PrintOptions()
        imposed.imposition = Imposition(kind: .booklet, sheetWidth: 792, sheetHeight: 612)
        XCTAssertThrowsError(try PDFPageStream(to: short.path, options: imposed, pageCount: 2), "imposed sheets are written whole")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix("first") }
        XCTAssertEqual(files, [], "nothing written, no temporary file left")
    }
}
