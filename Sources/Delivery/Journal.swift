import Foundation

/// Where one recipient's copy stands.
public enum SendState: String, CaseIterable, Sendable {
    /// Not tried yet (or a deferred copy put back for this run).
    case pending
    /// Handed to the server, no answer yet. Found in a journal at start, it means the process
    /// died with the copy in flight: it becomes `uncertain`.
    case sending
    /// The server answered `250` after DATA.
    case sent
    /// Temporary failures until the retry deadline; tried again by the next run.
    case deferred
    /// A permanent (5xx) answer; the address is on the suppression list.
    case failed
    /// Its fate is unknown (in flight when the process died, or the connection dropped after
    /// the whole message went out): resent only with `--resend-uncertain`.
    case uncertain
    /// On the journal but no longer on the list (unsubscribed since the send began).
    case skipped
}

/// One recipient's line of the journal.
public struct JournalEntry: Sendable {
    public var id: Int64
    public var email: String
    public var state: SendState
    public var attempts: Int
    public var reply: String
    public var nextTry: Date?
    public var updated: Date?
}

/// The send's durable record, an SQLite file per issue and list (and shard): every recipient's
/// state, the server's last reply, and what identifies the send (the issue's content hash, the
/// Date of its copies).
///
/// The rules that make a killed or disconnected send safe to rerun (see notes/email.md, "The
/// send ledger"): a copy is marked *sending*, committed to disk, before its DATA can end; it is
/// marked *sent* only after the server's `250`. No change call returns before its transaction
/// is committed in WAL mode with `synchronous=FULL` (fsynced); the sending threads' changes
/// share commits (group commit). A crash can then
/// leave at most the copies in flight as *sending*, and the next run lists them as uncertain
/// instead of guessing.
public final class SendJournal: @unchecked Sendable {
    public let path: String
    private let db: SQLiteDatabase
    private let lock = NSLock()
    /// Held for the life of the journal: a second `issue send` on the same journal would send
    /// the same copies twice.
    private var lockDescriptor: Int32 = -1

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameter exclusive: take the journal for a send (refused while another process has
    ///   it); `--status` reads without.
    public init(path: String, exclusive: Bool) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        if exclusive {
            lockDescriptor = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard lockDescriptor >= 0 else { throw Failure(description: "\(path).lock: cannot be created: \(String(cString: strerror(errno)))") }
            guard flock(lockDescriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(lockDescriptor)
                lockDescriptor = -1
                throw Failure(description: "\(path): another 'issue send' is using this journal; wait for it to finish")
            }
        }
        do {
            db = try SQLiteDatabase(path: path)
            try db.execute("PRAGMA journal_mode=WAL")
            try db.execute("PRAGMA synchronous=FULL")
            try db.execute("""
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS recipients (
                    id INTEGER PRIMARY KEY,
                    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    reply TEXT NOT NULL DEFAULT '',
                    next_try REAL,
                    updated REAL
                );
                CREATE INDEX IF NOT EXISTS recipients_state ON recipients(state);
                """)
        } catch {
            if lockDescriptor >= 0 { close(lockDescriptor) }
            throw error
        }
    }

