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
    }

    private static let pool = Pool()

    /// Runs `work` on another thread at once.
    public static func run(_ work: @escaping @Sendable () -> Void) {
        let worker = pool.lock.withLock { pool.idle.popLast() }
        if let worker {
            worker.work = work
            worker.wake.signal()
            return
        }
        let made = Worker()
        made.work = work
        Thread.detachNewThread {
            while true {
                // Set before `wake` is signalled, read after it is waited for.
                if let work = made.work {
                    made.work = nil
                    work()
                }
                pool.lock.withLock { pool.idle.append(made) }
                made.wake.wait()
            }
        }
    }
}
