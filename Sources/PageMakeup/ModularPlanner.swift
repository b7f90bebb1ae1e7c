import Foundation
import IssueModel
import Typesetting

/// Page makeup as a search: each page is tried as every column composition (5, 3+2, 2+2+1, …),
/// with or without a band across its top; each group of columns takes a stack of stories in
/// running order, the last one cut with a jump when it is too long; the room left is taken by
/// whole-line space between paragraphs or a house box. A beam of the cheapest partial editions
/// goes from page to page; the edition is planned again with smaller heads when it runs just
/// past a multiple of the layout's `page_multiple`, or looser when it falls short.
struct ModularPlanner {
    let layout: Layout
    let fitter: BodyFitter
    var stories: [StoryInfo]
    /// Lines of the text area on page 1 (under the masthead) and on the other pages.
    let frontLines: Int
    let pageLines: Int
    let boxes: [HouseBox]
    /// Heads by story and width (a story's start), jump heads by story and width.
    var heads: [Int: [Int: ModuleHead]] = [:]
    var jumpHeads: [Int: [Int: ModuleHead]] = [:]
    var boxDepths = BoxDepths()
    /// The fits this planner has had from the shared fitter (see `fit(_:width:head:bodyDepth:)`).
    var knownFits: [BodyFitter.Key: BodyFit] = [:]
    /// Story, width, jump head or not, and how compact (0 to 2: headlines a size or two
    /// smaller, pictures at most two columns or one).
    let makeHead: (Int, Int, Bool, Int) throws(FontError) -> ModuleHead
    /// Tried when the stories run a little past a page count.
    var compact = 0
    let boxDepth: (HouseBox, Int) throws(FontError) -> Int
    /// Set when a planner working ahead is no longer wanted: it stops at the next page.
    var stop: StopFlag?
    /// Heads kept for the planner sharing the search's pages on the other thread, and found
    /// there (see `BeamPartner`): each is made once for the two.
    var sharedHeads: SharedHeads?

    struct State {
        var pending: [Piece] = []
        var remaining: [Int]
        var used = BoxSet()
        var nextID: Int
    }

    // MARK: Measures

    mutating func head(_ piece: Piece, width: Int) throws(FontError) -> ModuleHead {
        if piece.isContinuation {
            if let h = jumpHeads[piece.story]?[width] { return h }
            let h = try makeHead(piece.story, width, true, 0)
            jumpHeads[piece.story, default: [:]][width] = h
            return h
        }
        let key = width + 100 * compact
        if let h = heads[piece.story]?[key] { return h }
        if let h = sharedHeads?.head(story: piece.story, key: key) {
            heads[piece.story, default: [:]][key] = h
            return h
        }
        let h = try makeHead(piece.story, width, false, compact)
        heads[piece.story, default: [:]][key] = h
        sharedHeads?.keep(h, story: piece.story, key: key)
        return h
    }

    /// Takes in the heads and box depths another planner of the same stories made.
    mutating func adoptMeasures(of other: ModularPlanner) {
        for (story, byWidth) in other.heads { heads[story, default: [:]].merge(byWidth) { mine, _ in mine } }
        for (story, byWidth) in other.jumpHeads { jumpHeads[story, default: [:]].merge(byWidth) { mine, _ in mine } }
        boxDepths.merge(other.boxDepths)
    }

    mutating func depth(of box: HouseBox, width: Int) throws(FontError) -> Int {
        if let d = boxDepths[box, width] { return d }
        let d = try boxDepth(box, width)
        boxDepths[box, width] = d
        return d
    }

    mutating func natural(_ piece: Piece, width: Int, head: ModuleHead) -> BodyFit {
        fit(piece, width: width, head: head, bodyDepth: nil)
    }

    mutating func cut(_ piece: Piece, width: Int, head: ModuleHead, bodyDepth: Int) -> BodyFit {
        fit(piece, width: width, head: head, bodyDepth: bodyDepth)
    }

