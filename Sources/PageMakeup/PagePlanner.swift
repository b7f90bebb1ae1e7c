import Foundation
import IssueModel
import Typesetting

/// What page makeup reports of the pages it made: the fit report of `issue build --report`.
public struct FitReport: Codable, Sendable {
    public struct Page: Codable, Sendable {
        public var number: Int
        /// Share of the text area's column depth that holds something, 0 to 1.
        public var filled: Double
        public var stories: [String]
        /// Lines of legs left empty, stories cut here to go on later, house boxes set, lines
        /// of space added between blocks, and the page plan's cost by term.
        public var holes: Int
        public var jumps: Int
        public var boxes: [String]
        public var addedSpace: Int
        public var cost: Double
        public var costTerms: [String: Double]
    }

    public struct Story: Codable, Sendable {
        public var slug: String
        public var title: String
        public var pages: [Int]
        public var lines: Int
        /// Justified lines whose word spaces are over 150 % of normal.
        public var looseLines: Int
        public var overfullLines: Int
        /// A paragraph's last line alone at the head of a column, or its first alone at the foot.
        public var widows: Int
        public var orphans: Int
        /// Units that could not be placed at all (a picture taller than a column).
        public var oversetUnits: Int
        /// Times the story was cut and continued on a later page.
        public var jumps: Int
    }

    public var layout: String
    /// The whole plan's cost (the sum of the pages'), and the page count's required multiple.
    public var cost: Double
    public var pageMultiple: Int
    public var pages: [Page]
    public var stories: [Story]
}

/// An issue made up into pages: what to draw, what was measured, what to warn about.
public struct MadeUpIssue: @unchecked Sendable {
    public var document: DisplayDocument
    public var report: FitReport
    public var diagnostics: [Diagnostic]
    /// Seconds spent setting the stories' text (typesetting) and placing it (page makeup).
    public var typesettingSeconds: Double
    public var makeupSeconds: Double
    /// What the search worked with (its planners, composers and caches), handed back rather
    /// than taken apart when `makeUp` returns: freed with this value, or never by a process
    /// that ends once the PDF is written (`issue build`: taking it apart object by object cost
    /// more than writing a page).
    public var workings: AnyObject?
}

/// The search's working state, kept by `MadeUpIssue.workings`.
final class Workings {
    let kept: [Any]
    init(_ kept: [Any]) { self.kept = kept }
}

/// The story composer shared by the planner's measuring closures and the drawing after.
final class ComposerBox {
    var composer: StoryComposer
    init(_ composer: StoryComposer) { self.composer = composer }
}

/// Newspaper pages made up automatically: the masthead on page 1, a folio on the others, and
/// each story a rectangle of the column grid (a module) with its headline over its width, its
/// picture under the headline and its text in legs. `ModularPlanner` searches for the plan;
/// this draws it, with jump lines, house boxes and rules.
public struct PagePlanner {
    public let layout: Layout
    let typesetter: Typesetter
    /// Threads the stories are set on: two on a machine with two cores or more. The pages are
    /// the same whatever the number.
    public var threads = min(2, ProcessInfo.processInfo.activeProcessorCount)
    /// For tests: the pages drawn with none of the heads the search measured, as when the other
    /// level's planner measured them, so that drawing sets each one again.
    var drawsWithoutMeasuredHeads = false

    public init(layout: Layout, typesetter: Typesetter) {
        self.layout = layout
        self.typesetter = typesetter
    }

    /// The grid's first baseline below the top of a band: the body's cap height, about.
    var firstBaseline: Double { layout.style(.body).size * 0.78 }

    struct PageFrame {
        var number: Int
        var left: Double
        var top: Double
        var bottom: Double
        var width: Double
    }

    func frame(_ number: Int) -> PageFrame {
        let m = layout.margins
        // Page 1 is a right-hand page: its inside margin is on the left.
        let left = !layout.facingPages || number % 2 == 1 ? m.inside : m.outside
        return PageFrame(number: number, left: left, top: m.top, bottom: layout.pageHeight - m.bottom,
                         width: layout.pageWidth - m.inside - m.outside)
    }

