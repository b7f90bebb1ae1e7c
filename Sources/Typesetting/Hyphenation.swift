import CHyphen
import Foundation
import IssueModel

/// Where a language lets a word break, and how close to its ends.
public struct HyphenationRules: Hashable, Sendable {
    /// Words shorter than this (in letters) are never hyphenated.
    public var minimumWordLength: Int
    /// Letters that must stay before the hyphen, and go after it.
    public var leftMinimum: Int
    public var rightMinimum: Int

    public init(minimumWordLength: Int = 5, leftMinimum: Int = 2, rightMinimum: Int = 3) {
        self.minimumWordLength = minimumWordLength
        self.leftMinimum = leftMinimum
        self.rightMinimum = rightMinimum
    }

    /// TeX's US English limits: 2 letters before the break, 3 after (a lone "-ed" or "-ly"
    /// carried over reads badly). Spanish syllables are short and regular: 2 and 2, as the
    /// Spanish patterns were made for.
    public static let defaults: [String: HyphenationRules] = [
        "en": HyphenationRules(minimumWordLength: 5, leftMinimum: 2, rightMinimum: 3),
        "es": HyphenationRules(minimumWordLength: 5, leftMinimum: 2, rightMinimum: 2),
    ]
}

/// One pattern dictionary (Debian's `hyphen-*` packages): matched by `HyphenPatterns` when it
/// can read the file, else by libhyphen, freed with this object.
final class HyphenDictionary {
    private let patterns: HyphenPatterns?
    private let dict: UnsafeMutablePointer<HyphenDict>?

    init?(path: String) {
        if let patterns = HyphenPatterns.load(path: path) {
            self.patterns = patterns
            self.dict = nil
        } else {
            guard let dict = hnj_hyphen_load(path) else { return nil }
            self.patterns = nil
            self.dict = dict
        }
    }

    /// libhyphen itself, for comparing the two.
    init?(libhyphenPath path: String) {
        guard let dict = hnj_hyphen_load(path) else { return nil }
        self.patterns = nil
        self.dict = dict
    }

    deinit { if let dict { hnj_hyphen_free(dict) } }

    /// The scalar counts after which `letters` (lower case, UTF-8) may break, per the patterns.
    func points(letters: UnsafeBufferPointer<UInt8>) -> [Int] {
        if let patterns { return patterns.points(letters: letters) }
        return points(in: String(decoding: letters, as: UTF8.self))
    }

    /// The scalar counts after which `word` (lower case letters) may break, per the patterns.
    func points(in word: String) -> [Int] {
        if let patterns { return patterns.points(in: word) }
        guard let dict else { return [] }
        let letters = word.utf8.count
        guard letters > 0, letters < 256 else { return [] }
        // NUL-terminated: libhyphen reads the word as a C string (strstr) whatever its size says.
        let bytes = Array(word.utf8) + [0]
        var hyphens = [CChar](repeating: 0, count: letters + 5)
        var rep: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var pos: UnsafeMutablePointer<Int32>?
        var cut: UnsafeMutablePointer<Int32>?
        let failed = bytes.withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { chars in
                hnj_hyphen_hyphenate2(dict, chars.baseAddress, Int32(letters), &hyphens, nil, &rep, &pos, &cut)
            }
        }
        // Non-standard hyphenation (rep/pos/cut: a Dutch "ij" or a German "ck") changes the
        // letters; none of our languages need it, so such words are left whole.
        if let rep {
            for i in 0..<letters { free(rep[i]) }
            free(rep)
            free(pos)
            free(cut)
            return []
        }
        guard failed == 0 else { return [] }
        // For a UTF-8 dictionary libhyphen indexes `hyphens` by character, not by byte.
        let count = word.unicodeScalars.count
        return (0..<count - 1).filter { hyphens[$0] & 1 == 1 }.map { $0 + 1 }
    }
}

/// Hyphenation by language: Debian's pattern dictionaries under `/usr/share/hyphen`, chosen by
/// an article's `lang`, with per-language limits.
public final class Hyphenation {
    public let folder: String
    public var rules: [String: HyphenationRules] { didSet { lastLanguage = nil } }
    private var dictionaries: [String: HyphenDictionary?] = [:]
    /// Points found, by language and word.
    private var cache: [String: [String: [Int]]] = [:]

    public init(folder: String = "/usr/share/hyphen", rules: [String: HyphenationRules] = HyphenationRules.defaults) {
        self.folder = folder
        self.rules = rules
    }

    /// Whether a dictionary exists for `language` (`en`, `es`, `en-GB` …).
    public func supports(_ language: String) -> Bool { dictionary(for: language) != nil }

    func rules(for language: String) -> HyphenationRules {
        rules[language] ?? rules[Self.primary(language)] ?? HyphenationRules()
    }

    private static func primary(_ language: String) -> String {
        String(language.split(separator: "-").first ?? "").lowercased()
    }