    /// The body whole (no depth) or cut at `bodyDepth` with a line kept for the jump: found in
    /// this planner's own fits first, which it reads without the shared fitter's lock (the
    /// planners on the two threads ask for thousands, mostly ones they have asked for before,
    /// and waited on each other at that lock).
    private mutating func fit(_ piece: Piece, width: Int, head: ModuleHead, bodyDepth: Int?) -> BodyFit {
        let key = BodyFitter.Key(story: piece.story, request: BodyFitter.Request(
            start: piece.start, width: width, drop: head.pictureLines, dropColumns: head.pictureColumns,
            depth: bodyDepth ?? -1, reserveLast: bodyDepth != nil))
        if let known = knownFits[key] { return known }
        let fit = fitter.fit(stories[piece.story].blocks, key: key)
        knownFits[key] = fit
        return fit
    }

    // MARK: The edition

    /// Plans every page; tries more looseness until the page count is a multiple of the layout's.
    /// Plans the edition; `ahead`, when given, is planning compact level 1 on another thread,
    /// and its pages are taken instead of planning them here if the search comes to them.
    mutating func planEdition(ahead: PlanningAhead? = nil) throws(FontError) -> [PlannedPage] {
        defer { ahead?.stopIfUnused() }
        defer { ahead?.partner?.finish() }
        var best: [PlannedPage]?
        var bestCost = Double.infinity
        var bestCompact = 0
        defer { compact = bestCompact }
        // First the plan as it comes: tight, house boxes only where nothing else fills.
        let multiple = max(1, layout.pageMultiple)
        @discardableResult
        func attempt(_ looseness: Double, _ boxes: Bool, _ level: Int) throws(FontError) -> [PlannedPage] {
            compact = level
            let started = DispatchTime.now().uptimeNanoseconds
            let pages: [PlannedPage]
            if looseness == 0 && !boxes, let ahead, ahead.level == level {
                // This thread helps with that level while it is still being planned.
                pages = try ahead.take(lending: self)
                // Its heads and box depths, so that drawing the pages finds them made.
                adoptMeasures(of: ahead.finished)
            } else if level == 0 && looseness == 0 && !boxes {
                // The thread planning ahead joins this first plan once its own is done.
                pages = try planPages(looseness: looseness, boxesAnywhere: boxes) {
                    ahead.flatMap { $0.isFinished ? $0.asPartner() : nil }
                }
            } else {
                // After the first plan, the thread that planned ahead shares this one's pages,
                // and the heads the two make.
                let partner = ahead?.asPartner()
                if partner != nil && sharedHeads == nil { sharedHeads = SharedHeads() }
                pages = try planPages(looseness: looseness, boxesAnywhere: boxes, partner: partner)
            }
            let cost = pages.reduce(0) { $0 + $1.cost } + (pages.count % multiple == 0 ? 0 : 100_000)
            if ProcessInfo.processInfo.environment["ISSUE_DEBUG_MAKEUP"] != nil {
                let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                print("trial", looseness, boxes, level, pages.count, Int(cost), ms.fixed(1) + " ms", pages.map(\.summary))
            }
            if cost < bestCost {
                best = pages
                bestCost = cost
                bestCompact = level
            }
            return pages
        }
        let first = try attempt(0, false, 0)
        // The pages the stories fill, and the page count that holds them.
        let share = first.reduce(0.0) { total, page in
            total + Double(page.modules.filter { $0.piece != nil }.reduce(0) { $0 + $1.width * $1.depth }) / Double(layout.columns * pageLines)
        }
        let target = max(multiple, Int((share * 0.97 / Double(multiple)).rounded(.up)) * multiple)
        if first.count > target {
            // The stories ran just past a multiple: smaller heads and pictures may bring them back.
            for level in 1...2 where (best?.count ?? .max) > target {
                try attempt(0, false, level)
            }
        } else if first.filter({ $0.terms[.houseOnly] != nil }).count > 1 {
            // Pages of house matter only (one at the back is a house page, as papers print):
            // spread the stories, a little looser each time, while that does better.
            for looseness in [0.0, 0.04, 0.08, 0.12, 0.16, 0.2] {
                let before = bestCost
                try attempt(looseness, true, 0)
                if bestCost >= before && looseness > 0 { break }
            }
        }
        return best ?? []
    }

    // MARK: A page

    enum Template {
        /// Groups of columns from the top of the text area.
        case columns([Int], cap: Bool)
        /// A module across every column at the top, `share` of the page deep at most, then groups.
        case band([Int], share: Double, cap: Bool)
    }

