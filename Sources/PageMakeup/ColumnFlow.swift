import Typesetting

/// A line placed in a column: which column, and where its baseline starts.
public struct PlacedLine: @unchecked Sendable {
    public var line: SetLine
    public var column: Int
    public var origin: Point
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

    /// Lines a column holds.
    public func capacity(of column: Rect) -> Int {
        guard column.height >= firstBaselineOffset else { return 0 }
        return Int(((column.height - firstBaselineOffset) / leading).rounded(.down)) + 1
    }

    public func flow(_ paragraphs: [SetParagraph]) -> Result {
        var placed: [PlacedLine] = []
        var used = Array(repeating: 0, count: columns.count)
        var column = 0
        func baseline(_ c: Int, _ slot: Int) -> Point {
            Point(x: columns[c].x, y: columns[c].y + firstBaselineOffset + Double(slot) * leading)
        }
        for (index, paragraph) in paragraphs.enumerated() {
            let before = Int((paragraph.spaceBefore / leading).rounded(.up))
            let after = Int((paragraph.spaceAfter / leading).rounded(.up))
            var next = 0
            let total = paragraph.lines.count
            while next < total {
                guard column < columns.count else {
                    return Result(lines: placed, overset: (index, next), linesPerColumn: used)
                }
                let capacity = capacity(of: columns[column])
                // Space before a paragraph is dropped at the head of a column.
                let gap = next == 0 && used[column] > 0 ? before : 0
                let free = capacity - used[column] - gap
                let remaining = total - next
                var take = max(0, min(free, remaining))
                if take < remaining {
                    // Splitting here: never fewer than `minimumLines` at the foot of this column
                    // (an orphan) nor at the head of the next (a widow).
                    if take < minimumLines {
                        take = 0
                    } else if remaining - take < minimumLines {
                        take = remaining - minimumLines
                        if take < minimumLines { take = 0 }
                    }
                    // A column that holds nothing yet takes what it can, whatever the rule says.
                    if take == 0 && used[column] == 0 { take = max(0, min(free, remaining)) }
                }
                if take > 0 {
                    let start = used[column] + gap
                    for i in 0..<take {
                        placed.append(PlacedLine(line: paragraph.lines[next + i], column: column, origin: baseline(column, start + i)))
                    }
                    used[column] = start + take
                    next += take
                }
                if next < total {
                    column += 1
                }
            }
            if column < columns.count { used[column] = min(capacity(of: columns[column]), used[column] + after) }
        }
        return Result(lines: placed, overset: nil, linesPerColumn: used)
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
