import Foundation
import IssueAssembly

/// Where the tool's own layouts and fonts are: the ones a publication without its own uses.
///
/// `$ISSUE_HOME` when set; otherwise the nearest folder above the executable that holds both
/// `layouts/` and `fonts/` (the source tree, for a binary built in `.build/`).
enum ToolResources {
    static let home: String? = {
        let fm = FileManager.default
        func holdsResources(_ folder: String) -> Bool {
            fm.fileExists(atPath: (folder as NSString).appendingPathComponent("layouts"))
                && fm.fileExists(atPath: (folder as NSString).appendingPathComponent("fonts"))
        }
        if let env = ProcessInfo.processInfo.environment["ISSUE_HOME"], holdsResources(env) { return env }
        let executable = (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        var folder = (executable as NSString).deletingLastPathComponent
        while folder.count > 1 {
            if holdsResources(folder) { return folder }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }()

    /// Layout folders searched after the publication's own `layouts/`.
    static var layoutFolders: [String] {
        home.map { [($0 as NSString).appendingPathComponent("layouts")] } ?? []
    }

    /// The email template: the publication's `layouts/email/issue.mustache`, else the tool's.
    static func emailTemplate(forWeek week: String) -> String? {
        let candidates = [(LayoutReader.folder(forWeek: week) as NSString).appendingPathComponent("email/issue.mustache")]
            + layoutFolders.map { ($0 as NSString).appendingPathComponent("email/issue.mustache") }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The fonts for an issue: the publication's own `fonts/` beside its `issues/`, else the tool's.
    static func fontsFolder(forWeek week: String) -> String? {
        let own = ((LayoutReader.folder(forWeek: week) as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("fonts")
        if FileManager.default.fileExists(atPath: own) { return own }
        return home.map { ($0 as NSString).appendingPathComponent("fonts") }
    }
}