    deinit {
        if lockDescriptor >= 0 { close(lockDescriptor) }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: What identifies the send

    public func meta(_ key: String) throws -> String? {
        try locked { try db.query("SELECT value FROM meta WHERE key = ?", [.text(key)]).first?.first?.string }
    }

    public func setMeta(_ values: [String: String]) throws {
        try locked {
            try db.transaction {
                for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                    try db.query("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [.text(key), .text(value)])
                }
            }
        }
    }

    // MARK: The list

    /// Adds the addresses not yet in the journal as pending (a list that grew since the send
    /// began), and marks skipped the pending or deferred ones the list no longer holds
    /// (unsubscribed since). Returns how many were added and how many dropped.
    @discardableResult
    public func synchronize(with emails: [String]) throws -> (added: Int, dropped: Int) {
        try locked {
            try db.transaction {
                let before = try db.query("SELECT COUNT(*) FROM recipients").first?.first?.int ?? 0
                let now = Date().timeIntervalSince1970
                for email in emails {
                    try db.query("INSERT OR IGNORE INTO recipients (email, state, updated) VALUES (?, 'pending', ?)", [.text(email), .real(now)])
                }
                let after = try db.query("SELECT COUNT(*) FROM recipients").first?.first?.int ?? 0
                try db.execute("CREATE TEMP TABLE IF NOT EXISTS listed (email TEXT PRIMARY KEY COLLATE NOCASE); DELETE FROM listed;")
                for email in emails { try db.query("INSERT OR IGNORE INTO listed (email) VALUES (?)", [.text(email)]) }
                try db.query("""
                    UPDATE recipients SET state = 'skipped', reply = 'no longer on the list', updated = ?
                    WHERE state IN ('pending', 'deferred') AND email NOT IN (SELECT email FROM listed)
                    """, [.real(now)])
                let dropped = try db.query("SELECT changes()").first?.first?.int ?? 0
                return (after - before, dropped)
            }
        }
    }

    /// Copies found *sending* at the start of a run were in flight when a process died: their
    /// fate is unknown, so they become uncertain (and are never resent on their own).
    public func markInterruptedUncertain() throws -> [String] {
        try locked {
            try db.transaction {
                let rows = try db.query("SELECT email FROM recipients WHERE state = 'sending' ORDER BY id")
                try db.query("""
                    UPDATE recipients SET state = 'uncertain', reply = 'in flight when an earlier run stopped', updated = ?
                    WHERE state = 'sending'
                    """, [.real(Date().timeIntervalSince1970)])
                return rows.compactMap { $0.first?.string }
            }
        }
    }

    /// Puts the copies of the given states back to pending for this run.
    @discardableResult
    public func requeue(_ states: [SendState]) throws -> Int {
        guard !states.isEmpty else { return 0 }
        return try locked {
            try db.transaction {
                let marks = states.map { _ in "?" }.joined(separator: ", ")
                try db.query("UPDATE recipients SET state = 'pending' WHERE state IN (\(marks))", states.map { .text($0.rawValue) })
                return try db.query("SELECT changes()").first?.first?.int ?? 0
            }
        }
    }

    public func entries(_ states: [SendState]? = nil) throws -> [JournalEntry] {
        try locked {
            var sql = "SELECT id, email, state, attempts, reply, next_try, updated FROM recipients"
            var values: [SQLValue] = []
            if let states {
                sql += " WHERE state IN (\(states.map { _ in "?" }.joined(separator: ", ")))"
                values = states.map { .text($0.rawValue) }
            }
            return try db.query(sql + " ORDER BY id", values).map { row in
                JournalEntry(id: Int64(row[0].int ?? 0), email: row[1].string ?? "", state: SendState(rawValue: row[2].string ?? "") ?? .pending,
                             attempts: row[3].int ?? 0, reply: row[4].string ?? "",
                             nextTry: row[5].double.map(Date.init(timeIntervalSince1970:)),
                             updated: row[6].double.map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func counts() throws -> [SendState: Int] {
        try locked {
            var counts: [SendState: Int] = [:]
            for row in try db.query("SELECT state, COUNT(*) FROM recipients GROUP BY state") {
                if let state = row[0].string.flatMap(SendState.init(rawValue:)) { counts[state] = row[1].int ?? 0 }
            }
            return counts
        }
    }

    // MARK: The send itself

    /// Durably marks a copy as in flight. Called before its DATA starts, so that a crash from
    /// here on leaves it *sending*, never *pending* (which would send it again).
    public func markSending(_ id: Int64) throws {
        try update(id, state: .sending, reply: nil, attemptsDelta: 1, nextTry: nil)
    }

    /// Records how a copy ended (sent, failed, deferred, uncertain) or puts it back to
    /// pending (a retry within this run, or a send stopped before its turn).
    ///
    /// - Parameter durable: return only once it is on disk (the default). A *sent* may be
    ///   recorded without waiting: it then rides with the next commit (the next copy's
    ///   *sending*, or `flush`), which saves an fsync a copy. Lost in a crash, it leaves the
    ///   copy *sending*, so uncertain, never sent again on its own: the safe side.
    public func record(_ id: Int64, _ state: SendState, reply: String, nextTry: Date? = nil, durable: Bool = true) throws {
        try update(id, state: state, reply: reply, attemptsDelta: 0, nextTry: nextTry, wait: durable)
    }

    /// Commits what is waiting for a commit.
    public func flush() throws {
        try update(nil, state: .pending, reply: nil, attemptsDelta: 0, nextTry: nil, wait: true)
    }

    /// One change waiting for its commit.
    private struct Change {
        var id: Int64
        var state: SendState
        var reply: String?
        var attemptsDelta: Int
        var nextTry: Date?
    }

    private let commits = NSCondition()
    private var queued: [Change] = []
    private var nextTicket = 0
    private var committedUpTo = 0
    private var committing = false
    private var commitError: Error?

    /// Group commit: a change returns only once it is on disk, but the changes of all the
    /// sending threads that arrive while one commit is being fsynced share the next commit.
    /// An fsync costs milliseconds; one per change would cap a send at a few hundred copies
    /// a second whatever the number of connections.
    private func update(_ id: Int64?, state: SendState, reply: String?, attemptsDelta: Int, nextTry: Date?, wait: Bool = true) throws {
        commits.lock()
        defer { commits.unlock() }
        if let id { queued.append(Change(id: id, state: state, reply: reply, attemptsDelta: attemptsDelta, nextTry: nextTry)) }
        if !wait { return }
        let ticket = nextTicket
        nextTicket += 1
        while true {
            if let commitError { throw commitError }
            if ticket < committedUpTo { return }
            if committing {
                commits.wait()
                continue
            }
            // This thread commits everything queued so far, its own change among it.
            committing = true
            let batch = queued
            queued = []
            let upTo = nextTicket
            commits.unlock()
            var failure: Error?
            do {
                try locked {
                    try db.transaction {
                        let now = Date().timeIntervalSince1970
                        for change in batch {
                            try db.query("""
                                UPDATE recipients SET state = ?, reply = COALESCE(?, reply), attempts = attempts + ?, next_try = ?, updated = ?
                                WHERE id = ?
                                """, [.text(change.state.rawValue), change.reply.map { .text($0) } ?? .null, .integer(Int64(change.attemptsDelta)),
                                      change.nextTry.map { .real($0.timeIntervalSince1970) } ?? .null, .real(now), .integer(change.id)])
                        }
                    }
                }
            } catch {
                failure = error
            }
            commits.lock()
            committing = false
            if let failure { commitError = failure } else { committedUpTo = upTo }
            commits.broadcast()
        }
    }
}
