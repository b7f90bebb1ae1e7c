import IssueModel
import Typesetting

/// Day and month names for the dates a paper prints.
public enum IssueDateNames {
    static let english = (days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
                          months: ["January", "February", "March", "April", "May", "June", "July", "August",
                                   "September", "October", "November", "December"])
    static let spanish = (days: ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
                          months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                                   "septiembre", "octubre", "noviembre", "diciembre"])

    /// "Thursday, December 3, 2026"; "jueves, 3 de diciembre de 2026" in Spanish.
    public static func long(_ date: IssueDate, language: String) -> String {
        if language.hasPrefix("es") {
            return "\(spanish.days[date.isoWeekday - 1]), \(date.day) de \(spanish.months[date.month - 1]) de \(date.year)"
        }
        return "\(english.days[date.isoWeekday - 1]), \(english.months[date.month - 1]) \(date.day), \(date.year)"
    }
}

extension PagePlanner {
    /// Page 1's nameplate: the paper's name across the page, the tagline, and a line with the
    /// volume, number, date and price between rules. Returns where the text area starts below it.
    func masthead(_ issue: Issue, frame: PageFrame, into page: inout DisplayPage) throws(FontError) -> Double {
        var setting = TextSetting(layout: layout, typesetter: typesetter)
        let language = issue.publication.language
        var y = frame.top
        func add(_ set: SetParagraph, leading: Double) {
            for line in set.lines {
                y += leading
                page.items += TextSetting.items(line, at: Point(x: frame.left, y: y - leading * 0.2))
            }
        }
        // The name on one line: set smaller when it would not fit across the page.
        var name = layout.style(.masthead)
        let natural = try setting.set([.text(issue.publication.name)], style: name, measure: 100_000, language: language)
        if let width = natural.lines.first?.width, width > frame.width {
            let scale = frame.width / width * 0.98
            name.size *= scale
            name.leading *= scale
        }
        add(try setting.set([.text(issue.publication.name)], style: name, measure: frame.width, language: language), leading: name.leading)
        if let tagline = issue.publication.tagline {
            let style = layout.style(.tagline)
            add(try setting.set([.text(tagline)], style: style, measure: frame.width, language: language), leading: style.leading)
        }
        y += layout.baseline * 0.4
        page.items.append(.rule(from: Point(x: frame.left, y: y), to: Point(x: frame.left + frame.width, y: y), width: 1.5, gray: .black))
        var parts: [String] = []
        if let volume = issue.volume { parts.append("Vol. \(volume)") }
        parts.append("No. \(issue.number)")
        parts.append(IssueDateNames.long(issue.date, language: language))
        parts.append(issue.publication.price ?? "Free")
        let info = layout.style(.folio)
        var centered = info
        centered.align = .center
        add(try setting.set([.text(parts.joined(separator: "  ·  "))], style: centered, measure: frame.width, language: language),
            leading: info.leading)
        y += layout.baseline * 0.25
        page.items.append(.rule(from: Point(x: frame.left, y: y), to: Point(x: frame.left + frame.width, y: y), width: 0.5, gray: .black))
        page.items.append(.rule(from: Point(x: frame.left, y: y + 2), to: Point(x: frame.left + frame.width, y: y + 2), width: 0.5, gray: .black))
        return snap(y + layout.baseline, in: frame)
    }

    /// The folio of pages after the first: page number on the outside edge, the paper's name
    /// and date beside it, a rule under them.
    func folio(_ issue: Issue, frame: PageFrame, into page: inout DisplayPage) throws(FontError) -> Double {
        var setting = TextSetting(layout: layout, typesetter: typesetter)
        var style = layout.style(.folio)
        let rightHand = frame.number % 2 == 1
        style.align = rightHand ? .right : .left
        let text = rightHand
            ? "\(issue.publication.name)  ·  \(IssueDateNames.long(issue.date, language: issue.publication.language))  ·  \(frame.number)"
            : "\(frame.number)  ·  \(issue.publication.name)  ·  \(IssueDateNames.long(issue.date, language: issue.publication.language))"
        let set = try setting.set([.text(text)], style: style, measure: frame.width, language: issue.publication.language)
        let baseline = frame.top + style.size
        for line in set.lines { page.items += TextSetting.items(line, at: Point(x: frame.left, y: baseline)) }
        let ruleY = baseline + style.size * 0.5
        page.items.append(.rule(from: Point(x: frame.left, y: ruleY), to: Point(x: frame.left + frame.width, y: ruleY), width: 0.5, gray: .black))
        return snap(ruleY + layout.baseline * 0.5, in: frame)
    }
}
