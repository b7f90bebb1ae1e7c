import Typesetting

/// A line placed in a column: which column, and where its baseline starts.
public struct PlacedLine: @unchecked Sendable {
    public var line: SetLine
    public var column: Int
    public var origin: Point

    public init(line: SetLine, column: Int, origin: Point) {
        self.line = line
        self.column = column
        self.origin = origin
    }
}

/// Lines of set paragraphs flowed down a sequence of columns on a baseline grid.
///
/// Every baseline sits a whole number of leadings below its column's first baseline, so lines
/// align across columns and pages. A paragraph is never split so that fewer than
/// `minimumLines` of it stand at the foot of a column (an orphan) or at the head of the next
/// (a widow); space before and after a paragraph is rounded up to whole lines.
public struct ColumnFlow {
    public struct Result: @unchecked Sendable {
        public var lines: [PlacedLine]
        /// Index of the first paragraph that did not fit, and how many of its lines did; nil
        /// when everything fitted.
        public var overset: (paragraph: Int, linesPlaced: Int)?
        /// Lines used in each column.
        public var linesPerColumn: [Int]
    }

    public var columns: [Rect]
    public var leading: Double
    /// From a column's top to its first baseline: the body's ascent, so the first line's
    /// capitals touch the top.
    public var firstBaselineOffset: Double
    public var minimumLines: Int

    public init(columns: [Rect], leading: Double, firstBaselineOffset: Double, minimumLines: Int = 2) {
        self.columns = columns
        self.leading = leading
        self.firstBaselineOffset = firstBaselineOffset
        self.minimumLines = minimumLines
    }

    /// The block flow this paragraph flow is a case of.
    private var blockFlow: BlockFlow {
        BlockFlow(columns: columns, grid: leading, firstBaselineOffset: firstBaselineOffset, minimumLines: minimumLines)
    }

    /// Lines a column holds.
    public func capacity(of column: Rect) -> Int { blockFlow.capacity(of: column) }

    public func flow(_ paragraphs: [SetParagraph]) -> Result {
        let blocks = paragraphs.map { p in
            FlowBlock(units: p.lines.map { _ in FlowUnit(items: []) },
                      spaceBefore: Int((p.spaceBefore / leading).rounded(.up)),
                      spaceAfter: Int((p.spaceAfter / leading).rounded(.up)))
        }
        let result = blockFlow.flow(blocks)
        // Units were placed in order: pair them with the paragraphs' lines again.
        var lines: [PlacedLine] = []
        var index = 0
        outer: for paragraph in paragraphs {
            for line in paragraph.lines {
                guard index < result.placed.count else { break outer }
                let unit = result.placed[index]
                lines.append(PlacedLine(line: line, column: unit.column, origin: unit.origin))
                index += 1
            }
        }
        let overset = result.rest.map { (paragraph: $0.block, linesPlaced: $0.unit) }
        return Result(lines: lines, overset: overset, linesPerColumn: result.used)
    }
}

extension PlacedLine {
    /// What the line shows: its glyph runs, and a link annotation over each linked run.
    public var displayItems: [DisplayItem] {
        var items: [DisplayItem] = []
        for run in line.runs {
            items.append(.glyphs(run, origin: origin))
            if let url = run.link {
                let ascent = run.face.ascender * run.face.scale(at: run.size)
                let descent = run.face.descender * run.face.scale(at: run.size)
                items.append(.link(Rect(x: origin.x + run.x, y: origin.y - ascent, width: run.width, height: ascent - descent), url: url))
            }
        }
        return items
    }
}
