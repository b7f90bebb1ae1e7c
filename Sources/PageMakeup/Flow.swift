/// One grid line (or several) of a story as it flows: a line of text, or something that stays
/// whole (a picture, a pull quote, a table row). What it draws is placed relative to its origin:
/// its column's left edge, at the baseline of the first grid line it takes.
public struct FlowUnit: @unchecked Sendable {
    /// Grid lines it takes.
    public var height: Int
    public var items: [DisplayItem]
    /// The text line it is, for reports (loose lines, widows); nil for other units.
    public var line: SetLineSummary?

    public init(height: Int = 1, items: [DisplayItem], line: SetLineSummary? = nil) {
        self.height = height
        self.items = items
        self.line = line
    }
}

/// What a fit report needs of a set line.
public struct SetLineSummary: Hashable, Sendable {
    public var text: String
    public var isLoose: Bool
    public var isOverfull: Bool
    public var isHyphenated: Bool
}

/// A block of a story in the flow: a paragraph's lines, a subhead, a picture.
public struct FlowBlock: @unchecked Sendable {
    public var units: [FlowUnit] {
        didSet { unitsAreLines = units.allSatisfy { $0.height == 1 } }
    }
    /// Every unit one grid line deep (a paragraph's lines): the flow counts them, not their heights.
    public private(set) var unitsAreLines: Bool
    /// Grid lines of space before (dropped at the head of a column) and after.
    public var spaceBefore: Int
    public var spaceAfter: Int
    /// How many units of the next block must stand in the same column as this block's last
    /// (a subhead keeps two lines of its text).
    public var keepWithNext: Int
    /// Whether the block may be split between columns (paragraphs may; pictures may not).
    public var splittable: Bool
    /// Set across the whole width of the page rather than in a column (a table too wide for
    /// one); its units are laid out for that width.
    public var isWide = false
    /// Columns a wide block spans.
    public var span = 1

    public init(units: [FlowUnit], spaceBefore: Int = 0, spaceAfter: Int = 0, keepWithNext: Int = 0, splittable: Bool = true) {
        self.units = units
        unitsAreLines = units.allSatisfy { $0.height == 1 }
        self.spaceBefore = spaceBefore
        self.spaceAfter = spaceAfter
        self.keepWithNext = keepWithNext
        self.splittable = splittable
    }

    public var height: Int { units.reduce(0) { $0 + $1.height } }
}

/// Where flowing stopped: the block and unit to continue from.
public struct FlowPosition: Hashable, Sendable {
    public var block: Int
    public var unit: Int
    public init(block: Int, unit: Int) {
        self.block = block
        self.unit = unit
    }
}

/// A unit placed: its column and its origin on the page.
public struct PlacedUnit: @unchecked Sendable {
    public var unit: FlowUnit
    public var column: Int
    public var origin: Point
    /// The block it belongs to.
    public var block: Int
}

/// Blocks flowed down columns on a baseline grid.
///
/// Every unit's baseline sits a whole number of grid lines below its column's first baseline,
/// so lines align across columns and pages. A splittable block never leaves fewer than
/// `minimumLines` units at a column's foot (an orphan) or carries fewer to the next column's
/// head (a widow); a block that keeps with the next moves on with it; a block that does not
/// split moves to the next column whole. A column that has nothing yet takes what it must.
public struct BlockFlow {
    public var columns: [Rect]
    public var grid: Double
    public var firstBaselineOffset: Double
    public var minimumLines: Int

    public init(columns: [Rect], grid: Double, firstBaselineOffset: Double, minimumLines: Int = 2) {
        self.columns = columns
        self.grid = grid
        self.firstBaselineOffset = firstBaselineOffset
        self.minimumLines = minimumLines
    }

    public struct Result: @unchecked Sendable {
        public var placed: [PlacedUnit]
        /// Grid lines used in each column.
        public var used: [Int]
        /// Where to continue; nil when every block was placed.
        public var rest: FlowPosition?
    }

    /// Grid lines a column holds.
    public func capacity(of column: Rect) -> Int {
        guard column.height >= firstBaselineOffset else { return 0 }
        return Int(((column.height - firstBaselineOffset) / grid + 1e-9).rounded(.down)) + 1
    }

    /// Where a unit went, without the unit: what page makeup's search keeps (copying units
    /// would retain their drawing for every trial).
    public struct Slot: Hashable, Sendable {
        public var block: Int
        public var unit: Int
        public var column: Int
        public var origin: Point
    }

    public struct Slots: Sendable {
        public var slots: [Slot]
        public var used: [Int]
        public var rest: FlowPosition?
        /// The same placements a run at a time (with the slots, or instead of them).
        public var chunks: [Chunk] = []
    }

    /// Units `unit ..< unit + count` of block `block`, one under another in `column`: how the
    /// page search sums up a flow without a slot per line.
    public struct Chunk: Sendable {
        public var block: Int
        public var unit: Int
        public var count: Int
        public var column: Int
    }

    enum Recording { case nothing, slots, chunks }

