import Foundation

/// Addresses never to mail again: a text file, one address a line, then a tab, the date and the
/// server's reply that put it there. Lines starting with `#` are comments. It outlives any one
/// issue (unlike the journal) and an operator can edit it: delete a line to mail that address
/// again, add one to stop.
public final class SuppressionList: @unchecked Sendable {
    public let path: String
    private var addresses: Set<String>
    private let lock = NSLock()

    public init(path: String) throws {
        self.path = path
        var set = Set<String>()
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SendJournal.Failure(description: "\(path): cannot read the suppression list")
            }
            for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
                let address = line.split(separator: "\t", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                if !address.isEmpty && !address.hasPrefix("#") { set.insert(address.lowercased()) }
            }
        }
        addresses = set
    }

    public func contains(_ email: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return addresses.contains(email.lowercased())
    }

    /// Takes an address off the list (a copy to it went through after all, with
    /// `--retry-failed`): the file is written anew beside and renamed over the old one.
    public func remove(_ email: String) throws {
        lock.lock()
        defer { lock.unlock() }
        guard addresses.contains(email.lowercased()), let data = FileManager.default.contents(atPath: path) else { return }
        let kept = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            let address = line.split(separator: "\t", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            return address.lowercased() != email.lowercased()
        }
        try Data(kept.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        addresses.remove(email.lowercased())
    }

    /// Adds an address, on disk (fsynced) before this returns.
    public func add(_ email: String, reason: String) throws {
        lock.lock()
        defer { lock.unlock() }
        guard !addresses.contains(email.lowercased()) else { return }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SendJournal.Failure(description: "\(path): cannot be written: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let clean = reason.map { $0 == "\t" || $0.isNewline ? " " : $0 }
        let line = Array("\(email)\t\(ISO8601DateFormatter().string(from: Date()))\t\(String(clean))\n".utf8)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw SendJournal.Failure(description: "\(path): cannot be written: \(String(cString: strerror(errno)))")
        }
        addresses.insert(email.lowercased())
    }
}
