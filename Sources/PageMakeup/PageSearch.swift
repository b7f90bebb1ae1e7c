import Foundation
import Typesetting

/// The beam search over pages (see `ModularPlanner`), on one thread or shared with a partner.
extension ModularPlanner {
    /// A partial edition: its pages as a chain back to the first, so that each of the many
    /// trials of the next page adds a link rather than copying the pages before it.
    final class Pages: @unchecked Sendable {
        let page: PlannedPage
        let before: Pages?
        let count: Int
        init(_ page: PlannedPage, after before: Pages?) {
            self.page = page
            self.before = before
            self.count = (before?.count ?? 0) + 1
        }
        var all: [PlannedPage] {
            var out: [PlannedPage] = []
            out.reserveCapacity(count)
            var link: Pages? = self
            while let l = link { out.append(l.page); link = l.before }
            return out.reversed()
        }
    }
    struct Partial {
        var last: Pages?
        var state: State
        var cost: Double
        var isDone: Bool { state.pending.isEmpty && state.remaining.isEmpty }
        var pageCount: Int { last?.count ?? 0 }
    }
    /// A beam search over pages: the `beamWidth` cheapest partial editions go on to the next
    /// page, each page tried in every template; an edition ends when every story is placed, padded
    /// with pages of house boxes to the page multiple.
    /// `joining`: asked before each page, a partner for the rest of the search once there is one
    /// (a planner working ahead that has finished its own level, or a thread lent to this one);
    /// the pages are the same with it or without.
    mutating func planPages(looseness: Double, boxesAnywhere: Bool, partner: BeamPartner? = nil,
                            joining: (() -> BeamPartner?)? = nil) throws(FontError) -> [PlannedPage] {
        var partner = partner
        let multiple = max(1, layout.pageMultiple)
        let limit = 4 * (stories.count + 4) + 8
        var beam = [Partial(last: nil, state: State(remaining: Array(stories.indices), nextID: 0), cost: 0)]
        var best: Partial?
        // A page of house boxes padding a finished edition depends on its number and the boxes
        // used before it only (no story is left to place): its templates are planned once for
        // every edition that comes to it, dozens of them at the end of a search.
        struct PaddingKey: Hashable { var number: Int, used: BoxSet }
        var paddings: [PaddingKey: [(page: PlannedPage, used: BoxSet)]] = [:]
        func total(_ p: Partial) -> Double { p.cost + (p.pageCount % multiple == 0 ? 0 : 100_000) }
        while !beam.isEmpty {
            if stop?.isSet == true { return [] }
            if partner == nil, let joined = joining?() {
                if ProcessInfo.processInfo.environment["ISSUE_DEBUG_MAKEUP"] != nil { print("joined at page", (beam.first?.pageCount ?? 0) + 1) }
                partner = joined
                if sharedHeads == nil {
                    // The heads made so far, for the partner to find.
                    let shared = SharedHeads()
                    for (story, byKey) in heads { for (key, head) in byKey { shared.keep(head, story: story, key: key) } }
                    sharedHeads = shared
                }
            }
            var next: [Partial] = []
            let tried = try nextPages(of: beam, limit: limit, looseness: looseness, boxesAnywhere: boxesAnywhere, partner: partner)
            for (index, partial) in beam.enumerated() {
                let number = partial.pageCount + 1
                guard number <= limit else { continue }
                var options = tried[index]
                options.sort { $0.cost < $1.cost }
                if let best = options.first, best.last?.page.terms[.nothingPlaced] != nil {
                    // Nothing fits even an empty page (it cannot happen with the limits set
                    // on heads, pictures and units): leave the first piece out rather than loop;
                    // the story is reported.
                    var stuck = partial
                    if !stuck.state.pending.isEmpty { stuck.state.pending.removeFirst() } else if !stuck.state.remaining.isEmpty {
                        stuck.state.remaining.removeFirst()
                    }
                    next.append(stuck)
                    continue
                }
                next += options.prefix(Self.beamWidth)
            }
            // Finished editions are padded to the page multiple; the rest go on.
            var going: [Partial] = []
            for var partial in next {
                if partial.isDone {
                    while partial.pageCount % multiple != 0 && partial.pageCount < limit {
                        // The cheapest page of house boxes (the first of the cheapest), as the
                        // edition's cost with it is compared.
                        let key = PaddingKey(number: partial.pageCount + 1, used: partial.state.used)
                        let pages: [(page: PlannedPage, used: BoxSet)]
                        if let known = paddings[key] {
                            pages = known
                        } else {
                            pages = try trials(after: partial, limit: limit, looseness: looseness, boxesAnywhere: true)
                                .map { ($0.last!.page, $0.state.used) }
                            paddings[key] = pages
                        }
                        let base = partial.cost
                        guard let cheapest = pages.min(by: { base + $0.page.cost < base + $1.page.cost }) else { break }
                        var state = partial.state
                        state.used = cheapest.used
                        partial = Partial(last: Pages(cheapest.page, after: partial.last), state: state, cost: base + cheapest.page.cost)
                    }
                    if best == nil || total(partial) < total(best!) { best = partial }
                } else {
                    going.append(partial)
                }
            }
            // The cheapest distinct states go on.
            going.sort { $0.cost < $1.cost }
            // States alike in what waits (each piece's story and start), what is left and how
            // many boxes are used are the same to the pages after.
            struct Seen: Hashable { var pending: [Int], remaining: [Int], used: Int }
            var seen = Set<Seen>()
            beam = []
            for partial in going {
                if let best, partial.cost >= total(best) { break }
                var pending: [Int] = []
                pending.reserveCapacity(partial.state.pending.count * 3)
                for p in partial.state.pending { pending += [p.story, p.start.block, p.start.unit] }
                let key = Seen(pending: pending, remaining: partial.state.remaining, used: partial.state.used.count)
                guard seen.insert(key).inserted else { continue }
                beam.append(partial)
                if beam.count == Self.beamWidth { break }
            }
        }
        return best?.last?.all ?? []
    }

