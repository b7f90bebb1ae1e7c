import Foundation
import IssueModel
import XCTest

/// `SpareThreads` runs each closure at once on a thread of its own, keeping the threads that
/// are done for the next closures.
final class SpareThreadsTests: XCTestCase {
    /// Closures that wait for each other all run: none waits behind another for a thread.
    func testClosuresThatWaitForEachOtherAllRun() {
        let count = 6
        let arrived = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        for _ in 0..<count {
            SpareThreads.run {
                arrived.signal()
                go.wait()
                finished.signal()
            }
        }
        for _ in 0..<count { XCTAssertEqual(arrived.wait(timeout: .now() + 10), .success, "a closure never started") }
        for _ in 0..<count { go.signal() }
        for _ in 0..<count { XCTAssertEqual(finished.wait(timeout: .now() + 10), .success, "a closure never finished") }
    }

    /// A closure started after another is done runs on a thread already made.
    func testAThreadThatIsDoneRunsTheNextClosure() {
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var threads = Set<ObjectIdentifier>()
            func note() { lock.withLock { _ = threads.insert(ObjectIdentifier(Thread.current)) } }
        }
        let seen = Seen()
        for _ in 0..<50 {
            let done = DispatchSemaphore(value: 0)
            SpareThreads.run {
                seen.note()
                done.signal()
            }
            XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
            // The thread goes back to the pool just after the closure returns.
            Thread.sleep(forTimeInterval: 0.002)
        }
        XCTAssertLessThan(seen.threads.count, 50, "every closure had a new thread")
    }

    /// Many closures at once, each counted once.
    func testEveryClosureRunsOnce() {
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var runs = [Int](repeating: 0, count: 200)
        }
        let counter = Counter()
        let group = DispatchGroup()
        for index in 0..<200 {
            group.enter()
            SpareThreads.run {
                counter.lock.withLock { counter.runs[index] += 1 }
                group.leave()
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 20), .success)
        XCTAssertEqual(counter.runs, [Int](repeating: 1, count: 200))
    }

    /// Work shared out on every core: each index once, and none still running when it returns.
    func testOnEveryCoreCallsEachIndexOnceAndReturnsWhenAllHave() {
        final class Calls: @unchecked Sendable {
            let lock = NSLock()
            var counts: [Int]
            var running = 0
            init(_ n: Int) { counts = [Int](repeating: 0, count: n) }
        }
        for count in [0, 1, 2, 3, 257] {
            let calls = Calls(count)
            SpareThreads.onEveryCore(count) { index in
                calls.lock.withLock { calls.running += 1 }
                Thread.sleep(forTimeInterval: 0.0001)
                calls.lock.withLock {
                    calls.counts[index] += 1
                    calls.running -= 1
                }
            }
            calls.lock.withLock {
                XCTAssertEqual(calls.counts, [Int](repeating: 1, count: count), "count \(count)")
                XCTAssertEqual(calls.running, 0, "a call was still running after it returned (count \(count))")
            }
        }
    }

    /// The closure given is not escaping: every thread lets go of it before the call returns.
    /// (A helper that signalled it was done while still holding the closure made Swift's
    /// escape check stop the process, now and then, in a loop like this one.)
    func testOnEveryCoreLetsGoOfItsClosureBeforeItReturns() {
        final class Total: @unchecked Sendable {
            let lock = NSLock()
            var sum = 0
        }
        let total = Total()
        for _ in 0..<3_000 {
            SpareThreads.onEveryCore(4) { index in total.lock.withLock { total.sum += index } }
        }
        XCTAssertEqual(total.sum, 3_000 * 6)
    }
}
