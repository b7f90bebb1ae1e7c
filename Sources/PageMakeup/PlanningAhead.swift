import Foundation
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
    /// Whether the search took the pages (and so what the composer met counts).
    private(set) var wasTaken = false

    init(_ planner: ModularPlanner, box: ComposerBox, level: Int) {
        self.level = level
        self.box = box
        self.planner = planner
        self.planner.compact = level
        self.planner.stop = flag
        Thread.detachNewThread { [self] in
            let planned = Result { () throws(FontError) -> [PlannedPage] in
                try self.planner.planPages(looseness: 0, boxesAnywhere: false)
            }
            self.result = planned
            self.done.signal()
        }
    }

    /// The pages, waiting for them if need be.
    func take() throws(FontError) -> [PlannedPage] {
        done.wait()
        done.signal()
        wasTaken = true
        return try result!.get()
    }

    /// The planner once it has planned (after `take`).
    var finished: ModularPlanner { planner }

    /// Tells the thread to stop if the search never took the pages; it is not waited for.
    func stopIfUnused() {
        if !wasTaken { flag.set() }
    }
}