    /// Each partial edition with its next page in every template, unsorted. With a partner, the
    /// partials are shared out between this thread and the partner's (each taking the next one
    /// not taken); what each gives is what this thread would (planning is deterministic).
    private mutating func nextPages(of beam: [Partial], limit: Int, looseness: Double, boxesAnywhere: Bool,
                                    partner: BeamPartner?) throws(FontError) -> [[Partial]] {
        guard let partner, beam.count > 1 else {
            return try beam.map { partial throws(FontError) in
                try trials(after: partial, limit: limit, looseness: looseness, boxesAnywhere: boxesAnywhere)
            }
        }
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var next = 0
            var results: [[Partial]]
            var error: FontError?
            init(_ count: Int) { results = Array(repeating: [], count: count) }
            func take(_ count: Int) -> Int? {
                lock.withLock {
                    guard error == nil, next < count else { return nil }
                    next += 1
                    return next - 1
                }
            }
            func put(_ index: Int, _ trials: [Partial]) { lock.withLock { results[index] = trials } }
            func fail(_ e: FontError) { lock.withLock { if error == nil { error = e } } }
        }
        let shared = Shared(beam.count)
        nonisolated(unsafe) let partials = beam
        let level = compact
        let heads = sharedHeads
        partner.start { planner in
            planner.compact = level
            planner.sharedHeads = heads
            while let index = shared.take(partials.count) {
                do throws(FontError) {
                    shared.put(index, try planner.trials(after: partials[index], limit: limit, looseness: looseness,
                                                          boxesAnywhere: boxesAnywhere))
                } catch {
                    shared.fail(error)
                }
            }
        }
        while let index = shared.take(partials.count) {
            do throws(FontError) {
                shared.put(index, try trials(after: partials[index], limit: limit, looseness: looseness, boxesAnywhere: boxesAnywhere))
            } catch {
                shared.fail(error)
            }
        }
        partner.wait()
        if let error = shared.error { throw error }
        return shared.results
    }

    /// A partial edition with its next page in every template that takes the page.
    private mutating func trials(after partial: Partial, limit: Int, looseness: Double, boxesAnywhere: Bool) throws(FontError) -> [Partial] {
        let number = partial.pageCount + 1
        guard number <= limit else { return [] }
        var options: [Partial] = []
        // The page's queue is the same in every template: made once.
        let pieces = queue(partial.state, page: number)
        // When the first piece goes in whole as a band at the shallower share, it goes in the
        // same at the deeper ones, and the page under it is the same: planned once for both.
        let bandsAlike = try bandGoesWhole(pieces.first, page: number)
        var planned: [(comp: [Int], cap: Bool, option: Partial?)] = []
        for template in templates(page: number) {
            if bandsAlike, case .band(let comp, let share, let cap) = template, share != Self.bandShares[0],
               let same = planned.first(where: { $0.comp == comp && $0.cap == cap }) {
                if let option = same.option { options.append(option) }
                continue
            }
            var trial = partial.state
            let page = try plan(page: number, template: template, state: &trial, looseness: looseness,
                                boxesAnywhere: boxesAnywhere, queue: pieces)
            let option = page.map { Partial(last: Pages($0, after: partial.last), state: trial, cost: partial.cost + $0.cost) }
            if let option { options.append(option) }
            if bandsAlike, case .band(let comp, _, let cap) = template { planned.append((comp, cap, option)) }
        }
        return options
    }

    /// Partial editions kept from page to page.
    static let beamWidth = 6
}
