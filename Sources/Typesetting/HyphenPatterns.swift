import Foundation
import IssueModel

/// Liang's hyphenation patterns (a libhyphen `.dic` file) in a trie of UTF-8 bytes, matched
/// here rather than by libhyphen: loading libhyphen's state machine for the English patterns
/// took as long as setting a thousand words, and matching a word took some 20,000 instructions.
/// The trie is read once per file for the whole process and shared by every thread's
/// typesetter: it is never changed after it is made.
///
/// Only dictionaries of one level with standard patterns are read here: a file with
/// `NEXTLEVEL` (compound words) or with non-standard patterns (`/`, as Dutch and German have)
/// is left to libhyphen (`load` gives nil).
final class HyphenPatterns: @unchecked Sendable {
    /// The trie's edges in an open-addressed table: key `node << 8 | byte` plus one (0 is an
    /// empty slot), value the child node. Nodes are numbered from 0, the root.
    private let keys: [UInt32]
    private let targets: [Int32]
    private let mask: Int
    /// Per node: where its pattern's values are in `values` (count 0 when no pattern ends there).
    private let valueStart: [Int32]
    private let valueCount: [UInt8]
    private let values: [UInt8]
    /// The file's LEFTHYPHENMIN and RIGHTHYPHENMIN (2 when it gives none, as libhyphen has it):
    /// letters kept before the first break and after the last.
    let leftMinimum: Int
    let rightMinimum: Int
    /// The trie's table's slots (for the tests).
    var tableSize: Int { keys.count }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var loaded: [String: HyphenPatterns?] = [:]

    /// The patterns of the file at `path`, read once per process; nil when it is not a file
    /// this reader takes (see the type's note) or cannot be read.
    static func load(path: String) -> HyphenPatterns? {
        // The file's own path, links resolved.
        let key = realPath(path) ?? path
        return lock.withLock {
            if let known = loaded[key] { return known }
            let made = FileManager.default.contents(atPath: key).flatMap { HyphenPatterns(file: [UInt8]($0)) }
            loaded[key] = .some(made)
            return made
        }
    }

    /// Reads a `.dic` file: its first line names the encoding (UTF-8 or ISO8859-1, which is
    /// turned into UTF-8), then one pattern per line; `%` comments and the other settings are
    /// passed over. Read byte by byte into local arrays: the English file has 11,000 patterns,
    /// and this runs before the first paragraph is set.
    init?(file: [UInt8]) {
        // Lines, without their line ends and surrounding blanks.
        var lines: [Range<Int>] = []
        var lineStart = 0
        for i in 0...file.count where i == file.count || file[i] == 0x0A {
            var a = lineStart, b = i
            while a < b, file[a] == 0x20 || file[a] == 0x09 { a += 1 }
            while b > a, file[b - 1] == 0x0D || file[b - 1] == 0x20 || file[b - 1] == 0x09 { b -= 1 }
            if b > a { lines.append(a..<b) }
            lineStart = i + 1
        }
        guard let first = lines.first else { return nil }
        let latin1: Bool
        switch String(decoding: file[first], as: UTF8.self).uppercased() {
        case "UTF-8", "UTF8": latin1 = false
        case "ISO8859-1", "ISO-8859-1", "ISO8859_1", "LATIN1": latin1 = true
        default: return nil
        }
        // The trie's table at twice its node count or more. A file has about one node to six
        // bytes (0.15 for English, 0.18 for Spanish): a quarter of its size is a table at most
        // half full, and as small as that, the lookups of every word hyphenated stay in the
        // cache better (the English table in 256 KB rather than 1 MB: matching words took a
        // fifth less time). A file with more nodes is read again into a table twice as large.
        var capacity = 1024
        while capacity < file.count / 4 { capacity <<= 1 }
        guard let trie = Self.trie(file, lines: lines.dropFirst(), latin1: latin1, capacity: capacity) else { return nil }
        var valueStart = [Int32](repeating: 0, count: trie.nodeCount)
        var valueCount = [UInt8](repeating: 0, count: trie.nodeCount)
        // A pattern given twice: the later one holds, as the file reads.
        for p in trie.patternAt {
            valueStart[Int(p.node)] = p.start
            valueCount[Int(p.node)] = p.count
        }
        self.keys = trie.keys
        self.targets = trie.targets
        self.mask = trie.keys.count - 1
        self.valueStart = valueStart
        self.valueCount = valueCount
        self.values = trie.values
        self.leftMinimum = trie.left
        self.rightMinimum = trie.right
    }

