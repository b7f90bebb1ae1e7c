import Foundation
import IssueModel
import Typesetting

/// A story's body set in the legs of a module: where each unit went, how deep each leg is, and
/// where the text stops when the story jumps. All depths are whole grid lines. A class, never
/// changed once made: the search copies modules (and so their fits) at every trial, and a
/// reference copies in one word what the measures would in twenty.
final class BodyFit: @unchecked Sendable {
    /// What was asked: drawing the fit sets the same body again to learn where each unit went
    /// (`BodyFitter.placed(_:blocks:)`); the search keeps only the measures below, not a slot
    /// per line for every fit it tries.
    let request: BodyFitter.Request
    /// Lines from the body's top to the end of each leg's last unit (a picture's drop included).
    let legEnds: [Int]
    /// Block boundaries inside each leg (not at its head): where vertical justification may
    /// add a line of space.
    let gaps: [Int]
    /// Where the rest of the story starts when it jumps; nil when all of it is placed.
    let end: FlowPosition?
    /// Grid lines of the body placed here, and left for the jump.
    let linesPlaced: Int
    let linesLeft: Int
    /// Whether whole lines of space may go between blocks.
    let stretchable: Bool
    /// Space goes only between blocks from this one on: below the last block set across the
    /// legs (a wide table), which must not move.
    let stretchFrom: Int
    /// Whether the text is cut after a hyphenated line: the word's halves would be pages apart.
    let endsHyphenated: Bool
    /// The body's depth: its deepest leg.
    let depth: Int

    init(request: BodyFitter.Request, legEnds: [Int], gaps: [Int], end: FlowPosition?, linesPlaced: Int, linesLeft: Int,
         stretchable: Bool, stretchFrom: Int = 0, endsHyphenated: Bool = false) {
        self.request = request
        self.legEnds = legEnds
        self.gaps = gaps
        self.end = end
        self.linesPlaced = linesPlaced
        self.linesLeft = linesLeft
        self.stretchable = stretchable
        self.stretchFrom = stretchFrom
        self.endsHyphenated = endsHyphenated
        self.depth = legEnds.max() ?? 0
    }
}

/// Sets story bodies in legs, balanced when they fit and cut at a line when they do not, and
/// remembers every answer: the page search asks the same questions many times, at every compact
/// level. The planner working ahead on the other thread shares it, so that each level finds the
/// answers the others worked out: they are kept under locks and worked out outside them (the
/// same answer whichever thread works it out first).
final class BodyFitter: @unchecked Sendable {
    let layout: Layout
    let firstBaseline: Double
    /// The answers in shards by key, each under its own lock: two planners asking at once
    /// mostly ask different shards, and a shard's table grows without holding up the others.
    private final class Shard: @unchecked Sendable {
        let lock = NSLock()
        var fits: [Key: BodyFit] = [:]
    }
    private let shards = (0..<16).map { _ in Shard() }

    struct Key: Hashable {
        var story: Int, request: Request

        /// The fields packed into two words and hashed as such: the default hashes eight.
        func hash(into hasher: inout Hasher) {
            let r = request
            hasher.combine(story << 32 ^ r.start.block << 16 ^ r.width << 8 ^ r.dropColumns << 1 ^ (r.reserveLast ? 1 : 0))
            hasher.combine(r.start.unit << 32 ^ r.drop << 16 ^ (r.depth & 0xFFFF))
        }
    }

    /// A body from `start` in `width` legs, the first `dropColumns` starting `drop` lines down;
    /// legs end at `depth` lines when there is one (-1: as short as balancing allows).
    struct Request: Hashable {
        var start: FlowPosition, width: Int, drop: Int, dropColumns: Int, depth: Int, reserveLast: Bool
    }

    init(layout: Layout, firstBaseline: Double) {
        self.layout = layout
        self.firstBaseline = firstBaseline
    }

    var pitch: Double { layout.columnWidth + layout.gutter }

