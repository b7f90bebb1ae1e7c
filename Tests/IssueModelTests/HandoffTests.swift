import Foundation
import IssueModel
import XCTest

/// `Handoff` is a semaphore: a signal given before the wait is kept, a wait returns once per
/// signal whether it spun or slept meanwhile, and no signal is lost between two threads.
final class HandoffTests: XCTestCase {
    func testASignalGivenBeforeTheWaitIsKept() {
        let handoff = Handoff()
        handoff.signal()
        handoff.signal()
        // Waited for on another thread, so that a lost signal fails the test rather than hangs it.
        let returned = DispatchSemaphore(value: 0)
        SpareThreads.run {
            handoff.wait()
            handoff.wait()
            returned.signal()
        }
        XCTAssertEqual(returned.wait(timeout: .now() + 10), .success, "a signal given before the wait was lost")
    }

    /// Signalled long after the spin is over: the waiter sleeps, and wakes at the signal.
    func testAWaiterThatSleepsWakesAtTheSignal() {
        let handoff = Handoff()
        let started = Date()
        SpareThreads.run {
            Thread.sleep(forTimeInterval: 0.05)
            handoff.signal()
        }
        handoff.wait()
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.04)
    }

    /// Two threads handing a turn back and forth, some turns taken at once and some after the
    /// spin: every signal is waited for once, none is lost.
    func testTurnsHandedBackAndForthAreNeverLost() {
        let ping = Handoff(), pong = Handoff()
        final class Count: @unchecked Sendable { var turns = 0 }
        let count = Count()
        let rounds = 400
        SpareThreads.run {
            for round in 0..<rounds {
                ping.wait()
                count.turns += 1
                if round % 50 == 0 { Thread.sleep(forTimeInterval: 0.001) }
                pong.signal()
            }
        }
        for _ in 0..<rounds {
            ping.signal()
            pong.wait()
        }
        XCTAssertEqual(count.turns, rounds)
    }
}
