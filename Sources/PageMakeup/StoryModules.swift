import IssueModel
import Typesetting

/// Sets an article as a story: headline block over `columns` columns, body in column measure.
public struct StoryComposer {
    var setting: TextSetting
    public var layout: Layout { setting.layout }
    /// A head's parts by text, part, width and size: the kicker, deck and byline are the same
    /// whatever the headline's size, and a headline the same at every compact level that gives
    /// it the same size, so each is set once for every plan that tries the head.
    private var headParts: [HeadPart: SetParagraph] = [:]
    private struct HeadPart: Hashable {
        var text: String
        var part: Layout.StyleName
        var measure: Double
        var size: Double
        var language: String
    }

    public init(layout: Layout, typesetter: Typesetter) {
        setting = TextSetting(layout: layout, typesetter: typesetter)
    }

    /// Characters no bundled face has, and text of overfull lines, met while composing.
    public var missingCharacters: [Character] { setting.missing }
    public var overfullLines: [String] { setting.overfull }

    /// A composer for another thread, with a typesetter of its own (`Typesetter.sibling`).
    func sibling() throws(FontError) -> StoryComposer {
        try siblingMaker()()
    }

    /// What makes a sibling on another thread (see `Typesetter.siblingMaker`).
    func siblingMaker() -> @Sendable () throws(FontError) -> StoryComposer {
        nonisolated(unsafe) let layout = self.layout
        let make = setting.typesetter.siblingMaker()
        return { () throws(FontError) -> StoryComposer in StoryComposer(layout: layout, typesetter: try make()) }
    }

    /// Takes in the characters and overfull lines another composer met.
    mutating func absorb(missing: [Character], overfull: [String]) {
        setting.absorb(missing: missing, overfull: overfull)
    }

    /// Forgets what was met after the first `missing` characters and `overfull` lines.
    mutating func rewind(missing: Int, overfull: Int) {
        setting.rewind(missing: missing, overfull: overfull)
    }

    /// The body in column measure, the pull quote set between its paragraphs.
    public mutating func composeBlocks(_ article: Article) throws(FontError) -> [FlowBlock] {
        var blocks = try composeBody(article, measure: layout.columnWidth)
        if let quote = article.pullquote, !quote.isEmpty {
            let block = try pullQuote(quote, language: article.language, measure: layout.columnWidth)
            let paragraphs = blocks.indices.filter { blocks[$0].splittable && blocks[$0].units.count > 1 }
            let at = paragraphs.count > 3 ? paragraphs[min(3, paragraphs.count / 2)] : blocks.count
            blocks.insert(block, at: at)
        }
        return blocks
    }

    /// A jump head: the headline, smaller, over `width` (its "Continued from" line is added
    /// where the page number is known).
    mutating func composeJumpHead(_ article: Article, width: Double) throws(FontError) -> ([DisplayItem], Double) {
        var items: [DisplayItem] = []
        let headline = layout.style(.headline)
        let size = headline.size(spanning: 1) * 0.8
        let leading = headline.leading * size / headline.size
        var y = 0.0
        for line in try setting.set([.text(article.title)], style: headline, measure: width, language: article.language, size: size).lines {
            y += leading
            items += TextSetting.items(line, at: Point(x: 0, y: y - leading * 0.22))
        }
        return (items, y)
    }

    /// Plain text set in a style, line under line from the top: box contents, jump lines.
    mutating func lines(_ text: String, style: Layout.Style, width: Double, language: String) throws(FontError) -> [SetLine] {
        try setting.set([.text(text)], style: style, measure: width, language: language).lines
    }

    // MARK: Headline block

