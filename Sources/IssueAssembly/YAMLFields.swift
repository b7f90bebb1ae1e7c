import Foundation
import IssueModel
import Yams

/// Reads one YAML mapping (a front matter, `issue.yaml`, `publication.yaml`) field by field into
/// model values, turning every problem into a diagnostic at the value's own line and column.
///
/// Values are read from the composed node tree, not decoded: `title: 1984` stays the text "1984",
/// and `priority: high` is our error with our words, not a decoding exception.
struct YAMLFields {
    /// No implicit types: the fields here read each scalar as its text. Yams's default resolver
    /// compiles a regular expression for every YAML 1.1 type (booleans, numbers, dates, merge
    /// keys) the first time it is used, which loads ICU (2 ms of a build), and matches every
    /// scalar against them. A merge key (`<<`) is read as the key it is written as, as it
    /// always was here (the mapping is not flattened).
    private static let resolver = Resolver.basic
    /// Nothing is constructed from the nodes (they are read field by field), so no table of
    /// constructors: Yams's default one is a dictionary of its types made on first use.
    /// (Immutable: a final class of `let` tables, which Yams does not mark Sendable.)
    nonisolated(unsafe) private static let constructor = Constructor([:], [:], [:])

    let file: String
    /// Added to libyaml's 1-based line to give the line in the file (front matter starts on line 2).
    let lineOffset: Int
    private let entries: [(key: String, keyMark: Mark?, value: Node)]
    private var read: Set<String> = []
    private(set) var diagnostics: [Diagnostic] = []
    let mappingLocation: SourceLocation

    /// Front matter over this size is refused: nobody writes that much by hand, and it bounds
    /// the work a hostile file can cause.
    static let maximumSize = 256 * 1024
    /// Flow collections (`[[[…`) nested deeper than this are refused before libyaml and Yams
    /// recurse into them.
    static let maximumNesting = 100

    /// Parses `yaml`. Returns nil, with the error in `diagnostics`, when it is not YAML or not a
    /// mapping; an empty document is an empty mapping.
    static func parse(_ yaml: String, file: String, firstLine: Int,
                      into diagnostics: inout [Diagnostic]) -> YAMLFields? {
        let offset = firstLine - 1
        let start = SourceLocation(file: file, line: firstLine, column: 1)
        guard yaml.utf8.count <= maximumSize else {
            diagnostics.append(.error("the YAML is over \(maximumSize / 1024) KB", at: start))
            return nil
        }
        if let line = lineExceedingNesting(yaml) {
            diagnostics.append(.error("the YAML nests brackets more than \(maximumNesting) deep",
                                      at: SourceLocation(file: file, line: line + offset, column: 1)))
            return nil
        }
        let root: Node?
        do {
            // UTF-8 named, not Yams's default, which reads the whole environment on every parse.
            root = try Yams.compose(yaml: yaml, Self.resolver, Self.constructor, .utf8)
        } catch let error as YamlError {
            diagnostics.append(diagnostic(for: error, file: file, offset: offset, fallback: start))
            return nil
        } catch {
            diagnostics.append(.error("invalid YAML: \(error)", at: start))
            return nil
        }
        guard let root else {
            return YAMLFields(file: file, lineOffset: offset, entries: [], mappingLocation: start)
        }
        guard case .mapping(let mapping) = root else {
            diagnostics.append(.error("expected a mapping of keys to values (`key: value` lines)",
                                      at: location(root.mark, file: file, offset: offset) ?? start))
            return nil
        }
        var entries: [(String, Mark?, Node)] = []
        for (key, value) in mapping {
            guard case .scalar(let k) = key else {
                diagnostics.append(.error("a key must be a plain name", at: location(key.mark, file: file, offset: offset) ?? start))
                continue
            }
            entries.append((k.string, k.mark, value))
        }
        return YAMLFields(file: file, lineOffset: offset, entries: entries,
                          mappingLocation: location(mapping.mark, file: file, offset: offset) ?? start)
    }

    private init(file: String, lineOffset: Int, entries: [(key: String, keyMark: Mark?, value: Node)],
                 mappingLocation: SourceLocation) {
        self.file = file
        self.lineOffset = lineOffset
        self.entries = entries
        self.mappingLocation = mappingLocation
    }

    private static func location(_ mark: Mark?, file: String, offset: Int) -> SourceLocation? {
        mark.map { SourceLocation(file: file, line: $0.line + offset, column: $0.column) }
    }

    func location(of mark: Mark?) -> SourceLocation {
        Self.location(mark, file: file, offset: lineOffset) ?? mappingLocation
    }

    private static func diagnostic(for error: YamlError, file: String, offset: Int,
                                   fallback: SourceLocation) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { location(mark, file: file, offset: offset) ?? fallback }
        func detail(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context, !context.text.isEmpty else { return problem }
            return "\(problem) (\(context.text) at line \(context.mark.line + offset))"
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return .error("invalid YAML: \(detail(context, problem))", at: at(mark),
                          hint: "quote a value that holds a colon, a '#' or starts with a quote or bracket")
        case let .duplicatedKeysInMapping(duplicates, context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return .error("duplicate key \(names)", at: at(context.mark), hint: "give each key once")
        case let .reader(problem, _, _, _):
            return .error("unreadable YAML: \(problem)", at: fallback)
        default:
            return .error("invalid YAML: \(error)", at: fallback)
        }
    }