    /// Whole grid lines between a masthead's or folio's foot and the bottom margin.
    func textLines(below top: Double) -> Int {
        max(8, Int(((layout.pageHeight - layout.margins.bottom - top) / layout.baseline + 1e-6).rounded(.down)))
    }

    func columnX(_ frame: PageFrame, _ c: Int) -> Double { frame.left + Double(c) * (layout.columnWidth + layout.gutter) }

    /// Rounds a height from the top of the text area up to the next grid line.
    func snap(_ y: Double, in frame: PageFrame) -> Double {
        frame.top + ((y - frame.top) / layout.baseline - 1e-9).rounded(.up) * layout.baseline
    }

    /// The issue made up into pages. `drawn`, when given, is called with each page as soon as
    /// it is drawn, in order, and the number of pages there will be: a PDF writer can start on
    /// the pages while the rest are drawn (see `PDFPageStream`).
    public func makeUp(_ issue: Issue, drawn: ((DisplayPage, _ pageCount: Int) -> Void)? = nil) throws(FontError) -> MadeUpIssue {
        let started = DispatchTime.now().uptimeNanoseconds
        // The issue's hyphenation patterns read on another thread while the masthead is set.
        typesetter.hyphenation.preload(Set(issue.articles.map(\.language)).sorted())
        var composer = StoryComposer(layout: layout, typesetter: typesetter)
        var diagnostics: [Diagnostic] = []

        // Every story's body, once, in column measure; and the text areas (page 1 under the
        // masthead, the others under the folio), set while the other thread opens its fonts.
        let composing = DispatchTime.now().uptimeNanoseconds
        var spare: StoryComposer?
        var frontLines = 0, pageLines = 0
        let measured = try storyInfos(issue, composer: &composer, spare: &spare, diagnostics: &diagnostics) { () throws(FontError) -> Int in
            var scratch = DisplayPage(width: layout.pageWidth, height: layout.pageHeight)
            frontLines = textLines(below: try masthead(issue, frame: frame(1), into: &scratch))
            pageLines = textLines(below: try folio(issue, frame: frame(2), into: &scratch))
            return pageLines
        }
        let infos = measured.infos
        let missingByStory = measured.missing
        let typesetting = DispatchTime.now().uptimeNanoseconds - composing

        let shared = ComposerBox(composer)
        let fitter = BodyFitter(layout: layout, firstBaseline: firstBaseline)
        var planner = modularPlanner(issue: issue, infos: infos, shared: shared, fitter: fitter, frontLines: frontLines, pageLines: pageLines)
        // Every house box at every width, which the planners ask for first thing, was measured
        // with the stories.
        planner.boxDepths = measured.boxDepths
        // The second thread's composer plans the edition with smaller heads meanwhile: what the
        // search tries second when the stories run past a page multiple. The two share the
        // body fitter, so the level after finds the legs both have set.
        let spareBox = spare.map(ComposerBox.init)
        let ahead = spareBox.map { box in
            var ahead = modularPlanner(issue: issue, infos: infos, shared: box, fitter: fitter, frontLines: frontLines, pageLines: pageLines)
            ahead.boxDepths = planner.boxDepths
            return PlanningAhead(ahead, box: box, level: 1)
        }
        let plan = try planner.planEdition(ahead: ahead)
        if let findings = ahead?.findings {
            // What its composer met for the search belongs to the issue's diagnostics, as if
            // met here.
            shared.composer.absorb(missing: findings.missing, overfull: findings.overfull)
        }

        // Where each piece landed, so that jump lines name the right pages.
        var pageOfPiece: [Int: Int] = [:]
        var continuation: [Int: Int] = [:]
        var firstPage: [Int: Int] = [:]
        for page in plan {
            for module in page.modules {
                guard let piece = module.piece else { continue }
                pageOfPiece[piece.id] = page.number
                if let from = piece.from { continuation[from] = piece.id }
                if !piece.isContinuation { firstPage[piece.story] = page.number }
            }
        }
        let frontStories = Set(plan.first?.modules.compactMap { $0.piece.flatMap { $0.isContinuation ? nil : $0.story } } ?? [])

        var pages: [DisplayPage] = []
        var pageReports: [FitReport.Page] = []
        var drawing = DrawingState(placements: Array(repeating: [], count: infos.count), storyPages: Array(repeating: [], count: infos.count),
                                   storyJumps: Array(repeating: 0, count: infos.count), pageOfPiece: pageOfPiece,
                                   continuation: continuation, firstPage: firstPage, frontStories: frontStories, pageCount: pages.count)
        if drawsWithoutMeasuredHeads {
            planner.heads = [:]
            planner.jumpHeads = [:]
            planner.sharedHeads = nil
        }
        for page in plan {
            drawing.pageCount = pages.count
            let made = try draw(page, issue: issue, infos: infos, planner: &planner, shared: shared, state: &drawing)
            pages.append(made.0)
            pageReports.append(made.1)
            drawn?(made.0, plan.count)
        }
        let outline = drawing.outline, placements = drawing.placements, storyPages = drawing.storyPages, storyJumps = drawing.storyJumps

        var stories: [FitReport.Story] = []
        for (index, info) in infos.enumerated() {
            let article = info.article
            if storyPages[index].isEmpty {
                diagnostics.append(.error("'\(article.slug)' could not be placed on any page", at: SourceLocation(file: article.file)))
            }
            if info.overset > 0 {
                diagnostics.append(.warning("\(info.overset) part(s) of '\(article.slug)' are deeper than a page and were left out",
                                            at: SourceLocation(file: article.file)))
            }
            if let hint = article.page, let first = firstPage[index], first != hint {
                diagnostics.append(.warning("'page: \(hint)' could not be honoured: the story starts on page \(first)"
                                            + (hint > plan.count ? " (the issue has \(plan.count) pages)" : ""),
                                            at: SourceLocation(file: article.file)))
            }
            stories.append(report(for: article, placements: placements[index], pages: storyPages[index], overset: info.overset,
                                  jumps: storyJumps[index]))
        }
        // One warning per article for the characters no face has, however many.
        for (index, info) in infos.enumerated() where !missingByStory[index].isEmpty {
            diagnostics.append(Self.missingWarning(missingByStory[index], file: info.article.file))
        }
        let reported = Set(missingByStory.joined())
        let elsewhere = shared.composer.missingCharacters.filter { !reported.contains($0) }
        if !elsewhere.isEmpty { diagnostics.append(Self.missingWarning(elsewhere, file: issue.folder)) }
        for line in shared.composer.overfullLines.uniqued() {
            diagnostics.append(.warning("a line is wider than its column: '\(line)'", at: SourceLocation(file: issue.folder)))
        }
        let houseOnly = plan.filter { page in !page.modules.contains { $0.piece != nil } }.map(\.number)
        if !houseOnly.isEmpty {
            diagnostics.append(.warning("page\(houseOnly.count == 1 ? "" : "s") \(houseOnly.map(String.init).joined(separator: ", ")) carr\(houseOnly.count == 1 ? "ies" : "y") only house matter: the stories do not fill \(plan.count) pages",
                                        at: SourceLocation(file: layout.file),
                                        hint: "add stories or house notices, or set page_multiple to 2 or 1 in the layout"))
        }
        if plan.count % max(1, layout.pageMultiple) != 0 {
            diagnostics.append(.warning("the issue makes \(plan.count) pages, not a multiple of \(layout.pageMultiple)",
                                        at: SourceLocation(file: layout.file), hint: "add house notices to publication.yaml, or set page_multiple"))
        }

        let metadata = DocumentMetadata(
            title: "\(issue.publication.name), No. \(issue.number)", author: issue.publication.name,
            subject: IssueDateNames.long(issue.date, language: issue.publication.language),
            keywords: (issue.articles.compactMap(\.section).uniqued()
                + ["trim \(layout.pageWidth.fixed(0)) × \(layout.pageHeight.fixed(0)) pt (\(layout.name))"])
                .joined(separator: ", "), creator: "issue",
            date: Self.metadataDate(issue.date))
        let total = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let report = FitReport(layout: layout.name, cost: (plan.reduce(0) { $0 + $1.cost } * 10).rounded() / 10,
                               pageMultiple: layout.pageMultiple, pages: pageReports, stories: stories)
        return MadeUpIssue(document: DisplayDocument(pages: pages, outline: outline, metadata: metadata),
                           report: report, diagnostics: diagnostics, typesettingSeconds: Double(typesetting) / 1e9,
                           makeupSeconds: total - Double(typesetting) / 1e9,
                           workings: Workings([planner, shared, fitter, infos, ahead as Any, drawing, composer]))
    }

