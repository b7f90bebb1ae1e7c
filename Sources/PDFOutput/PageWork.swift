import Foundation

/// Tasks numbered 0, 1, 2 … taken in order by the threads that work on them, each as soon as
/// the thread making their input has released it: the PDF's first pass releases each page's
/// content stream as it gets past the page, and the fonts once it is over.
final class Handout: @unchecked Sendable {
    private let condition = NSCondition()
    private var released = 0
    private var next = 0
    /// How many tasks there are; nil while more may be released.
    private var total: Int?

    /// Tasks below `count` may be taken; `last`, when the count is final.
    func release(upTo count: Int, last: Bool = false) {
        condition.withLock {
            released = max(released, count)
            if last { total = released }
            condition.broadcast()
        }
    }

    /// The next task, waiting until it is released; nil when none is left.
    func take() -> Int? {
        condition.withLock {
            while next >= released {
                if let total, next >= total { return nil }
                condition.wait()
            }
            next += 1
            return next - 1
        }
    }
}

/// Slots that threads fill one each, task by task (see `Handout`): raw storage rather than an
/// array, which two threads must not write at once even at different places.
final class Slots<T>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.baseAddress?.deinitialize(count: storage.count)
        storage.deallocate()
    }

    subscript(index: Int) -> T? {
        get { storage[index] }
        set { storage[index] = newValue }
    }
}