    /// The line (1-based, in the YAML) where flow brackets first nest too deep, if they do.
    private static func lineExceedingNesting(_ yaml: String) -> Int? {
        var depth = 0, line = 1
        for byte in yaml.utf8 {
            switch byte {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumNesting { return line }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }

    // MARK: Fields

    var keys: [String] { entries.map(\.key) }

    func has(_ key: String) -> Bool { entries.contains { $0.key == key } && !isNull(key) }

    /// Whether the value of `key` is a mapping (rather than a single value).
    func isMapping(_ key: String) -> Bool {
        if case .mapping? = entry(key)?.value { return true } else { return false }
    }

    private func entry(_ key: String) -> (key: String, keyMark: Mark?, value: Node)? {
        entries.first { $0.key == key }
    }

    private func isNull(_ key: String) -> Bool {
        guard let e = entry(key), case .scalar(let s) = e.value else { return false }
        return Self.isNull(s)
    }

    private static func isNull(_ s: Node.Scalar) -> Bool {
        s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// Where the value of `key` is, or the mapping's start when there is no such key.
    func location(ofValue key: String) -> SourceLocation {
        guard let e = entry(key) else { return mappingLocation }
        return location(of: e.value.mark ?? e.keyMark)
    }

    func location(ofKey key: String) -> SourceLocation {
        guard let e = entry(key) else { return mappingLocation }
        return location(of: e.keyMark)
    }

    /// The single value of `key`: nil when it is absent or null, and an error saying what was
    /// expected when it is a list or a mapping. Marks the key as read.
    private mutating func scalar(_ key: String, expecting what: String) -> Node.Scalar? {
        read.insert(key)
        guard let e = entry(key) else { return nil }
        guard case .scalar(let s) = e.value else {
            report(.error("'\(key)' must be \(what), not a \(Self.kindName(e.value))", at: location(of: e.value.mark)))
            return nil
        }
        return Self.isNull(s) ? nil : s
    }

    /// A scalar as one line of text: runs of white space (line breaks of a folded or literal
    /// block included) become one space. Control characters are an error: they have no place
    /// in a headline and would be header injection in an email. Empty or null is nil.
    mutating func text(_ key: String) -> String? {
        guard let s = scalar(key, expecting: "text") else { return nil }
        if let bad = s.string.unicodeScalars.first(where: { Self.isForbiddenControl($0) }) {
            report(.error("'\(key)' holds the control character U+\(Self.hex(bad.value))",
                          at: location(of: s.mark), hint: "remove it; a value is one line of plain text"))
            return nil
        }
        let words = s.string.split(whereSeparator: { $0.isWhitespace })
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// A whole number within `range`.
    mutating func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let s = scalar(key, expecting: "a whole number") else { return nil }
        let written = s.string.trimmingWhitespace()
        guard let n = Int(written) else {
            report(.error("'\(key)' must be a whole number, not '\(Self.clip(written))'", at: location(of: s.mark),
                          hint: "for example '\(key): \(range.lowerBound)'"))
            return nil
        }
        guard range.contains(n) else {
            let bound = range.upperBound == Int.max ? "\(range.lowerBound) or more" : "from \(range.lowerBound) to \(range.upperBound)"
            report(.error("'\(key)' must be \(bound), not \(n)", at: location(of: s.mark)))
            return nil
        }
        return n
    }

    /// `true`/`false` (also `yes`/`no`, `on`/`off`).
    mutating func bool(_ key: String) -> Bool? {
        guard let s = scalar(key, expecting: "true or false") else { return nil }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(.error("'\(key)' must be true or false, not '\(Self.clip(s.string))'", at: location(of: s.mark)))
            return nil
        }
    }

    /// A number within `range`.
    mutating func number(_ key: String, in range: ClosedRange<Double>) -> Double? {
        guard let s = scalar(key, expecting: "a number") else { return nil }
        guard let n = Double(s.string.trimmingWhitespace()), n.isFinite else {
            report(.error("'\(key)' must be a number, not '\(Self.clip(s.string))'", at: location(of: s.mark)))
            return nil
        }
        guard range.contains(n) else {
            report(.error("'\(key)' must be from \(range.lowerBound) to \(range.upperBound), not \(n)", at: location(of: s.mark)))
            return nil
        }
        return n
    }

    /// A length: a number of points, or a number with a unit: `pt`, `in`, `mm`, `cm`, `pc`
    /// (picas); returned in points, within `range` (points).
    mutating func length(_ key: String, in range: ClosedRange<Double>) -> Double? {
        guard let s = scalar(key, expecting: "a length like 12pt or 0.5in") else { return nil }
        guard let points = Self.points(s.string) else {
            report(.error("'\(key)' must be a length like 12pt, 0.5in, 10mm or 1pc, not '\(Self.clip(s.string))'",
                          at: location(of: s.mark)))
            return nil
        }
        guard range.contains(points) else {
            report(.error("'\(key)' is \(Self.format(points)) pt; it must be from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound)) pt",
                          at: location(of: s.mark)))
            return nil
        }
        return points
    }

    static func points(_ written: String) -> Double? {
        let text = written.trimmingWhitespace().lowercased()
        let units: [(String, Double)] = [("pt", 1), ("in", 72), ("mm", 72 / 25.4), ("cm", 72 / 2.54), ("pc", 12)]
        for (unit, factor) in units where text.hasSuffix(unit) {
            guard let n = Double(text.dropLast(unit.count).trimmingWhitespace()), n.isFinite else { return nil }
            return n * factor
        }
        guard let n = Double(text), n.isFinite else { return nil }
        return n
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(format: "%.2f", x)
    }

    /// Keys of a nested mapping, each with its value as a nested reader when it is a mapping.
    var entryKeys: [(key: String, location: SourceLocation)] { entries.map { ($0.key, location(of: $0.keyMark)) } }

    /// A calendar date written `YYYY-MM-DD`.
    mutating func date(_ key: String) -> IssueDate? {
        guard let s = scalar(key, expecting: "a date like 2026-12-03") else { return nil }
        let written = s.string.trimmingWhitespace()
        guard let date = IssueDate(iso: written) else {
            report(.error("'\(key)' is not a date: '\(Self.clip(written))'", at: location(of: s.mark),
                          hint: "write the date as YYYY-MM-DD, for example 2026-12-03"))
            return nil
        }
        return date
    }

    /// A list of scalars (`[a, b]` or `- a` lines), each with its place; a single scalar is a
    /// list of one.
    mutating func list(_ key: String) -> [(String, SourceLocation)]? {
        read.insert(key)
        guard let e = entry(key) else { return nil }
        switch e.value {
        case .scalar(let s):
            return Self.isNull(s) ? nil : [(s.string, location(of: s.mark))]
        case .sequence(let seq):
            var out: [(String, SourceLocation)] = []
            for item in seq {
                guard case .scalar(let s) = item else {
                    report(.error("each entry of '\(key)' must be a plain value", at: location(of: item.mark)))
                    continue
                }
                out.append((s.string, location(of: s.mark)))
            }
            return out
        default:
            report(.error("'\(key)' must be a list", at: location(of: e.value.mark)))
            return nil
        }
    }

    /// A nested mapping, read with the same rules; nil (with an error) when the value is not one.
    mutating func mapping(_ key: String) -> YAMLFields? {
        read.insert(key)
        guard let e = entry(key) else { return nil }
        if case .scalar(let s) = e.value, Self.isNull(s) { return nil }
        guard case .mapping(let m) = e.value else {
            report(.error("'\(key)' must be a mapping of keys to values", at: location(of: e.value.mark)))
            return nil
        }
        var nested: [(String, Mark?, Node)] = []
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                report(.error("a key must be a plain name", at: location(of: k.mark)))
                continue
            }
            nested.append((ks.string, ks.mark, v))
        }
        return YAMLFields(file: file, lineOffset: lineOffset, entries: nested, mappingLocation: location(of: m.mark))
    }