    /// Every story's body set once in column measure, with the widths it may take; the
    /// characters no face had, by story; every house box's depth at every width. `textAreas`
    /// sets the masthead and folio with `composer`'s typesetter while the other thread starts,
    /// and gives the lines of a page's text area.
    func storyInfos(_ issue: Issue, composer: inout StoryComposer, spare: inout StoryComposer?,
                    diagnostics: inout [Diagnostic], textAreas: () throws(FontError) -> Int) throws(FontError)
        -> (infos: [StoryInfo], missing: [[Character]], boxDepths: BoxDepths) {
    var infos: [StoryInfo] = []
    var missingByStory: [[Character]] = []
    // The house boxes are measured by the threads that set the stories, once these are taken.
    let boxes = Self.houseBoxes(issue).flatMap { box in (1...max(1, layout.columns)).map { (box, $0) } }
    nonisolated(unsafe) let planner = self
    var pageLines = 0
    let (composed, depths) = try Self.composeStories(issue.articles, composer: &composer, spare: &spare, threads: threads,
                                                     boxes: boxes, meanwhile: { () throws(FontError) in pageLines = try textAreas() }) {
        box, width, composer throws(FontError) in
        try planner.boxDepth(box, width: width, issue: issue, composer: &composer)
    }
    var boxDepths = BoxDepths()
    for (index, (box, width)) in boxes.enumerated() { boxDepths[box, width] = depths[index] }
    for (rank, article) in issue.articles.enumerated() {
        var blocks = composed[rank].blocks
        missingByStory.append(composed[rank].missing)
        // A unit deeper than a page can never be placed: it is reported, not looped on.
        var overset = 0
        for b in blocks.indices {
            let before = blocks[b].units.count
            blocks[b].units.removeAll { $0.height > pageLines - 12 }
            overset += before - blocks[b].units.count
        }
        blocks.removeAll { $0.units.isEmpty }
        let span = blocks.filter(\.isWide).map(\.span).max() ?? 1
        let c = layout.columns
        var allowed = min(span, c)...c
        var preferred = min(max(2, span), c)...max(min(max(2, span), c), min(4, c))
        if rank == 0 { preferred = min(max(3, span), c)...c }
        if let hint = article.columns {
            if hint > c {
                diagnostics.append(.warning("'columns: \(hint)' asks for more columns than the \(layout.name) layout has (\(c)); it is ignored",
                                            at: SourceLocation(file: article.file)))
            } else if hint < span {
                diagnostics.append(.warning("'columns: \(hint)' is too narrow for a table in this story, which needs \(span); it is ignored",
                                            at: SourceLocation(file: article.file)))
            } else {
                allowed = hint...hint
                preferred = hint...hint
            }
        }
        infos.append(StoryInfo(article: article, blocks: blocks, rank: rank, allowed: allowed, preferred: preferred, overset: overset))
    }
        return (infos, missingByStory, boxDepths)
    }

