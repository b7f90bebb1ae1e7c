/// The figures the typesetting is judged by, over any set of lines.
public struct LineStatistics: Sendable, CustomStringConvertible {
    public var lines = 0
    /// Lines whose word spaces are stretched, which the looseness shares are taken of: every
    /// justified line but the last of its paragraph.
    public var justifiedLines = 0
    public var over150 = 0
    public var over200 = 0
    public var hyphenated = 0
    /// The longest run of consecutive lines ending in a hyphen.
    public var longestHyphenRun = 0
    /// Runs of three or more hyphenated lines.
    public var hyphenRunsOfThree = 0
    public var overfull = 0

    public init() {}

    /// Adds one paragraph's lines (hyphen runs do not continue across paragraphs).
    public mutating func add(_ paragraph: [SetLine]) {
        var run = 0
        for line in paragraph {
            lines += 1
            if let ratio = line.wordSpaceRatio {
                justifiedLines += 1
                if ratio > 1.5 + 1e-9 { over150 += 1 }
                if ratio > 2.0 + 1e-9 { over200 += 1 }
            }
            if line.isOverfull { overfull += 1 }
            if line.isHyphenated {
                hyphenated += 1
                run += 1
                longestHyphenRun = max(longestHyphenRun, run)
                if run == 3 { hyphenRunsOfThree += 1 }
            } else {
                run = 0
            }
        }
    }

    public var share150: Double { justifiedLines == 0 ? 0 : Double(over150) / Double(justifiedLines) }
    public var share200: Double { justifiedLines == 0 ? 0 : Double(over200) / Double(justifiedLines) }

    public var description: String {
        func pct(_ x: Double) -> String { String(Double(Int(x * 1000)) / 10) + " %" }
        return "\(lines) lines (\(justifiedLines) justified), spaces over 150 %: \(over150) (\(pct(share150))), "
            + "over 200 %: \(over200) (\(pct(share200))), hyphenated: \(hyphenated), longest hyphen run: \(longestHyphenRun), "
            + "runs of 3+: \(hyphenRunsOfThree), overfull: \(overfull)"
    }
}
