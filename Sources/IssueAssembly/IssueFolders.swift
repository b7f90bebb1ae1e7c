import Foundation
import IssueModel

/// The weeks under an `issues/` folder, and which one is the newest.
public enum IssueFolders {
    public struct Week: Sendable, Equatable {
        /// Absolute path of the week's folder.
        public var path: String
        /// The `date:` of its issue.yaml, else the date its folder is named after.
        public var date: IssueDate?
    }

    /// Folders that hold an `issue.yaml`, oldest first: by date, then by name.
    public static func weeks(in issuesFolder: String) -> [Week] {
        let root = IssuePaths.canonical(issuesFolder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        var weeks: [Week] = []
        for name in names where !name.hasPrefix(".") {
            let path = (root as NSString).appendingPathComponent(name)
            let issueYAML = (path as NSString).appendingPathComponent("issue.yaml")
            guard FileManager.default.fileExists(atPath: issueYAML) else { continue }
            weeks.append(Week(path: path, date: declaredDate(issueYAML) ?? IssueDate(iso: name)))
        }
        return weeks.sorted { a, b in
            switch (a.date, b.date) {
            case let (x?, y?) where x != y: return x < y
            case (nil, _?): return true
            case (_?, nil): return false
            default: return a.path < b.path
            }
        }
    }

    public static func newest(in issuesFolder: String) -> Week? { weeks(in: issuesFolder).last }

    /// A path as messages show it: relative to the working folder when inside it, else absolute.
    public static func displayPath(_ path: String, workingFolder: String = FileManager.default.currentDirectoryPath) -> String {
        IssuePaths.display(IssuePaths.canonical(path), from: IssuePaths.canonical(workingFolder))
    }

    /// The `date:` line of an issue.yaml, read without reporting anything.
    private static func declaredDate(_ path: String) -> IssueDate? {
        var ignored: [Diagnostic] = []
        guard let source = SourceText.read(path: path, displayPath: path, into: &ignored),
              var fields = YAMLFields.parse(source.text, file: path, firstLine: 1, into: &ignored) else { return nil }
        return fields.date("date")
    }
}