    /// The search, with closures that set heads, pictures and boxes through the shared composer.
    func modularPlanner(issue: Issue, infos: [StoryInfo], shared: ComposerBox, fitter: BodyFitter, frontLines: Int,
                        pageLines: Int) -> ModularPlanner {
        let boxes = Self.houseBoxes(issue)
        let maxPicture = Int(Double(pageLines) * 0.45)
        let planner0 = self
        let storyInfos = infos
        return ModularPlanner(
            layout: layout, fitter: fitter, stories: infos, frontLines: frontLines, pageLines: pageLines, boxes: boxes,
            makeHead: { (story: Int, width: Int, jump: Bool, compact: Int) throws(FontError) -> ModuleHead in
                let layout = planner0.layout
                let article = storyInfos[story].article
                let span = layout.width(spanning: width)
                if jump {
                    let (items, height) = try shared.composer.composeJumpHead(article, width: span)
                    return ModuleHead(items: items, lines: Int((height / layout.baseline - 1e-9).rounded(.up)) + 1,
                                      picture: [], pictureLines: 0, pictureColumns: 0)
                }
                // The lead keeps its size: it must stand out over the rest of the front page.
                var columns = story == 0 ? width : max(1, width - compact)
                var (items, height) = try shared.composer.composeHead(article, width: span, columns: columns)
                // A headline that would take over half a page is set smaller, down to the body size.
                while height > Double(maxPicture) * layout.baseline && columns > 0 {
                    columns -= 1
                    (items, height) = try shared.composer.composeHead(article, width: span, columns: columns)
                }
                columns = min(width, max(3 - compact, story == 0 ? 2 : 1))
                var (picture, pictureHeight) = try shared.composer.composePicture(article, width: layout.width(spanning: columns))
                while pictureHeight > Double(maxPicture) * layout.baseline && columns > 1 {
                    columns -= 1
                    (picture, pictureHeight) = try shared.composer.composePicture(article, width: layout.width(spanning: columns))
                }
                if pictureHeight > Double(maxPicture) * layout.baseline {
                    let scale = Double(maxPicture) * layout.baseline / pictureHeight * 0.9
                    (picture, pictureHeight) = try shared.composer.composePicture(article, width: layout.columnWidth * scale)
                }
                return ModuleHead(items: items, lines: Int((height / layout.baseline - 1e-9).rounded(.up)), picture: picture,
                                  pictureLines: picture.isEmpty ? 0 : Int((pictureHeight / layout.baseline - 1e-9).rounded(.up)),
                                  pictureColumns: picture.isEmpty ? 0 : columns)
            },
            boxDepth: { (box: HouseBox, width: Int) throws(FontError) -> Int in
                try planner0.boxDepth(box, width: width, issue: issue, composer: &shared.composer)
            })
    }

