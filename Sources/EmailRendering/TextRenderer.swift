import IssueModel

/// Articles as plain text that reads well on its own: wrapped at 72 characters, headlines
/// underlined, lists kept, links as numbered references listed at the end of each story.
struct TextRenderer {
    static let width = 72
    private var links: [String] = []

    mutating func story(_ article: Article) -> String {
        links = []
        var out = ""
        if let kicker = article.kicker { out += kicker.uppercased() + "\n" }
        let title = Self.wrap(article.title, width: Self.width)
        out += title + "\n" + String(repeating: "=", count: min(Self.width, title.split(separator: "\n").map(\.count).max() ?? 0)) + "\n\n"
        if let deck = article.deck { out += Self.wrap(deck, width: Self.width) + "\n\n" }
        if let byline = article.byline { out += byline + "\n\n" }
        if let image = article.image, !image.alt.isEmpty || article.caption != nil {
            out += Self.wrap("[Picture: \(article.caption ?? image.alt)\(article.credit.map { " (\($0))" } ?? "")]", width: Self.width) + "\n\n"
        }
        var blocks = article.body
        if let dateline = article.dateline, let first = blocks.firstIndex(where: { if case .paragraph = $0.kind { return true } else { return false } }),
           case .paragraph(let inlines) = blocks[first].kind, !inlines.isEmpty {
            if case .dateline = inlines[0] {} else { blocks[first].kind = .paragraph([.dateline(dateline), .text(" — ")] + inlines) }
        }
        for block in blocks {
            out += render(block, indent: "") + "\n"
        }
        if !links.isEmpty {
            for (i, url) in links.enumerated() { out += "[\(i + 1)] \(url)\n" }
            out += "\n"
        }
        return out
    }

    private mutating func render(_ block: Block, indent: String) -> String {
        switch block.kind {
        case .paragraph(let inlines):
            return Self.wrap(inline(inlines), width: Self.width - indent.count, prefix: indent) + "\n"
        case .heading(_, let inlines):
            let text = inline(inlines)
            return indent + text + "\n" + indent + String(repeating: "-", count: min(Self.width, text.count)) + "\n"
        case .list(let list):
            var out = ""
            for (i, item) in list.items.enumerated() {
                var marker: String
                switch list.marker {
                case .bullet: marker = "- "
                case .ordered(let start, let d): marker = "\(start + i)\(d.rawValue) "
                }
                if let task = item.task { marker += task == .done ? "[x] " : "[ ] " }
                let hang = String(repeating: " ", count: marker.count)
                var first = true
                for child in item.blocks {
                    let rendered = render(child, indent: indent + hang)
                    if first {
                        out += indent + marker + rendered.dropFirst(indent.count + hang.count)
                        first = false
                    } else {
                        out += rendered
                    }
                }
            }
            return out
        case .blockQuote(let blocks):
            return blocks.map { render($0, indent: indent + "> ") }.joined(separator: indent + ">\n")
        case .codeBlock(_, let code):
            return code.split(separator: "\n", omittingEmptySubsequences: false).map { indent + "    " + $0 }.joined(separator: "\n") + "\n"
        case .thematicBreak:
            return String(repeating: " ", count: Self.width / 2 - 3) + "*  *  *\n"
        case .table(let table):
            return ([table.header] + table.rows).map { row in
                Self.wrap(row.map { inline($0) }.joined(separator: " | "), width: Self.width - indent.count, prefix: indent)
            }.joined(separator: "\n") + "\n"
        case .footnoteDefinition(_, let number, let content):
            let text = content.map { render($0, indent: "") }.joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines)
            return Self.wrap("[^\(number)] " + text, width: Self.width - indent.count, prefix: indent) + "\n"
        }
    }

    private mutating func inline(_ inlines: [Inline]) -> String {
        var out = ""
        for i in inlines {
            switch i {
            case .text(let s), .code(let s): out += s
            case .emphasis(let c): out += "_" + inline(c) + "_"
            case .strong(let c): out += "*" + inline(c) + "*"
            case .strikethrough(let c): out += inline(c)
            case .link(let url, _, let c):
                let text = inline(c)
                if text == url || "mailto:" + text == url {
                    out += text
                } else {
                    links.append(url)
                    out += "\(text) [\(links.count)]"
                }
            case .image(let ref): out += ref.alt.isEmpty ? "" : "[Picture: \(ref.alt)]"
            case .footnoteReference(_, let n): out += "[^\(n)]"
            case .softBreak: out += " "
            case .lineBreak: out += "\n"
            case .dateline(let s): out += s.uppercased()
            }
        }
        return out
    }

    /// Greedy wrapping at `width` characters; words longer than a line (addresses) stand
    /// alone, unbroken; forced line breaks are kept.
    static func wrap(_ text: String, width: Int, prefix: String = "") -> String {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if line.isEmpty {
                    line = String(word)
                } else if line.count + 1 + word.count <= width {
                    line += " " + word
                } else {
                    lines.append(prefix + line)
                    line = String(word)
                }
            }
            lines.append(prefix + line)
        }
        return lines.joined(separator: "\n")
    }
}
