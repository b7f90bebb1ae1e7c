import ArgumentParser
import Foundation
import IssueAssembly
import IssueModel
import PageMakeup
import PDFOutput

extension Imposition.Kind: ExpressibleByArgument {}
import Typesetting

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Make the issue's print-ready PDF.",
        discussion: """
            Checks the issue as 'issue check' does and stops on errors; otherwise sets every \
            story in the layout's columns (masthead on page 1, folios after) and writes the PDF \
            through a temporary file, so a failed build never leaves half a PDF. The default \
            output is build/<week>.pdf beside the issues/ folder.
            """
    )

    @Argument(help: "The week's folder (default: the newest under ./issues/).")
    var issue: String?

    @Option(name: .shortAndLong, help: "The PDF to write (default: build/<week>.pdf).")
    var output: String?

    @Option(help: "A layout other than the one issue.yaml names (tabloid, letter, a4 …).")
    var layout: String?

    @Option(name: .customLong("png"), help: "Also write PNG previews of the pages into this folder.")
    var pngFolder: String?

    @Option(help: "Resolution of the PNG previews, in pixels per inch.")
    var resolution: Double = defaultResolution
    static let defaultResolution = 60.0

    @Option(help: "Write the fit report (pages, stories, loose lines, widows, overset) as JSON to this file.")
    var report: String?

    @Flag(help: "For a print shop: pages enlarged by the layout's bleed, crop marks, TrimBox and BleedBox.")
    var press = false

    @Option(help: "Impose the pages on larger sheets: booklet (saddle-stitch order, print double-sided, flip on the short edge, fold) or 2up (in order, for cutting).")
    var impose: Imposition.Kind?

    @Option(help: "The sheet for --impose: letter, a4, tabloid or a3.")
    var sheet: String = defaultSheet
    static let defaultSheet = "letter"

    @Flag(help: "Pictures in gray, for black-and-white printers.")
    var grayscale = false

    @Flag(help: "Print the seconds each stage took: assembly, typesetting, page makeup, PDF writing.")
    var timings = false

    func validate() throws {
        guard (10...1200).contains(resolution) else { throw ValidationError("--resolution must be from 10 to 1200") }
        guard Imposition.sheets[sheet.lowercased()] != nil else { throw ValidationError("--sheet must be letter, a4, tabloid or a3") }
        if press && impose != nil { throw ValidationError("--press and --impose make different PDFs; make them one at a time") }
        if let layout, !layout.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            throw ValidationError("--layout takes a layout's name, like tabloid, letter or a4")
        }
    }

    func run() throws {
        var stderr = StandardError()
        let started = Date()
        // The publication's hyphenation patterns read on another thread while the articles are
        // (the typesetter's are the same object; page makeup reads any other language's).
        let hyphenation = Hyphenation()
        let (folder, assembly) = try IssueLocation.assemble(issue) { hyphenation.preload([$0.language]) }
        let assembled = Date()
        var diagnostics = assembly.diagnostics
        guard var issue = assembly.issue, !assembly.hasErrors else {
            try fail(diagnostics, folder: folder)
        }
        if let layout {
            let read = LayoutReader.read(name: layout, folders: [LayoutReader.folder(forWeek: folder)] + ToolResources.layoutFolders)
            diagnostics += read.diagnostics
            issue.pageLayout = read.layout
            issue.layout = layout
        }
        guard let pageLayout = issue.pageLayout, !diagnostics.hasErrors else { try fail(diagnostics, folder: folder) }
        guard let fontsFolder = ToolResources.fontsFolder(forWeek: folder) else {
            diagnostics.append(.error("no fonts/ folder beside issues/, and none with the tool", at: nil,
                                      hint: "copy the tool's fonts/ folder next to your issues/ folder"))
            try fail(diagnostics, folder: folder)
        }

        let pdf = output ?? defaultOutput(for: folder)
        var options = PrintOptions(grayscale: grayscale)
        if press { options.press = PrintOptions.Press(bleed: pageLayout.bleed) }
        if let impose, let size = Imposition.sheets[sheet.lowercased()] {
            options.imposition = Imposition(kind: impose, sheetWidth: size.0, sheetHeight: size.1)
        }
        // Unless the pages are imposed, the PDF is written as they are drawn: the other core
        // writes the content streams of the pages drawn so far (see `PDFPageStream`).
        var stream: PDFPageStream?
        var streamError: (any Error)?
        let streamed: ((DisplayPage, Int) -> Void)? = options.imposition != nil ? nil : { page, pageCount in
            guard streamError == nil else { return }
            do {
                if stream == nil {
                    try Self.createFolder(of: pdf)
                    stream = try PDFPageStream(to: pdf, options: options, pageCount: pageCount)
                }
                try stream?.add(page)
            } catch {
                streamError = error
            }
        }

        let madeUp: MadeUpIssue
        // Kept until the process ends (see the end of `run`): the typesetter's caches with it.
        var planner: PagePlanner
        do {
            let typesetter = Typesetter(fonts: try FontLibrary(folder: fontsFolder), hyphenation: hyphenation)
            planner = PagePlanner(layout: pageLayout, typesetter: typesetter)
            // ISSUE_THREADS=1 sets and plans on one thread (for comparing, and on a busy machine).
            if let threads = ProcessInfo.processInfo.environment["ISSUE_THREADS"].flatMap(Int.init), threads >= 1 {
                planner.threads = threads
            }
            madeUp = try planner.makeUp(issue, drawn: streamed)
        } catch {
            stream?.cancel()
            diagnostics.append(.error("\(error)", at: SourceLocation(file: pageLayout.file)))
            try fail(diagnostics, folder: folder)
        }
        diagnostics += madeUp.diagnostics

        var printed = PrintSummary(sheetSides: 0, blankPages: 0)
        let writing = Date()
        do {
            if let streamError { throw streamError }
            if let stream {
                printed = try stream.finish(madeUp.document)
            } else {
                try Self.createFolder(of: pdf)
                printed = try PDFWriter.writePDF(madeUp.document, to: pdf, options: options)
            }
            if let pngFolder {
                try PDFWriter.writePNGs(madeUp.document, to: pngFolder,
                                        basename: (folder as NSString).lastPathComponent, resolution: resolution)
            }
            if let report {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(madeUp.report).write(to: URL(fileURLWithPath: report), options: .atomic)
            }
        } catch {
            stream?.cancel()
            diagnostics.append(.error("\(error)", at: nil))
            try fail(diagnostics, folder: folder)
        }

        let written = Date()
        for d in diagnostics.sortedForPrinting() { print(d, to: &stderr) }
        let seconds = Date().timeIntervalSince(started)
        if timings {
            // "in all": from the command's start (the command line read) to the PDF written.
            print("timings: assembly \(assembled.timeIntervalSince(started).fixed(3)) s, typesetting \(madeUp.typesettingSeconds.fixed(3)) s, "
                  + "page makeup \(madeUp.makeupSeconds.fixed(3)) s, pdf \(written.timeIntervalSince(writing).fixed(3)) s, "
                  + "in all \(written.timeIntervalSince(started).fixed(3)) s")
        }
        let loose = madeUp.report.stories.reduce(0) { $0 + $1.looseLines }
        let lines = madeUp.report.stories.reduce(0) { $0 + $1.lines }
        print("wrote \(IssueFolders.displayPath(pdf)): \(madeUp.report.pages.count) pages, \(issue.articles.count) stories, "
              + "\(lines) lines (\(loose) loose), \(diagnostics.warningCount) warnings, "
              + seconds.fixed(2) + " s")
        if let impose {
            print("  imposed \(impose.rawValue) on \(sheet) sheets: \(printed.sheetSides) sheet sides"
                  + (printed.blankPages > 0 ? ", \(printed.blankPages) blank pages added to fill them" : ""))
        }
        if press { print("  for press: \(pageLayout.bleed) pt bleed, crop marks, TrimBox and BleedBox on every page") }
        let jumps = madeUp.report.pages.reduce(0) { $0 + $1.jumps }
        var summary = "  made up in \(madeUp.makeupSeconds.fixed(3)) s: \(jumps) jumps, plan cost \(madeUp.report.cost.fixed(1))\n"
        for page in madeUp.report.pages {
            let boxes = page.boxes.isEmpty ? "" : "  [" + page.boxes.joined(separator: ", ") + "]"
            summary += "  page \(page.number.padded(2))  \((page.filled * 100).fixed(0, width: 3)) % filled  \(page.holes.padded(2)) holes  "
                + "\(page.jumps) jumps  cost \(page.cost.fixed(1, width: 6))  \(page.stories.joined(separator: ", "))\(boxes)\n"
        }
        print(summary, terminator: "")
        // Done: the process ends here rather than taking apart every line, glyph run and cache
        // of the issue object by object (the system frees the memory at once).
        fflush(nil)
        Foundation.exit(0)
    }

    /// The folder the PDF goes in, made if missing.
    private static func createFolder(of pdf: String) throws {
        let folder = (pdf as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
    }

    private func defaultOutput(for week: String) -> String {
        let root = (LayoutReader.folder(forWeek: week) as NSString).deletingLastPathComponent
        return ((root as NSString).appendingPathComponent("build") as NSString)
            .appendingPathComponent((IssuePaths.canonicalName(week)) + ".pdf")
    }

    private func fail(_ diagnostics: [Diagnostic], folder: String) throws -> Never {
        var stderr = StandardError()
        for d in diagnostics.sortedForPrinting() { print(d, to: &stderr) }
        print("\(IssueFolders.displayPath(folder)): \(diagnostics.errorCount) errors; no PDF written", to: &stderr)
        throw ExitCode(1)
    }
}
