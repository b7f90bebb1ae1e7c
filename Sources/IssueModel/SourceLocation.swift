/// A place in a user's file: what every diagnostic and every block points at.
///
/// `line` and `column` count from 1, like a compiler's; `column` counts Unicode scalars for YAML
/// (what libyaml reports) and bytes for Markdown (what cmark reports), which agree on ASCII text.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file as it should be shown to the user (relative to the working folder when inside it).
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int = 1, column: Int = 1) {
        self.file = file
        self.line = max(1, line)
        self.column = max(1, column)
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}
