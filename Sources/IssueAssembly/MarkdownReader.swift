import CCmarkGFM
import Foundation
import IssueModel

/// Markdown to model blocks, through cmark-gfm.
///
/// Every node type cmark-gfm produces maps to the model; none is dropped without a diagnostic.
/// Raw HTML is the one thing that never passes: its text is kept as plain text, its tags are
/// dropped, and each occurrence is a warning at its line.
public enum MarkdownReader {
    /// Reads a Markdown text on its own, with no issue folder: paths in it are not checked.
    /// `firstLine` is the line of the file the text starts on, so locations match the file.
    public static func read(_ markdown: String, file: String, firstLine: Int = 1)
        -> (blocks: [Block], diagnostics: [Diagnostic]) {
        var converter = MarkdownConverter(source: markdown, file: file, firstLine: firstLine, paths: nil)
        let blocks = converter.convert()
        return (blocks, converter.diagnostics)
    }
}

/// The conversion of one article body.
struct MarkdownConverter {
    let source: String
    let file: String
    let lineOffset: Int
    let paths: IssuePaths?
    private(set) var diagnostics: [Diagnostic] = []
    private var depth = 0
    /// Inline HTML tags of the block being converted, reported together when it is done.
    private var inlineHTMLTags: [(tag: String, location: SourceLocation)] = []
    /// Footnote labels by number - 1.
    private var footnoteLabels: [String] = []
    /// The source's lines as UTF-8, for what cmark does not keep (footnote labels): split only
    /// when the article has footnotes.
    private var lines: [Substring.UTF8View] = []

    /// Blocks and inlines nested deeper than this are flattened to plain text with a warning:
    /// no real article nests 32 quotes, and a hostile one must not exhaust the stack.
    static let maximumDepth = 32

    init(source: String, file: String, firstLine: Int, paths: IssuePaths?) {
        self.source = source
        self.file = file
        self.lineOffset = firstLine - 1
        self.paths = paths
    }

    mutating func convert() -> [Block] {
        let tree = CMarkTree(parsing: source)
        let root = CMarkNode(pointer: tree.root)
        // cmark-gfm keeps a reference's number but not its label, and its columns for inlines
        // after the first line of a paragraph are unreliable. Definitions start their own line
        // and sit at the end in reference order: the Nth one's label is reference N's label.
        let definitions = root.children.filter { $0.type == CMARK_NODE_FOOTNOTE_DEFINITION }
        if !definitions.isEmpty {
            // By byte: splitting the String would scan it for grapheme clusters (line endings
            // are already "\n" here, as SourceText reads them).
            lines = source.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        }
        footnoteLabels = definitions.map { footnoteDefinitionLabel(line: $0.startLine) ?? "" }
        var blocks = convertBlocks(root.children, parentLocation: location(line: 1, column: 1))
        // cmark-gfm has already moved the referenced footnote definitions to the end, in order of
        // first reference. Number them to match their references.
        var number = 0
        for i in blocks.indices {
            if case .footnoteDefinition(let label, _, let content) = blocks[i].kind {
                number += 1
                blocks[i].kind = .footnoteDefinition(label: label, number: number, content: content)
            }
        }
        warnAboutUnreferencedFootnotes(defined: blocks)
        return withExtendedLifetime(tree) { blocks }
    }

    // MARK: Locations