    /// The compositions of the column count into at most three groups, no two of them one
    /// column wide.
    var compositions: [[Int]] {
        let c = layout.columns
        var out: [[Int]] = [[c]]
        for a in 1..<max(1, c) { out.append([a, c - a]) }
        if c >= 3 {
            for a in 1...(c - 2) { for b in 1...(c - 1 - a) { out.append([a, b, c - a - b]) } }
        }
        return out.filter { $0.filter { $0 == 1 }.count <= 1 && ($0.count == 1 || c > 2 || !$0.contains(1)) }
    }

    /// How deep a band may go, as a share of the page: tried in this order, shallower first.
    static let bandShares = [0.45, 0.6]

    /// The lines a band may take on a page of `lines`.
    static func bandLimit(lines: Int, share: Double) -> Int { Int((Double(lines) * share).rounded()) }

    /// Whether `piece`, first in a page's queue, goes in whole as a band at the shallowest share
    /// (and so the same at every share).
    mutating func bandGoesWhole(_ piece: Piece?, page number: Int) throws(FontError) -> Bool {
        let width = layout.columns
        guard let piece, stories[piece.story].allowed.contains(width) else { return false }
        let head = try head(piece, width: width)
        let limit = Self.bandLimit(lines: number == 1 ? frontLines : pageLines, share: Self.bandShares[0])
        return limit >= head.lines + 4 && head.lines + natural(piece, width: width, head: head).depth <= limit
    }

    func templates(page: Int) -> [Template] {
        var out: [Template] = []
        for comp in compositions {
            out.append(.columns(comp, cap: false))
            if page == 1 { out.append(.columns(comp, cap: true)) }
            for share in Self.bandShares {
                out.append(.band(comp, share: share, cap: false))
                if page == 1 { out.append(.band(comp, share: share, cap: true)) }
            }
        }
        return out
    }

    /// The pieces page `number` takes from, in order: continuations, stories its `page:` hint
    /// sends here (or past due), then the rest in running order.
    func queue(_ state: State, page number: Int) -> [Piece] {
        var out: [Piece] = []
        var id = state.nextID
        func add(_ s: Int) {
            out.append(Piece(id: id, story: s, start: FlowPosition(block: 0, unit: 0), from: nil, jumps: 0))
            id += 1
        }
        // A story the editor sent to this page (or an earlier one) goes first, even before the
        // continuations; the lead always opens page 1. Stories sent further on wait, unless
        // nothing else is left.
        let hinted = state.remaining.filter { stories[$0].article.page.map { $0 <= number } ?? false }
        let free = state.remaining.filter { stories[$0].article.page == nil }
        let later = state.remaining.filter { stories[$0].article.page.map { $0 > number } ?? false }
        if number == 1, state.remaining.first == 0 { add(0) }
        for s in hinted where !(number == 1 && s == 0) { add(s) }
        let pending = state.pending
        out += pending
        for s in free where !(number == 1 && s == 0) { add(s) }
        if pending.isEmpty && hinted.isEmpty && free.isEmpty { for s in later { add(s) } }
        return out
    }

    /// The page's queue as the groups take from it: in order, but a piece that does not fit a
    /// group may let one of the next two go first.
    struct Cursor {
        var pieces: [Piece]
        var taken: [Bool]
        var created: [Piece] = []
        var nextID: Int
        var used: BoxSet
        /// Pieces taken out of running order.
        var skips = 0

        init(pieces: [Piece], nextID: Int, used: BoxSet) {
            self.pieces = pieces
            self.taken = [Bool](filling: false, count: pieces.count)
            self.nextID = nextID
            self.used = used
        }

        var peek: Piece? { taken.firstIndex(of: false).map { pieces[$0] } }
        var isEmpty: Bool { !taken.contains(false) }
    }

