import IssueModel

/// A picture an email shows: inline in the message (by `cid:`) or linked from the archive.
public struct EmailImage: Hashable, Sendable {
    public var contentID: String
    /// The file in the issue folder.
    public var path: String
    /// The path as written, relative to the week's folder (what the archive page links).
    public var source: String
    public var format: ImageRef.Format
    public var width: Int
    public var height: Int
}

/// Articles to HTML with every style inlined on its element, for mail clients that drop
/// `<style>` (Gmail in places, Outlook). Everything an article says is escaped.
struct HTMLRenderer {
    let theme: EmailTheme
    /// How pictures are referred to: `cid:` in a message, their relative path on the archive page.
    let inlineImages: Bool
    private(set) var images: [EmailImage] = []

    init(theme: EmailTheme, inlineImages: Bool) {
        self.theme = theme
        self.inlineImages = inlineImages
    }

    /// Paragraphs take their face, size and colour from the story's cell (inlined there); each
    /// carries only its margin, which keeps a long issue's HTML within Gmail's limit.
    var bodyStyle: String { "margin:0 0 12px 0;" }

    /// An article's body; `paragraphLimit` keeps only its first paragraphs (for a story
    /// shortened to stay within the size budget).
    mutating func body(of article: Article, paragraphLimit: Int? = nil) -> String {
        var out = ""
        var paragraphs = 0
        var blocks = article.body
        if let dateline = article.dateline, let first = blocks.firstIndex(where: { if case .paragraph = $0.kind { return true } else { return false } }),
           case .paragraph(let inlines) = blocks[first].kind, !inlines.isEmpty {
            if case .dateline = inlines[0] {} else { blocks[first].kind = .paragraph([.dateline(dateline), .text(" — ")] + inlines) }
        }
        let notes = blocks.filter { if case .footnoteDefinition = $0.kind { return true } else { return false } }
        for block in blocks {
            if case .footnoteDefinition = block.kind { continue }
            if let limit = paragraphLimit, paragraphs >= limit { break }
            if case .paragraph = block.kind { paragraphs += 1 }
            out += render(block, slug: article.slug)
        }
        if paragraphLimit == nil && !notes.isEmpty {
            out += "<div style=\"margin:16px 0 0 0;padding-top:8px;border-top:1px solid \(theme.rule);\">"
            for note in notes {
                guard case .footnoteDefinition(_, let number, let content) = note.kind else { continue }
                out += "<div id=\"fn-\(HTML.escape(article.slug))-\(number)\" style=\"font-family:\(theme.serif);font-size:14px;line-height:1.4;color:\(theme.muted);margin:0 0 6px 0;\">"
                out += "\(number). " + content.map { innerHTML($0, slug: article.slug) }.joined(separator: " ") + "</div>"
            }
            out += "</div>"
        }
        return out
    }

    private mutating func innerHTML(_ block: Block, slug: String) -> String {
        if case .paragraph(let inlines) = block.kind { return inline(inlines, slug: slug) }
        return render(block, slug: slug)
    }

    mutating func render(_ block: Block, slug: String) -> String {
        switch block.kind {
        case .paragraph(let inlines):
            if inlines.count == 1, case .image(let ref) = inlines[0] { return figure(ref, caption: nil, credit: nil) }
            return "<p style=\"\(bodyStyle)\">\(inline(inlines, slug: slug))</p>\n"
        case .heading(let level, let inlines):
            let size = level <= 2 ? 20 : 18
            return "<h3 style=\"margin:20px 0 8px 0;font-family:\(theme.sans);font-size:\(size)px;line-height:1.3;color:\(theme.text);\">\(inline(inlines, slug: slug))</h3>\n"
        case .list(let list):
            let tag = list.isOrdered ? "ol" : "ul"
            var start = ""
            if case .ordered(let n, _) = list.marker, n != 1 { start = " start=\"\(n)\"" }
            var out = "<\(tag)\(start) style=\"margin:0 0 12px 0;padding:0 0 0 24px;\">"
            for item in list.items {
                let box = item.task.map { $0 == .done ? "☑ " : "☐ " } ?? ""
                let inner = item.blocks.map { innerHTML($0, slug: slug) }.joined(separator: " ")
                out += "<li style=\"margin:0 0 4px 0;\">\(box)\(inner)</li>"
            }
            return out + "</\(tag)>\n"
        case .blockQuote(let blocks):
            let inner = blocks.map { render($0, slug: slug) }.joined()
            return "<blockquote style=\"margin:0 0 12px 0;padding:0 0 0 16px;border-left:3px solid \(theme.rule);font-style:italic;\">\(inner)</blockquote>\n"
        case .codeBlock(_, let code):
            return "<pre style=\"margin:0 0 12px 0;padding:8px;white-space:pre-wrap;word-wrap:break-word;font-family:\(theme.mono);font-size:14px;line-height:1.4;background:#f4f4f4;color:\(theme.text);\">\(HTML.escape(code))</pre>\n"
        case .thematicBreak:
            return "<p style=\"margin:12px 0;text-align:center;font-family:\(theme.serif);font-size:17px;color:\(theme.muted);\">*&#8195;*&#8195;*</p>\n"
        case .table(let table):
            // A wide table scrolls inside its own box on a phone rather than widen the page.
            var out = "<div style=\"overflow-x:auto;max-width:100%;margin:0 0 12px 0;\">"
                + "<table role=\"table\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"width:100%;border-collapse:collapse;font-family:\(theme.sans);font-size:13px;line-height:1.35;color:\(theme.text);\">"
            func cells(_ row: Block.Table.Row, header: Bool) -> String {
                var s = "<tr>"
                for (c, cell) in row.enumerated() {
                    let align: String
                    switch c < table.alignments.count ? table.alignments[c] : .none {
                    case .right: align = "right"
                    case .center: align = "center"
                    default: align = "left"
                    }
                    let tag = header ? "th" : "td"
                    let border = header ? "border-bottom:1px solid \(theme.text);" : "border-bottom:1px solid \(theme.rule);"
                    s += "<\(tag) style=\"padding:4px 6px;text-align:\(align);vertical-align:top;\(border)\">\(inline(cell, slug: slug))</\(tag)>"
                }
                return s + "</tr>"
            }
            out += cells(table.header, header: true)
            for row in table.rows { out += cells(row, header: false) }
            return out + "</table></div>\n"
        case .footnoteDefinition:
            return ""
        }
    }