    /// The body `key` asks for (its story's `blocks`): from its start in `width` legs, the first
    /// `dropColumns` starting `drop` lines down (under the picture). With a `depth`, legs end
    /// there (the last one a line higher when `reserveLast` keeps a line for "Continued on page
    /// N") and what does not fit is left; without one (-1), the legs are as short as balancing
    /// allows.
    func fit(_ blocks: [FlowBlock], key: Key) -> BodyFit {
        let shard = shards[key.hashValue & 15]
        if let known = shard.lock.withLock({ shard.fits[key] }) { return known }
        var slots: [BlockFlow.Slot]?
        let result = compute(blocks, key.request, slots: &slots)
        shard.lock.withLock { shard.fits[key] = result }
        return result
    }

    /// Where each unit of `fit` went, its origin relative to the body area's top-left corner
    /// (points); a slot's column is its leg.
    func placed(_ fit: BodyFit, blocks: [FlowBlock]) -> [BlockFlow.Slot] {
        var slots: [BlockFlow.Slot]? = []
        _ = compute(blocks, fit.request, slots: &slots)
        return slots ?? []
    }

    /// A rectangle for a leg from line `top` holding `lines` lines.
    private func leg(_ c: Int, top: Int, lines: Int) -> Rect {
        Rect(x: Double(c) * pitch, y: Double(top) * layout.baseline, width: layout.columnWidth,
             height: lines > 0 ? firstBaseline + Double(lines - 1) * layout.baseline + 0.01 : 0)
    }

    /// The fit's measures; its slots too when `slots` is not nil (for drawing: the search keeps
    /// the measures, which come from runs of units rather than a slot per line).
    private func compute(_ blocks: [FlowBlock], _ request: Request, slots: inout [BlockFlow.Slot]?) -> BodyFit {
        let (start, width, drop, dropColumns, reserveLast) = (request.start, request.width, request.drop, request.dropColumns, request.reserveLast)
        let limit = request.depth >= 0 ? request.depth : 1_000_000
        let recording: BlockFlow.Recording = slots == nil ? .chunks : .slots
        var tops = (0..<width).map { $0 < dropColumns ? drop : 0 }
        var ends = tops
        var chunks: [BlockFlow.Chunk] = []
        var position = start
        var end: FlowPosition?
        func bottom(_ c: Int) -> Int { limit - (reserveLast && c == width - 1 ? 1 : 0) }

        segments: while position.block < blocks.count {
            let block = blocks[position.block]
            if block.isWide {
                // Across the module, row under row, below the deepest leg.
                var top = (ends.max() ?? 0) + (chunks.isEmpty || position.unit > 0 ? 0 : block.spaceBefore)
                let floor = (0..<width).map(bottom).min() ?? limit
                var u = position.unit
                while u < block.units.count, top + block.units[u].height <= floor {
                    chunks.append(BlockFlow.Chunk(block: position.block, unit: u, count: 1, column: 0))
                    slots?.append(BlockFlow.Slot(block: position.block, unit: u, column: 0,
                                                 origin: Point(x: 0, y: Double(top) * layout.baseline + firstBaseline)))
                    top += block.units[u].height
                    u += 1
                }
                ends = [Int](filling: top, count: width)
                if u < block.units.count {
                    end = FlowPosition(block: position.block, unit: u)
                    break segments
                }
                let after = min(floor, top + block.spaceAfter)
                tops = [Int](filling: after, count: width)
                ends = tops
                position = FlowPosition(block: position.block + 1, unit: 0)
                continue
            }
            // Text up to the next wide block, flowed down the legs.
            let segmentEnd = blocks[position.block...].firstIndex(where: \.isWide) ?? blocks.count
            let columns = (0..<width).map { c in leg(c, top: tops[c], lines: max(0, bottom(c) - tops[c])) }
            let flow = BlockFlow(columns: columns, grid: layout.baseline, firstBaselineOffset: firstBaseline)
            var result = flow.slots(blocks, from: position, until: segmentEnd, recording: recording)
            if result.rest == nil {
                result = balance(blocks, from: position, until: segmentEnd, tops: tops, bottoms: (0..<width).map(bottom), flow: flow,
                                 recording: recording) ?? result
            }
            chunks += result.chunks
            slots? += result.slots
            for c in 0..<width where result.used[c] > 0 { ends[c] = tops[c] + result.used[c] }
            if let rest = result.rest {
                end = rest
                break segments
            }
            tops = [Int](filling: ends.max() ?? 0, count: width)
            position = FlowPosition(block: segmentEnd, unit: 0)
        }

        // Where a new block starts below another in the same leg (under the last wide block),
        // space may be added.
        let stretchFrom = (chunks.last(where: { blocks[$0.block].isWide })?.block ?? -1) + 1
        var gaps = [Int](filling: 0, count: width)
        var lastBlock = [Int](filling: -1, count: width)
        var linesPlaced = 0
        for chunk in chunks {
            if chunk.block >= stretchFrom && lastBlock[chunk.column] >= stretchFrom && lastBlock[chunk.column] != chunk.block {
                gaps[chunk.column] += 1
            }
            lastBlock[chunk.column] = chunk.block
            let block = blocks[chunk.block]
            if block.unitsAreLines {
                linesPlaced += chunk.count
            } else {
                for u in chunk.unit..<(chunk.unit + chunk.count) { linesPlaced += block.units[u].height }
            }
        }
        var linesLeft = 0
        if let end {
            for b in end.block..<blocks.count {
                linesLeft += blocks[b].units.dropFirst(b == end.block ? end.unit : 0).reduce(0) { $0 + $1.height }
            }
        }
        // Legs with nothing in them still reach down to their picture.
        for c in 0..<min(width, dropColumns) { ends[c] = max(ends[c], drop) }
        let lastUnit = chunks.last.map { (block: $0.block, unit: $0.unit + $0.count - 1) }
        return BodyFit(request: request, legEnds: ends, gaps: gaps, end: end, linesPlaced: linesPlaced, linesLeft: linesLeft,
                       stretchable: true, stretchFrom: stretchFrom,
                       endsHyphenated: end != nil && lastUnit.map { blocks[$0.block].units[$0.unit].line?.isHyphenated == true } == true)
    }

