import Foundation
import IssueModel

/// `issue new`: the next week's folder, made from the newest one.
public enum Scaffold {
    public struct Failure: Error, CustomStringConvertible {
        public var diagnostics: [Diagnostic]
        public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
    }

    public struct Result: Sendable {
        /// The new week's folder.
        public var folder: String
        public var number: Int
        public var date: IssueDate
        public var files: [String]
    }

    /// Makes `issues/<date>/` with issue.yaml (number + 1, same volume and layout), an empty
    /// `images/` and `articles/` with one commented template article. `date` defaults to a week
    /// after the previous issue's. Everything is written in a temporary folder and renamed into
    /// place, so a failure leaves nothing half made.
    public static func newWeek(after previousFolder: String, date: IssueDate?,
                               workingFolder: String = FileManager.default.currentDirectoryPath) throws -> Result {
        let paths = IssuePaths(week: previousFolder, workingFolder: workingFolder)
        var diagnostics: [Diagnostic] = []
        let previousYAML = (paths.week as NSString).appendingPathComponent("issue.yaml")
        guard let previous = IssueFile.read(path: previousYAML, paths: paths, into: &diagnostics),
              let number = previous.number, let previousDate = previous.date, !diagnostics.hasErrors else {
            if diagnostics.isEmpty {
                diagnostics.append(.error("the previous issue's issue.yaml has no number or date", at: SourceLocation(file: paths.display(previousYAML))))
            }
            throw Failure(diagnostics: diagnostics.filter(\.isError))
        }
        let newDate = date ?? previousDate.adding(days: 7)
        let issues = (paths.week as NSString).deletingLastPathComponent
        let target = (issues as NSString).appendingPathComponent(newDate.description)
        if FileManager.default.fileExists(atPath: target) {
            throw Failure(diagnostics: [.error("\(paths.display(target)) exists already; nothing was written",
                                               at: SourceLocation(file: paths.display(target)))])
        }
        if newDate <= previousDate {
            throw Failure(diagnostics: [.error("the new issue's date \(newDate) is not after the newest issue's, \(previousDate)",
                                               at: SourceLocation(file: paths.display(previousYAML)))])
        }

        var issueYAML = "number: \(number + 1)\n"
        if let volume = previous.volume { issueYAML += "volume: \(volume)\n" }
        issueYAML += """
            date: \(newDate)
            layout: \(previous.layout)
            # subject: The email's subject line (the lead story's title when absent)
            # preheader: One sentence shown after the subject in the inbox
            # order: [01-lead-story]   # the running order; else by each article's priority

            """

        let staging = (issues as NSString).appendingPathComponent(".new-\(newDate)-\(ProcessInfo.processInfo.processIdentifier)")
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: (staging as NSString).appendingPathComponent("articles"), withIntermediateDirectories: true)
            try fm.createDirectory(atPath: (staging as NSString).appendingPathComponent("images"), withIntermediateDirectories: true)
            try Data(issueYAML.utf8).write(to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent("issue.yaml")))
            try Data(templateArticle.utf8).write(to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent("articles/01-lead-story.md")))
            try fm.moveItem(atPath: staging, toPath: target)
        } catch {
            try? fm.removeItem(atPath: staging)
            throw Failure(diagnostics: [.error("cannot write \(paths.display(target)): \(error.localizedDescription)",
                                               at: SourceLocation(file: paths.display(target)))])
        }
        return Result(folder: target, number: number + 1, date: newDate,
                      files: ["issue.yaml", "articles/01-lead-story.md", "images/"].map {
                          paths.display((target as NSString).appendingPathComponent($0))
                      })
    }

    /// The template article: every front-matter key, explained in YAML comments.
    static let templateArticle = """
        ---
        # One article per file. Only 'title' is required; delete the lines you do not need.
        title: Headline of the lead story
        # kicker: A few words set above the headline
        # deck: A sentence under the headline that tells more
        byline: By Your Name
        # dateline: MILLBROOK, NY        # where the story was reported
        # lang: en                       # en, es, …: chooses hyphenation; the paper's language when absent
        # section: News
        priority: 1                      # 1 leads the front page; then 2, 3, …
        # image: images/photo.jpg        # a JPEG or PNG in this week's images/ folder
        # caption: What the photo shows
        # credit: Photo by Name
        # pullquote: A sentence from the story, set large
        # columns: 3                     # a hint: how many columns wide
        # page: 1                        # a hint: the page it starts on
        ---
        The first paragraph tells the news: who, what, where, when.

        ## A subhead

        Write in Markdown: *italics*, **bold**, [links](https://example.org), lists, quotes
        (> at the start of a line) and tables. A line of `* * *` separates dispatches, and
        **MILLBROOK, NY, DECEMBER 1** — opens one with its dateline.

        """
}