    /// The trie of a file's patterns as `init(file:)` reads them: its table (a power of two),
    /// where each pattern's values start, and the file's settings.
    private struct Trie {
        var keys: [UInt32], targets: [Int32], nodeCount: Int
        var patternAt: [(node: Int32, start: Int32, count: UInt8)]
        var values: [UInt8]
        var left: Int, right: Int
    }

    /// The patterns of `lines` of `file` (after its encoding's line) in a trie whose table has
    /// `capacity` slots (a power of two), or twice that, and so on, when more than half of them
    /// would be taken; nil for a file this reader does not take (see the type's note). Read in
    /// place without bounds checks: 11,000 patterns of the English file, 70,000 steps down the
    /// trie, before the first word is hyphenated.
    private static func trie(_ file: [UInt8], lines: ArraySlice<Range<Int>>, latin1: Bool, capacity: Int) -> Trie? {
        /// Why the reading stopped early.
        enum Stop { case refused, tooSmall }
        let mask = capacity - 1
        var keys = [UInt32](repeating: 0, count: capacity)
        var targets = [Int32](repeating: 0, count: capacity)
        var nodeCount = 1
        var left = 2, right = 2
        var patternAt: [(node: Int32, start: Int32, count: UInt8)] = []
        var values: [UInt8] = []
        var letters: [UInt8] = []
        var digits: [UInt8] = []
        var stop: Stop?
        file.withUnsafeBufferPointer { file in
        keys.withUnsafeMutableBufferPointer { keys in
        targets.withUnsafeMutableBufferPointer { targets in
            patterns: for line in lines {
                let lead = file[line.lowerBound]
                if lead == UInt8(ascii: "%") { continue }
                if lead >= 0x41 && lead <= 0x5A {
                    // A setting: LEFTHYPHENMIN 2, NEXTLEVEL, NOHYPHEN …
                    let words = String(decoding: UnsafeBufferPointer(rebasing: file[line]), as: UTF8.self).split(separator: " ")
                    switch words.first {
                    case "NEXTLEVEL":
                        stop = .refused
                        break patterns
                    case "LEFTHYPHENMIN", "RIGHTHYPHENMIN":
                        if words.count > 1, let n = Int(words[1]), n > 0 {
                            if words.first == "LEFTHYPHENMIN" { left = n } else { right = n }
                        }
                    default: break
                    }
                    continue
                }
                // Letters (as UTF-8) and the value before each letter byte and after the last;
                // a continuation byte of a character shares its character's slot, which stays 0.
                letters.removeAll(keepingCapacity: true)
                digits.removeAll(keepingCapacity: true)
                digits.append(0)
                var valued = false
                for i in line {
                    let b = file[i]
                    if b >= 0x30 && b <= 0x39 {
                        digits[digits.count - 1] = b - 0x30
                        valued = valued || b > 0x30
                    } else if b == UInt8(ascii: "/") {
                        stop = .refused   // a non-standard pattern: libhyphen's work
                        break patterns
                    } else if latin1 && b >= 0x80 {
                        letters.append(0xC0 | (b >> 6)); digits.append(0)
                        letters.append(0x80 | (b & 0x3F)); digits.append(0)
                    } else {
                        letters.append(b); digits.append(0)
                    }
                }
                guard !letters.isEmpty, letters.count < 255 else { continue }
                var node: Int32 = 0
                for b in letters {
                    let key = UInt32(node) << 8 | UInt32(b)
                    var slot = Self.hash(key) & mask
                    while keys[slot] != 0 && keys[slot] != key + 1 { slot = (slot + 1) & mask }
                    if keys[slot] == 0 {
                        // Node numbers fill 24 bits of a key: a larger trie is libhyphen's.
                        if nodeCount >= 1 << 24 - 1 {
                            stop = .refused
                            break patterns
                        }
                        if nodeCount * 2 >= capacity {
                            stop = .tooSmall
                            break patterns
                        }
                        keys[slot] = key + 1
                        targets[slot] = Int32(nodeCount)
                        nodeCount += 1
                    }
                    node = targets[slot]
                }
                if valued {
                    patternAt.append((node, Int32(values.count), UInt8(digits.count)))
                    values += digits
                }
            }
        }
        }
        }
        switch stop {
        case .refused: return nil
        case .tooSmall: return trie(file, lines: lines, latin1: latin1, capacity: capacity << 1)
        case nil: return Trie(keys: keys, targets: targets, nodeCount: nodeCount, patternAt: patternAt, values: values, left: left, right: right)
        }
    }