    /// What drawing the pages keeps across them: where each piece went, for jump lines and the report.
    struct DrawingState {
        var outline: [OutlineEntry] = []
        var placements: [[(page: Int, unit: PlacedUnit)]]
        var storyPages: [[Int]]
        var storyJumps: [Int]
        let pageOfPiece: [Int: Int]
        let continuation: [Int: Int]
        let firstPage: [Int: Int]
        let frontStories: Set<Int>
        var pageCount: Int
    }

    /// One planned page drawn: masthead or folio, modules, jump lines, boxes and rules.
    /// `shared`: the composer the planner's closures set heads with, taken for each use here
    /// and not for the whole page: a head the planner has not kept (one measured by the other
    /// level's planner) is set while the page is drawn, through the same composer.
    func draw(_ page: PlannedPage, issue: Issue, infos: [StoryInfo], planner: inout ModularPlanner, shared: ComposerBox,
              state: inout DrawingState) throws(FontError) -> (DisplayPage, FitReport.Page) {
        let frame = frame(page.number)
        var display = DisplayPage(width: layout.pageWidth, height: layout.pageHeight)
        let top: Double
        if page.number == 1 { top = try masthead(issue, frame: frame, into: &display) } else { top = try folio(issue, frame: frame, into: &display) }
        // The grid hangs from the bottom margin, so the last line of every column ends there.
        let textTop = layout.pageHeight - layout.margins.bottom - Double(textLines(below: top)) * layout.baseline
        func x(_ column: Int) -> Double { columnX(frame, column) }
        func y(_ line: Int) -> Double { textTop + Double(line) * layout.baseline }
        var names: [String] = [], boxNames: [String] = []
        var jumps = 0, added = 0
        for module in page.modules {
            let left = x(module.column), width = layout.width(spanning: module.width)
            // A rule over a module that does not start at the top of the text area.
            if module.top > 0 {
                let ry = y(module.top) - layout.baseline * 0.5
                display.items.append(.rule(from: Point(x: left, y: ry), to: Point(x: left + width, y: ry), width: 0.5, gray: .black))
            }
            if let box = module.box {
                boxNames.append(Self.boxName(box))
                let drawn = try drawBox(box, issue: issue, width: module.width, depth: module.depth,
                                        pageOf: { state.firstPage[$0] ?? 0 }, frontStories: state.frontStories, composer: &shared.composer)
                display.items += drawn.items.map { $0.offset(by: left, y(module.top)) }
            } else if let piece = module.piece, let fit = module.fit {
                let info = infos[piece.story]
                let head = try planner.head(piece, width: module.width)
                names.append(info.article.slug)
                state.storyPages[piece.story].append(page.number)
                display.items += head.items.map { $0.offset(by: left, y(module.top)) }
                if let from = piece.from {
                    let text = Self.continuedFrom(state.pageOfPiece[from] ?? 1, language: info.article.language)
                    var style = layout.style(.jump)
                    style.align = .left
                    for line in try shared.composer.lines(text, style: style, width: width, language: info.article.language).prefix(1) {
                        display.items += TextSetting.items(line, at: Point(x: left, y: y(module.top + module.headLines - 1) + firstBaseline))
                    }
                } else {
                    state.outline.append(OutlineEntry(title: info.article.title, page: state.pageCount, y: y(module.top)))
                }
                let bodyTop = module.top + module.headLines + module.headPad
                display.items += head.picture.map { $0.offset(by: left, y(bodyTop)) }
                // Units leg by leg, with the added lines shared out between the leg's blocks.
                var legUnits = Array(repeating: [PlacedUnit](), count: module.width)
                for slot in planner.fitter.placed(fit, blocks: info.blocks) {
                    legUnits[min(slot.column, module.width - 1)].append(
                        PlacedUnit(unit: info.blocks[slot.block].units[slot.unit], column: slot.column, origin: slot.origin, block: slot.block))
                }
                for c in 0..<module.width {
                    let extra = c < module.legExtra.count ? module.legExtra[c] : 0
                    added += extra
                    let gaps = fit.gaps[c]
                    var gap = 0, shift = 0
                    var last = -1
                    for unit in legUnits[c] {
                        if last >= fit.stretchFrom && unit.block >= fit.stretchFrom && unit.block != last && gaps > 0 {
                            gap += 1
                            shift = extra * gap / gaps
                        }
                        last = unit.block
                        let origin = Point(x: left + unit.origin.x, y: y(bodyTop) + unit.origin.y + Double(shift) * layout.baseline)
                        display.items += unit.unit.items.map { $0.offset(by: origin.x, origin.y) }
                        var global = unit
                        global.column = module.column + unit.column
                        global.origin = origin
                        state.placements[piece.story].append((page.number, global))
                    }
                }
                if fit.end != nil {
                    jumps += 1
                    state.storyJumps[piece.story] += 1
                    let next = state.continuation[piece.id].flatMap { state.pageOfPiece[$0] } ?? page.number + 1
                    let text = Self.continuedOn(next, language: info.article.language)
                    let line = module.top + module.depth - 1
                    for set in try shared.composer.lines(text, style: layout.style(.jump), width: layout.columnWidth, language: info.article.language).prefix(1) {
                        display.items += TextSetting.items(set, at: Point(x: x(module.column + module.width - 1), y: y(line) + firstBaseline))
                    }
                }
                // Rules between the module's legs, under its head.
                if layout.columnRules {
                    for c in 1..<max(1, module.width) {
                        let rx = x(module.column + c) - layout.gutter / 2
                        let from = y(bodyTop) + (c < module.pictureColumns ? Double(module.pictureLines) * layout.baseline : 0)
                        display.items.append(.rule(from: Point(x: rx, y: from + 1), to: Point(x: rx, y: y(module.top + module.depth) - 2),
                                                   width: 0.3, gray: Gray(0.4)))
                    }
                }
            }
        }
        // Rules between groups of columns.
        for group in page.groups where group.column > 0 {
            let rx = x(group.column) - layout.gutter / 2
            display.items.append(.rule(from: Point(x: rx, y: y(group.top) + 1), to: Point(x: rx, y: y(group.top + group.depth) - 2),
                                       width: 0.5, gray: Gray(0.3)))
        }
        let pageReport = FitReport.Page(
            number: page.number, filled: 1 - Double(page.holes) / Double(max(1, page.lines * layout.columns)),
            stories: names.uniqued(), holes: page.holes, jumps: jumps, boxes: boxNames, addedSpace: added,
            cost: (page.cost * 10).rounded() / 10, costTerms: page.terms.byName.mapValues { ($0 * 10).rounded() / 10 })
        return (display, pageReport)
    }