    /// Takes the diagnostics of a nested mapping read with `mapping(_:)`.
    mutating func absorb(_ nested: YAMLFields) { diagnostics += nested.diagnostics }

    mutating func report(_ d: Diagnostic) { diagnostics.append(d) }

    /// Every key not read is a warning (with a suggestion when it is a near miss of a known key).
    mutating func warnAboutUnknownKeys(known: [String], what: String) {
        for e in entries where !read.contains(e.key) {
            let near = known.min { Self.distance(e.key, $0) < Self.distance(e.key, $1) }
            let hint = near.flatMap { Self.distance(e.key, $0) <= 2 ? "did you mean '\($0)'?" : nil }
                ?? "known keys: \(known.joined(separator: ", "))"
            report(.warning("unknown key '\(Self.clip(e.key))' in \(what); it is ignored",
                            at: location(of: e.keyMark), hint: hint))
        }
    }

    // MARK: Helpers

    private static func isForbiddenControl(_ u: Unicode.Scalar) -> Bool {
        (u.value < 0x20 && u != "\n" && u != "\t") || (0x7F...0x9F).contains(u.value)
            || u.value == 0x2028 || u.value == 0x2029
    }

    private static func kindName(_ node: Node) -> String {
        switch node {
        case .scalar: return "value"
        case .mapping: return "mapping"
        case .sequence: return "list"
        case .alias: return "alias"
        }
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    /// A user's value quoted back in a message, cut short when long.
    static func clip(_ s: String) -> String {
        let oneLine = s.replacingOccurrences(of: "\n", with: " ")
        return oneLine.count > 40 ? String(oneLine.prefix(40)) + "…" : oneLine
    }

    /// Levenshtein distance, for "did you mean" hints.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var prev = row[0]
            row[0] = i
            for j in 1...b.count {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}
