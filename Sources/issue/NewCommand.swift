import ArgumentParser
import IssueAssembly
import IssueModel

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Start next week's issue from the newest one.",
        discussion: """
            Makes issues/<DATE>/ beside the newest week: issue.yaml with the next number, the same \
            volume and layout, an empty images/ folder, and articles/ with one template article \
            whose front matter explains every key. DATE defaults to seven days after the newest \
            issue's date. Nothing is overwritten.
            """
    )

    @Argument(help: "The new issue's date, YYYY-MM-DD (default: a week after the newest issue).")
    var date: String?

    @Option(name: .customLong("from"), help: "The week to start from (default: the newest under ./issues/).")
    var previous: String?

    func validate() throws {
        if let date, IssueDate(iso: date) == nil {
            throw ValidationError("'\(date)' is not a date; write YYYY-MM-DD, for example 2026-12-10")
        }
    }

    func run() throws {
        var stderr = StandardError()
        do {
            let from = try IssueLocation.resolve(previous)
            let result = try Scaffold.newWeek(after: from, date: date.flatMap(IssueDate.init(iso:)))
            print("created issue \(result.number) of \(result.date) in \(IssueFolders.displayPath(result.folder))/")
            for file in result.files { print("  \(file)") }
        } catch let failure as Scaffold.Failure {
            print(failure, to: &stderr)
            throw ExitCode(1)
        } catch let notFound as IssueLocation.NotFound {
            print(notFound, to: &stderr)
            throw ExitCode(1)
        }
    }
}