    static func missingWarning(_ missing: [Character], file: String) -> Diagnostic {
        let listed = missing.prefix(8).map { c in
            "'\(c)' (" + c.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ") + ")"
        }.joined(separator: ", ") + (missing.count > 8 ? " and \(missing.count - 8) more" : "")
        return .warning("no bundled font has \(listed); \(missing.count == 1 ? "it prints" : "they print") as empty boxes",
                        at: SourceLocation(file: file), hint: "add a font that has them to fonts/")
    }

    func report(for article: Article, placements: [(page: Int, unit: PlacedUnit)], pages: [Int], overset: Int, jumps: Int) -> FitReport.Story {
        let lines = placements.compactMap(\.unit.unit.line)
        // A paragraph split between columns leaves an orphan when its first piece is one line,
        // a widow when its last is.
        // Each paragraph's pieces (its lines in one column of one page) in one walk: how many,
        // and the lines of its first and of its last.
        struct Pieces { var count = 0, first = 0, last = 0, page = -1, column = -1 }
        var byBlock: [Int: Pieces] = [:]
        for p in placements where p.unit.unit.line != nil {
            var pieces = byBlock[p.unit.block] ?? Pieces()
            if pieces.count > 0 && pieces.page == p.page && pieces.column == p.unit.column {
                pieces.last += 1
            } else {
                if pieces.count == 1 { pieces.first = pieces.last }
                pieces.count += 1
                pieces.last = 1
                (pieces.page, pieces.column) = (p.page, p.unit.column)
            }
            byBlock[p.unit.block] = pieces
        }
        var widows = 0, orphans = 0
        for pieces in byBlock.values where pieces.count > 1 {
            if pieces.first == 1 { orphans += 1 }
            if pieces.last == 1 { widows += 1 }
        }
        return FitReport.Story(slug: article.slug, title: article.title, pages: pages.uniqued(), lines: lines.count,
                               looseLines: lines.filter(\.isLoose).count, overfullLines: lines.filter(\.isOverfull).count,
                               widows: widows, orphans: orphans, oversetUnits: overset, jumps: jumps)
    }

    /// `YYYY-MM-DDT00:00:00` of the issue's date, or the time `SOURCE_DATE_EPOCH` gives, so
    /// that the same input gives the same bytes.
    static func metadataDate(_ date: IssueDate) -> String {
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Int.init) {
            let days = epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400
            let seconds = epoch - days * 86_400
            let day = IssueDate(year: 1970, month: 1, day: 1)!.adding(days: days)
            return "\(day)T\((seconds / 3600).padded(2, zeros: true)):\((seconds / 60 % 60).padded(2, zeros: true)):\((seconds % 60).padded(2, zeros: true))Z"
        }
        return "\(date)T00:00:00"
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
