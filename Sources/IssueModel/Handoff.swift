import Foundation

/// A semaphore whose waiter spins for a short while before it sleeps, for handoffs between
/// threads where the wait is usually shorter than waking a sleeping thread: on the benchmark's
/// virtual machine a thread asleep on a futex takes 50 µs to run again once signalled (400 µs
/// one time in a hundred), which the page search paid twice at every page it shared out with
/// its partner (`BeamPartner`). A waiter that has spun `spin` without a signal sleeps as on a
/// semaphore; the core it spins on has nothing else of the program's to run meanwhile.
public final class Handoff: @unchecked Sendable {
    private let lock = NSLock()
    private var available = 0
    private var sleepers = 0
    private let semaphore = DispatchSemaphore(value: 0)
    /// How long a waiter spins before it sleeps, in nanoseconds.
    public static let spin: UInt64 = 200_000

    public init() {}

    public func signal() {
        lock.lock()
        if sleepers > 0 {
            sleepers -= 1
            lock.unlock()
            semaphore.signal()
        } else {
            available += 1
            lock.unlock()
        }
    }

    public func wait() {
        let start = DispatchTime.now().uptimeNanoseconds
        while true {
            lock.lock()
            if available > 0 {
                available -= 1
                lock.unlock()
                return
            }
            if DispatchTime.now().uptimeNanoseconds - start > Self.spin {
                sleepers += 1
                lock.unlock()
                semaphore.wait()
                return
            }
            lock.unlock()
        }
    }
}