    /// Page `number` in `template`, taking from `queue` (the state's queue for the page, when
    /// the caller has made it).
    mutating func plan(page number: Int, template: Template, state: inout State, looseness: Double,
                       boxesAnywhere: Bool, queue made: [Piece]? = nil) throws(FontError) -> PlannedPage? {
        let lines = number == 1 ? frontLines : pageLines
        var page = PlannedPage(number: number, lines: lines)
        let pieces = made ?? queue(state, page: number)
        var starts = 0
        for piece in pieces where !piece.isContinuation { starts += 1 }
        var cursor = Cursor(pieces: pieces, nextID: state.nextID + starts, used: state.used)
        let front = number == 1
        var top = 0
        var comp: [Int]
        var cap = false
        switch template {
        case .columns(let c, let capped):
            comp = c
            cap = capped
            // The lead opens page 1 in the first group: it must be wide enough for a lead.
            if front, let first = cursor.peek, !first.isContinuation, first.story == 0,
               !stories[0].allowed.contains(c[0]) || c[0] < min(3, layout.columns) { return nil }
        case .band(let c, let share, let capped):
            comp = c
            cap = capped
            guard let first = cursor.peek else { return nil }
            let width = layout.columns
            guard stories[first.story].allowed.contains(width) else { return nil }
            let limit = Self.bandLimit(lines: lines, share: share)
            guard var module = try stack(first, width: width, column: 0, top: 0, room: limit, cursor: &cursor, page: number, cap: nil) else { return nil }
            // Its legs evened out to its depth.
            let (evened, holes) = Self.justify(&module, extra: 0)
            page.terms.add(.holes, Double(holes) * PlanCost.hole)
            page.terms.add(.stretch, evened - Double(holes) * PlanCost.hole)
            page.modules.append(module)
            page.groups.append(PlannedGroup(column: 0, width: width, top: 0, depth: module.depth))
            top = module.depth + 1
            if !front { page.terms.add(.band, PlanCost.band) }
            if lines - top < 8 { return nil }
        }
        page.groups.reserveCapacity(page.groups.count + comp.count)
        page.modules.reserveCapacity(page.modules.count + 2 * comp.count)
        var column = 0
        for (index, width) in comp.enumerated() {
            let reserve: HouseBox? = front && index == comp.count - 1 && !cursor.used.contains(.inside) ? .inside : nil
            let group = try fillGroup(column: column, width: width, top: top, height: lines - top, cursor: &cursor, page: number,
                                      cap: cap ? Int(Double(lines) * 0.45) : nil, reserve: reserve, looseness: looseness,
                                      boxes: boxesAnywhere || state.remaining.isEmpty)
            page.modules += group.modules
            page.terms.add(group.terms)
            page.groups.append(PlannedGroup(column: column, width: width, top: top, depth: lines - top))
            column += width
        }
        score(&page)
        page.terms[.page] = PlanCost.page
        if !page.modules.contains(where: { $0.piece != nil }) { page.terms[.houseOnly] = PlanCost.houseOnlyPage }
        // One walk of the queue: what the page took, the jumps it left waiting (more for each
        // page they have waited) and the stories the editor sent to this page (or an earlier
        // one) that it left out.
        var tookAny = false, tookContinuation = false, started = false, waiting = 0, overdue = 0
        for (index, piece) in cursor.pieces.enumerated() {
            if cursor.taken[index] {
                tookAny = true
                if piece.isContinuation { tookContinuation = true } else { started = true }
            } else if piece.isContinuation {
                waiting += max(1, number - piece.madeOn)
            } else if stories[piece.story].article.page.map({ $0 <= number }) ?? false {
                overdue += 1
            }
        }
        // A page that takes nothing while stories wait would never end the issue.
        if !tookAny && !cursor.pieces.isEmpty { page.terms[.nothingPlaced] = 1_000_000 }
        // A jump goes on the next page: every continuation left waiting costs.
        if waiting > 0 { page.terms[.jumpsDeferred] = PlanCost.deferredJump * Double(waiting) }
        if overdue > 0 { page.terms.add(.pageHint, PlanCost.pageHint * Double(overdue)) }
        if cursor.skips > 0 { page.terms.add(.priority, PlanCost.skip * Double(cursor.skips)) }
        // What was used of the queue leaves it; what jumped waits for the next page.
        // (The queue is short: looked through for each piece rather than gathered into arrays.)
        func taken(_ match: (Piece) -> Bool) -> Bool {
            for index in cursor.pieces.indices where cursor.taken[index] && match(cursor.pieces[index]) { return true }
            return false
        }
        if tookContinuation || !cursor.created.isEmpty {
            state.pending = state.pending.filter { p in !taken { $0.id == p.id } } + cursor.created
        }
        if started { state.remaining.removeAll { s in taken { !$0.isContinuation && $0.story == s } } }
        state.used = cursor.used
        state.nextID = cursor.nextID
        return page
    }