    /// `hyph_es_ES.dic` for `es`: the exact region when there is one, the bare language, then
    /// the language's own country (es_ES, fr_FR), then any region of it.
    private func dictionary(for language: String) -> HyphenDictionary? {
        if let known = dictionaries[language] { return known }
        var found: HyphenDictionary?
        for path in candidatePaths(for: language) {
            if let dict = HyphenDictionary(path: path) {
                found = dict
                break
            }
        }
        dictionaries[language] = .some(found)
        return found
    }

    /// The files that may hold a language's patterns, by folder and language, found once per
    /// process: every thread's typesetter asks, and listing the folder and looking for each
    /// name took a quarter of a millisecond each time, as the threads started setting text.
    private static let candidateLock = NSLock()
    nonisolated(unsafe) private static var candidates: [String: [String]] = [:]

    /// The files that may hold `language`'s patterns, in the order they are tried.
    private func candidatePaths(for language: String) -> [String] {
        let key = folder + "\u{0}" + language
        if let known = Self.candidateLock.withLock({ Self.candidates[key] }) { return known }
        let found = findCandidatePaths(for: language)
        Self.candidateLock.withLock { Self.candidates[key] = found }
        return found
    }

    private func findCandidatePaths(for language: String) -> [String] {
        let parts = language.split(separator: "-").map(String.init)
        let lang = parts.first?.lowercased() ?? ""
        var names: [String] = []
        if parts.count > 1 { names.append("hyph_\(lang)_\(parts[1].uppercased()).dic") }
        names += ["hyph_\(lang).dic", "hyph_\(lang)_\(lang.uppercased()).dic", "hyph_\(lang)_US.dic"]
        let all = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        names += all.filter { $0.hasPrefix("hyph_\(lang)_") && $0.hasSuffix(".dic") }
        return names.map { (folder as NSString).appendingPathComponent($0) }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// Reads the patterns of `languages` on another thread (they are read once per process), so
    /// that they are ready, or nearly, when the first paragraph is set rather than read then
    /// while every thread setting text waits for them.
    public func preload(_ languages: [String]) {
        let paths = languages.compactMap { candidatePaths(for: $0).first }
        guard !paths.isEmpty else { return }
        SpareThreads.run {
            for path in paths { _ = HyphenPatterns.load(path: path) }
        }
    }

    /// UTF-8 offsets in `word` where it may be hyphenated. `word` is one run of letters; words
    /// in capitals (acronyms), words shorter than the language's minimum and words of a
    /// language without a dictionary are not hyphenated.
    public func points(in word: String, language: String) -> [Int] {
        if let hit = cache[language]?[word] { return hit }
        let result = computePoints(in: word, language: language)
        cache[language, default: [:]][word] = result
        return result
    }

    /// The byte offsets in `word` (ASCII letters, read in place) where it may be hyphenated, as
    /// `points(in:language:)` gives them, without making a string of it or keeping the answer
    /// (the typesetter keeps a word's breaks with its shape).
    func points(asciiWord word: UnsafeBufferPointer<UInt8>, language: String) -> [Int] {
        let (rule, found) = rulesAndDictionary(for: language)
        guard word.count >= rule.minimumWordLength, word.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }),
              !word.allSatisfy({ $0 <= 0x5A }), let dict = found else { return [] }
        let points = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: word.count) { lower in
            for (i, b) in word.enumerated() { lower[i] = b | 0x20 }
            return dict.points(letters: UnsafeBufferPointer(lower))
        }
        return points.sorted().filter { $0 >= rule.leftMinimum && word.count - $0 >= rule.rightMinimum }
    }

    /// The last language asked for, with its rules and dictionary: every word of a paragraph
    /// asks for the same, and finding them again by the language's name (split at its region
    /// when the rules have none for it) cost more than matching the word.
    private var lastLanguage: String?
    private var lastRules = HyphenationRules()
    private var lastDictionary: HyphenDictionary?

    private func rulesAndDictionary(for language: String) -> (HyphenationRules, HyphenDictionary?) {
        if language == lastLanguage { return (lastRules, lastDictionary) }
        lastRules = rules(for: language)
        lastDictionary = dictionary(for: language)
        lastLanguage = language
        return (lastRules, lastDictionary)
    }

    private func computePoints(in word: String, language: String) -> [Int] {
        // ASCII: a character is a byte.
        let bytes = Array(word.utf8)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            return bytes.withUnsafeBufferPointer { self.points(asciiWord: $0, language: language) }
        }
        let rule = rules(for: language)
        let scalars = Array(word.unicodeScalars)
        guard scalars.count >= rule.minimumWordLength, scalars.allSatisfy({ $0.properties.isAlphabetic }),
              !scalars.allSatisfy({ $0.properties.isUppercase }),
              let dict = dictionary(for: language) else { return [] }
        let points = dict.points(in: word.lowercased())
        guard word.lowercased().unicodeScalars.count == scalars.count else { return [] }
        var byteOffsets: [Int] = []
        var offset = 0
        var index = 0
        for point in points.sorted() where point >= rule.leftMinimum && scalars.count - point >= rule.rightMinimum {
            while index < point {
                offset += String(scalars[index]).utf8.count
                index += 1
            }
            byteOffsets.append(offset)
        }
        return byteOffsets
    }
}
