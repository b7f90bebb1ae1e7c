import Foundation
import IssueModel

/// `issues/<week>/issue.yaml`: the week's number, date, layout and running order.
struct IssueFile {
    var number: Int?
    var volume: Int?
    var date: IssueDate?
    var layout: String
    var layoutLocation: SourceLocation?
    var subject: String?
    var preheader: String?
    /// Entries of `order:`, as written, with their places.
    var order: [(name: String, location: SourceLocation)]?

    static let keys = ["number", "volume", "date", "layout", "subject", "preheader", "order"]
    static let defaultLayout = "tabloid"

    static func read(path: String, paths: IssuePaths, into diagnostics: inout [Diagnostic]) -> IssueFile? {
        let shown = paths.display(path)
        guard let source = SourceText.read(path: path, displayPath: shown, into: &diagnostics),
              var fields = YAMLFields.parse(source.text, file: shown, firstLine: 1, into: &diagnostics) else { return nil }
        defer { diagnostics += fields.diagnostics }

        var file = IssueFile(layout: defaultLayout)
        file.number = fields.integer("number", in: 1...Int(Int32.max))
        if file.number == nil && !fields.has("number") {
            fields.report(.error("issue.yaml has no 'number'", at: fields.location(ofKey: "number"),
                                 hint: "the issue's number, counting from the first: number: 412"))
        }
        file.volume = fields.integer("volume", in: 1...Int(Int32.max))
        file.date = fields.date("date")
        if file.date == nil && !fields.has("date") {
            fields.report(.error("issue.yaml has no 'date'", at: fields.location(ofKey: "date"),
                                 hint: "the date printed on the issue: date: 2026-12-03"))
        }
        if let date = file.date, let folderDate = IssueDate(iso: ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent),
           folderDate != date {
            fields.report(.warning("'date' is \(date) but the folder is named \(folderDate)", at: fields.location(ofValue: "date")))
        }
        if let layout = fields.text("layout") {
            file.layoutLocation = fields.location(ofValue: "layout")
            if FieldChecks.isPlainName(layout) {
                file.layout = layout
            } else {
                fields.report(.error("'layout' must be the name of a layout like tabloid, letter or a4, not '\(YAMLFields.clip(layout))'",
                                     at: fields.location(ofValue: "layout")))
            }
        } else {
            fields.report(.warning("issue.yaml names no 'layout'; \(defaultLayout) is used", at: fields.location(ofKey: "layout")))
        }
        file.subject = fields.text("subject")
        file.preheader = fields.text("preheader")
        if let entries = fields.list("order") {
            file.order = entries.map { (name: $0.0, location: $0.1) }
        }
        fields.warnAboutUnknownKeys(known: keys, what: "issue.yaml")
        return file
    }
}