    struct GroupResult {
        var modules: [PlannedModule] = []
        var terms = CostTerms()
    }

    /// Places `piece` at `width` in at most `room` lines: whole when it fits, cut with a jump
    /// when it does not and both parts keep four lines. Nil when neither works.
    mutating func stack(_ piece: Piece, width: Int, column: Int, top: Int, room: Int, cursor: inout Cursor, page: Int,
                        cap: Int?) throws(FontError) -> PlannedModule? {
        guard stories[piece.story].allowed.contains(width) else { return nil }
        let head = try self.head(piece, width: width)
        guard room >= head.lines + 4 else { return nil }
        let whole = natural(piece, width: width, head: head)
        let limit = min(room, cap ?? room)
        var module = PlannedModule(column: column, width: width, top: top, depth: 0, piece: piece, fit: whole,
                                   headLines: head.lines, pictureLines: head.pictureLines, pictureColumns: head.pictureColumns)
        if head.lines + whole.depth <= limit {
            module.depth = head.lines + whole.depth
        } else {
            // Cut at a line ending, a line kept for "Continued on page N"; a little higher when
            // that leaves fewer than four lines for the jump.
            // Of the depths that keep four lines on each side, the deepest that leaves no leg short.
            var found: BodyFit?
            var foundDepth = limit
            var depth = limit
            while depth >= max(head.lines + 4, head.lines + head.pictureLines + 2, limit - 8) {
                let fit = cut(piece, width: width, head: head, bodyDepth: depth - head.lines)
                if fit.end == nil {
                    if found == nil { (found, foundDepth) = (fit, depth) }
                    break
                }
                if fit.linesPlaced < 4 { break }
                if fit.linesLeft >= 4 && !fit.endsHyphenated {
                    let short = Self.justifyCost(fit, depth: depth, headLines: module.headLines, width: module.width, extra: 0).holes
                    if found == nil || short == 0 { (found, foundDepth) = (fit, depth) }
                    // A short leg is looked past for three lines at most.
                    if short == 0 || limit - depth >= 3 { break }
                }
                depth -= 1
            }
            depth = foundDepth
            guard let fit = found else { return nil }
            module.fit = fit
            module.depth = fit.end == nil ? head.lines + fit.depth : depth
            if fit.end != nil, let end = fit.end {
                cursor.created.append(Piece(id: cursor.nextID, story: piece.story, start: end, from: piece.id, jumps: piece.jumps + 1, madeOn: page))
                cursor.nextID += 1
            }
        }
        if let index = cursor.pieces.firstIndex(where: { $0.id == piece.id }) {
            // Every story start still waiting ahead of this piece counts once.
            for i in 0..<index where !cursor.taken[i] && !cursor.pieces[i].isContinuation { cursor.skips += 1 }
            cursor.taken[index] = true
        }
        return module
    }

