import ArgumentParser
import Delivery
import EmailRendering
import Foundation
import IssueAssembly
import IssueModel
import PageMakeup
import PDFOutput

struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Mail the issue to every subscriber of a list, resumably, and nobody twice.",
        discussion: """
            Each subscriber gets their own copy (as 'issue email --recipients' makes them), sent \
            over SMTP (libcurl), handed to the local sendmail, or written to a folder. Every step \
            is written to a journal (SQLite, one per issue and list) before and after it happens, \
            so rerunning the same command after a crash, a kill or a dropped connection finishes \
            the list: nobody is mailed twice, nobody is left out.

            A copy ends sent (the server said 250), failed (a 5xx: the address goes on the \
            suppression list), deferred (temporary failures until --retry-for ran out: the next \
            run tries again), or uncertain (the process died or the connection dropped between \
            the end of the message and the server's answer: resent only with \
            --resend-uncertain, with the same Message-ID, so receivers can drop a duplicate).

            SMTP credentials come from $ISSUE_SMTP_USER and $ISSUE_SMTP_PASSWORD, or from \
            --credentials FILE (user on the first line, password on the second); never from \
            the command line, and they are never printed. Tokens for unsubscribe links come from \
            the list's 'token' column or $ISSUE_TOKEN_SECRET, as for 'issue email'.

            Exit status: 0 when every recipient is sent, failed or skipped; 75 when some are \
            still pending, deferred or uncertain (the send paused, was interrupted, or ran out of \
            retries): run the same command again; 1 on an error.
            """
    )

    @Argument(help: "The week's folder (default: the newest under ./issues/).")
    var issue: String?

    @Option(help: "The subscribers: a CSV with an 'email' column, and optional name, lang, token, ….")
    var recipients: String

    @Option(help: ArgumentHelp("How to send: smtp://HOST:PORT (STARTTLS), smtps://HOST:PORT (TLS), sendmail[:PATH], or dir:FOLDER.",
                               valueName: "url"))
    var via: String?

    @Option(help: "The journal file (default: build/send/<week>-<list>.sqlite beside issues/).")
    var journal: String?

    @Option(help: "The suppression list: addresses never mailed, 5xx failures added (default: suppressed.txt beside the recipients file).")
    var suppressed: String?

    @Option(help: ArgumentHelp("Messages per second across all connections (like 20 or 20/s); default: as fast as the server takes them.",
                               valueName: "n/s"))
    var rate: String?

    @Option(help: "Parallel SMTP sessions.")
    var connections: Int = 1

    @Option(help: ArgumentHelp("Messages per session before reconnecting (for servers that limit a session).", valueName: "m"))
    var perConnection: Int?

    @Option(help: ArgumentHelp("Seconds before the first retry of a temporary failure; each further retry waits twice as long (at most 5 minutes).",
                               valueName: "seconds"))
    var retryDelay: Double = 5

    @Option(help: ArgumentHelp("Seconds a copy keeps being retried within a run before it is deferred to the next run.", valueName: "seconds"))
    var retryFor: Double = 900

    @Option(help: ArgumentHelp("Errors in a row that pause the send (instead of burning through the list).", valueName: "n"))
    var pauseAfter: Int = 10

    @Option(help: ArgumentHelp("STARTTLS for smtp://: required, if-offered or off (default: required; if-offered for a server on this machine).",
                               valueName: "mode"))
    var tls: String?

    @Option(help: ArgumentHelp("A PEM file of CA certificates to trust (a relay with a private or test CA).", valueName: "file"))
    var caFile: String?

    @Option(help: ArgumentHelp("The AUTH mechanism: plain or login (default: the best the server offers).", valueName: "mechanism"))
    var auth: String?

    @Option(help: ArgumentHelp("A file with the SMTP user on its first line and the password on its second.", valueName: "file"))
    var credentials: String?

    @Option(help: ArgumentHelp("The envelope sender (where bounces go); default: the From address.", valueName: "address"))
    var envelopeFrom: String?

    @Option(help: ArgumentHelp("Sign with DKIM: an RSA (2048 bits or more) or Ed25519 private key in PEM.", valueName: "file"))
    var dkimKey: String?

    @Option(help: ArgumentHelp("The DKIM signing domain (d=), usually the From address's domain.", valueName: "domain"))
    var dkimDomain: String?

    @Option(help: ArgumentHelp("The DKIM selector (s=): the key is published at SELECTOR._domainkey.DOMAIN.", valueName: "selector"))
    var dkimSelector: String?

    @Flag(help: "The relay signs with DKIM itself: no warning without --dkim-key.")
    var relaySigns = false

    @Flag(help: "Make and sign every copy, read the journal, send nothing, write nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("Send one copy, subject marked [TEST], to this address; the journal is not touched.", valueName: "address"))
    var test: String?

    @Flag(help: "Show where the send stands, from its journal, and exit.")
    var status = false

    @Flag(help: "Send again to the addresses that failed (5xx) in this send, suppressed or not.")
    var retryFailed = false

    @Flag(help: "Send again the copies whose fate is unknown, with the same Message-ID.")
    var resendUncertain = false

    @Option(help: ArgumentHelp("Send only part K of N of the list (split by address), with its own journal.", valueName: "k/n"))
    var shard: String?

    @Flag(help: "Start a send of an issue dated more than a week ago.")
    var force = false

    var rateValue: Double? {
        guard let rate else { return nil }
        var text = rate.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("/s") { text.removeLast(2) }
        return Double(text)
    }

    func validate() throws {
        if !status && !dryRun && via == nil { throw ValidationError("--via is required: smtp://HOST:PORT, smtps://HOST:PORT, sendmail or dir:FOLDER") }
        if let via, Via(via) == nil {
            throw ValidationError("--via '\(via)': expected smtp://HOST:PORT, smtps://HOST:PORT, sendmail, sendmail:/PATH or dir:FOLDER")
        }
        if let via, via.contains("@"), via.hasPrefix("smtp") {
            throw ValidationError("--via must not hold credentials: give them in $ISSUE_SMTP_USER and $ISSUE_SMTP_PASSWORD or --credentials FILE")
        }
        if !(1...64).contains(connections) { throw ValidationError("--connections must be between 1 and 64") }
        if rate != nil, !(rateValue.map { $0 > 0 && $0.isFinite } ?? false) { throw ValidationError("--rate '\(rate ?? "")': expected messages per second, like 20 or 20/s") }
        if let perConnection, perConnection < 1 { throw ValidationError("--per-connection must be 1 or more") }
        if !(retryDelay > 0 && retryDelay.isFinite) { throw ValidationError("--retry-delay must be a number of seconds above 0") }
        if !(retryFor >= 0 && retryFor.isFinite) { throw ValidationError("--retry-for must be a number of seconds, 0 or more") }
        if pauseAfter < 1 { throw ValidationError("--pause-after must be 1 or more") }
        if let tls, SMTPSettings.TLS(rawValue: tls) == nil { throw ValidationError("--tls '\(tls)': expected required, if-offered or off") }
        if let auth, SMTPSettings.Auth(rawValue: auth.lowercased()) == nil { throw ValidationError("--auth '\(auth)': expected plain or login") }
        if let shard, Shard(shard) == nil { throw ValidationError("--shard '\(shard)': expected K/N with 1 ≤ K ≤ N, like 2/4") }
        let dkim = [dkimKey, dkimDomain, dkimSelector].compactMap { $0 }
        if !dkim.isEmpty && dkim.count != 3 { throw ValidationError("--dkim-key, --dkim-domain and --dkim-selector go together") }
        if let test, !RecipientList.isAddress(test) { throw ValidationError("--test '\(test)' is not an e-mail address") }
        if status && (dryRun || test != nil) { throw ValidationError("--status only reads the journal: not with --dry-run or --test") }
        if dryRun && test != nil { throw ValidationError("--dry-run sends nothing and --test sends one copy: choose one") }
    }

    /// Where `--via` sends.
    enum Via {
        case smtp(url: String, host: String, implicitTLS: Bool)
        case sendmail(String)
        case folder(String)

        init?(_ text: String) {
            if text == "sendmail" {
                self = .sendmail("/usr/sbin/sendmail")
            } else if text.hasPrefix("sendmail:"), text.count > 9 {
                self = .sendmail(String(text.dropFirst(9)))
            } else if text.hasPrefix("dir:"), text.count > 4 {
                self = .folder(String(text.dropFirst(4)))
            } else if let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
                      let host = url.host, !host.isEmpty, url.path.isEmpty || url.path == "/" {
                self = .smtp(url: text, host: host, implicitTLS: scheme == "smtps")
            } else {
                return nil
            }
        }

        var isLoopback: Bool {
            guard case .smtp(_, let host, _) = self else { return true }
            return ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host.lowercased()) || host.hasPrefix("127.")
        }
    }

    func run() throws {
        var stderr = StandardError()
        let (folder, assembly) = try IssueLocation.assemble(issue)
        var diagnostics = assembly.diagnostics
        func fail(_ message: String? = nil, file: String? = nil, hint: String? = nil) throws -> Never {
            if let message { diagnostics.append(.error(message, at: file.map { SourceLocation(file: IssueFolders.displayPath($0)) }, hint: hint)) }
            for d in diagnostics.sortedForPrinting() { print(d, to: &stderr) }
            print("\(IssueFolders.displayPath(folder)): \(max(1, diagnostics.errorCount)) errors; nothing sent", to: &stderr)
            throw ExitCode(1)
        }
        guard let issue = assembly.issue, !assembly.hasErrors else { try fail() }
        let listPath = IssueFolders.displayPath(recipients)
        let shard = shard.flatMap(Shard.init)
        let root = (LayoutReader.folder(forWeek: folder) as NSString).deletingLastPathComponent
        let listName = ((recipients as NSString).lastPathComponent as NSString).deletingPathExtension
        let journalPath = journal ?? (((root as NSString).appendingPathComponent("build/send") as NSString)
            .appendingPathComponent("\(IssuePaths.canonicalName(folder))-\(listName)" + (shard.map { "-shard-\($0.index)-of-\($0.count)" } ?? "") + ".sqlite"))
        if status {
            try showStatus(journalPath: journalPath)
            return
        }
        let secret = ProcessInfo.processInfo.environment["ISSUE_TOKEN_SECRET"] ?? ""
        let list = RecipientList.read(path: recipients, displayPath: listPath, secret: secret)
        diagnostics += list.diagnostics
        if list.diagnostics.hasErrors { try fail() }

        // The copies: rendered as 'issue email' renders them.
        let newsletter: Newsletter
        do {
            newsletter = try Self.newsletter(issue: issue, folder: folder)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            try fail("\(error)")
        }
        let signer: DKIMSigner?
        if let dkimKey, let dkimDomain, let dkimSelector {
            guard let pem = FileManager.default.contents(atPath: dkimKey).map({ String(decoding: $0, as: UTF8.self) }) else {
                try fail("cannot read the DKIM key", file: dkimKey)
            }
            do {
                signer = try DKIMSigner(pem: pem, domain: dkimDomain, selector: dkimSelector)
            } catch {
                try fail("\(error)", file: dkimKey)
            }
        } else {
            signer = nil
        }
        // A pipe to sendmail closed early must be an error to report, not a signal that kills.
        signal(SIGPIPE, SIG_IGN)
        let envelope = envelopeFrom ?? newsletter.fromAddress
        if let signer {
            // DMARC passes on DKIM only when d= is the From domain or a parent of it.
            let fromDomain = String(newsletter.fromAddress.split(separator: "@").last ?? "").lowercased()
            let d = signer.domain.lowercased()
            if fromDomain != d && !fromDomain.hasSuffix("." + d) {
                diagnostics.append(.warning("the DKIM domain \(signer.domain) is not the From domain \(fromDomain) or a parent of it: "
                                            + "DMARC will not count the signature", at: nil))
            }
        }
        if !RecipientList.isAddress(envelope) { try fail("the envelope sender '\(envelope)' is not an e-mail address") }
        let transportFactory = try makeTransportFactory(heloName: String(envelope.split(separator: "@").last ?? "localhost"))
        if signer == nil && !relaySigns && !dryRun {
            if case .folder = via.flatMap(Via.init) {} else {
                diagnostics.append(.warning("no DKIM key: unless the relay signs for the From domain (then say --relay-signs), "
                                            + "Gmail, Yahoo and Microsoft junk or refuse bulk mail", at: nil,
                                            hint: "--dkim-key FILE --dkim-domain \(newsletter.fromAddress.split(separator: "@").last ?? "example.org") --dkim-selector NAME"))
            }
        }

        if let test {
            try sendTest(to: test, list: list.recipients, newsletter: newsletter, signer: signer, envelope: envelope,
                         makeTransport: transportFactory, diagnostics: diagnostics)
            return
        }

        // A send of an old issue is more likely a restored snapshot than an editor's wish.
        let journalExists = FileManager.default.fileExists(atPath: journalPath)
        if !journalExists && !force, let issueDay = Self.day(issue.date), issueDay.addingTimeInterval(8 * 86_400) < Date() {
            try fail("the issue is dated \(issue.date), more than a week ago; a new send of it is refused", hint: "--force sends it anyway")
        }

        // The subscribers this run may mail.
        var suppressedCount = 0, otherShards = 0
        let suppressionPath = suppressed ?? (((recipients as NSString).deletingLastPathComponent as NSString).appendingPathComponent("suppressed.txt"))
        let suppression: SuppressionList
        do {
            suppression = try SuppressionList(path: suppressionPath)
        } catch {
            try fail("\(error)")
        }
        // Addresses this send failed (and suppressed) are already counted as failed, not
        // skipped; --retry-failed mails them despite the suppression list.
        var previouslyFailed = Set<String>()
        if journalExists, let existing = try? SendJournal(path: journalPath, exclusive: false) {
            previouslyFailed = Set(((try? existing.entries([.failed])) ?? []).map { $0.email.lowercased() })
        }
        var eligible: [Recipient] = []
        for recipient in list.recipients {
            if let shard, !shard.contains(recipient.email) { otherShards += 1; continue }
            let failedHere = previouslyFailed.contains(recipient.email.lowercased())
            if failedHere && !retryFailed { continue }
            if suppression.contains(recipient.email) && !failedHere {
                suppressedCount += 1
                diagnostics.append(.warning("\(recipient.email) is on the suppression list (\(IssueFolders.displayPath(suppressionPath))); left out",
                                            at: SourceLocation(file: listPath, line: recipient.line)))
                continue
            }
            eligible.append(recipient)
        }
        let invalidCount = list.diagnostics.filter { $0.severity == .warning }.count
        for d in diagnostics.sortedForPrinting() { print(d, to: &stderr) }
        diagnostics = []
        let skipped = SkipCounts(invalid: invalidCount, suppressed: suppressedCount, otherShards: otherShards)

        if dryRun {
            try dryRunReport(eligible: eligible, journalPath: journalPath, newsletter: newsletter, signer: signer, skipped: skipped)
            return
        }

        // The journal: begun, or resumed if it is the same send.
        let journal: SendJournal
        let date: Date
        do {
            journal = try SendJournal(path: journalPath, exclusive: true)
            let hash = try newsletter.contentHash()
            if let began = try journal.meta("content") {
                if began != hash {
                    try fail("\(IssueFolders.displayPath(journalPath)): the issue changed since this send began "
                             + "(\(try journal.meta("began") ?? "?")); the rest of the list would get another issue than the first part",
                             hint: "finish with the content it began with, or start a new send with another --journal")
                }
                if let recorded = try journal.meta("shard"), recorded != (shard?.description ?? "all") {
                    try fail("\(IssueFolders.displayPath(journalPath)) is the journal of shard \(recorded), not \(shard?.description ?? "all")")
                }
            } else {
                let now = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Double.init) ?? Date().timeIntervalSince1970
                try journal.setMeta(["content": hash, "date": String(Int(now)), "began": ISO8601DateFormatter().string(from: Date()),
                                     "issue": IssuePaths.canonicalName(folder), "list": listPath, "shard": shard?.description ?? "all"])
            }
            date = Date(timeIntervalSince1970: Double(try journal.meta("date") ?? "") ?? Date().timeIntervalSince1970)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            try fail("\(error)")
        }

        let work: [SendWork]
        do {
            let sync = try journal.synchronize(with: eligible.map(\.email))
            if sync.dropped > 0 { print("\(sync.dropped) addresses of the journal are no longer on the list: skipped", to: &stderr) }
            let interrupted = try journal.markInterruptedUncertain()
            for email in interrupted {
                print("\(email): warning: in flight when an earlier run stopped; uncertain (resent only with --resend-uncertain)", to: &stderr)
            }
            try journal.requeue([.deferred] + (retryFailed ? [.failed] : []) + (resendUncertain ? [.uncertain] : []))
            let byAddress = Dictionary(eligible.map { ($0.email.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
            work = try journal.entries([.pending]).compactMap { entry in
                byAddress[entry.email.lowercased()].map { SendWork(id: entry.id, recipient: $0) }
            }
        } catch {
            try fail("\(error)")
        }

        var options = SendOptions()
        options.connections = connections
        options.rate = rateValue
        options.perConnection = perConnection
        options.retryDelay = retryDelay
        options.retryFor = retryFor
        options.pauseAfter = pauseAfter
        let renderer: CopyMaker
        do {
            renderer = try CopyMaker(newsletter: newsletter, signer: signer, date: date)
        } catch {
            try fail("\(error)")
        }
        let display = ProgressDisplay(terminal: isatty(STDOUT_FILENO) == 1)
        let engine = SendEngine(journal: journal, options: options, envelopeFrom: envelope, suppression: suppression,
                                makeTransport: transportFactory, render: { try renderer.copy(for: $0) },
                                onProgress: { display.update($0) }, onNote: { display.note($0) })
        // Ctrl-C (or a TERM from a supervisor) lets the copies in flight finish and be journaled.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                display.note("stopping after the copies in flight (again to stop at once)")
                engine.interrupt()
                signal(number, SIG_DFL)
            }
            source.resume()
            return source
        }
        let via = self.via ?? ""
        print("sending \(work.count) copies of issue \(issue.number) (\(issue.date)) via \(via) over \(connections) connection\(connections == 1 ? "" : "s")"
              + (rateValue.map { " at most \(Self.number($0))/s" } ?? "") + (signer.map { ", DKIM \($0.algorithm) d=\($0.domain) s=\($0.selector)" } ?? ""))
        fflush(nil)
        let result = engine.run(work)
        sources.forEach { $0.cancel() }
        display.finish(result.progress)
        switch result.stop {
        case .finished: break
        case .interrupted: print("interrupted: the copies not yet sent stay pending; run the same command to go on", to: &stderr)
        case .paused(let why): print("error: the send paused: \(why)\n    hint: fix the cause, then run the same command to go on", to: &stderr)
        case .fatal(let why): print("error: the send stopped: \(why)\n    hint: fix the cause, then run the same command to go on", to: &stderr)
        }
        let counts = (try? journal.counts()) ?? [:]
        summarize(counts, skipped: skipped, journalPath: journalPath)
        let open = (counts[.pending] ?? 0) + (counts[.deferred] ?? 0) + (counts[.uncertain] ?? 0) + (counts[.sending] ?? 0)
        if case .fatal = result.stop { throw ExitCode(1) }
        if open > 0 { throw ExitCode(75) }
    }

    struct SkipCounts {
        var invalid: Int
        var suppressed: Int
        var otherShards: Int
    }

    func summarize(_ counts: [SendState: Int], skipped: SkipCounts, journalPath: String) {
        let pending = (counts[.pending] ?? 0) + (counts[.sending] ?? 0)
        var line = "sent \(counts[.sent] ?? 0), deferred \(counts[.deferred] ?? 0), failed \(counts[.failed] ?? 0), "
            + "uncertain \(counts[.uncertain] ?? 0), skipped \(skipped.invalid + skipped.suppressed + (counts[.skipped] ?? 0))"
        var notes: [String] = []
        if skipped.invalid > 0 { notes.append("\(skipped.invalid) invalid or duplicate") }
        if skipped.suppressed > 0 { notes.append("\(skipped.suppressed) suppressed") }
        if (counts[.skipped] ?? 0) > 0 { notes.append("\(counts[.skipped] ?? 0) no longer on the list") }
        if !notes.isEmpty { line += " (" + notes.joined(separator: ", ") + ")" }
        if pending > 0 { line += ", not yet tried \(pending)" }
        if skipped.otherShards > 0 { line += "; \(skipped.otherShards) on other shards" }
        print(line)
        let open = pending + (counts[.deferred] ?? 0)
        if open > 0 { print("not finished: run the same command again to send the \(open) left") }
        if (counts[.uncertain] ?? 0) > 0 {
            print("\(counts[.uncertain] ?? 0) uncertain: see 'issue send --status'; --resend-uncertain sends them again with the same Message-ID")
        }
        print("journal: \(IssueFolders.displayPath(journalPath))")
    }

    func showStatus(journalPath: String) throws {
        var stderr = StandardError()
        guard FileManager.default.fileExists(atPath: journalPath) else {
            print("\(IssueFolders.displayPath(journalPath)): error: no send of this issue to this list has begun", to: &stderr)
            throw ExitCode(1)
        }
        do {
            let journal = try SendJournal(path: journalPath, exclusive: false)
            let counts = try journal.counts()
            print("journal: \(IssueFolders.displayPath(journalPath))")
            if let began = try journal.meta("began") { print("began: \(began) (issue \(try journal.meta("issue") ?? "?"), list \(try journal.meta("list") ?? "?"), shard \(try journal.meta("shard") ?? "all"))") }
            print(SendState.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
            for state in [SendState.sending, .uncertain, .deferred, .failed] {
                let entries = try journal.entries([state])
                guard !entries.isEmpty else { continue }
                print("\(state.rawValue):")
                for entry in entries.prefix(50) {
                    let next = entry.nextTry.map { " (next try \(ISO8601DateFormatter().string(from: $0)))" } ?? ""
                    print("  \(entry.email): \(entry.reply)\(next)")
                }
                if entries.count > 50 { print("  … and \(entries.count - 50) more") }
            }
        } catch {
            print("\(IssueFolders.displayPath(journalPath)): error: \(error)", to: &stderr)
            throw ExitCode(1)
        }
    }

    func dryRunReport(eligible: [Recipient], journalPath: String, newsletter: Newsletter, signer: DKIMSigner?, skipped: SkipCounts) throws {
        var stderr = StandardError()
        var states: [String: SendState] = [:]
        if FileManager.default.fileExists(atPath: journalPath) {
            do {
                let journal = try SendJournal(path: journalPath, exclusive: false)
                for entry in try journal.entries() { states[entry.email.lowercased()] = entry.state }
            } catch {
                print("\(IssueFolders.displayPath(journalPath)): error: \(error)", to: &stderr)
                throw ExitCode(1)
            }
        }
        var toSend: [Recipient] = []
        var held = [SendState: Int]()
        for recipient in eligible {
            switch states[recipient.email.lowercased()] {
            case nil, .pending?, .deferred?: toSend.append(recipient)
            case .failed? where retryFailed: toSend.append(recipient)
            case .uncertain? where resendUncertain: toSend.append(recipient)
            case .sending?: held[.uncertain, default: 0] += 1
            case let state?: held[state, default: 0] += 1
            }
        }
        let start = Date()
        let maker: CopyMaker
        do {
            maker = try CopyMaker(newsletter: newsletter, signer: signer, date: Date())
        } catch {
            print("error: \(error)", to: &stderr)
            throw ExitCode(1)
        }
        var bytes = 0
        for recipient in toSend {
            do {
                bytes += try maker.copy(for: recipient).count
            } catch {
                print("\(IssueFolders.displayPath(recipients)):\(recipient.line): error: \(recipient.email): \(error)", to: &stderr)
                throw ExitCode(1)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("dry run: would send \(toSend.count) copies (\(toSend.isEmpty ? 0 : bytes / toSend.count / 1024) KB each on average"
              + (signer.map { ", signed \($0.algorithm)" } ?? "") + "), made in \(String(format: "%.2f", seconds)) s; nothing sent, nothing written")
        let heldText = held.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
        if !heldText.isEmpty { print("not sent again: " + heldText.joined(separator: ", ")) }
        print("skipped: \(skipped.invalid) invalid or duplicate, \(skipped.suppressed) suppressed" + (skipped.otherShards > 0 ? ", \(skipped.otherShards) on other shards" : ""))
    }

    func sendTest(to address: String, list: [Recipient], newsletter: Newsletter, signer: DKIMSigner?, envelope: String,
                  makeTransport: TransportFactory, diagnostics: [Diagnostic]) throws {
        var stderr = StandardError()
        for d in diagnostics.sortedForPrinting() { print(d, to: &stderr) }
        // The list's own line for this address when it has one (its name and token), so the
        // test shows exactly that subscriber's copy.
        let recipient = list.first { $0.email.lowercased() == address.lowercased() } ?? Recipient(email: address, token: "test")
        do {
            let message = try CopyMaker(newsletter: newsletter, signer: signer, date: Date(), subjectPrefix: "[TEST] ").copy(for: recipient)
            let transport = try makeTransport()
            switch transport.send(message, from: envelope, to: address) {
            case .accepted(let reply): print("test copy sent to \(address): \(reply)")
            case .temporary(let reply), .permanent(let reply), .ambiguous(let reply), .fatal(let reply):
                print("error: the test copy to \(address) was not sent: \(reply)", to: &stderr)
                throw ExitCode(1)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            print("error: \(error)", to: &stderr)
            throw ExitCode(1)
        }
    }

    func makeTransportFactory(heloName: String) throws -> TransportFactory {
        guard let viaText = via, let via = Via(viaText) else { return { FolderTransport(folder: "/dev/null/nowhere") } }
        var stderr = StandardError()
        switch via {
        case .sendmail(let program):
            return { SendmailTransport(program: program) }
        case .folder(let folder):
            return { FolderTransport(folder: folder) }
        case .smtp(let url, _, let implicitTLS):
            let environment = ProcessInfo.processInfo.environment
            var user = environment["ISSUE_SMTP_USER"], password = environment["ISSUE_SMTP_PASSWORD"]
            if let credentials {
                guard let text = FileManager.default.contents(atPath: credentials).map({ String(decoding: $0, as: UTF8.self) }) else {
                    print("\(credentials): error: cannot read the credentials file", to: &stderr)
                    throw ExitCode(1)
                }
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
                guard lines.count >= 2, !lines[0].isEmpty else {
                    print("\(credentials):1:1: error: expected the user on the first line and the password on the second", to: &stderr)
                    throw ExitCode(1)
                }
                user = lines[0]
                password = lines[1]
            }
            if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                print("\(caFile): error: cannot read the CA file", to: &stderr)
                throw ExitCode(1)
            }
            let mode = tls.flatMap(SMTPSettings.TLS.init(rawValue:)) ?? (via.isLoopback ? .ifOffered : .required)
            if user != nil && !implicitTLS && mode != .required && !via.isLoopback {
                print("error: a password would cross the network unencrypted\n    hint: --tls required, or smtps://", to: &stderr)
                throw ExitCode(1)
            }
            let settings = SMTPSettings(url: url, tls: mode, caFile: caFile, user: user, password: password,
                                        auth: auth.flatMap { SMTPSettings.Auth(rawValue: $0.lowercased()) }, heloName: heloName)
            return { SMTPTransport(settings: settings) }
        }
    }

    /// The issue's newsletter with its pictures scaled for email, as `issue email` makes it.
    static func newsletter(issue: Issue, folder: String) throws -> Newsletter {
        guard let templatePath = ToolResources.emailTemplate(forWeek: folder),
              let template = FileManager.default.contents(atPath: templatePath).map({ String(decoding: $0, as: UTF8.self) }) else {
            throw Newsletter.Failure(description: "no email template: layouts/email/issue.mustache beside issues/ or with the tool")
        }
        let edition = try EmailRenderer.render(issue, template: template)
        return try Newsletter(issue: issue, edition: edition) { image in
            let scaled = try PictureScaling.scaled(PageImage(path: image.path, format: image.format,
                                                             pixelWidth: image.width, pixelHeight: image.height), maxWidth: 1200)
            return (scaled.bytes, scaled.format == .jpeg ? "image/jpeg" : "image/png")
        }
    }

    static func day(_ date: IssueDate) -> Date? {
        var components = DateComponents()
        components.year = date.year
        components.month = date.month
        components.day = date.day
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: components)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
