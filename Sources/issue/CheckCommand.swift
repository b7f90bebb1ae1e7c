import ArgumentParser
import Foundation
import IssueAssembly
import IssueModel

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate an issue: print every problem as file:line:col, like a compiler.",
        discussion: """
            Reads publication.yaml, issue.yaml and every article (front matter and Markdown), \
            checks fields, paths and images, and prints one line per problem to standard error, \
            then a one-line summary. Exits 0 when there are no errors (warnings allowed), 1 when \
            there are errors.
            """
    )

    @Argument(help: "The week's folder (default: the newest under ./issues/).")
    var issue: String?

    @Flag(help: "Treat warnings as errors: exit 1 when there is any warning.")
    var strict = false

    func run() throws {
        var stderr = StandardError()
        let (folder, assembly) = try IssueLocation.assemble(issue)
        for diagnostic in assembly.diagnostics.sortedForPrinting() {
            print(diagnostic, to: &stderr)
        }
        let words = assembly.articles.reduce(0) { $0 + $1.wordCount }
        let errors = assembly.diagnostics.errorCount, warnings = assembly.diagnostics.warningCount
        let shown = IssueFolders.displayPath(folder)
        print("\(shown): \(count(assembly.articles.count, "article")), \(count(words, "word")): "
              + "\(count(errors, "error")), \(count(warnings, "warning"))")
        if errors > 0 || (strict && warnings > 0) { throw ExitCode(1) }
    }

    private func count(_ n: Int, _ noun: String) -> String {
        let formatted = n.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
        return "\(formatted) \(noun)\(n == 1 ? "" : "s")"
    }
}