    /// Flows `blocks` from `start`, up to (not including) block `end` when one is given.
    public func flow(_ blocks: [FlowBlock], from start: FlowPosition = FlowPosition(block: 0, unit: 0), until end: Int? = nil) -> Result {
        let result = slots(blocks, from: start, until: end)
        return Result(placed: result.slots.map { PlacedUnit(unit: blocks[$0.block].units[$0.unit], column: $0.column, origin: $0.origin, block: $0.block) },
                      used: result.used, rest: result.rest)
    }

    /// The flow, as slots.
    public func slots(_ blocks: [FlowBlock], from start: FlowPosition = FlowPosition(block: 0, unit: 0), until end: Int? = nil) -> Slots {
        slots(blocks, from: start, until: end, recording: .slots)
    }


    /// Whether everything from `start` up to block `end` fits the columns: the flow without
    /// its slots, for a search that tries many column depths.
    public func holds(_ blocks: [FlowBlock], from start: FlowPosition, until end: Int? = nil) -> Bool {
        slots(blocks, from: start, until: end, recording: .nothing).rest == nil
    }

    func slots(_ blocks: [FlowBlock], from start: FlowPosition, until end: Int?, recording: Recording) -> Slots {
        let stop = min(end ?? blocks.count, blocks.count)
        var placed: [Slot] = []
        var chunks: [Chunk] = []
        // At most a slot per line of every column and per unit to place: reserved once rather
        // than grown.
        if recording != .nothing { chunks.reserveCapacity(max(0, stop - start.block) + columns.count) }
        if recording == .slots, start.block < stop {
            var units = blocks[start.block].units.count - start.unit
            for b in (start.block + 1)..<max(start.block + 1, stop) { units += blocks[b].units.count }
            placed.reserveCapacity(min(units, columns.reduce(0) { $0 + capacity(of: $1) }))
        }
        var used = [Int](filling: 0, count: columns.count)
        var column = 0
        var b = start.block, u = start.unit
        func origin(_ c: Int, _ slot: Int) -> Point {
            Point(x: columns[c].x, y: columns[c].y + firstBaselineOffset + Double(slot) * grid)
        }
        while b < stop {
            let block = blocks[b]
            guard column < columns.count else { return Slots(slots: placed, used: used, rest: FlowPosition(block: b, unit: u), chunks: chunks) }
            let capacity = capacity(of: columns[column])
            let gap = u == 0 && used[column] > 0 ? block.spaceBefore : 0
            let free = capacity - used[column] - gap
            // Units of this block that fit, by height.
            var fit = 0, height = 0
            if block.unitsAreLines {
                fit = max(0, min(block.units.count - u, free))
                height = fit
            } else {
                while u + fit < block.units.count, height + block.units[u + fit].height <= free {
                    height += block.units[u + fit].height
                    fit += 1
                }
            }
            let remaining = block.units.count - u
            var take = fit
            if take < remaining {
                if !block.splittable {
                    take = 0
                } else if take < minimumLines && !(u > 0 && take == remaining) {
                    take = 0
                } else if remaining - take < minimumLines {
                    take = max(0, remaining - minimumLines)
                    if take < minimumLines { take = 0 }
                }
            } else if block.keepWithNext > 0, b + 1 < stop {
                // The whole block fits: it stays only if the first lines of the next fit too.
                let next = blocks[b + 1]
                let need = next.spaceBefore + next.units.prefix(block.keepWithNext).reduce(0) { $0 + $1.height }
                if height + need > free && used[column] > 0 { take = 0 }
            }
            // A column does not end in a hyphen when a line fewer keeps the rules: the word's
            // halves would stand a column (or a page, and its running head) apart.
            if take > minimumLines, take < remaining, block.units[u + take - 1].line?.isHyphenated == true {
                take -= 1
            }
            // A column with nothing in it yet takes what fits, whatever the rules say.
            if take == 0 && used[column] == 0 { take = max(fit, 0) }
            if take > 0 {
                var slot = used[column] + gap
                if recording != .nothing { chunks.append(Chunk(block: b, unit: u, count: take, column: column)) }
                if recording == .slots {
                    for index in u..<(u + take) {
                        placed.append(Slot(block: b, unit: index, column: column, origin: origin(column, slot)))
                        slot += block.units[index].height
                    }
                } else {
                    slot += take == fit ? height : block.units[u..<(u + take)].reduce(0) { $0 + $1.height }
                }
                used[column] = slot
                u += take
            }
            if u >= block.units.count {
                used[column] = min(capacity, used[column] + block.spaceAfter)
                b += 1
                u = 0
            } else {
                if take == 0 && used[column] == 0 && fit == 0 {
                    // A unit taller than a whole column: it can never be placed; skip it rather
                    // than loop (the caller reports it as overset).
                    return Slots(slots: placed, used: used, rest: FlowPosition(block: b, unit: u), chunks: chunks)
                }
                column += 1
            }
        }
        return Slots(slots: placed, used: used, rest: nil, chunks: chunks)
    }
}
