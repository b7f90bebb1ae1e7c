import ArgumentParser
// Linked in, mimalloc serves every malloc and free of the process (see Package.swift).
import CMimalloc
import Foundation
import IssueAssembly
import IssueModel

@main
struct IssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Turn a folder of Markdown articles into a newspaper: check it, build its PDF and its email, start the next week.",
        discussion: """
            An issue is one week's folder, issues/<DATE>/, holding issue.yaml, articles/*.md and \
            images/. Its parent folder holds publication.yaml. Commands that take an ISSUE use the \
            newest week under ./issues/ when none is named.
            """,
        subcommands: [CheckCommand.self, NewCommand.self, BuildCommand.self, EmailCommand.self, SendCommand.self]
    )

    /// Reading an issue's files sets things up the first time (a good part of reading a small
    /// issue): done on the other core while the command line is read. A plain `issue build`
    /// line is read without ArgumentParser (see `BuildCommand.plain`); errors from the build
    /// go where ArgumentParser sends them.
    static func main() {
        SpareThreads.run { IssueAssembler.prepare() }
        if let build = BuildCommand.plain(Array(CommandLine.arguments.dropFirst())) {
            do { try build.run() } catch { exit(withError: error) }
            return
        }
        main(nil)
    }
}
