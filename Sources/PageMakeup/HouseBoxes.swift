import Foundation
import IssueModel
import Typesetting

extension PagePlanner {
    static func boxName(_ box: HouseBox) -> String {
        switch box {
        case .inside: return "inside"
        case .index: return "index"
        case .contact: return "contact"
        case .notice(let i): return "notice \(i + 1)"
        }
    }

    static func continuedOn(_ page: Int, language: String) -> String {
        language.hasPrefix("es") ? "Sigue en la página \(page)" : "Continued on page \(page)"
    }

    static func continuedFrom(_ page: Int, language: String) -> String {
        language.hasPrefix("es") ? "Viene de la página \(page)" : "Continued from page \(page)"
    }

    /// A house box `width` columns wide: a tinted panel under a heavy rule, its title, then its
    /// lines on the grid. Without a `depth`, only measures it (page numbers as two digits);
    /// with one, fills that depth, its contents centred, leaving out index entries that do not
    /// fit. Returns what to draw from the box's top-left corner and the lines it needs.
    func drawBox(_ box: HouseBox, issue: Issue, width: Int, depth: Int?, pageOf: (Int) -> Int,
                 frontStories: Set<Int>, composer: inout StoryComposer) throws(FontError) -> (items: [DisplayItem], lines: Int) {
        let language = issue.publication.language
        let spanish = language.hasPrefix("es")
        // The stories in running order (the search's story numbers).
        let stories = issue.articles
        let pad = 6.0
        let measure = layout.width(spanning: width) - 2 * pad
        var title = layout.style(.subhead)
        title.align = .left
        // Sans at the table's size on the body's grid: house matter does not read as a story.
        var text = layout.style(.table)
        text.leading = layout.baseline
        text.align = .left
        text.indent = 0
        var number = text
        number.align = .right
        number.bold = true
        var content: [(lines: [SetLine], number: SetLine?)] = []
        var heading = ""
        func entries(_ list: [Int]) throws(FontError) {
            for s in list {
                let titleLines = try composer.lines(stories[s].title, style: text, width: measure - 16, language: language)
                let page = try composer.lines(String(pageOf(s)), style: number, width: measure, language: language).first
                content.append((titleLines, page))
            }
        }
        switch box {
        case .inside:
            heading = spanish ? "En este número" : "Inside"
            let inside = depth == nil ? Array(stories.indices.dropFirst(3).prefix(8))
                : stories.indices.filter { !frontStories.contains($0) }
            try entries(inside)
        case .index:
            heading = spanish ? "Índice" : "In this issue"
            try entries(Array(stories.indices))
        case .contact:
            let p = issue.publication
            heading = p.name
            var parts: [String] = []
            if let tagline = p.tagline { parts.append(tagline) }
            if let address = p.address { parts.append(address) }
            if let url = p.url { parts.append(url.replacingPrefix("https://", with: "").replacingPrefix("http://", with: "")) }
            if let from = p.email.from { parts.append((spanish ? "Correo: " : "Email: ") + Self.bareAddress(from)) }
            if let reply = p.email.replyTo { parts.append((spanish ? "Cartas: " : "Letters: ") + Self.bareAddress(reply)) }
            for part in parts { content.append((try composer.lines(part, style: text, width: measure, language: language), nil)) }
        case .notice(let i):
            let notice = issue.publication.house[i]
            heading = notice.title
            var justified = text
            justified.align = .justify
            justified.hyphenate = true
            content.append((try composer.lines(notice.text, style: justified, width: measure, language: language), nil))
        }
        let headingLines = try composer.lines(heading, style: title, width: measure, language: language)
        // A line of padding over and under the contents.
        var needed = 2 + headingLines.count
        var shown = 0
        for entry in content {
            if let depth, needed + entry.lines.count > depth { break }
            needed += entry.lines.count
            shown += 1
        }
        let total = depth ?? needed
        var items: [DisplayItem] = [
            .fill(Rect(x: 0, y: 0, width: layout.width(spanning: width), height: Double(total) * layout.baseline - layout.baseline * 0.3), gray: Gray(0.93)),
            .rule(from: Point(x: 0, y: 0), to: Point(x: layout.width(spanning: width), y: 0), width: 1.5, gray: .black),
        ]
        var line = 1 + max(0, (total - needed) / 2)
        func baseline(_ l: Int) -> Double { Double(l) * layout.baseline + firstBaseline }
        for set in headingLines {
            items += TextSetting.items(set, at: Point(x: pad, y: baseline(line)))
            line += 1
        }
        for entry in content.prefix(shown) {
            for set in entry.lines {
                items += TextSetting.items(set, at: Point(x: pad, y: baseline(line)))
                line += 1
            }
            if let page = entry.number { items += TextSetting.items(page, at: Point(x: pad, y: baseline(line - 1))) }
        }
        return (items, needed)
    }

    static func bareAddress(_ mailbox: String) -> String {
        if let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close {
            return String(mailbox[mailbox.index(after: open)..<close])
        }
        return mailbox
    }

    /// The house boxes the search may place: the front page's "Inside" box, the index, the
    /// contact box and each of the publication's notices.
    static func houseBoxes(_ issue: Issue) -> [HouseBox] {
        [.inside, .index, .contact] + issue.publication.house.indices.map { .notice($0) }
    }

    /// A house box's depth in lines at `width` columns, as the search measures it (page numbers
    /// in it are placeholders of two digits).
    func boxDepth(_ box: HouseBox, width: Int, issue: Issue, composer: inout StoryComposer) throws(FontError) -> Int {
        try drawBox(box, issue: issue, width: width, depth: nil, pageOf: { _ in 88 }, frontStories: [], composer: &composer).lines
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