    private func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line + lineOffset, column: column)
    }

    private func location(of node: CMarkNode, or fallback: SourceLocation) -> SourceLocation {
        node.startLine > 0 ? location(line: node.startLine, column: max(1, node.startColumn)) : fallback
    }

    private mutating func warn(_ message: String, at loc: SourceLocation, hint: String? = nil) {
        diagnostics.append(.warning(message, at: loc, hint: hint))
    }

    // MARK: Blocks

    private mutating func convertBlocks(_ nodes: [CMarkNode], parentLocation: SourceLocation) -> [Block] {
        var out: [Block] = []
        for node in nodes { out += convertBlock(node, parentLocation: parentLocation) }
        return out
    }

    private mutating func convertBlock(_ node: CMarkNode, parentLocation: SourceLocation) -> [Block] {
        let blocks = convertBlockContent(node, parentLocation: parentLocation)
        // One warning per block for the inline HTML tags in it, not one per tag.
        if let first = inlineHTMLTags.first {
            let tags = inlineHTMLTags.prefix(3).map { "'\(YAMLFields.clip($0.tag))'" }.joined(separator: ", ")
                + (inlineHTMLTags.count > 3 ? " and \(inlineHTMLTags.count - 3) more" : "")
            warn("raw HTML is not allowed: \(tags) dropped, the text between kept", at: first.location,
                 hint: "write Markdown instead of HTML: *italic*, **bold**, [link](https://…)")
            inlineHTMLTags = []
        }
        return blocks
    }

    private mutating func convertBlockContent(_ node: CMarkNode, parentLocation: SourceLocation) -> [Block] {
        let loc = location(of: node, or: parentLocation)
        if let text = flattenedIfTooDeep(node, at: loc) {
            return text.isEmpty ? [] : [Block(.paragraph([.text(text)]), at: loc)]
        }
        depth += 1
        defer { depth -= 1 }

        switch node.type {
        case CMARK_NODE_PARAGRAPH:
            let content = Self.recogniseDateline(convertInlines(node.children, parentLocation: loc))
            return content.isEmpty ? [] : [Block(.paragraph(content), at: loc)]
        case CMARK_NODE_HEADING:
            return [Block(.heading(level: node.headingLevel, content: convertInlines(node.children, parentLocation: loc)), at: loc)]
        case CMARK_NODE_BLOCK_QUOTE:
            return [Block(.blockQuote(convertBlocks(node.children, parentLocation: loc)), at: loc)]
        case CMARK_NODE_LIST:
            return [Block(.list(convertList(node, loc)), at: loc)]
        case CMARK_NODE_CODE_BLOCK:
            var code = node.literal
            if code.hasSuffix("\n") { code.removeLast() }
            return [Block(.codeBlock(info: node.fenceInfo.trimmingWhitespace(), code: code), at: loc)]
        case CMARK_NODE_THEMATIC_BREAK:
            return [Block(.thematicBreak, at: loc)]
        case CMARK_NODE_HTML_BLOCK:
            let text = RawHTML.text(of: node.literal)
            if text.isEmpty {
                warn("raw HTML is not allowed; it is dropped", at: loc, hint: "write Markdown instead of HTML")
                return []
            }
            warn("raw HTML is not allowed; its tags are dropped and its text kept as plain text", at: loc,
                 hint: "write Markdown instead of HTML")
            return [Block(.paragraph([.text(text)]), at: loc)]
        case CMARK_NODE_FOOTNOTE_DEFINITION:
            let label = footnoteDefinitionLabel(line: node.startLine) ?? ""
            return [Block(.footnoteDefinition(label: label, number: 0,
                                              content: convertBlocks(node.children, parentLocation: loc)), at: loc)]
        case CMARK_NODE_ITEM:
            // An item outside a list does not occur in a parsed tree; keep its blocks if it ever does.
            return convertBlocks(node.children, parentLocation: loc)
        case CMARK_NODE_CUSTOM_BLOCK:
            warn("a custom Markdown block is set as its contents", at: loc)
            return convertBlocks(node.children, parentLocation: loc)
        default:
            if node.typeName == "table" { return [Block(.table(convertTable(node, loc)), at: loc)] }
            // A node of an extension we do not know: keep its text, and say so.
            warn("unsupported Markdown element '\(node.typeName)'; its text is kept as a paragraph", at: loc)
            let text = plainText(of: node)
            return text.isEmpty ? [] : [Block(.paragraph([.text(text)]), at: loc)]
        }
    }

    private mutating func convertList(_ node: CMarkNode, _ loc: SourceLocation) -> Block.List {
        let marker: Block.List.Marker
        if node.listType == CMARK_ORDERED_LIST {
            marker = .ordered(start: node.listStart, delimiter: node.listDelimiter == CMARK_PAREN_DELIM ? .parenthesis : .period)
        } else {
            marker = .bullet
        }
        let items = node.children.map { item -> Block.ListItem in
            let itemLoc = location(of: item, or: loc)
            let task: Block.ListItem.Task? = item.typeName == "tasklist" ? (item.isTaskChecked ? .done : .open) : nil
            return Block.ListItem(task: task, blocks: convertBlocks(item.children, parentLocation: itemLoc), location: itemLoc)
        }
        return Block.List(marker: marker, isTight: node.listIsTight, items: items)
    }

    private mutating func convertTable(_ node: CMarkNode, _ loc: SourceLocation) -> Block.Table {
        let alignments: [Block.Table.Alignment] = node.tableAlignments.map {
            switch $0 {
            case UInt8(ascii: "l"): return .left
            case UInt8(ascii: "c"): return .center
            case UInt8(ascii: "r"): return .right
            default: return .none
            }
        }
        var header: Block.Table.Row = []
        var rows: [Block.Table.Row] = []
        for row in node.children {
            let rowLoc = location(of: row, or: loc)
            var cells = row.children.map { convertInlines($0.children, parentLocation: rowLoc) }
            // Rows shorter than the header are padded, longer ones cut by cmark already.
            while cells.count < alignments.count { cells.append([]) }
            if row.isTableHeaderRow || row.typeName == "table_header" { header = cells } else { rows.append(cells) }
        }
        return Block.Table(alignments: alignments, header: header, rows: rows)
    }

    // MARK: Inlines

    private mutating func convertInlines(_ nodes: [CMarkNode], parentLocation: SourceLocation) -> [Inline] {
        var out: [Inline] = []
        for node in nodes {
            for inline in convertInline(node, parentLocation: parentLocation) {
                // cmark splits text at every smart quote and entity: join the pieces again.
                if case .text(let t) = inline, case .text(let previous)? = out.last {
                    out[out.count - 1] = .text(previous + t)
                } else {
                    out.append(inline)
                }
            }
        }
        return out
    }

    private mutating func convertInline(_ node: CMarkNode, parentLocation: SourceLocation) -> [Inline] {
        let loc = location(of: node, or: parentLocation)
        if let text = flattenedIfTooDeep(node, at: loc) {
            return text.isEmpty ? [] : [.text(text)]
        }
        depth += 1
        defer { depth -= 1 }

        switch node.type {
        case CMARK_NODE_TEXT: return [.text(node.literal)]
        case CMARK_NODE_SOFTBREAK: return [.softBreak]
        case CMARK_NODE_LINEBREAK: return [.lineBreak]
        case CMARK_NODE_CODE: return [.code(node.literal)]
        case CMARK_NODE_EMPH: return [.emphasis(convertInlines(node.children, parentLocation: loc))]
        case CMARK_NODE_STRONG: return [.strong(convertInlines(node.children, parentLocation: loc))]
        case CMARK_NODE_LINK: return convertLink(node, loc)
        case CMARK_NODE_IMAGE: return [.image(convertImage(node, loc))]
        case CMARK_NODE_FOOTNOTE_REFERENCE:
            let number = Int(node.literal) ?? 0
            let label = footnoteLabels.indices.contains(number - 1) ? footnoteLabels[number - 1] : String(number)
            return [.footnoteReference(label: label, number: number)]
        case CMARK_NODE_HTML_INLINE:
            inlineHTMLTags.append((node.literal, loc))
            let text = RawHTML.text(of: node.literal)
            return text.isEmpty ? [] : [.text(text)]
        case CMARK_NODE_CUSTOM_INLINE:
            warn("a custom Markdown inline is set as its contents", at: loc)
            return convertInlines(node.children, parentLocation: loc)
        default:
            if node.typeName == "strikethrough" {
                return [.strikethrough(convertInlines(node.children, parentLocation: loc))]
            }
            warn("unsupported Markdown element '\(node.typeName)'; its text is kept", at: loc)
            let text = plainText(of: node)
            return text.isEmpty ? [] : [.text(text)]
        }
    }

    private mutating func convertLink(_ node: CMarkNode, _ loc: SourceLocation) -> [Inline] {
        let content = convertInlines(node.children, parentLocation: loc)
        let url = node.url
        let scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        if IssuePaths.hasScheme(url), ["javascript", "vbscript", "data", "file"].contains(scheme) {
            warn("a '\(scheme):' link is not allowed; the link is removed and its text kept", at: loc)
            return content
        }
        if let paths, !url.isEmpty, !url.hasPrefix("#") {
            switch paths.resolve(url) {
            case .file, .url: break
            case .missing(let shown):
                diagnostics.append(.error("the link names '\(url)', which does not exist (\(shown))", at: loc,
                                          hint: "paths are relative to the week's folder; write a full https:// address for a web page"))
            case .outside:
                diagnostics.append(.error("the link names '\(url)', a path outside the issue folder", at: loc,
                                          hint: "files an article names must be inside the week's folder"))
            case .invalid(let why):
                diagnostics.append(.error("the link names '\(YAMLFields.clip(url))': \(why)", at: loc))
            }
        }
        return [.link(url: url, title: node.title, content: content)]
    }

    private mutating func convertImage(_ node: CMarkNode, _ loc: SourceLocation) -> ImageRef {
        let alt = convertInlines(node.children, parentLocation: loc).plainText
        var ref = ImageRef(source: node.url, alt: alt, title: node.title)
        if let paths {
            var local: [Diagnostic] = []
            ref = ImageChecker.check(ref, paths: paths, at: loc, into: &local)
            diagnostics += local
        }
        if alt.isEmpty {
            warn("the image '\(YAMLFields.clip(node.url))' has no description", at: loc,
                 hint: "write one between the brackets, ![like this](\(node.url)): readers who cannot see it read it")
        }
        return ref
    }

    /// `**NEWARK, NJ, FEBRUARY 1** — The…`: a bold opening followed by an em or en dash is the
    /// dispatch's dateline.
    static func recogniseDateline(_ inlines: [Inline]) -> [Inline] {
        guard inlines.count >= 2, case .strong(let lead) = inlines[0], case .text(let after) = inlines[1] else { return inlines }
        let dateline = lead.plainText.trimmingWhitespace()
        let rest = after.drop(while: { $0 == " " || $0 == "\u{00A0}" })
        guard !dateline.isEmpty, dateline.count <= 80, rest.first == "—" || rest.first == "–",
              lead.allSatisfy({ if case .text = $0 { return true } else { return false } }) else { return inlines }
        return [.dateline(dateline)] + inlines.dropFirst()
    }

    // MARK: Text of nodes cmark keeps elsewhere

    /// At the nesting limit, the node's text (with a warning) instead of its structure.
    private mutating func flattenedIfTooDeep(_ node: CMarkNode, at loc: SourceLocation) -> String? {
        guard depth >= Self.maximumDepth else { return nil }
        warn("Markdown nested more than \(Self.maximumDepth) levels deep; the inner levels are set as plain text", at: loc)
        return plainText(of: node)
    }

    /// All the literal text under a node, for elements set as plain text.
    private func plainText(of node: CMarkNode) -> String {
        var out = ""
        var stack = [node]
        var visited = 0
        while let n = stack.popLast(), visited < 1_000_000 {
            visited += 1
            let literal = n.type == CMARK_NODE_HTML_BLOCK || n.type == CMARK_NODE_HTML_INLINE ? RawHTML.text(of: n.literal) : n.literal
            if !literal.isEmpty { out += (out.isEmpty ? "" : " ") + literal }
            stack += n.children.reversed()
        }
        return out.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The label of the footnote definition that starts on `line`.
    private func footnoteDefinitionLabel(line: Int) -> String? {
        guard line >= 1, line <= lines.count else { return nil }
        let bytes = Array(lines[line - 1])
        guard let open = bytes.firstIndex(of: UInt8(ascii: "[")) else { return nil }
        return Self.bracketLabel(bytes[open...])
    }

    /// `[^label]` at the start of `bytes` → `label`.
    private static func bracketLabel(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.starts(with: Array("[^".utf8)),
              let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return nil }
        return String(decoding: bytes[(bytes.startIndex + 2)..<close], as: UTF8.self)
    }

    /// cmark-gfm leaves out footnote definitions nothing refers to: say so, rather than lose
    /// their words without a word.
    private mutating func warnAboutUnreferencedFootnotes(defined blocks: [Block]) {
        let used = Set(blocks.compactMap { b -> String? in
            if case .footnoteDefinition(let label, _, _) = b.kind { return label.lowercased() } else { return nil }
        })
        var fenced = false
        for (index, line) in lines.enumerated() {
            // Only a line that starts (after its spaces) with a fence or "[^" is read as text:
            // the bytes tell, without making a string of every paragraph.
            guard let first = line.first(where: { $0 != UInt8(ascii: " ") }),
                  first == UInt8(ascii: "[") || first == UInt8(ascii: "`") || first == UInt8(ascii: "~") else { continue }
            let text = String(Substring(line))
            let trimmed = text.drop(while: { $0 == " " })
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { fenced.toggle() }
            guard !fenced, text.count - trimmed.count <= 3, trimmed.hasPrefix("[^"),
                  let close = trimmed.firstIndex(of: "]"),
                  trimmed[trimmed.index(after: close)...].hasPrefix(":") else { continue }
            let label = String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<close])
            if !label.isEmpty, !used.contains(label.lowercased()) {
                warn("the footnote [^\(label)] is never referred to; it is left out", at: location(line: index + 1, column: 1),
                     hint: "refer to it in the text with [^\(label)], or delete it")
            }
        }
    }
}
