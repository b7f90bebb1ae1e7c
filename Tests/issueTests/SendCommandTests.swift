import Foundation
import TestSupport
import XCTest

/// `issue send` against a real SMTP server (aiosmtpd, Tests/Fixtures/smtp/server.py) on
/// 127.0.0.1: what arrived, counted against the journal. Faults come from the server on cue
/// (chosen by address, never at random); the assertions hold however the threads interleave:
/// no timing is asserted anywhere.
final class SendCommandTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The binary `swift build` made beside this test bundle.
    static let binary: URL = {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
            + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
            + [root.appendingPathComponent(".build/debug")]
        for folder in candidates where FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("issue").path) {
            return folder.appendingPathComponent("issue")
        }
        return root.appendingPathComponent(".build/debug/issue")
    }()
    static let secret = "send-tests-secret-0123456789abcdef"

    // MARK: The Python the server and dkimpy run in

    static func python() throws -> String {
        try testPython(importing: ["aiosmtpd", "dkim", "nacl"], packageRoot: root)
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + stderr }
    }

    static func runProcess(_ executable: String, _ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Standard error to a file, standard output through a pipe: neither can fill up and
        // block the child while the other is read.
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let out = Pipe()
        let errHandle = try FileHandle(forWritingTo: errFile)
        process.standardOutput = out
        process.standardError = errHandle
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errHandle.close()
        let errData = (try? Data(contentsOf: errFile)) ?? Data()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    // MARK: The server

    final class Server {
        let python: String
        let folder: URL
        let arguments: [String]
        var process: Process?
        var port = 0
        var record: URL { folder.appendingPathComponent("received.jsonl") }
        var saved: URL { folder.appendingPathComponent("saved") }

        init(python: String, folder: URL, arguments: [String]) {
            self.python = python
            self.folder = folder
            self.arguments = arguments
        }

        func start() throws {
            let ready = folder.appendingPathComponent("port-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: saved, withIntermediateDirectories: true)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [SendCommandTests.root.appendingPathComponent("Tests/Fixtures/smtp/server.py").path,
                                 "--ready", ready.path, "--record", record.path, "--save-dir", saved.path, "--port", String(port)] + arguments
            let log = folder.appendingPathComponent("server.log")
            if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
            let handle = try FileHandle(forWritingTo: log)
            handle.seekToEndOfFile()
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            self.process = process
            // Waits for the port file; the server writes it once it listens.
            for _ in 0..<600 {
                if let text = try? String(contentsOf: ready, encoding: .utf8), let p = Int(text) {
                    port = p
                    return
                }
                if !process.isRunning { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            throw TestFailure("the SMTP server did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }

        func kill() {
            guard let process, process.isRunning else { return }
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        var url: String { "smtp://127.0.0.1:\(port)" }

        /// What arrived: one entry per accepted message.
        func received() throws -> [[String: Any]] {
            guard let data = FileManager.default.contents(atPath: record.path) else { return [] }
            // Complete lines only: the server may be writing the last one as it is read.
            var text = String(decoding: data, as: UTF8.self)
            if let end = text.lastIndex(of: "\n") { text = String(text[...end]) } else { return [] }
            return try text.split(separator: "\n").map {
                try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
    }

    func startServer(_ arguments: [String] = [], in folder: URL) throws -> Server {
        let server = Server(python: try Self.python(), folder: folder, arguments: arguments)
        try server.start()
        addTeardownBlock { server.kill() }
        return server
    }

    // MARK: A small issue and a list

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("issue-send-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A one-story issue dated today (copies of a few kilobytes, so 2,000 go quickly), beside
    /// the sample's publication.yaml.
    func smallIssue(in folder: URL) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let day = formatter.string(from: Date())
        let week = folder.appendingPathComponent("issues/\(day)")
        try FileManager.default.createDirectory(at: week.appendingPathComponent("articles"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("issues/publication.yaml"),
                                         to: folder.appendingPathComponent("issues/publication.yaml"))
        try "number: 7\nvolume: 1\ndate: \(day)\nlayout: tabloid\nsubject: \"A short issue for the send tests\"\n"
            .write(to: week.appendingPathComponent("issue.yaml"), atomically: true, encoding: .utf8)
        try """
            ---
            title: "A note to the list"
            byline: "By the Editors"
            priority: 1
            ---

            This is a short issue for the send tests: one story and no pictures, so that each copy is small.

            The tests count what the server received, and nobody may get two copies of it.

            A third paragraph, because stories need some length under a headline.

            And a fourth: the river stayed within its banks this week.

            Fifth, for the print edition's sake.

            The end.

            """.write(to: week.appendingPathComponent("articles/01-note.md"), atomically: true, encoding: .utf8)
        return "issues/\(day)"
    }

    func writeList(_ count: Int, in folder: URL, name: String = "list.csv", extra: String = "") throws -> [String] {
        let addresses = (1...count).map { String(format: "reader%05d@example.org", $0) }
        let text = "email,name\n" + addresses.enumerated().map { "\($1),Reader \($0 + 1)" }.joined(separator: "\n") + "\n" + extra
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return addresses
    }

    func send(_ issue: String, _ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Result {
        try Self.runProcess(Self.binary.path, ["send", issue] + arguments, in: folder,
                            environment: ["ISSUE_TOKEN_SECRET": Self.secret].merging(environment) { $1 })
    }

    /// Every recipient's state in the journal, read with Python's sqlite3.
    func journalStates(_ path: URL) throws -> [String: String] {
        let result = try Self.runProcess(try Self.python(), ["-c", """
            import json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            print(json.dumps({e.lower(): s for e, s in db.execute('SELECT email, state FROM recipients')}))
            """, path.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String])
    }

    struct Outcome: CustomStringConvertible {
        var sent = 0, failed = 0, deferred = 0, uncertain = 0, duplicates = 0, unaccounted = 0
        var description: String {
            "sent \(sent) | failed \(failed) | deferred \(deferred) | uncertain \(uncertain) | duplicates \(duplicates) | unaccounted \(unaccounted)"
        }
    }

    /// Every address's fate, checked against what arrived: sent means received exactly once;
    /// failed and deferred, never; uncertain, at most once. Anything else is unaccounted (or a
    /// duplicate).
    func account(_ addresses: [String], journal: URL, server: Server, allowResent: Set<String> = [], name: String = #function) throws -> Outcome {
        let states = try journalStates(journal)
        var received: [String: Int] = [:]
        for entry in try server.received() { received[(entry["rcpt"] as? String ?? "").lowercased(), default: 0] += 1 }
        var outcome = Outcome()
        for address in addresses.map({ $0.lowercased() }) {
            let n = received[address] ?? 0
            let limit = allowResent.contains(address) ? 2 : 1
            if n > limit { outcome.duplicates += 1 }
            switch states[address] {
            case "sent"?:
                outcome.sent += 1
                if n == 0 { outcome.unaccounted += 1 }
            case "failed"?:
                outcome.failed += 1
                if n != 0 { outcome.unaccounted += 1 }
            case "deferred"?:
                outcome.deferred += 1
                if n != 0 { outcome.unaccounted += 1 }
            case "uncertain"?: outcome.uncertain += 1
            default: outcome.unaccounted += 1
            }
        }
        print("outcome of \(name): \(outcome)")
        return outcome
    }

    func journalPath(_ folder: URL, _ issue: String, list: String = "list") -> URL {
        folder.appendingPathComponent("build/send/\((issue as NSString).lastPathComponent)-\(list).sqlite")
    }

    // MARK: The tests

    func testTwoThousandRecipientsArriveExactlyOnceEach() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        let addresses = try writeList(2000, in: folder)
        let server = try startServer(in: folder)
        let result = try send(issue, ["--recipients", "list.csv", "--via", server.url, "--connections", "4", "--relay-signs"], in: folder)
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertTrue(result.stdout.contains("sent 2000, deferred 0, failed 0, uncertain 0, skipped 0"), result.stdout)
        let outcome = try account(addresses, journal: journalPath(folder, issue), server: server)
        XCTAssertEqual(outcome.sent, 2000)
        XCTAssertEqual(outcome.duplicates, 0)
        XCTAssertEqual(outcome.unaccounted, 0)
        // Each copy carries its own stable Message-ID.
        let ids = Set(try server.received().compactMap { $0["message_id"] as? String })
        XCTAssertEqual(ids.count, 2000)
        // A rerun finds nothing left to do and sends nothing.
        let again = try send(issue, ["--recipients", "list.csv", "--via", server.url, "--relay-signs"], in: folder)
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertTrue(again.stdout.contains("sending 0 copies"), again.stdout)
        XCTAssertEqual(try server.received().count, 2000)
    }

    func testTemporaryRefusalsRejectionsAndDroppedConnectionsEndAccountedFor() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        let addresses = try writeList(2000, in: folder)
        // 421/450/454 to a tenth at first try, 550 to one in fifty, a connection dropped
        // mid-DATA for one in forty and after the whole message (no reply) for one in sixty.
        let server = try startServer(["--tempfail-every", "10", "--reject-every", "50", "--drop-mid-data-every", "40", "--no-reply-every", "60"], in: folder)
        let arguments = ["--recipients", "list.csv", "--via", server.url, "--connections", "4", "--retry-delay", "0.05", "--relay-signs",
                         "--pause-after", "1000"]
        let result = try send(issue, arguments, in: folder)
        // Uncertain copies are left for the operator: the run is not complete.
        XCTAssertTrue([0, 75].contains(result.status), result.all)
        XCTAssertTrue(result.stderr.contains("retrying later"), result.stderr)
        let outcome = try account(addresses, journal: journalPath(folder, issue), server: server)
        XCTAssertEqual(outcome.duplicates, 0)
        XCTAssertEqual(outcome.unaccounted, 0)
        XCTAssertGreaterThan(outcome.failed, 0)
        XCTAssertEqual(outcome.deferred, 0)
        XCTAssertGreaterThan(outcome.uncertain, 0, "the copies whose reply never came are uncertain")
        XCTAssertGreaterThan(outcome.sent, 1800)
        // The 550s are suppressed, with the server's reply.
        let suppressed = try String(contentsOf: folder.appendingPathComponent("suppressed.txt"), encoding: .utf8)
        XCTAssertEqual(suppressed.split(separator: "\n").count, outcome.failed)
        XCTAssertTrue(suppressed.contains("550 5.1.1"))
        // --status lists them; a rerun does not touch the uncertain ones…
        let status = try send(issue, ["--recipients", "list.csv", "--status"], in: folder)
        XCTAssertTrue(status.stdout.contains("uncertain \(outcome.uncertain)"), status.stdout)
        XCTAssertTrue(status.stdout.contains("no such mailbox"), status.stdout)
        let rerun = try send(issue, arguments, in: folder)
        XCTAssertEqual(rerun.status, 75, rerun.all)
        XCTAssertTrue(rerun.stdout.contains("sending 0 copies"), rerun.stdout)
        // …and --resend-uncertain sends each once more with the same Message-ID.
        let before = try server.received().count
        let resend = try send(issue, arguments + ["--resend-uncertain"], in: folder)
        XCTAssertEqual(resend.status, 0, resend.all)
        XCTAssertEqual(try server.received().count, before + outcome.uncertain)
        let final = try account(addresses, journal: journalPath(folder, issue), server: server)
        XCTAssertEqual(final.uncertain, 0)
        XCTAssertEqual(final.duplicates, 0)
        XCTAssertEqual(final.unaccounted, 0)
    }

    func testTheServerStoppedAndRestartedMidSendLosesNobody() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        let addresses = try writeList(1000, in: folder)
        let server = try startServer(in: folder)
        let arguments = ["--recipients", "list.csv", "--via", server.url, "--connections", "2", "--retry-delay", "0.1", "--relay-signs", "--rate", "200"]
        let process = try sendInBackground(issue, arguments, in: folder)
        try waitUntil { try server.received().count >= 200 || !process.isRunning }
        XCTAssertTrue(process.isRunning, "the send ended before the server was stopped")
        server.kill()
        Thread.sleep(forTimeInterval: 0.5)
        try server.start()
        process.waitUntilExit()
        var status = process.terminationStatus
        // Paused by the errors in a row (or deferred): the same command goes on.
        for _ in 0..<3 where status == 75 {
            let states = try journalStates(journalPath(folder, issue))
            if !states.values.contains(where: { $0 == "pending" || $0 == "deferred" }) { break }
            status = try send(issue, arguments, in: folder).status
        }
        let outcome = try account(addresses, journal: journalPath(folder, issue), server: server)
        XCTAssertEqual(outcome.duplicates, 0)
        XCTAssertEqual(outcome.unaccounted, 0)
        XCTAssertEqual(outcome.failed, 0)
        XCTAssertEqual(outcome.deferred, 0)
        XCTAssertLessThanOrEqual(outcome.uncertain, 2, "at most the copies in flight when the server died")
        XCTAssertEqual(outcome.sent + outcome.uncertain, 1000)
    }

    func testTheSenderKilledMidRunResumesWithoutDuplicates() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        let addresses = try writeList(1000, in: folder)
        let server = try startServer(in: folder)
        let arguments = ["--recipients", "list.csv", "--via", server.url, "--connections", "3", "--relay-signs", "--rate", "200"]
        let process = try sendInBackground(issue, arguments, in: folder)
        try waitUntil { try server.received().count >= 300 || !process.isRunning }
        XCTAssertTrue(process.isRunning, "the send ended before it was killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let rerun = try send(issue, arguments, in: folder)
        XCTAssertTrue([0, 75].contains(rerun.status), rerun.all)
        let outcome = try account(addresses, journal: journalPath(folder, issue), server: server)
        XCTAssertEqual(outcome.duplicates, 0)
        XCTAssertEqual(outcome.unaccounted, 0)
        XCTAssertLessThanOrEqual(outcome.uncertain, 3, "at most one copy in flight per connection")
        XCTAssertEqual(outcome.sent + outcome.uncertain, 1000)
        if outcome.uncertain > 0 {
            XCTAssertTrue(rerun.stderr.contains("in flight when an earlier run stopped"), rerun.stderr)
        }
        // Resent on request, with the same Message-ID: a receiver can drop the second.
        let uncertain = Set(try journalStates(journalPath(folder, issue)).filter { $0.value == "uncertain" }.keys)
        let resend = try send(issue, arguments + ["--resend-uncertain"], in: folder)
        XCTAssertEqual(resend.status, 0, resend.all)
        let final = try account(addresses, journal: journalPath(folder, issue), server: server, allowResent: uncertain)
        XCTAssertEqual(final.sent, 1000)
        XCTAssertEqual(final.duplicates, 0)
        var ids: [String: Set<String>] = [:]
        for entry in try server.received() {
            ids[(entry["rcpt"] as? String ?? "").lowercased(), default: []].insert(entry["message_id"] as? String ?? "")
        }
        XCTAssertTrue(ids.values.allSatisfy { $0.count == 1 }, "one Message-ID per recipient, however many copies")
    }

    func testCtrlCLetsTheCopiesInFlightFinish() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        let addresses = try writeList(1000, in: folder)
        let server = try startServer(in: folder)
        let arguments = ["--recipients", "list.csv", "--via", server.url, "--connections", "2", "--relay-signs", "--rate", "200"]
        let process = try sendInBackground(issue, arguments, in: folder)
        try waitUntil { try server.received().count >= 100 || !process.isRunning }
        XCTAssertTrue(process.isRunning, "the send ended before it was interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 75)
        let log = try String(contentsOf: folder.appendingPathComponent("send.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("interrupted: the copies not yet sent stay pending"), log)
        let middle = try account(addresses, journal: journalPath(folder, issue), server: server)
        XCTAssertEqual(middle.uncertain, 0, "nothing was left in flight")
        XCTAssertEqual(middle.duplicates, 0)
        XCTAssertGreaterThan(middle.unaccounted, 0, "the rest is still pending")
        let rerun = try send(issue, arguments, in: folder)
        XCTAssertEqual(rerun.status, 0, rerun.all)
        let final = try account(addresses, journal: journalPath(folder, issue), server: server)
        XCTAssertEqual(final.sent, 1000)
        XCTAssertEqual(final.duplicates, 0)
        XCTAssertEqual(final.unaccounted, 0)
    }

    func testDKIMSignaturesVerifyWithDkimpy() throws {
        let folder = try temporaryFolder()
        // The sample issue, pictures and all: the signature covers the real message.
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("issues"), to: folder.appendingPathComponent("issues"))
        _ = try writeList(2, in: folder)
        let server = try startServer(in: folder)
        for (algorithm, generate) in [("rsa-sha256", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
                                      ("ed25519-sha256", ["genpkey", "-algorithm", "ed25519"])] {
            let key = folder.appendingPathComponent("\(algorithm).pem")
            let made = try Self.runProcess("/usr/bin/openssl", generate + ["-out", key.path])
            XCTAssertEqual(made.status, 0, made.stderr)
            let result = try send("issues/2026-12-03", ["--recipients", "list.csv", "--via", server.url, "--dkim-key", key.path,
                                                         "--dkim-domain", "millbrookledger.example.org", "--dkim-selector", "s1",
                                                         "--journal", "journal-\(algorithm).sqlite", "--force"], in: folder)
            XCTAssertEqual(result.status, 0, result.all)
            XCTAssertTrue(result.stdout.contains("DKIM \(algorithm)"), result.stdout)
            XCTAssertFalse(result.stderr.contains("no DKIM key"))
        }
        let files = try server.received().compactMap { $0["file"] as? String }
        XCTAssertEqual(files.count, 4)
        let verify = try Self.runProcess(try Self.python(), ["-c", """
            import base64, re, subprocess, sys, dkim
            def public(path):
                der = subprocess.run(['openssl', 'pkey', '-in', path, '-pubout', '-outform', 'DER'], capture_output=True, check=True).stdout
                if 'ed25519' in path:
                    return b'v=DKIM1; k=ed25519; p=' + base64.b64encode(der[-32:])
                return b'v=DKIM1; k=rsa; p=' + base64.b64encode(der)
            folder = sys.argv[1]
            keys = {'rsa-sha256': public(folder + '/rsa-sha256.pem'), 'ed25519-sha256': public(folder + '/ed25519-sha256.pem')}
            for path in sys.argv[2:]:
                data = open(path, 'rb').read()
                algorithm = b'rsa-sha256' if b'a=rsa-sha256' in data else b'ed25519-sha256'
                record = keys[algorithm.decode()]
                signature = re.match(rb'DKIM-Signature:(.*?)\\r\\n(?![ \\t])', data, re.S).group(1)
                tags = {t.split(b'=', 1)[0].strip(): re.sub(rb'\\s', b'', t.split(b'=', 1)[1]) for t in signature.split(b';') if b'=' in t}
                assert tags[b'c'] == b'relaxed/relaxed' and b'l' not in tags, tags
                signed = tags[b'h'].lower().split(b':')
                for header in [b'From', b'To', b'Subject', b'Date', b'Message-ID', b'MIME-Version', b'Content-Type', b'List-Id', b'List-Unsubscribe', b'List-Unsubscribe-Post']:
                    assert header.lower() in signed, header
                ok = dkim.verify(data, dnsfunc=lambda name, timeout=5: record)
                print(path, algorithm.decode(), 'verified' if ok else 'FAILED')
                if not ok:
                    sys.exit(1)
            """, folder.path] + files)
        XCTAssertEqual(verify.status, 0, verify.all)
        XCTAssertEqual(verify.stdout.components(separatedBy: "verified").count - 1, 4, verify.all)
    }

    func makeCertificate(in folder: URL) throws -> (cert: URL, key: URL) {
        let cert = folder.appendingPathComponent("cert.pem"), key = folder.appendingPathComponent("key.pem")
        let made = try Self.runProcess("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-out", cert.path,
                                                            "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        XCTAssertEqual(made.status, 0, made.stderr)
        return (cert, key)
    }

    func testSTARTTLSWorksWithATrustedCertificateAndIsRefusedWithout() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        let addresses = try writeList(5, in: folder)
        let (cert, key) = try makeCertificate(in: folder)
        let server = try startServer(["--tls-cert", cert.path, "--tls-key", key.path, "--require-tls"], in: folder)
        // Not trusted: nothing is sent, nothing is lost.
        let refused = try send(issue, ["--recipients", "list.csv", "--via", server.url, "--tls", "required", "--relay-signs"], in: folder)
        XCTAssertEqual(refused.status, 1, refused.all)
        XCTAssertTrue(refused.stderr.contains("TLS failed"), refused.stderr)
        XCTAssertEqual(try server.received().count, 0)
        XCTAssertEqual(Set(try journalStates(journalPath(folder, issue)).values), ["pending"])
        // Trusted: every copy over TLS.
        let trusted = try send(issue, ["--recipients", "list.csv", "--via", server.url, "--tls", "required", "--ca-file", cert.path, "--relay-signs"], in: folder)
        XCTAssertEqual(trusted.status, 0, trusted.all)
        XCTAssertEqual(try server.received().map { $0["tls"] as? Bool }, Array(repeating: true, count: 5))
        XCTAssertEqual(try account(addresses, journal: journalPath(folder, issue), server: server).sent, 5)
    }

    func testSMTPSSpeaksTLSFromTheFirstByte() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        _ = try writeList(3, in: folder)
        let (cert, key) = try makeCertificate(in: folder)
        let server = try startServer(["--tls-cert", cert.path, "--tls-key", key.path, "--implicit-tls"], in: folder)
        let url = "smtps://127.0.0.1:\(server.port)"
        let refused = try send(issue, ["--recipients", "list.csv", "--via", url, "--relay-signs"], in: folder)
        XCTAssertEqual(refused.status, 1, refused.all)
        XCTAssertTrue(refused.stderr.contains("TLS failed"), refused.stderr)
        let trusted = try send(issue, ["--recipients", "list.csv", "--via", url, "--ca-file", cert.path, "--relay-signs"], in: folder)
        XCTAssertEqual(trusted.status, 0, trusted.all)
        XCTAssertEqual(try server.received().map { $0["tls"] as? Bool }, [true, true, true])
    }

    func testSessionsEndAfterPerConnectionMessages() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        _ = try writeList(9, in: folder)
        let server = try startServer(in: folder)
        let result = try send(issue, ["--recipients", "list.csv", "--via", server.url, "--per-connection", "3", "--relay-signs"], in: folder)
        XCTAssertEqual(result.status, 0, result.all)
        // The client's port names its session: three sessions of three messages.
        let peers = try server.received().map { ($0["peer"] as? [Any])?.last as? Int ?? 0 }
        XCTAssertEqual(peers.count, 9)
        XCTAssertEqual(Set(peers).count, 3)
        XCTAssertEqual(Dictionary(grouping: peers, by: { $0 }).values.map(\.count).sorted(), [3, 3, 3])
    }

    func testTemporaryFailuresPastTheDeadlineAreDeferredToTheNextRun() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        let addresses = try writeList(20, in: folder)
        // Every address is refused with a 4xx at its first try; no time to retry in this run.
        let server = try startServer(["--tempfail-every", "1"], in: folder)
        let arguments = ["--recipients", "list.csv", "--via", server.url, "--retry-for", "0", "--retry-delay", "0.01", "--pause-after", "1000", "--relay-signs"]
        let first = try send(issue, arguments, in: folder)
        XCTAssertEqual(first.status, 75, first.all)
        XCTAssertTrue(first.stdout.contains("sent 0, deferred 20"), first.stdout)
        XCTAssertTrue(first.stdout.contains("not finished: run the same command again"), first.stdout)
        let status = try send(issue, ["--recipients", "list.csv", "--status"], in: folder)
        XCTAssertTrue(status.stdout.contains("deferred 20"), status.stdout)
        XCTAssertTrue(status.stdout.contains("(next try "), status.stdout)
        let outcome = try account(addresses, journal: journalPath(folder, issue), server: server)
        XCTAssertEqual(outcome.deferred, 20)
        // The next run sends them.
        let second = try send(issue, arguments, in: folder)
        XCTAssertEqual(second.status, 0, second.all)
        let final = try account(addresses, journal: journalPath(folder, issue), server: server)
        XCTAssertEqual(final.sent, 20)
        XCTAssertEqual(final.duplicates, 0)
        XCTAssertEqual(final.unaccounted, 0)
    }

    func testARelayRefusingEverythingPausesTheSendInsteadOfBurningTheList() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        let addresses = try writeList(30, in: folder)
        let server = try startServer(["--reject-every", "1"], in: folder)
        let result = try send(issue, ["--recipients", "list.csv", "--via", server.url, "--pause-after", "5", "--relay-signs"], in: folder)
        XCTAssertEqual(result.status, 75, result.all)
        XCTAssertTrue(result.stderr.contains("the send paused: 5 errors in a row"), result.stderr)
        XCTAssertTrue(result.stdout.contains("failed 5"), result.stdout)
        XCTAssertTrue(result.stdout.contains("not yet tried 25"), result.stdout)
        let states = try journalStates(journalPath(folder, issue))
        XCTAssertEqual(states.values.filter { $0 == "pending" }.count, 25)
        XCTAssertEqual(addresses.count, 30)
        XCTAssertEqual(try server.received().count, 0)
    }

    func testRetryFailedMailsTheFailedAgainAndLiftsTheirSuppression() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        let addresses = try writeList(10, in: folder)
        let refusing = try startServer(["--reject-every", "1"], in: folder)
        let first = try send(issue, ["--recipients", "list.csv", "--via", refusing.url, "--pause-after", "100", "--relay-signs"], in: folder)
        XCTAssertEqual(first.status, 0, first.all)
        XCTAssertTrue(first.stdout.contains("failed 10"), first.stdout)
        refusing.kill()
        let taking = try startServer([], in: try temporaryFolder())
        let again = try send(issue, ["--recipients", "list.csv", "--via", taking.url, "--relay-signs"], in: folder)
        XCTAssertTrue(again.stdout.contains("sending 0 copies"), again.stdout)
        let retried = try send(issue, ["--recipients", "list.csv", "--via", taking.url, "--relay-signs", "--retry-failed"], in: folder)
        XCTAssertEqual(retried.status, 0, retried.all)
        XCTAssertTrue(retried.stdout.contains("sent 10, deferred 0, failed 0"), retried.stdout)
        XCTAssertEqual(Set(try taking.received().compactMap { ($0["rcpt"] as? String)?.lowercased() }), Set(addresses.map { $0.lowercased() }))
        let suppressed = try String(contentsOf: folder.appendingPathComponent("suppressed.txt"), encoding: .utf8)
        XCTAssertEqual(suppressed.trimmingCharacters(in: .whitespacesAndNewlines), "")
    }

    func testLoginWithCredentialsFromTheEnvironmentOrAFileNeverPrinted() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        _ = try writeList(2, in: folder)
        let (cert, key) = try makeCertificate(in: folder)
        let password = "pa55-w0rd-never-shown"
        let server = try startServer(["--tls-cert", cert.path, "--tls-key", key.path, "--require-tls", "--auth", "sender:\(password)"], in: folder)
        let base = ["--recipients", "list.csv", "--via", server.url, "--tls", "required", "--ca-file", cert.path, "--relay-signs"]
        let wrong = try send(issue, base, in: folder, environment: ["ISSUE_SMTP_USER": "sender", "ISSUE_SMTP_PASSWORD": "wrong"])
        XCTAssertEqual(wrong.status, 1, wrong.all)
        XCTAssertTrue(wrong.stderr.contains("refused the login"), wrong.stderr)
        XCTAssertFalse(wrong.all.contains("wrong"))
        let plain = try send(issue, base + ["--auth", "plain", "--journal", "plain.sqlite"], in: folder,
                             environment: ["ISSUE_SMTP_USER": "sender", "ISSUE_SMTP_PASSWORD": password])
        XCTAssertEqual(plain.status, 0, plain.all)
        XCTAssertFalse(plain.all.contains(password))
        let file = folder.appendingPathComponent("credentials")
        try "sender\n\(password)\n".write(to: file, atomically: true, encoding: .utf8)
        let login = try send(issue, base + ["--auth", "login", "--journal", "login.sqlite", "--credentials", file.path], in: folder)
        XCTAssertEqual(login.status, 0, login.all)
        XCTAssertFalse(login.all.contains(password))
        XCTAssertEqual(try server.received().filter { $0["auth"] as? Bool == true }.count, 4)
    }

    func testOperatorTools() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        // A bad address, a duplicate in other case, and a suppressed address: reported with
        // their lines, and left out.
        let addresses = try writeList(40, in: folder, extra: "not-an-address,Nobody\nREADER00001@example.org,Again\nblocked@example.org,Blocked\n")
        try "blocked@example.org\t2026-01-01T00:00:00Z\t550 earlier\n".write(to: folder.appendingPathComponent("suppressed.txt"), atomically: true, encoding: .utf8)
        let server = try startServer(in: folder)
        let base = ["--recipients", "list.csv", "--via", server.url, "--relay-signs"]

        let dry = try send(issue, base + ["--dry-run"], in: folder)
        XCTAssertEqual(dry.status, 0, dry.all)
        XCTAssertTrue(dry.stdout.contains("would send 40 copies"), dry.stdout)
        XCTAssertTrue(dry.stderr.contains("list.csv:42:1: warning:"), dry.stderr)
        XCTAssertTrue(dry.stderr.contains("list.csv:43:1: warning: READER00001@example.org is on the list twice"), dry.stderr)
        XCTAssertTrue(dry.stderr.contains("list.csv:44:1: warning: blocked@example.org is on the suppression list"), dry.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: journalPath(folder, issue).path))
        XCTAssertEqual(try server.received().count, 0)

        let test = try send(issue, base + ["--test", "editor@example.org"], in: folder)
        XCTAssertEqual(test.status, 0, test.all)
        let received = try server.received()
        XCTAssertEqual(received.map { $0["rcpt"] as? String }, ["editor@example.org"])
        let copy = try String(contentsOfFile: try XCTUnwrap(received.first?["file"] as? String), encoding: .utf8)
        XCTAssertTrue(copy.contains("Subject: [TEST] A short issue"), String(copy.prefix(600)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: journalPath(folder, issue).path))

        // Two shards: disjoint, together the whole list, each with its own journal.
        for k in 1...2 {
            let shard = try send(issue, base + ["--shard", "\(k)/2"], in: folder)
            XCTAssertEqual(shard.status, 0, shard.all)
            XCTAssertTrue(shard.stdout.contains("on other shards"), shard.stdout)
            XCTAssertTrue(shard.stdout.contains("2 invalid or duplicate"), shard.stdout)
        }
        let shardJournals = (1...2).map { folder.appendingPathComponent("build/send/\((issue as NSString).lastPathComponent)-list-shard-\($0)-of-2.sqlite") }
        let parts = try shardJournals.map { Set(try journalStates($0).keys) }
        XCTAssertTrue(parts[0].isDisjoint(with: parts[1]))
        XCTAssertEqual(parts[0].union(parts[1]), Set(addresses.map { $0.lowercased() }))
        XCTAssertFalse(parts[0].isEmpty || parts[1].isEmpty)
        var counts: [String: Int] = [:]
        for entry in try server.received() { counts[entry["rcpt"] as? String ?? "", default: 0] += 1 }
        XCTAssertEqual(counts.count, 41)
        XCTAssertEqual(counts.values.max(), 1)

        // The issue changes after a send began: the send stops and says so.
        let article = folder.appendingPathComponent(issue + "/articles/01-note.md")
        let text = try String(contentsOf: article, encoding: .utf8)
        try text.replacingOccurrences(of: "The end.", with: "The end, changed.").write(to: article, atomically: true, encoding: .utf8)
        let changed = try send(issue, base + ["--shard", "1/2"], in: folder)
        XCTAssertEqual(changed.status, 1, changed.all)
        XCTAssertTrue(changed.stderr.contains("the issue changed since this send began"), changed.stderr)

        // --status reads the journal; bad input is a message and a status, not a crash.
        let status = try send(issue, ["--recipients", "list.csv", "--shard", "1/2", "--status"], in: folder)
        XCTAssertEqual(status.status, 0, status.all)
        XCTAssertTrue(status.stdout.contains("sent \(parts[0].count)"), status.stdout)
        for bad in [["--via", "ftp://x"], ["--via", server.url, "--connections", "0"], ["--via", server.url, "--rate", "fast"],
                    ["--via", server.url, "--shard", "3/2"], ["--via", "smtp://user:pw@127.0.0.1:25"], ["--via", server.url, "--dkim-key", "k.pem"]] {
            let result = try send(issue, ["--recipients", "list.csv"] + bad, in: folder)
            XCTAssertEqual(result.status, 64, "\(bad): \(result.all)")
            XCTAssertTrue(result.stderr.contains("Error:"), result.stderr)
        }
        let missing = try send(issue, ["--recipients", "nowhere.csv", "--via", server.url], in: folder)
        XCTAssertEqual(missing.status, 1, missing.all)
        XCTAssertTrue(missing.stderr.contains("nowhere.csv:1:1: error: cannot read the recipients file"), missing.stderr)
        let badKey = folder.appendingPathComponent("bad.pem")
        try "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n".write(to: badKey, atomically: true, encoding: .utf8)
        let keyResult = try send(issue, base + ["--dkim-key", badKey.path, "--dkim-domain", "example.org", "--dkim-selector", "s", "--journal", "k.sqlite"], in: folder)
        XCTAssertEqual(keyResult.status, 1, keyResult.all)
        XCTAssertTrue(keyResult.stderr.contains("bad.pem:1:1: error: not an RSA private key"), keyResult.stderr)
    }

    func testSendmailAndFolderTransports() throws {
        let folder = try temporaryFolder()
        let issue = try smallIssue(in: folder)
        _ = try writeList(3, in: folder)
        // A stand-in for /usr/sbin/sendmail that keeps what it is given and its arguments.
        let fake = folder.appendingPathComponent("sendmail")
        try """
            #!/bin/sh
            n=$(ls "\(folder.path)/piped" 2>/dev/null | wc -l)
            mkdir -p "\(folder.path)/piped"
            echo "$@" > "\(folder.path)/piped/$n.args"
            cat > "\(folder.path)/piped/$n.eml"
            """.write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let piped = try send(issue, ["--recipients", "list.csv", "--via", "sendmail:\(fake.path)", "--relay-signs"], in: folder)
        XCTAssertEqual(piped.status, 0, piped.all)
        let args = try String(contentsOf: folder.appendingPathComponent("piped/0.args"), encoding: .utf8)
        XCTAssertTrue(args.hasPrefix("-i -f news@millbrookledger.example.org -- reader0000"), args)
        let message = try Data(contentsOf: folder.appendingPathComponent("piped/0.eml"))
        XCTAssertFalse(message.contains(13), "a local MTA gets LF line endings")
        let written = try send(issue, ["--recipients", "list.csv", "--via", "dir:out", "--journal", "dir.sqlite"], in: folder)
        XCTAssertEqual(written.status, 0, written.all)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).count, 3)
    }

    // MARK: Helpers

    func sendInBackground(_ issue: String, _ arguments: [String], in folder: URL) throws -> Process {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["send", issue] + arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(["ISSUE_TOKEN_SECRET": Self.secret]) { $1 }
        let log = folder.appendingPathComponent("send.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        addTeardownBlock { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        return process
    }

    /// Polls a condition (for at most two minutes): what it waits for is counted, not timed.
    func waitUntil(_ condition: () throws -> Bool) throws {
        for _ in 0..<12_000 {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTFail("waited two minutes in vain")
    }
}
