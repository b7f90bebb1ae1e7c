import Delivery
import Foundation
import MIME

/// Makes one subscriber's copy, signed, on any sending thread. The message is compiled once
/// (`NewsletterTemplate`), before any thread starts, and DKIM made ready for its copies; a copy
/// then costs its own headers and fields (and, signed, hashing its body and one signature),
/// and the threads only read what is shared.
final class CopyMaker: Sendable {
    let template: NewsletterTemplate
    let signer: DKIMSigner.Prepared?
    let date: Date

    init(newsletter: Newsletter, signer: DKIMSigner?, date: Date, subjectPrefix: String = "") throws {
        template = try newsletter.template(date: date, subjectPrefix: subjectPrefix)
        self.signer = signer?.prepare(template.message)
        self.date = date
    }

    func copy(for recipient: Recipient) throws -> MessageCopy {
        let copy = try template.copy(for: recipient)
        return try signer?.sign(copy, time: date) ?? copy
    }
}

/// Progress while sending: a bar redrawn in place on a terminal, plain lines (every tenth of
/// the list) otherwise, so a log stays readable.
final class ProgressDisplay: @unchecked Sendable {
    let terminal: Bool
    let lock = NSLock()
    var lastDraw = Date.distantPast
    var lastTenth = 0
    var drawn = false

    init(terminal: Bool) {
        self.terminal = terminal
    }

    static func line(_ p: SendProgress) -> String {
        let elapsed = max(0.001, Date().timeIntervalSince(p.started))
        let rate = Double(p.done) / elapsed
        let left = p.total - p.done
        let eta = rate > 0 ? Int(Double(left) / rate) : 0
        var text = "\(p.done)/\(p.total)  sent \(p.sent) · failed \(p.failed) · deferred \(p.deferred) · uncertain \(p.uncertain)"
        if p.retrying > 0 { text += " · retrying \(p.retrying)" }
        text += String(format: " · %.1f/s", rate)
        if left > 0 && rate > 0 { text += String(format: " · %d:%02d left", eta / 60, eta % 60) }
        return text
    }

    func update(_ p: SendProgress) {
        lock.lock()
        defer { lock.unlock() }
        if terminal {
            guard Date().timeIntervalSince(lastDraw) > 0.1 || p.done == p.total else { return }
            lastDraw = Date()
            let width = 24
            let filled = p.total == 0 ? width : width * p.done / p.total
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardOutput.write(Data("\r\u{1B}[K[\(bar)] \(Self.line(p))".utf8))
            drawn = true
        } else {
            let tenth = p.total == 0 ? 10 : 10 * p.done / p.total
            guard tenth > lastTenth else { return }
            lastTenth = tenth
            FileHandle.standardOutput.write(Data((Self.line(p) + "\n").utf8))
        }
    }

    func note(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if terminal && drawn { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    func finish(_ p: SendProgress) {
        lock.lock()
        defer { lock.unlock() }
        if terminal {
            if drawn { FileHandle.standardOutput.write(Data("\n".utf8)) }
        } else if lastTenth < 10 && p.total > 0 {
            FileHandle.standardOutput.write(Data((Self.line(p) + "\n").utf8))
        }
    }
}
