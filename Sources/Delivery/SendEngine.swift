import Foundation
import MIME

/// The knobs of a send: one rate, one number of connections (notes/email.md: "confusing
/// throughput knobs"), and how patient to be.
public struct SendOptions: Sendable {
    /// Parallel sessions, each on its own thread with its own transport.
    public var connections = 1
    /// Messages per second across all connections; nil for as fast as the server takes them.
    public var rate: Double?
    /// Messages per session before reconnecting (`421 Too many messages in one session`).
    public var perConnection: Int?
    /// The first wait after a temporary failure; each further one doubles, up to `maximumDelay`.
    public var retryDelay: Double = 5
    public var maximumDelay: Double = 300
    /// How long a copy keeps being retried within a run, from its first failure; then it is
    /// deferred to the next run.
    public var retryFor: Double = 900
    /// Errors in a row (temporary, permanent or lost, across all connections) that pause the
    /// send: a relay that refuses everything must not burn through the list.
    public var pauseAfter = 10

    public init() {}
}

/// One copy to send: the journal's id and the recipient.
public struct SendWork: Sendable {
    public var id: Int64
    public var recipient: Recipient
    var attempts = 0
    var firstFailure: Date?

    public init(id: Int64, recipient: Recipient) {
        self.id = id
        self.recipient = recipient
    }
}

/// What the engine tells whoever shows progress.
public struct SendProgress: Sendable {
    public var total: Int
    public var sent = 0
    public var failed = 0
    public var deferred = 0
    public var uncertain = 0
    public var retrying = 0
    public var started: Date
    /// The latest event worth a line of its own (a pause, a retry).
    public var done: Int { sent + failed + deferred + uncertain }
}

/// Why a send ended before its list did.
public enum SendStop: Sendable, Equatable {
    /// Everything this run could do is done.
    case finished
    /// Too many errors in a row; the message says which.
    case paused(String)
    /// Nothing can be sent this way (TLS, login, sender refused).
    case fatal(String)
    /// The operator asked (SIGINT/SIGTERM).
    case interrupted
}

/// Sends copies over N connections with a global rate, retries temporary failures with
/// exponential back-off, and writes every step to the journal before and after it happens.
///
/// The order of events for one copy (the heart of "nobody mailed twice"):
///   1. journal: *sending* (fsynced), 2. the transport sends it, 3. journal: the outcome.
/// A crash between 1 and 3 leaves *sending*, which the next run turns into *uncertain*.
public final class SendEngine: @unchecked Sendable {
    let journal: SendJournal
    let options: SendOptions
    let makeTransport: TransportFactory
    /// Renders (and signs) one recipient's copy. Called from the sending threads.
    let render: @Sendable (Recipient) throws -> MessageCopy
    let envelopeFrom: String
    let suppression: SuppressionList?
    /// Called (from any thread) when a copy ends, and with notes worth a line of their own.
    let onProgress: @Sendable (SendProgress) -> Void
    let onNote: @Sendable (String) -> Void

    private let condition = NSCondition()
    private var ready: [SendWork] = []
    private var readyIndex = 0
    private var waiting: [(at: Date, work: SendWork)] = []
    private var inFlight = 0
    private var consecutiveErrors = 0
    private var stop: SendStop?
    private var progress: SendProgress
    private var nextSlot = Date.distantPast
    /// Copies made ahead of their turn (see `prefetch`), by journal id, and the one being made.
    private var made: [Int64: Result<MessageCopy, Error>] = [:]
    private var makingID: Int64?
    private var prefetchIndex = 0

    public init(journal: SendJournal, options: SendOptions, envelopeFrom: String, suppression: SuppressionList?,
                makeTransport: @escaping TransportFactory, render: @escaping @Sendable (Recipient) throws -> MessageCopy,
                onProgress: @escaping @Sendable (SendProgress) -> Void, onNote: @escaping @Sendable (String) -> Void) {
        self.journal = journal
        self.options = options
        self.envelopeFrom = envelopeFrom
        self.suppression = suppression
        self.makeTransport = makeTransport
        self.render = render
        self.onProgress = onProgress
        self.onNote = onNote
        progress = SendProgress(total: 0, started: Date())
    }

    /// Asks the threads to stop after the copies in flight.
    public func interrupt() {
        condition.lock()
        if stop == nil { stop = .interrupted }
        condition.broadcast()
        condition.unlock()
    }

