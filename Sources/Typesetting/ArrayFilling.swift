extension Array {
    /// `count` copies of `value`. `init(repeating:count:)` takes its buffer through the standard
    /// library's generic path, which looks the buffer's type up in the runtime's metadata cache
    /// on every call (about 400 instructions, tens of thousands of times in a page search); an
    /// array reserved and appended to is specialized for its element and does not.
    @inlinable public init(filling value: Element, count: Int) {
        self.init()
        reserveCapacity(count)
        for _ in 0..<Swift.max(0, count) { append(value) }
    }
}
