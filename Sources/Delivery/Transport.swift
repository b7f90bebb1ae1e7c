import Foundation
import MIME

/// How one attempt at one copy ended, as far as the sender can know.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The server took it: `250` after DATA (or the local MTA queued it). The reply is kept.
    case accepted(String)
    /// A 4xx reply, or a connection lost before the whole message went out: try again later.
    case temporary(String)
    /// A 5xx reply to the recipient or to the message: not again; the address is suppressed.
    case permanent(String)
    /// The whole message went out and no reply came back: it may or may not have been
    /// delivered. Never retried on its own (that is how lists get mailed three times).
    case ambiguous(String)
    /// Nothing can be sent this way (TLS refused, login denied, the sender refused, no such
    /// program): the send stops; the copy was not sent.
    case fatal(String)
}

/// A way to hand over messages. Each sending thread has its own, so an implementation needs no
/// locks of its own.
public protocol MailTransport: AnyObject {
    /// Sends one message to one recipient, from the envelope sender. The copy is streamed from
    /// its segments, never made whole.
    func send(_ message: MessageCopy, from: String, to: String) -> DeliveryOutcome
    /// Ends the current session (if any): the next send starts a new one. Called after any
    /// failure, so a session is never reused in an unknown state (the `503 Sender already
    /// specified` of notes/email.md), and after `--per-connection` messages.
    func reset()
}

extension MailTransport {
    /// Sends a message serialised whole.
    public func send(_ message: [UInt8], from: String, to: String) -> DeliveryOutcome {
        send(MessageCopy(bytes: message), from: from, to: to)
    }
}

/// Makes one transport per sending thread.
public typealias TransportFactory = @Sendable () throws -> MailTransport

/// Pipes each message to `sendmail -i -f FROM -- TO`: the local MTA queues it and does the
/// retrying. Its exit status says what happened (sysexits.h).
public final class SendmailTransport: MailTransport {
    let program: String

    public init(program: String) {
        self.program = program
    }

    public func send(_ message: MessageCopy, from: String, to: String) -> DeliveryOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["-i", "-f", from, "--", to]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            return .fatal("\(program) cannot be run: \(error.localizedDescription)")
        }
        let reader = Thread { _ = output.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        // A program that exits without reading all of it must not take this process with it:
        // the throwing write reports EPIPE instead of trapping (SIGPIPE is ignored by the send).
        let complete = (try? Self.writeLocal(message, to: input.fileHandleForWriting)) != nil
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        if !complete && process.terminationStatus == 0 {
            return .ambiguous("\(program) exited before reading the whole message")
        }
        let status = process.terminationStatus
        switch status {
        case 0: return .accepted("\(program) queued it")
        case 67, 68: return .permanent("\(program) exited with status \(status) (unknown user or host)")
        case 75: return .temporary("\(program) exited with status 75 (try again later)")
        case 69, 70, 71, 72, 73, 74, 76, 77, 78, 126, 127: return .fatal("\(program) exited with status \(status)")
        default: return .temporary("\(program) exited with status \(status)")
        }
    }

    /// Writes the copy with local line endings (a local MTA wants LF, not CRLF): each CR that
    /// an LF follows is dropped, a run of bytes between CRs copied at once; a CR at the end of
    /// one segment and the LF at the start of the next are one line end.
    static func writeLocal(_ message: MessageCopy, to handle: FileHandle) throws {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        var pendingCR = false
        try message.forEachSegment { segment in
            guard let base = segment.baseAddress, !segment.isEmpty else { return }
            let n = segment.count
            var i = 0
            if pendingCR {
                pendingCR = false
                if segment[0] != 10 { buffer.append(13) }
            }
            while i < n {
                let cr = memchr(base + i, 13, n - i).map { UnsafeRawPointer($0) - base } ?? n
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: segment[i..<cr]))
                if cr + 1 < n {
                    if segment[cr + 1] != 10 { buffer.append(13) }
                } else if cr + 1 == n {
                    pendingCR = true
                }
                i = cr + 1
            }
            if buffer.count >= 1 << 16 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if pendingCR { buffer.append(13) }
        if !buffer.isEmpty { try handle.write(contentsOf: buffer) }
    }

    public func reset() {}
}

/// Writes each message as a file in a folder (`--via dir:FOLDER`): for a list server that
/// takes files, or to look at exactly what would be sent.
public final class FolderTransport: MailTransport {
    let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    public func send(_ message: MessageCopy, from: String, to: String) -> DeliveryOutcome {
        let name = to.lowercased().map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "@" ? $0 : "_" }
        let path = (folder as NSString).appendingPathComponent(String(name) + ".eml")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try message.write(toFile: path)
            return .accepted("written to \(path)")
        } catch {
            return .fatal("\(path): cannot be written: \(error.localizedDescription)")
        }
    }

    public func reset() {}
}