    /// A column group from `top`, `height` lines deep: stories stacked in queue order, the last
    /// cut when it runs past the bottom, then the room left taken by added space or a box.
    mutating func fillGroup(column: Int, width: Int, top: Int, height: Int, cursor: inout Cursor, page: Int, cap: Int?,
                            reserve: HouseBox?, looseness: Double, boxes allowBoxes: Bool) throws(FontError) -> GroupResult {
        var result = GroupResult()
        var reserved = 0
        if let reserve { reserved = try depth(of: reserve, width: width) + 1 }
        let bottom = top + height - reserved
        // With looseness, less text goes in and the rest of the room is added space.
        let target = top + Int((Double(bottom - top) / (1 + looseness)).rounded())
        var y = top
        placing: while !cursor.isEmpty {
            let gap = result.modules.isEmpty ? 0 : 1
            let room = target - y - gap
            guard room >= 6 else { break }
            var placed: PlannedModule?
            // The next piece, or when it cannot go here, one of the two after it.
            // (Walked in place: a piece that does not go here leaves the cursor as it was.)
            var tried = 0
            for index in cursor.taken.indices where !cursor.taken[index] {
                if tried == 3 { break }
                tried += 1
                let piece = cursor.pieces[index]
                if let module = try stack(piece, width: width, column: column, top: y + gap, room: room, cursor: &cursor, page: page,
                                          cap: piece.story == 0 && !piece.isContinuation ? nil : cap) {
                    placed = module
                    break
                }
            }
            guard var module = placed else { break placing }
            module.top = y + gap
            y = module.top + module.depth
            result.modules.append(module)
            if module.jumpsOut && (cap == nil || module.depth < (cap ?? 0)) { break }
        }
        // The room left: space added in the stories, or a box, whichever costs less.
        let left = bottom - y
        var modules = result.modules
        var stretchTerms = distribute(left, width: width, over: &modules)
        var boxTerms: CostTerms?
        var boxModules: [PlannedModule] = []
        if left >= 6 {
            let gap = modules.isEmpty ? 0 : 1
            // The deepest box that fits (the first of the deepest).
            var deepest: (HouseBox, Int)?
            for box in boxes where box != .inside && !cursor.used.contains(box) {
                let d = try depth(of: box, width: width)
                if d <= left - gap && (deepest == nil || d > deepest!.1) { deepest = (box, d) }
            }
            if let (box, natural) = deepest {
                var withBox = result.modules
                let module = PlannedModule(column: column, width: width, top: y + gap, depth: left - gap, box: box)
                let extra = left - gap - natural
                var terms = CostTerms()
                terms[.box] = (allowBoxes ? PlanCost.box : PlanCost.spareBox) + PlanCost.boxLine * Double(extra)
                boxTerms = terms
                withBox.append(module)
                boxModules = withBox
            }
        }
        if let terms = boxTerms, terms.total < stretchTerms.total {
            result.modules = boxModules
            if let b = boxModules.last?.box { cursor.used.insert(b) }
            stretchTerms = terms
        } else {
            result.modules = modules
        }
        result.terms.add(stretchTerms)
        if let reserve {
            let boxTop = (result.modules.last.map { $0.top + $0.depth } ?? top) + (result.modules.isEmpty ? 0 : 1)
            result.modules.append(PlannedModule(column: column, width: width, top: boxTop, depth: top + height - boxTop, box: reserve))
            cursor.used.insert(reserve)
        }
        return result
    }

    /// The page's own terms: jumps, widths, front-page count, tombstones, priority.
    func score(_ page: inout PlannedPage) {
        var terms = page.terms
        let number = page.number
        // Read in place (a module copied takes a reference to its fit and its legs' array),
        // the stories that start here kept by their module's place on the stack.
        page.modules.withUnsafeBufferPointer { modules in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: max(1, modules.count)) { starts in
                var n = 0
                for index in modules.indices {
                    guard let piece = modules[index].piece, let fit = modules[index].fit else { continue }
                    let width = modules[index].width
                    if fit.end != nil {
                        terms.add(.jumps, PlanCost.jump + (piece.jumps > 0 ? PlanCost.secondJump : 0)
                            + PlanCost.jumpedLine * Double(fit.linesLeft))
                    }
                    if !stories[piece.story].preferred.contains(width) && !(piece.isContinuation && width <= 3) {
                        terms.add(.width, PlanCost.width)
                    }
                    if !piece.isContinuation {
                        starts[n] = index
                        n += 1
                        if let hint = stories[piece.story].article.page, hint != number { terms.add(.pageHint, PlanCost.pageHint) }
                    }
                }
                if number == 1 {
                    if n < 3 { terms[.frontStories] = PlanCost.frontTooFew * Double(3 - n) }
                    if n > 5 { terms[.frontStories] = PlanCost.frontTooMany * Double(n - 5) }
                }
                for i in 0..<n {
                    let a = modules[starts[i]]
                    for j in (i + 1)..<max(i + 1, n) {
                        let b = modules[starts[j]]
                        if a.top == b.top && (a.column + a.width == b.column || b.column + b.width == a.column) {
                            terms.add(.tombstones, PlanCost.tombstone)
                        }
                        let ra = stories[a.piece!.story].rank, rb = stories[b.piece!.story].rank
                        let (high, low) = ra < rb ? (a, b) : (b, a)
                        if low.width * low.depth > high.width * high.depth * 5 / 4 { terms.add(.priority, PlanCost.priority) }
                    }
                }
            }
        }
        page.terms = terms
    }
}