    /// The flow into the shortest common bottom line that holds all of it, so the legs end
    /// within a line or so of each other.
    private func balance(_ blocks: [FlowBlock], from position: FlowPosition, until end: Int, tops: [Int], bottoms: [Int],
                         flow: BlockFlow, recording: BlockFlow.Recording) -> BlockFlow.Slots? {
        var low = (tops.min() ?? 0) + 1
        // An upper bound that holds everything: all of it in one leg below the deepest top.
        var lines = 0, total = 0
        for b in position.block..<end {
            let units = blocks[b].units
            for u in (b == position.block ? position.unit : 0)..<units.count { lines += units[u].height }
            total += blocks[b].height + blocks[b].spaceBefore + blocks[b].spaceAfter
        }
        var high = max(low, min(bottoms.max() ?? 0, (tops.max() ?? 0) + total))
        func legs(to bottom: Int) -> BlockFlow {
            var shorter = flow
            shorter.columns = tops.indices.map { c in leg(c, top: tops[c], lines: max(0, min(bottoms[c], bottom) - tops[c])) }
            return shorter
        }
        // No bottom above the one whose legs have room for every line can hold the text: the
        // search starts there, and steps down a line, two, four … (the answer is most often
        // within a line or two of it), then halves the last step.
        while low <= high {
            let room = tops.indices.reduce(0) { $0 + max(0, min(bottoms[$1], low) - tops[$1]) }
            if room >= lines { break }
            low += max(1, (lines - room) / max(1, tops.count))
        }
        guard low <= high else { return nil }
        var best: BlockFlow?
        var step = 1
        var probe = low
        while true {
            let trial = legs(to: probe)
            if trial.holds(blocks, from: position, until: end) {
                best = trial
                high = probe - 1
                break
            }
            low = probe + 1
            if probe >= high { return nil }
            probe = min(high, probe + step)
            step *= 2
        }
        while low <= high {
            let mid = (low + high) / 2
            let trial = legs(to: mid)
            if trial.holds(blocks, from: position, until: end) {
                best = trial
                high = mid - 1
            } else {
                low = mid + 1
            }
        }
        return best?.slots(blocks, from: position, until: end, recording: recording)
    }
}