    /// Kicker, headline (its size by the columns it spans), deck, byline, stacked at their
    /// leadings; the height is rounded up to whole grid lines so the body stays on the grid.
    mutating func composeHead(_ article: Article, width: Double, columns: Int) throws(FontError) -> ([DisplayItem], Double) {
        var items: [DisplayItem] = []
        var y = 0.0
        func stack(_ set: SetParagraph, leading: Double, after: Double) {
            for line in set.lines {
                y += leading
                items += TextSetting.items(line, at: Point(x: 0, y: y - leading * 0.22))
            }
            y += after
        }
        let language = article.language
        func part(_ text: String, _ name: Layout.StyleName, size: Double? = nil) throws(FontError) -> SetParagraph {
            let key = HeadPart(text: text, part: name, measure: width, size: size ?? 0, language: language)
            if let known = headParts[key] { return known }
            let set = try setting.set([.text(text)], style: layout.style(name), measure: width, language: language, size: size)
            headParts[key] = set
            return set
        }
        if let kicker = article.kicker {
            let style = layout.style(.kicker)
            stack(try part(kicker, .kicker), leading: style.leading, after: 0)
        }
        let headline = layout.style(.headline)
        // No columns: the smallest a headline gets, for one too long for any other size.
        let size = columns < 1 ? layout.style(.body).size * 1.25 : headline.size(spanning: columns)
        let leading = headline.leading * size / headline.size
        stack(try part(article.title, .headline, size: size), leading: leading, after: headline.spaceAfter)
        if let deck = article.deck {
            let style = layout.style(.deck)
            stack(try part(deck, .deck), leading: style.leading, after: style.spaceAfter)
        }
        if let byline = article.byline {
            let style = layout.style(.byline)
            stack(try part(byline, .byline), leading: style.leading, after: style.spaceAfter)
        }
        let height = (y / layout.baseline).rounded(.up) * layout.baseline
        return (items, height)
    }

    // MARK: Picture

    /// The front-matter image scaled to `width`, its caption and credit under it.
    mutating func composePicture(_ article: Article, width: Double) throws(FontError) -> ([DisplayItem], Double) {
        guard let image = article.image, let path = image.path, let format = image.format,
              let pw = image.pixelWidth, let ph = image.pixelHeight, pw > 0, ph > 0 else { return ([], 0) }
        let height = width * Double(ph) / Double(pw)
        var items: [DisplayItem] = [.image(PageImage(path: path, format: format, pixelWidth: pw, pixelHeight: ph),
                                           Rect(x: 0, y: 0, width: width, height: height))]
        var y = height + 2
        if let credit = article.credit {
            let style = layout.style(.credit)
            for line in try setting.set([.text(credit)], style: style, measure: width, language: article.language).lines {
                y += style.leading
                items += TextSetting.items(line, at: Point(x: 0, y: y - style.leading * 0.25))
            }
        }
        if let caption = article.caption {
            let style = layout.style(.caption)
            y += 2
            for line in try setting.set([.text(caption)], style: style, measure: width, language: article.language).lines {
                y += style.leading
                items += TextSetting.items(line, at: Point(x: 0, y: y - style.leading * 0.25))
            }
        }
        return (items, ((y + layout.baseline * 0.5) / layout.baseline).rounded(.up) * layout.baseline)
    }

    // MARK: Body

    mutating func composeBody(_ article: Article, measure: Double) throws(FontError) -> [FlowBlock] {
        var blocks: [FlowBlock] = []
        var indentNext = false
        var body = article.body
        // A story-level dateline opens the first paragraph, as a dispatch's does.
        if let dateline = article.dateline, let first = body.firstIndex(where: { if case .paragraph = $0.kind { return true } else { return false } }),
           case .paragraph(let inlines) = body[first].kind, !Self.opensWithDateline(inlines) {
            body[first].kind = .paragraph([.dateline(dateline), .text(" — ")] + inlines)
        }
        var footnotes: [Block] = []
        for block in body {
            if case .footnoteDefinition = block.kind {
                footnotes.append(block)
                continue
            }
            blocks += try compose(block, language: article.language, measure: measure, x: 0, indentFirst: indentNext, depth: 0)
            switch block.kind {
            case .paragraph: indentNext = true
            default: indentNext = false
            }
        }
        if let notes = try footnoteBlock(footnotes, language: article.language, measure: measure) { blocks.append(notes) }
        return blocks
    }

