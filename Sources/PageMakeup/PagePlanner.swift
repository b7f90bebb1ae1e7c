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
    }

    public var layout: String
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
}

/// Pages in running order: the masthead on page 1, a folio on the others, and each story as a
/// band across the page: its headline block over all the columns, its picture over the first
/// two or three, its text flowed down the columns (on to the next page when it must) and, where
/// it ends on a page, balanced so its columns end within a line of each other.
public struct PagePlanner {
    public let layout: Layout
    let typesetter: Typesetter

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

    func columnX(_ frame: PageFrame, _ c: Int) -> Double { frame.left + Double(c) * (layout.columnWidth + layout.gutter) }

    /// Rounds a height from the top of the text area up to the next grid line.
    func snap(_ y: Double, in frame: PageFrame) -> Double {
        frame.top + ((y - frame.top) / layout.baseline - 1e-9).rounded(.up) * layout.baseline
    }

    public func makeUp(_ issue: Issue) throws(FontError) -> MadeUpIssue {
        let started = DispatchTime.now().uptimeNanoseconds
        var typesetting: UInt64 = 0
        var composer = StoryComposer(layout: layout, typesetter: typesetter)
        var diagnostics: [Diagnostic] = []
        var pages: [DisplayPage] = []
        var pageStories: [[String]] = []
        var pageBottoms: [[Double]] = []
        var outline: [OutlineEntry] = []
        var stories: [FitReport.Story] = []

        var current = DisplayPage(width: layout.pageWidth, height: layout.pageHeight)
        var frame = frame(1)
        var cursor = try masthead(issue, frame: frame, into: &current)
        var bottoms = Array(repeating: cursor, count: layout.columns)
        var storiesHere: [String] = []

        func finishPage() {
            pages.append(current)
            pageStories.append(storiesHere)
            pageBottoms.append(bottoms)
        }
        func newPage() throws(FontError) {
            finishPage()
            frame = self.frame(pages.count + 1)
            current = DisplayPage(width: layout.pageWidth, height: layout.pageHeight)
            cursor = try folio(issue, frame: frame, into: &current)
            bottoms = Array(repeating: cursor, count: layout.columns)
            storiesHere = []
        }

        for article in issue.articles {
            let missingBefore = composer.missingCharacters.count, overfullBefore = composer.overfullLines.count
            let composing = DispatchTime.now().uptimeNanoseconds
            let story = try composer.compose(article, columns: layout.columns)
            typesetting += DispatchTime.now().uptimeNanoseconds - composing
            let minimumBody = 6 * layout.baseline
            // The picture as wide as the story gives it, narrower (down to a column) when it
            // would not leave room for text under the headline; the story goes to a new page
            // when even that does not fit, and the picture is made smaller only when it is
            // taller than an empty page.
            var picture = story.picture, pictureHeight = story.pictureHeight, pictureColumns = story.pictureColumns
            func fits() -> Bool { cursor + story.headHeight + pictureHeight + minimumBody <= frame.bottom }
            func narrow() throws(FontError) {
                while !fits() && pictureHeight > 0 && pictureColumns > 1 {
                    pictureColumns -= 1
                    (picture, pictureHeight) = try composer.composePicture(article, width: layout.width(spanning: pictureColumns))
                }
            }
            try narrow()
            if !fits() && !storiesHere.isEmpty {
                try newPage()
                (picture, pictureHeight, pictureColumns) = (story.picture, story.pictureHeight, story.pictureColumns)
                try narrow()
            }
            if !fits() && pictureHeight > 0 {
                let room = frame.bottom - cursor - story.headHeight - minimumBody - layout.baseline
                let width = max(layout.columnWidth / 2, layout.columnWidth * room / pictureHeight)
                (picture, pictureHeight) = try composer.composePicture(article, width: width)
            }
            if cursor + story.headHeight + minimumBody > frame.bottom { try newPage() }
            if !storiesHere.isEmpty {
                // A rule between stories.
                current.items.append(.rule(from: Point(x: frame.left, y: cursor - layout.baseline * 0.5),
                                           to: Point(x: frame.left + frame.width, y: cursor - layout.baseline * 0.5), width: 0.5, gray: .black))
            }
            outline.append(OutlineEntry(title: article.title, page: pages.count, y: cursor))
            current.items += story.head.map { $0.offset(by: frame.left, cursor) }
            storiesHere.append(article.slug)
            var storyPages = [pages.count + 1]
            cursor = snap(cursor + story.headHeight, in: frame)

            // The picture over the first columns.
            var pictureDrop = Array(repeating: 0.0, count: layout.columns)
            if pictureHeight > 0 {
                current.items += picture.map { $0.offset(by: frame.left, cursor) }
                for c in 0..<pictureColumns { pictureDrop[c] = pictureHeight }
            }

            var placements: [(page: Int, unit: PlacedUnit)] = []
            var oversetUnits = 0
            // The story runs in segments: text flowed in a band of columns, then a block as
            // wide as the page (a table too wide for a column), then text again below it.
            var segmentStart = 0
            while segmentStart < story.blocks.count {
                let wide = story.blocks[segmentStart...].firstIndex(where: \.isWide) ?? story.blocks.count
                let segment = Array(story.blocks[segmentStart..<wide])
                var position = FlowPosition(block: 0, unit: 0)
                while !segment.isEmpty {
                    let available = frame.bottom - cursor
                    let columns = (0..<layout.columns).map { c in
                        Rect(x: columnX(frame, c), y: cursor + pictureDrop[c], width: layout.columnWidth, height: available - pictureDrop[c])
                    }
                    let flow = BlockFlow(columns: columns, grid: layout.baseline, firstBaselineOffset: firstBaseline)
                    var result = flow.flow(segment, from: position)
                    if result.rest == nil {
                        result = balance(segment, from: position, columns: columns, flow: flow) ?? result
                    }
                    let placed = result.placed
                    for unit in placed {
                        current.items += unit.unit.items.map { $0.offset(by: unit.origin.x, unit.origin.y) }
                    }
                    placements += placed.map { placedUnit in
                        var global = placedUnit
                        global.block += segmentStart
                        return (pages.count, global)
                    }
                    var bandBottom = cursor
                    for c in 0..<layout.columns {
                        let used = result.used[c] > 0 ? columns[c].y + firstBaseline + Double(result.used[c] - 1) * layout.baseline + layout.baseline * 0.3 : columns[c].y
                        bottoms[c] = max(bottoms[c], used)
                        bandBottom = max(bandBottom, used)
                    }
                    if layout.columnRules {
                        for c in 1..<max(1, layout.columns) where result.used[c] > 0 || pictureDrop[c] > 0 {
                            let x = columnX(frame, c) - layout.gutter / 2
                            current.items.append(.rule(from: Point(x: x, y: cursor + pictureDrop[c] + 1), to: Point(x: x, y: bandBottom),
                                                       width: 0.3, gray: Gray(0.4)))
                        }
                    }
                    pictureDrop = Array(repeating: 0, count: layout.columns)
                    guard let rest = result.rest else {
                        cursor = snap(bandBottom + layout.baseline, in: frame)
                        break
                    }
                    if rest == position && placed.isEmpty && cursor <= frame.top + layout.baseline * 3 {
                        // Nothing fits even on an empty page (a unit taller than a column): skip it.
                        oversetUnits += 1
                        let last = rest.unit + 1 >= segment[rest.block].units.count
                        position = FlowPosition(block: rest.block + (last ? 1 : 0), unit: last ? 0 : rest.unit + 1)
                        if position.block >= segment.count { break }
                        continue
                    }
                    position = rest
                    try newPage()
                    storiesHere.append(article.slug)
                    storyPages.append(pages.count + 1)
                }
                guard wide < story.blocks.count else { break }
                // The wide block across the page, unit under unit, on to the next page if it must.
                let block = story.blocks[wide]
                cursor = snap(cursor + Double(block.spaceBefore) * layout.baseline, in: frame)
                for unit in block.units {
                    let height = Double(unit.height) * layout.baseline
                    if cursor + firstBaseline + height > frame.bottom && cursor > frame.top + layout.baseline * 3 {
                        try newPage()
                        storiesHere.append(article.slug)
                        storyPages.append(pages.count + 1)
                    }
                    let origin = Point(x: frame.left, y: cursor + firstBaseline)
                    current.items += unit.items.map { $0.offset(by: origin.x, origin.y) }
                    placements.append((pages.count, PlacedUnit(unit: unit, column: 0, origin: origin, block: wide)))
                    cursor += height
                    for c in 0..<layout.columns { bottoms[c] = max(bottoms[c], cursor) }
                }
                cursor = snap(cursor + Double(block.spaceAfter) * layout.baseline, in: frame)
                segmentStart = wide + 1
            }
            if oversetUnits > 0 {
                diagnostics.append(.warning("\(oversetUnits) part(s) of '\(article.slug)' are taller than a column and were left out",
                                            at: SourceLocation(file: article.file)))
            }
            // One warning per article for the characters no face has, however many.
            let missing = Array(composer.missingCharacters.dropFirst(missingBefore))
            if !missing.isEmpty {
                let listed = missing.prefix(8).map { c in
                    "'\(c)' (" + c.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ") + ")"
                }.joined(separator: ", ") + (missing.count > 8 ? " and \(missing.count - 8) more" : "")
                diagnostics.append(.warning("no bundled font has \(listed); \(missing.count == 1 ? "it prints" : "they print") as empty boxes",
                                            at: SourceLocation(file: article.file), hint: "add a font that has them to fonts/"))
            }
            for line in composer.overfullLines.dropFirst(overfullBefore) {
                diagnostics.append(.warning("a line is wider than its column: '\(line)'", at: SourceLocation(file: article.file)))
            }
            stories.append(report(for: article, placements: placements, pages: storyPages, overset: oversetUnits))
        }
        finishPage()

