/// A block of an article's body: CommonMark's blocks and GFM's tables and footnotes.
public struct Block: Hashable, Sendable {
    public var kind: Kind
    /// Where the block starts in the article's file (front matter counted).
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    public indirect enum Kind: Hashable, Sendable {
        case paragraph([Inline])
        /// A subhead; `level` as written (2 for `##`), 1 to 6.
        case heading(level: Int, content: [Inline])
        case list(List)
        case blockQuote([Block])
        /// `info` is the fence's info string (often a language name), empty for indented code.
        case codeBlock(info: String, code: String)
        /// `* * *`: between dispatches of one story, set as a centred ornament.
        case thematicBreak
        case table(Table)
        /// The text of a footnote. Assembly moves every definition to the end of its article, in
        /// the order of first reference (unreferenced ones last), numbered like their references.
        case footnoteDefinition(label: String, number: Int, content: [Block])
    }

    public struct List: Hashable, Sendable {
        public enum Marker: Hashable, Sendable {
            case bullet
            /// `1.` or `1)`, starting at `start`.
            case ordered(start: Int, delimiter: Delimiter)
        }
        public enum Delimiter: String, Hashable, Sendable { case period = ".", parenthesis = ")" }

        public var marker: Marker
        /// A tight list has no blank lines between items: set without space between them.
        public var isTight: Bool
        public var items: [ListItem]

        public init(marker: Marker, isTight: Bool, items: [ListItem]) {
            self.marker = marker
            self.isTight = isTight
            self.items = items
        }

        public var isOrdered: Bool { if case .ordered = marker { return true } else { return false } }
    }

    public struct ListItem: Hashable, Sendable {
        public enum Task: Hashable, Sendable { case open, done }
        /// `- [ ]` and `- [x]` items of a GFM task list; nil for an ordinary item.
        public var task: Task?
        public var blocks: [Block]
        public var location: SourceLocation

        public init(task: Task? = nil, blocks: [Block], location: SourceLocation) {
            self.task = task
            self.blocks = blocks
            self.location = location
        }
    }

    public struct Table: Hashable, Sendable {
        public enum Alignment: Hashable, Sendable { case none, left, center, right }
        public typealias Row = [[Inline]]

        /// One per column.
        public var alignments: [Alignment]
        public var header: Row
        public var rows: [Row]

        public init(alignments: [Alignment], header: Row, rows: [Row]) {
            self.alignments = alignments
            self.header = header
            self.rows = rows
        }

        public var columnCount: Int { alignments.count }
    }
}

extension Block {
    /// The block's text as a reader sees it, blocks separated by newlines.
    public var plainText: String {
        switch kind {
        case .paragraph(let c), .heading(_, let c): return c.plainText
        case .list(let l): return l.items.map { $0.blocks.plainText }.joined(separator: "\n")
        case .blockQuote(let b), .footnoteDefinition(_, _, let b): return b.plainText
        case .codeBlock(_, let code): return code
        case .thematicBreak: return ""
        case .table(let t):
            return ([t.header] + t.rows).map { $0.map(\.plainText).joined(separator: "\t") }
                .joined(separator: "\n")
        }
    }

    /// Every inline of this block and the blocks inside it, in reading order (not descending
    /// into inlines: a link's content is reached through the link).
    public func forEachInline(_ body: (Inline) -> Void) {
        switch kind {
        case .paragraph(let c), .heading(_, let c): c.forEach(body)
        case .list(let l): for item in l.items { for b in item.blocks { b.forEachInline(body) } }
        case .blockQuote(let bs), .footnoteDefinition(_, _, let bs): for b in bs { b.forEachInline(body) }
        case .table(let t): for row in [t.header] + t.rows { for cell in row { cell.forEach(body) } }
        case .codeBlock, .thematicBreak: break
        }
    }
}

extension Array where Element == Block {
    public var plainText: String { map(\.plainText).filter { !$0.isEmpty }.joined(separator: "\n") }
}