    static func opensWithDateline(_ inlines: [Inline]) -> Bool {
        if case .dateline? = inlines.first { return true } else { return false }
    }

    private mutating func compose(_ block: Block, language: String, measure: Double, x: Double,
                                  indentFirst: Bool, depth: Int, style: Layout.Style? = nil) throws(FontError) -> [FlowBlock] {
        let body = style ?? layout.style(.body)
        switch block.kind {
        case .paragraph(let inlines):
            if inlines.count == 1, case .image(let ref) = inlines[0] { return try bodyPicture(ref, measure: measure, x: x) }
            let set = try setting.set(inlines, style: body, measure: measure, language: language, indent: indentFirst ? body.indent : 0)
            return [FlowBlock(units: set.lines.map { setting.unit($0, x: x) })]
        case .heading(_, let inlines):
            let sub = layout.style(.subhead)
            let set = try setting.set(inlines, style: sub, measure: measure, language: language)
            return [FlowBlock(units: set.lines.map { setting.unit($0, x: x) }, spaceBefore: grid(sub.spaceBefore),
                              keepWithNext: 2, splittable: false)]
        case .list(let list):
            return try listBlocks(list, language: language, measure: measure, x: x, depth: depth)
        case .blockQuote(let children):
            let quote = layout.style(.blockquote)
            var out: [FlowBlock] = []
            for child in children {
                out += try compose(child, language: language, measure: measure - quote.indent, x: x + quote.indent,
                                   indentFirst: false, depth: depth, style: quote)
            }
            if !out.isEmpty {
                out[0].spaceBefore = max(out[0].spaceBefore, grid(quote.spaceBefore))
                out[out.count - 1].spaceAfter = max(out[out.count - 1].spaceAfter, grid(quote.spaceAfter))
            }
            return out
        case .codeBlock(_, let code):
            let style = layout.style(.code)
            var units: [FlowUnit] = []
            for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
                let set = try setting.set([TextRun(String(line).isEmpty ? " " : String(line), style: setting.textStyle(style))],
                                          style: style, measure: measure, language: language)
                units += set.lines.map { setting.unit($0, x: x) }
                if set.lines.isEmpty { units.append(FlowUnit(items: [])) }
            }
            return [FlowBlock(units: units, spaceBefore: 1, spaceAfter: 1)]
        case .thematicBreak:
            let set = try setting.set([TextRun("*\u{2003}*\u{2003}*", style: setting.textStyle(body))],
                                      style: Layout.Style(font: body.font, size: body.size, leading: body.leading, align: .center),
                                      measure: measure, language: language)
            return [FlowBlock(units: set.lines.map { setting.unit($0, x: x) }, splittable: false)]
        case .table(let table):
            return [try tableBlock(table, language: language, measure: measure, x: x)]
        case .footnoteDefinition(_, let number, let content):
            return try footnoteBlock([Block(.footnoteDefinition(label: "", number: number, content: content), at: block.location)],
                                     language: language, measure: measure).map { [$0] } ?? []
        }
    }

    private func grid(_ length: Double) -> Int { Int((length / layout.baseline - 1e-9).rounded(.up)) }

    // MARK: Lists

    /// Items with hanging bullets or numbers, nested lists indented one step more.
    private mutating func listBlocks(_ list: Block.List, language: String, measure: Double, x: Double, depth: Int) throws(FontError) -> [FlowBlock] {
        let style = layout.style(.list)
        let indent = style.indent + (list.isOrdered ? style.size * 0.5 : 0)
        var out: [FlowBlock] = []
        for (index, item) in list.items.enumerated() {
            let marker: String
            switch (item.task, list.marker) {
            case (.done?, _): marker = "☑"
            case (.open?, _): marker = "☐"
            case (nil, .bullet): marker = depth == 0 ? "•" : "–"
            case (nil, .ordered(let start, let delimiter)): marker = "\(start + index)\(delimiter.rawValue)"
            }
            var first = true
            for child in item.blocks {
                var blocks = try compose(child, language: language, measure: measure - indent, x: x + indent,
                                         indentFirst: false, depth: depth + 1, style: style)
                if first, !blocks.isEmpty, !blocks[0].units.isEmpty {
                    // The marker hangs in the indent, right-aligned against the text.
                    let markerStyle = Layout.Style(font: style.font, size: style.size, leading: style.leading, bold: style.bold, align: .right)
                    let set = try setting.set([TextRun(marker, style: setting.textStyle(markerStyle))], style: markerStyle,
                                              measure: indent - style.size * 0.35, language: language)
                    if let line = set.lines.first { blocks[0].units[0].items += TextSetting.items(line, at: Point(x: x, y: 0)) }
                    first = false
                }
                out += blocks
            }
        }
        if !out.isEmpty && depth == 0 {
            out[0].spaceBefore = max(out[0].spaceBefore, list.isTight ? 0 : 1)
        }
        return out
    }

    // MARK: Pull quotes, pictures, tables, footnotes

    private mutating func pullQuote(_ text: String, language: String, measure: Double) throws(FontError) -> FlowBlock {
        let style = layout.style(.pullquote)
        let set = try setting.set([.text(text)], style: style, measure: measure, language: language)
        // The rule over the quote sits in the grid line above the unit; the quote's first line
        // goes down until its ascenders clear it by 2 pt (a 16 pt quote's capitals would
        // otherwise cross it: the grid line is for 9.5 pt text).
        let ruleY = -layout.baseline * 0.6
        let drop = max(0, (set.lines.first?.ascent ?? 0) + 2 + ruleY)
        let bottomY = drop + Double(set.lines.count) * style.leading - style.leading * 0.4
        let rules: [DisplayItem] = [
            .rule(from: Point(x: 0, y: ruleY), to: Point(x: measure, y: ruleY), width: 1.2, gray: .black),
            .rule(from: Point(x: 0, y: bottomY), to: Point(x: measure, y: bottomY), width: 1.2, gray: .black),
        ]
        var unit = setting.packedUnit(set.lines, leading: style.leading, x: 0, extraHeight: layout.baseline * 0.5 + drop)
        unit.items = rules + unit.items.map { $0.offset(by: 0, drop) }
        // Never at the foot of a leg: two lines of text follow it in its column.
        return FlowBlock(units: [unit], spaceBefore: grid(style.spaceBefore), spaceAfter: grid(style.spaceAfter), keepWithNext: 2, splittable: false)
    }

    /// A picture in the body, a column wide.
    private func bodyPicture(_ ref: ImageRef, measure: Double, x: Double) throws(FontError) -> [FlowBlock] {
        guard let path = ref.path, let format = ref.format, let pw = ref.pixelWidth, let ph = ref.pixelHeight, pw > 0 else { return [] }
        // As wide as the column, or narrower (centred) when that would be taller than half a
        // page's columns: a tall picture is made smaller, never left out.
        let limit = (layout.pageHeight - layout.margins.top - layout.margins.bottom) / 2
        var width = measure, height = measure * Double(ph) / Double(pw)
        if height > limit {
            width *= limit / height
            height = limit
        }
        let left = x + (measure - width) / 2
        // The unit's origin is a baseline: the picture hangs from the line's cap height.
        let top = -layout.baseline * 0.75
        let unit = FlowUnit(height: max(1, Int(((height + layout.baseline * 0.5) / layout.baseline).rounded(.up))),
                            items: [.image(PageImage(path: path, format: format, pixelWidth: pw, pixelHeight: ph),
                                           Rect(x: left, y: top, width: width, height: height))])
        return [FlowBlock(units: [unit], spaceBefore: 1, keepWithNext: 2, splittable: false)]
    }

    /// A table fitted to the measure: columns as wide as their widest cell where they fit,
    /// narrowed in proportion (cells wrapping) where they do not; a rule under the header
    /// and at the end; each row a unit that stays whole.
    private mutating func tableBlock(_ table: Block.Table, language: String, measure: Double, x: Double) throws(FontError) -> FlowBlock {
        let style = layout.style(.table)
        let padding = style.size * 0.6
        let count = max(1, table.columnCount)
        var header = style
        header.bold = true
        var natural = Array(repeating: style.size * 2, count: count)
        for (r, row) in ([table.header] + table.rows).enumerated() {
            for (c, cell) in row.enumerated() where c < count {
                let set = try setting.set(cell, style: r == 0 ? header : style, measure: 10_000, language: language)
                natural[c] = max(natural[c], (set.lines.first?.width ?? 0) + padding)
            }
        }
        var total = natural.reduce(0, +)
        // Too wide for a column: the table goes across the page, as wide as it needs.
        var measure = measure, x = x
        let wide = total > measure
        if wide {
            measure = min(layout.width(spanning: layout.columns), max(total, layout.width(spanning: 2)))
            x = 0
            total = natural.reduce(0, +)
        }
        let widths = total <= measure ? natural.map { $0 + (measure - total) / Double(count) } : natural.map { $0 * measure / total }
        var units: [FlowUnit] = []
        for (r, row) in ([table.header] + table.rows).enumerated() {
            var items: [DisplayItem] = []
            var lines = 1
            var cx = x
            for c in 0..<count {
                let cell = c < row.count ? row[c] : []
                var cellStyle = r == 0 ? header : style
                switch table.alignments[c] {
                case .right: cellStyle.align = .right
                case .center: cellStyle.align = .center
                default: cellStyle.align = .left
                }
                let set = try setting.set(cell, style: cellStyle, measure: widths[c] - padding, language: language)
                for (i, line) in set.lines.enumerated() {
                    items += TextSetting.items(line, at: Point(x: cx, y: Double(i) * style.leading))
                }
                lines = max(lines, set.lines.count)
                cx += widths[c]
            }
            let bottom = Double(lines - 1) * style.leading + style.leading * 0.35
            if r == 0 || r == table.rows.count {
                items.append(.rule(from: Point(x: x, y: bottom), to: Point(x: x + measure, y: bottom), width: r == 0 ? 0.6 : 0.4, gray: .black))
            }
            units.append(FlowUnit(height: max(1, Int((Double(lines) * style.leading / layout.baseline - 1e-9).rounded(.up))), items: items))
        }
        var block = FlowBlock(units: units, spaceBefore: 1, spaceAfter: 1)
        block.isWide = wide
        if wide { block.span = (1...layout.columns).first { layout.width(spanning: $0) >= measure - 0.01 } ?? layout.columns }
        return block
    }

    /// The story's footnotes after a short rule, each numbered as its reference.
    private mutating func footnoteBlock(_ notes: [Block], language: String, measure: Double) throws(FontError) -> FlowBlock? {
        let style = layout.style(.footnote)
        var units: [FlowUnit] = [FlowUnit(items: [.rule(from: Point(x: 0, y: -layout.baseline * 0.3),
                                                       to: Point(x: min(measure, 48), y: -layout.baseline * 0.3), width: 0.5, gray: .black)])]
        for note in notes {
            guard case .footnoteDefinition(_, let number, let content) = note.kind else { continue }
            var first = true
            for block in content {
                guard case .paragraph(let inlines) = block.kind else { continue }
                let text: [Inline] = first ? [.text("\(number). ")] + inlines : inlines
                first = false
                let set = try setting.set(text, style: style, measure: measure, language: language)
                units.append(setting.packedUnit(set.lines, leading: style.leading, x: 0))
            }
        }
        return units.count > 1 ? FlowBlock(units: units, spaceBefore: 1) : nil
    }
}
