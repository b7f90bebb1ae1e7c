import Foundation

/// Threads for work started off the calling thread, kept once made: a build started nine
/// threads, one after another (reading the issue, hyphenation patterns, the second typesetter,
/// the planner working ahead, the PDF's helper …), rarely more than two at once. Each new
/// thread made its own allocator heap and took fresh memory for it (a 2 MiB page to clear), and
/// started late. A closure runs on a kept thread that is idle, or on a new one when none is:
/// never queued behind work that may be waiting for it.
public enum SpareThreads {
    private final class Pool: @unchecked Sendable {
        let lock = NSLock()
        /// One per idle thread, each waiting on its own.
        var idle: [Worker] = []
    }

    private final class Worker: @unchecked Sendable {
        let wake = DispatchSemaphore(value: 0)
        var work: (@Sendable () -> Void)?
        var finished: DispatchSemaphore?
    }

    private static let pool = Pool()

    /// Runs `work` on another thread at once.
    public static func run(_ work: @escaping @Sendable () -> Void) {
        run(work, finished: nil)
    }

    /// `finished`, when given, is signalled once the thread has let go of `work` (and so of
    /// everything it holds).
    private static func run(_ work: @escaping @Sendable () -> Void, finished: DispatchSemaphore?) {
        let worker = pool.lock.withLock { pool.idle.popLast() }
        if let worker {
            worker.work = work
            worker.finished = finished
            worker.wake.signal()
            return
        }
        let made = Worker()
        made.work = work
        made.finished = finished
        Thread.detachNewThread {
            while true {
                // Set before `wake` is signalled, read after it is waited for.
                if let work = made.work {
                    made.work = nil
                    work()
                }
                if let finished = made.finished {
                    made.finished = nil
                    finished.signal()
                }
                pool.lock.withLock { pool.idle.append(made) }
                made.wake.wait()
            }
        }
    }

    /// `body(0) … body(count - 1)`, shared out between the calling thread and kept threads (one
    /// per other core), each taking the next index not yet taken; returns when every call has.
    /// Dispatch's `concurrentPerform` made worker threads of its own for this, each with its own
    /// allocator heap and fresh memory, beside the kept ones.
    public static func onEveryCore(_ count: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        let helpers = min(ProcessInfo.processInfo.activeProcessorCount, count) - 1
        guard helpers > 0 else {
            for index in 0..<count { body(index) }
            return
        }
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var next = 0
            let done = DispatchSemaphore(value: 0)
            func take(_ count: Int) -> Int? {
                lock.withLock {
                    guard next < count else { return nil }
                    next += 1
                    return next - 1
                }
            }
        }
        let shared = Shared()
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            for _ in 0..<helpers {
                run({ while let index = shared.take(count) { work(index) } }, finished: shared.done)
            }
            while let index = shared.take(count) { work(index) }
            // Each helper has let go of `body` before it goes out of scope.
            for _ in 0..<helpers { shared.done.wait() }
        }
    }
}