    mutating func inline(_ inlines: [Inline], slug: String) -> String {
        var out = ""
        for i in inlines {
            switch i {
            case .text(let s): out += HTML.escape(s)
            case .emphasis(let c): out += "<em>\(inline(c, slug: slug))</em>"
            case .strong(let c): out += "<strong>\(inline(c, slug: slug))</strong>"
            case .strikethrough(let c): out += "<s>\(inline(c, slug: slug))</s>"
            case .code(let s): out += "<code style=\"font-family:\(theme.mono);font-size:0.9em;\">\(HTML.escape(s))</code>"
            case .link(let url, let title, let c):
                let content = inline(c, slug: slug)
                if let target = HTML.linkable(url) {
                    let titleAttribute = title.isEmpty ? "" : " title=\"\(HTML.escape(title))\""
                    out += "<a href=\"\(HTML.escape(target))\"\(titleAttribute) style=\"color:\(theme.accent);text-decoration:underline;\">\(content)</a>"
                } else {
                    out += content
                }
            case .image(let ref): out += figure(ref, caption: nil, credit: nil)
            case .footnoteReference(_, let n):
                out += "<sup><a href=\"#fn-\(HTML.escape(slug))-\(n)\" style=\"color:\(theme.accent);text-decoration:none;\">\(n)</a></sup>"
            case .softBreak: out += " "
            case .lineBreak: out += "<br>"
            case .dateline(let s):
                out += "<strong style=\"font-variant:small-caps;letter-spacing:0.04em;\">\(HTML.escape(s))</strong>"
            }
        }
        return out
    }

    /// A picture with `alt`, `width` and `height`, `display:block`, scaled to the column.
    mutating func figure(_ ref: ImageRef, caption: String?, credit: String?) -> String {
        guard let path = ref.path, let format = ref.format, let w = ref.pixelWidth, let h = ref.pixelHeight, w > 0 else {
            // A picture that is not a file of the issue (a web address) is described, not shown.
            return ref.alt.isEmpty ? "" : "<p style=\"\(bodyStyle)\"><em>[\(HTML.escape(ref.alt))]</em></p>\n"
        }
        let contentID: String
        if let known = images.first(where: { $0.path == path }) {
            contentID = known.contentID
        } else {
            let name = (ref.source.split(separator: "/").last.map(String.init) ?? "image").filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }
            contentID = "\(images.count + 1)-\(name)@issue"
            images.append(EmailImage(contentID: contentID, path: path, source: ref.source, format: format, width: w, height: h))
        }
        let width = theme.width - 40
        let height = Int((Double(width) * Double(h) / Double(w)).rounded())
        let src = inlineImages ? "cid:\(contentID)" : HTML.escape(ref.source)
        var out = "<img src=\"\(src)\" alt=\"\(HTML.escape(ref.alt))\" width=\"\(width)\" height=\"\(height)\" "
            + "style=\"display:block;width:100%;max-width:\(width)px;height:auto;border:0;margin:0 0 6px 0;\">\n"
        if let caption {
            out += "<p style=\"margin:0 0 4px 0;font-family:\(theme.sans);font-size:13px;line-height:1.4;color:\(theme.muted);\">\(HTML.escape(caption))"
            if let credit { out += " <span style=\"color:\(theme.muted);\">\(HTML.escape(credit))</span>" }
            out += "</p>\n"
        }
        return out + "<div style=\"height:10px;line-height:10px;font-size:1px;\">&nbsp;</div>\n"
    }
}
