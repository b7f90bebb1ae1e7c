import Foundation
@testable import PDFOutput
import XCTest

/// The handout of the PDF's tasks between the first pass and the other core.
final class PageWorkTests: XCTestCase {
    /// Two threads take tasks as they are released, in order, each task once; a task is never
    /// taken before its release, and both stop when the last is taken. (Each thread's own list
    /// is in order; the two interleave as the threads run.)
    func testTasksAreTakenOnceEachInOrderAndOnlyOnceReleased() {
        let handout = Handout()
        let taken = Slots<Int>(count: 500)
        let released = Slots<Bool>(count: 500)
        let lock = NSLock()
        final class Order: @unchecked Sendable { var tasks: [[Int]] = [[], []] }
        let order = Order()
        let done = DispatchSemaphore(value: 0)
        for thread in 0..<2 {
            Thread.detachNewThread {
                while let task = handout.take() {
                    lock.withLock {
                        XCTAssertEqual(released[task], true, "task \(task) taken before its release")
                        XCTAssertNil(taken[task], "task \(task) taken twice")
                        taken[task] = thread
                        order.tasks[thread].append(task)
                    }
                }
                done.signal()
            }
        }
        for count in stride(from: 10, through: 490, by: 10) {
            lock.withLock { for task in (count - 10)..<count { released[task] = true } }
            handout.release(upTo: count)
            if count % 70 == 0 { usleep(200) }
        }
        lock.withLock { for task in 490..<500 { released[task] = true } }
        handout.release(upTo: 500, last: true)
        done.wait()
        done.wait()
        for tasks in order.tasks { XCTAssertEqual(tasks, tasks.sorted(), "each thread is handed tasks in order") }
        XCTAssertEqual((order.tasks[0] + order.tasks[1]).sorted(), Array(0..<500), "every task, once")
        XCTAssertNil(handout.take(), "nothing after the last")
    }

    /// Closed early (an error in the first pass), the threads stop after what was released.
    func testClosingEarlyStopsTheThreads() {
        let handout = Handout()
        handout.release(upTo: 3)
        handout.release(upTo: 0, last: true)
        XCTAssertEqual([handout.take(), handout.take(), handout.take(), handout.take()], [0, 1, 2, nil])
    }
}