    /// Sends `work` (in this order) and returns when every copy has an outcome or the send
    /// stopped. Copies not started are left pending; copies waiting for a retry are deferred.
    public func run(_ work: [SendWork]) -> (stop: SendStop, progress: SendProgress) {
        condition.lock()
        ready = work
        progress = SendProgress(total: work.count, started: Date())
        condition.unlock()
        let finished = DispatchGroup()
        let prefetcher = Thread { [self] in prefetch() }
        prefetcher.start()
        for n in 0..<max(1, options.connections) {
            finished.enter()
            let thread = Thread { [self] in
                worker(number: n)
                finished.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        finished.wait()
        condition.lock()
        defer { condition.unlock() }
        made = [:]
        // The last copies' *sent* wait for a commit (see SendJournal.record).
        do {
            try journal.flush()
        } catch {
            if stop == nil || stop == .finished { stop = .fatal("the journal cannot be written: \(error)") }
        }
        // Copies still waiting for a retry go to the next run, with the time they were due.
        for (at, item) in waiting {
            try? journal.record(item.id, .deferred, reply: "stopped before its retry", nextTry: at)
            progress.deferred += 1
        }
        waiting = []
        return (stop ?? .finished, progress)
    }

    /// Makes the next copies in the list while the connections are busy sending, a few ahead
    /// (one more than there are connections): making a copy costs milliseconds of CPU that would
    /// otherwise sit between one message and the next on the same connection.
    private func prefetch() {
        let depth = max(1, options.connections) + 1
        condition.lock()
        while stop == nil {
            prefetchIndex = max(prefetchIndex, readyIndex)
            let finished = readyIndex >= ready.count && waiting.isEmpty && inFlight == 0
            if finished { break }
            guard prefetchIndex < ready.count, made.count < depth else {
                _ = condition.wait(until: Date().addingTimeInterval(0.5))
                continue
            }
            let item = ready[prefetchIndex]
            prefetchIndex += 1
            makingID = item.id
            condition.unlock()
            let copy = Result { try render(item.recipient) }
            condition.lock()
            makingID = nil
            // Taken by a connection while it was being made: the connection waited for it.
            made[item.id] = copy
            condition.broadcast()
        }
        condition.broadcast()
        condition.unlock()
    }

    /// The copy for `item`: made ahead, being made (waited for), or made now.
    private func copy(for item: SendWork) throws -> MessageCopy {
        condition.lock()
        while makingID == item.id { condition.wait() }
        let ready = made.removeValue(forKey: item.id)
        condition.broadcast()
        condition.unlock()
        if let ready { return try ready.get() }
        return try render(item.recipient)
    }

    private func next() -> SendWork? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if stop != nil { return nil }
            if readyIndex < ready.count {
                let work = ready[readyIndex]
                readyIndex += 1
                inFlight += 1
                return work
            }
            if let soonest = waiting.indices.min(by: { waiting[$0].at < waiting[$1].at }) {
                if waiting[soonest].at <= Date() {
                    let work = waiting.remove(at: soonest).work
                    progress.retrying = waiting.count
                    inFlight += 1
                    return work
                }
                _ = condition.wait(until: waiting[soonest].at)
                continue
            }
            if inFlight == 0 { return nil }
            // A copy in flight may come back for a retry.
            condition.wait()
        }
    }

    /// Waits for this copy's turn under `--rate`: slots 1/rate apart across all threads.
    private func waitForSlot() {
        guard let rate = options.rate, rate > 0 else { return }
        condition.lock()
        let slot = max(Date(), nextSlot)
        nextSlot = slot.addingTimeInterval(1 / rate)
        condition.unlock()
        let wait = slot.timeIntervalSinceNow
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }

    private func worker(number: Int) {
        var transport: MailTransport
        do {
            transport = try makeTransport()
        } catch {
            finish(nil, stop: .fatal("\(error)"))
            return
        }
        var inSession = 0
        var temporaryInARow = 0
        while let item = next() {
            let message: MessageCopy
            do {
                message = try copy(for: item)
            } catch {
                // A copy that cannot be made is this recipient's problem, not the server's.
                try? journal.record(item.id, .failed, reply: "cannot be made: \(error)")
                finish(item, outcome: .failed)
                continue
            }
            if let perConnection = options.perConnection, inSession >= perConnection {
                transport.reset()
                inSession = 0
            }
            waitForSlot()
            do {
                try journal.markSending(item.id)
            } catch {
                finish(item, stop: .fatal("the journal cannot be written: \(error)"), requeue: false)
                return
            }
            let outcome = transport.send(message, from: envelopeFrom, to: item.recipient.email)
            inSession += 1
            if case .accepted = outcome {} else {
                transport.reset()
                inSession = 0
            }
            handle(item, outcome)
            // A 4xx or a lost connection says "slow down" as much as "not this one now": this
            // connection waits too, longer each time in a row (up to 16 times --retry-delay;
            // a relay that refuses everything is the pause's business, not this wait's).
            if case .temporary = outcome {
                temporaryInARow += 1
                rest(min(options.maximumDelay, options.retryDelay * pow(2, Double(min(temporaryInARow - 1, 4)))))
            } else {
                temporaryInARow = 0
            }
        }
    }

    /// Waits (a connection's back-off) unless the send stops meanwhile.
    private func rest(_ seconds: Double) {
        let until = Date().addingTimeInterval(seconds)
        condition.lock()
        while stop == nil && Date() < until { _ = condition.wait(until: until) }
        condition.unlock()
    }

    enum Counted { case sent, failed, deferred, uncertain, retry, none }

    private func handle(_ item: SendWork, _ outcome: DeliveryOutcome) {
        do {
            switch outcome {
            case .accepted(let reply):
                try journal.record(item.id, .sent, reply: reply, durable: false)
                // Only a --retry-failed copy can be on the list and go through.
                if suppression?.contains(item.recipient.email) == true { try suppression?.remove(item.recipient.email) }
                finish(item, outcome: .sent)
            case .permanent(let reply):
                try journal.record(item.id, .failed, reply: reply)
                try suppression?.add(item.recipient.email, reason: reply)
                finish(item, outcome: .failed, error: "\(item.recipient.email): \(reply)")
            case .ambiguous(let reply):
                try journal.record(item.id, .uncertain, reply: reply)
                finish(item, outcome: .uncertain, error: "\(item.recipient.email): \(reply)")
            case .fatal(let reason):
                // Never reached the message: back to pending for the run after the fix.
                try journal.record(item.id, .pending, reply: reason)
                finish(item, stop: .fatal(reason))
            case .temporary(let reply):
                var again = item
                again.attempts += 1
                let first = item.firstFailure ?? Date()
                again.firstFailure = first
                let delay = min(options.maximumDelay, options.retryDelay * pow(2, Double(again.attempts - 1)))
                let at = Date().addingTimeInterval(delay)
                if at.timeIntervalSince(first) > options.retryFor {
                    try journal.record(item.id, .deferred, reply: reply, nextTry: at)
                    finish(item, outcome: .deferred, error: "\(item.recipient.email): \(reply)")
                } else {
                    // Pending (not sending) while it waits: a crash now must not make it uncertain.
                    try journal.record(item.id, .pending, reply: reply, nextTry: at)
                    finish(item, retryAt: at, work: again, error: "\(item.recipient.email): \(reply)")
                }
            }
        } catch {
            finish(item, stop: .fatal("the journal cannot be written: \(error)"), requeue: false)
        }
    }

    private func finish(_ item: SendWork?, outcome: Counted = .none, retryAt: Date? = nil, work: SendWork? = nil,
                        error: String? = nil, stop newStop: SendStop? = nil, requeue: Bool = true) {
        condition.lock()
        if item != nil { inFlight -= 1 }
        switch outcome {
        case .sent: progress.sent += 1
        case .failed: progress.failed += 1
        case .deferred: progress.deferred += 1
        case .uncertain: progress.uncertain += 1
        case .retry, .none: break
        }
        if let retryAt, let work {
            waiting.append((retryAt, work))
            progress.retrying = waiting.count
        }
        var note: String?
        if error != nil || newStop != nil {
            consecutiveErrors += 1
            if let newStop, stop == nil {
                stop = newStop
            } else if consecutiveErrors >= options.pauseAfter, stop == nil, let error {
                stop = .paused("\(consecutiveErrors) errors in a row, the last: \(error)")
            }
            if let error, retryAt != nil { note = "retrying later: \(error)" }
        } else if outcome == .sent {
            consecutiveErrors = 0
        }
        let snapshot = progress
        condition.broadcast()
        condition.unlock()
        if let note { onNote(note) }
        if item != nil { onProgress(snapshot) }
    }
}