    private static func hash(_ key: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> 24)
    }

    /// The scalar counts after which `word` (lower case letters, UTF-8) may break: positions
    /// whose highest matching value is odd, at least the file's minimums from either end, as
    /// libhyphen gives them.
    func points(in word: String) -> [Int] {
        var word = word
        return word.withUTF8 { points(letters: $0) }
    }

    /// The same for `letters` (lower case, UTF-8) read in place: the word with its dots and the
    /// values between its bytes live on the stack.
    func points(letters: UnsafeBufferPointer<UInt8>) -> [Int] {
        let n = letters.count + 2
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { text in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n + 1) { best in
                text[0] = UInt8(ascii: ".")
                for (i, b) in letters.enumerated() { text[i + 1] = b }
                text[n - 1] = UInt8(ascii: ".")
                // `best[j]`: the highest value before byte j of `text`.
                for j in 0...n { best[j] = 0 }
                keys.withUnsafeBufferPointer { keys in
                targets.withUnsafeBufferPointer { targets in
                values.withUnsafeBufferPointer { values in
                valueCount.withUnsafeBufferPointer { valueCount in
                valueStart.withUnsafeBufferPointer { valueStart in
                    for i in 0..<n {
                        var node: UInt32 = 0
                        var j = i
                        while j < n {
                            // The child of `node` by `text[j]`, if any.
                            let key = node << 8 | UInt32(text[j])
                            var slot = Self.hash(key) & mask
                            while keys[slot] != key + 1 && keys[slot] != 0 { slot = (slot + 1) & mask }
                            if keys[slot] == 0 { break }
                            node = UInt32(targets[slot])
                            j += 1
                            let count = Int(valueCount[Int(node)])
                            if count > 0 {
                                let start = Int(valueStart[Int(node)])
                                for k in 0..<min(count, n + 1 - i) where values[start + k] > best[i + k] {
                                    best[i + k] = values[start + k]
                                }
                            }
                        }
                    }
                }
                }
                }
                }
                }
                // Between the word's scalars: byte j of `text` that starts a scalar, after the dot.
                var scalarCount = 0
                for j in 1..<(n - 1) where text[j] & 0xC0 != 0x80 { scalarCount += 1 }
                var out: [Int] = []
                var scalars = 0
                var j = 1
                let end = n - 1
                while j < end {
                    // Step over the scalar starting at j.
                    j += 1
                    while j < end && text[j] & 0xC0 == 0x80 { j += 1 }
                    scalars += 1
                    if j < end && best[j] & 1 == 1 && scalars >= leftMinimum && scalarCount - scalars >= rightMinimum {
                        out.append(scalars)
                    }
                }
                return out
            }
        }
    }
}
