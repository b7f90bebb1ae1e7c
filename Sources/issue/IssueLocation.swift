import ArgumentParser
import Foundation
import IssueAssembly
import IssueModel

/// The ISSUE argument every command shares: a week's folder, or the newest week under
/// `./issues/` (or under a named issues folder) when none is given.
struct IssueLocation {
    struct NotFound: Error, CustomStringConvertible {
        var description: String
    }

    static func resolve(_ argument: String?) throws -> String {
        let fm = FileManager.default
        guard let argument else {
            guard let newest = IssueFolders.newest(in: "issues") else {
                throw NotFound(description: "error: no issue to work on: ./issues/ holds no week's folder with an issue.yaml\n"
                    + "    hint: name the week's folder, like 'issue check issues/2026-12-03', or run the command from the folder holding issues/")
            }
            return newest.path
        }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NotFound(description: "\(argument): error: no such folder\n    hint: ISSUE is a week's folder, like issues/2026-12-03")
        }
        // The issues folder itself (it holds publication.yaml): take its newest week.
        let isIssuesFolder = fm.fileExists(atPath: (argument as NSString).appendingPathComponent("publication.yaml"))
            && !fm.fileExists(atPath: (argument as NSString).appendingPathComponent("issue.yaml"))
        if isIssuesFolder {
            guard let newest = IssueFolders.newest(in: argument) else {
                throw NotFound(description: "\(argument): error: holds no week's folder with an issue.yaml")
            }
            return newest.path
        }
        return argument
    }
}

extension IssueLocation {
    /// The ISSUE argument resolved and its folder assembled (with the tool's layouts); a folder
    /// that cannot be found is reported and ends the command with status 1. `publicationRead`
    /// is called as soon as publication.yaml is read (see `IssueAssembler.assemble`).
    static func assemble(_ argument: String?, publicationRead: ((Publication) -> Void)? = nil) throws -> (folder: String, assembly: Assembly) {
        do {
            let folder = try resolve(argument)
            return (folder, IssueAssembler.assemble(weekFolder: folder, layoutFolders: ToolResources.layoutFolders,
                                                    publicationRead: publicationRead))
        } catch {
            var stderr = StandardError()
            print(error, to: &stderr)
            throw ExitCode(1)
        }
    }
}

/// Writes to standard error, where diagnostics go.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
