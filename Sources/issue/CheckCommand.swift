import ArgumentParser
import Foundation
import IssueAssembly
import IssueModel
import Typesetting

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
        let diagnostics = assembly.diagnostics + fontDiagnostics(assembly, folder: folder)
        for diagnostic in diagnostics.sortedForPrinting() {
            print(diagnostic, to: &stderr)
        }
        let words = assembly.articles.reduce(0) { $0 + $1.wordCount }
        let errors = diagnostics.errorCount, warnings = diagnostics.warningCount
        let shown = IssueFolders.displayPath(folder)
        print("\(shown): \(count(assembly.articles.count, "article")), \(count(words, "word")): "
              + "\(count(errors, "error")), \(count(warnings, "warning"))")
        if errors > 0 || (strict && warnings > 0) { throw ExitCode(1) }
    }

    /// What only the fonts can tell: a style naming a family the fonts folder lacks, and
    /// characters of an article that no bundled face has (which would print as empty boxes).
    private func fontDiagnostics(_ assembly: Assembly, folder: String) -> [Diagnostic] {
        guard let layout = assembly.issue?.pageLayout, let fontsFolder = ToolResources.fontsFolder(forWeek: folder),
              let fonts = try? FontLibrary(folder: fontsFolder) else { return [] }
        var out: [Diagnostic] = []
        for (name, style) in layout.styles.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where (try? fonts.face(family: style.font)) == nil {
            out.append(.error("the \(name.rawValue) style names the font '\(style.font)', which the fonts folder does not have",
                              at: SourceLocation(file: layout.file),
                              hint: "fonts: " + fonts.families.joined(separator: ", ")))
        }
        let typesetter = Typesetter(fonts: fonts)
        for article in assembly.articles {
            out += (try? typesetter.coverageWarnings(for: article, family: layout.style(.body).font)) ?? []
        }
        return out
    }

    private func count(_ n: Int, _ noun: String) -> String {
        let formatted = n.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
        return "\(formatted) \(noun)\(n == 1 ? "" : "s")"
    }
}