        let textDepth = layout.pageHeight - layout.margins.top - layout.margins.bottom
        let pageReports = pages.indices.map { i in
            FitReport.Page(number: i + 1,
                           filled: min(1, pageBottoms[i].reduce(0) { $0 + max(0, $1 - layout.margins.top) } / (textDepth * Double(layout.columns))),
                           stories: pageStories[i])
        }
        let metadata = DocumentMetadata(
            title: "\(issue.publication.name), No. \(issue.number)", author: issue.publication.name,
            subject: IssueDateNames.long(issue.date, language: issue.publication.language),
            keywords: (issue.articles.compactMap(\.section).uniqued()
                + [String(format: "trim %.0f × %.0f pt (%@)", layout.pageWidth, layout.pageHeight, layout.name)])
                .joined(separator: ", "), creator: "issue",
            date: Self.metadataDate(issue.date))
        let total = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return MadeUpIssue(document: DisplayDocument(pages: pages, outline: outline, metadata: metadata),
                           report: FitReport(layout: layout.name, pages: pageReports, stories: stories),
                           diagnostics: diagnostics, typesettingSeconds: Double(typesetting) / 1e9,
                           makeupSeconds: total - Double(typesetting) / 1e9)
    }

    /// The lowest band height (in grid lines) in which the rest of the story fits: columns that
    /// end within a line of each other.
    func balance(_ blocks: [FlowBlock], from position: FlowPosition, columns: [Rect], flow: BlockFlow) -> BlockFlow.Result? {
        let maxLines = columns.map { flow.capacity(of: $0) }.max() ?? 0
        var low = 1, high = maxLines
        var best: BlockFlow.Result?
        while low <= high {
            let mid = (low + high) / 2
            var shorter = flow
            shorter.columns = columns.map { column in
                let full = flow.firstBaselineOffset + Double(mid - 1) * layout.baseline + 0.01
                var c = column
                c.height = max(0, min(column.height, full - (column.y - columns[0].y)))
                return c
            }
            let result = shorter.flow(blocks, from: position)
            if result.rest == nil {
                best = result
                high = mid - 1
            } else {
                low = mid + 1
            }
        }
        return best
    }

    func report(for article: Article, placements: [(page: Int, unit: PlacedUnit)], pages: [Int], overset: Int) -> FitReport.Story {
        let lines = placements.compactMap(\.unit.unit.line)
        // A paragraph split between columns leaves an orphan when its first piece is one line,
        // a widow when its last is.
        var widows = 0, orphans = 0
        let textUnits = placements.filter { $0.unit.unit.line != nil }
        for block in Set(textUnits.map(\.unit.block)) {
            var pieces: [Int] = []
            var last: (Int, Int)?
            for p in textUnits where p.unit.block == block {
                let place = (p.page, p.unit.column)
                if let l = last, l == place { pieces[pieces.count - 1] += 1 } else { pieces.append(1) }
                last = place
            }
            if pieces.count > 1 {
                if pieces.first == 1 { orphans += 1 }
                if pieces.last == 1 { widows += 1 }
            }
        }
        return FitReport.Story(slug: article.slug, title: article.title, pages: pages.uniqued(), lines: lines.count,
                               looseLines: lines.filter(\.isLoose).count, overfullLines: lines.filter(\.isOverfull).count,
                               widows: widows, orphans: orphans, oversetUnits: overset)
    }

    /// `YYYY-MM-DDT00:00:00` of the issue's date, or the time `SOURCE_DATE_EPOCH` gives, so
    /// that the same input gives the same bytes.
    static func metadataDate(_ date: IssueDate) -> String {
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Int.init) {
            let days = epoch >= 0 ? epoch / 86_400 : (epoch - 86_399) / 86_400
            let seconds = epoch - days * 86_400
            let day = IssueDate(year: 1970, month: 1, day: 1)!.adding(days: days)
            return String(format: "%@T%02d:%02d:%02dZ", day.description, seconds / 3600, seconds / 60 % 60, seconds % 60)
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
