import ArgumentParser
import Delivery
import EmailRendering
import Foundation
import IssueAssembly
import IssueModel
import MIME
import PageMakeup
import PDFOutput

struct EmailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "email",
        abstract: "Make the issue's email: one message for a list server, or one per subscriber.",
        discussion: """
            Renders the issue with layouts/email/issue.mustache as a multipart/alternative \
            message (plain text, then HTML with its pictures inline by cid:). Without -o, --dir, \
            --mbox or --html it writes build/<week>.eml. Tokens for unsubscribe links come from \
            the recipients file's 'token' column, or are made from each address with the secret \
            in $ISSUE_TOKEN_SECRET. The date of the messages is now, or $SOURCE_DATE_EPOCH.
            """
    )

    @Argument(help: "The week's folder (default: the newest under ./issues/).")
    var issue: String?

    @Option(name: .shortAndLong, help: "Write the message for a list server to this .eml file.")
    var output: String?

    @Option(help: "Write the web archive page (the whole issue, pictures linked) to this file.")
    var html: String?

    @Option(help: "A CSV of subscribers (email, name, lang, token, …) to write one message each for.")
    var recipients: String?

    @Option(help: "With --recipients: the folder to write one .eml per subscriber into.")
    var dir: String?

    @Option(help: "With --recipients: the mbox file to write the messages into.")
    var mbox: String?

    func validate() throws {
        if recipients != nil && dir == nil && mbox == nil { throw ValidationError("--recipients needs --dir or --mbox") }
        if recipients == nil && (dir != nil || mbox != nil) { throw ValidationError("--dir and --mbox need --recipients") }
    }

    func run() throws {
        var stderr = StandardError()
        let (folder, assembly) = try IssueLocation.assemble(issue)
        var diagnostics = assembly.diagnostics
        func fail(_ message: String? = nil) throws -> Never {
            if let message { diagnostics.append(.error(message, at: nil)) }
            for d in diagnostics.sortedForPrinting() { print(d, to: &stderr) }
            print("\(IssueFolders.displayPath(folder)): \(diagnostics.errorCount) errors; no email written", to: &stderr)
            throw ExitCode(1)
        }
        guard let issue = assembly.issue, !assembly.hasErrors else { try fail() }
        guard let templatePath = ToolResources.emailTemplate(forWeek: folder),
              let template = FileManager.default.contents(atPath: templatePath).map({ String(decoding: $0, as: UTF8.self) }) else {
            try fail("no email template: layouts/email/issue.mustache beside issues/ or with the tool")
        }
        let date = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) } ?? Date()
        let edition: EmailEdition
        let newsletter: Newsletter
        do {
            edition = try EmailRenderer.render(issue, template: template)
            // Pictures go in at most 1200 pixels wide (twice the 600 px column, for sharp
            // screens), encoded again: a message of a few hundred kilobytes, not megabytes.
            newsletter = try Newsletter(issue: issue, edition: edition) { image in
                let scaled = try PictureScaling.scaled(PageImage(path: image.path, format: image.format,
                                                                 pixelWidth: image.width, pixelHeight: image.height), maxWidth: 1200)
                return (scaled.bytes, scaled.format == .jpeg ? "image/jpeg" : "image/png")
            }
        } catch {
            try fail("\(error)")
        }
        diagnostics += edition.diagnostics
        var written: [String] = []
        do {
            if let html {
                let archive = try EmailRenderer.render(issue, template: template, inlineImages: false)
                let page = archive.personalized(["email": "you"]).html
                try Data(page.utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
                written.append(IssueFolders.displayPath(html))
            }
            var listOutput = output
            if listOutput == nil && html == nil && recipients == nil {
                let root = (LayoutReader.folder(forWeek: folder) as NSString).deletingLastPathComponent
                listOutput = ((root as NSString).appendingPathComponent("build") as NSString)
                    .appendingPathComponent(IssuePaths.canonicalName(folder) + ".eml")
            }
            if let listOutput {
                try FileManager.default.createDirectory(atPath: (listOutput as NSString).deletingLastPathComponent.isEmpty ? "."
                                                        : (listOutput as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let message = try newsletter.template(date: date).listCopy()
                try message.write(toFile: listOutput)
                written.append("\(IssueFolders.displayPath(listOutput)) (\(message.count / 1024) KB)")
            }
            if let recipients {
                let secret = ProcessInfo.processInfo.environment["ISSUE_TOKEN_SECRET"] ?? ""
                let list = RecipientList.read(path: recipients, displayPath: IssueFolders.displayPath(recipients), secret: secret)
                diagnostics += list.diagnostics
                if list.diagnostics.hasErrors { try fail() }
                // Compiled once; each copy is its own headers and fields around shared bytes.
                let template = try newsletter.template(date: date)
                if let dir {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                    for (i, recipient) in list.recipients.enumerated() {
                        let name = String(format: "%06d-", i + 1) + recipient.email.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
                        try template.copy(for: recipient).write(toFile: (dir as NSString).appendingPathComponent(String(name) + ".eml"))
                    }
                    written.append("\(list.recipients.count) messages in \(IssueFolders.displayPath(dir))")
                }
                if let mbox {
                    var data = Data()
                    for recipient in list.recipients {
                        data.append(contentsOf: Mbox.entry(try template.copy(for: recipient).bytes, sender: "issue", date: date))
                    }
                    try data.write(to: URL(fileURLWithPath: mbox), options: .atomic)
                    written.append("\(list.recipients.count) messages in \(IssueFolders.displayPath(mbox))")
                }
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            try fail("\(error)")
        }
        for d in diagnostics.sortedForPrinting() { print(d, to: &stderr) }
        let htmlSize = edition.personalized(["email": "subscriber@example.org"]).html.utf8.count
        print("wrote \(written.joined(separator: ", ")): HTML \(htmlSize / 1024) KB of Gmail's \(EmailRenderer.clipLimit / 1024) KB, "
              + "\(edition.images.count) pictures" + (edition.shortened.isEmpty ? "" : ", shortened: \(edition.shortened.joined(separator: ", "))"))
    }
}
