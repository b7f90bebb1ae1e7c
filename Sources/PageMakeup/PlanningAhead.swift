import Foundation
import IssueModel
import Typesetting

/// A flag one thread sets and another reads.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// An edition planned on another thread at a compact level, before the search knows whether it
/// will want it: the search's trials are otherwise one after another on one core. The planner
/// has a composer (and so fonts and dictionaries) of its own and shares the search's body
/// fitter (whose answers are the same whichever thread works them out); its pages are the ones
/// the search would plan itself at that level (planning is deterministic), so the issue comes
/// out the same on one thread or two.
final class PlanningAhead: @unchecked Sendable {
    let level: Int
    let box: ComposerBox
    private var planner: ModularPlanner
    private var result: Result<[PlannedPage], FontError>?
    private let done = DispatchSemaphore(value: 0)
    private let flag = StopFlag()
    private let completed = StopFlag()
    /// Whether its level is planned (or it stopped): `take` and `asPartner` would not wait.
    var isFinished: Bool { completed.isSet }
    /// Whether the search took the pages (and so what the composer met counts).
    private(set) var wasTaken = false

    init(_ planner: ModularPlanner, box: ComposerBox, level: Int) {
        self.level = level
        self.box = box
        self.planner = planner
        self.planner.compact = level
        self.planner.stop = flag
        SpareThreads.run { [self] in
            let planned = Result { () throws(FontError) -> [PlannedPage] in
                try self.planner.planPages(looseness: 0, boxesAnywhere: false) { self.lentPartner() }
            }
            self.result = planned
            // A thread lent to it and not yet taken up, or taken up, goes back.
            let lent = lending.withLock { () -> BeamPartner? in
                ended = true
                defer { offered = nil }
                return offered
            }
            lent?.finish()
            self.completed.set()
            self.done.signal()
        }
    }

    private let lending = NSLock()
    private var offered: BeamPartner?
    private var ended = false
    private var lentTaken = false

    /// The partner a waiting search lent this level, once, when there is one.
    private func lentPartner() -> BeamPartner? {
        lending.withLock {
            guard let offered, !lentTaken else { return nil }
            lentTaken = true
            return offered
        }
    }

    /// The pages, waiting for them if need be.
    func take() throws(FontError) -> [PlannedPage] {
        done.wait()
        done.signal()
        wasTaken = true
        return try result!.get()
    }

    /// The pages, the calling thread lent to this level's search meanwhile with `planner` (a
    /// planner of the same stories, whose heads and fits it then shares): from the search's next
    /// page on, each page's partial editions are shared out between the two threads.
    func take(lending planner: ModularPlanner) throws(FontError) -> [PlannedPage] {
        guard !isFinished else { return try take() }
        let partner = BeamPartner(planner, lent: true)
        let lent = lending.withLock { () -> Bool in
            guard !ended else { return false }
            offered = partner
            return true
        }
        if lent { partner.serve() }
        return try take()
    }

    /// The planner once it has planned (after `take`).
    var finished: ModularPlanner { planner }

    /// Tells the thread to stop if the search never took the pages; it is not waited for.
    func stopIfUnused() {
        if !wasTaken && partner == nil { flag.set() }
    }

    /// What its composer met that belongs to the issue: all of it when its pages were taken;
    /// when it only worked as a partner, what it met from then on (not what its own plan, left
    /// unused, met); else nothing.
    var findings: (missing: [Character], overfull: [String]) {
        let composer = box.composer
        if wasTaken { return (composer.missingCharacters, composer.overfullLines) }
        guard let (missing, overfull) = partnerFrom else { return ([], []) }
        return (Array(composer.missingCharacters.dropFirst(missing)), Array(composer.overfullLines.dropFirst(overfull)))
    }
    /// How much its composer had met when it became a partner.
    private var partnerFrom: (Int, Int)?

    /// Its planner as the search's partner once its own level is done (taken) or stopped (not
    /// wanted): the same partner every time it is asked.
    private(set) var partner: BeamPartner?
    func asPartner() -> BeamPartner {
        if let partner { return partner }
        if !wasTaken { flag.set() }
        done.wait()
        done.signal()
        partnerFrom = (box.composer.missingCharacters.count, box.composer.overfullLines.count)
        let made = BeamPartner(planner)
        partner = made
        return made
    }
}

/// A second thread for the page search once the planner ahead is done with its level: it runs
/// what it is given with that planner (and so that planner's composer, whose findings are then
/// the issue's) while the search runs its own share, so that a level planned after the first
/// two, or a looser attempt, does not leave a core idle.
final class BeamPartner: @unchecked Sendable {
    private var planner: ModularPlanner
    /// Handed back and forth at every page (see `Handoff`).
    private let go = Handoff()
    private let done = Handoff()
    private var work: ((inout ModularPlanner) -> Void)?
    private var finished = false

    /// A partner on a thread of its own; or, `lent`, one whose work runs on the thread that
    /// calls `serve` (a thread that would otherwise wait for the search to end).
    init(_ planner: ModularPlanner, lent: Bool = false) {
        self.planner = planner
        self.planner.stop = nil
        // Arrays of its own to read the stories from: two cores counting references to the
        // same arrays at every step slow each other.
        self.planner.stories = planner.stories.map { story in
            var copy = story
            copy.blocks = story.blocks.map { block in
                var own = block
                own.units = block.units.map { $0 }
                return own
            }
            return copy
        }
        if !lent { SpareThreads.run { [self] in serve() } }
    }

    /// Runs the work it is given until `finish`.
    func serve() {
        while true {
            go.wait()
            if finished { return }
            work?(&planner)
            work = nil
            done.signal()
        }
    }

    /// Runs `body` on the partner's thread; `wait` returns when it has.
    func start(_ body: @escaping (inout ModularPlanner) -> Void) {
        work = body
        go.signal()
    }

    func wait() { done.wait() }

    /// Ends the partner's thread (after its last `wait`).
    func finish() {
        finished = true
        go.signal()
    }
}

/// Heads made by either of two planners sharing a search, for the other to find: the same
/// head whichever makes it (its story, width and compact level decide it).
final class SharedHeads: @unchecked Sendable {
    private let lock = NSLock()
    private var heads: [Int: ModuleHead] = [:]

    func head(story: Int, key: Int) -> ModuleHead? { lock.withLock { heads[story << 16 | key] } }
    func keep(_ head: ModuleHead, story: Int, key: Int) { lock.withLock { heads[story << 16 | key] = head } }
}
