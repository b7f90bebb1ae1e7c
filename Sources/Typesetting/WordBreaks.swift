import Foundation

/// Where a word may break: soft hyphens, dashes, addresses, the hyphenation dictionary, and
/// cuts in a word wider than the column (see `ItemBuilder`).
extension ItemBuilder {
    /// Where a word segment may break, and at what cost, in order; only between clusters, so
    /// no ligature is split.
    func computeBreaks(_ key: BreakCache.Key, shaped: ShapedText) -> [BreakCache.Break] {
        var breaks: [BreakCache.Break] = []
        for offset in key.softHyphens where offset > 0 && offset < key.text.utf8.count {
            breaks.append(BreakCache.Break(offset: offset, cost: ItemSettings.hyphenPenalty, hyphen: true))
        }
        if key.isAddress {
            breaks += Self.addressBreaks(key.text).map { BreakCache.Break(offset: $0.offset, cost: $0.cost, hyphen: $0.hyphen) }
        } else {
            breaks += Self.dashBreaks(key.text).map { BreakCache.Break(offset: $0.offset, cost: $0.cost, hyphen: $0.hyphen) }
            if key.hyphenate {
                breaks += dictionaryBreaks(key.text).map {
                    BreakCache.Break(offset: $0.offset, cost: $0.cost, hyphen: $0.hyphen, dictionary: true)
                }
            }
        }
        // A word wider than the column is cut where it can be, rather than run into the gutter.
        if key.overWide {
            let have = Set(breaks.map(\.offset))
            breaks += Self.emergencyBreaks(key.text).filter { !have.contains($0.offset) }
                .map { BreakCache.Break(offset: $0.offset, cost: $0.cost, hyphen: $0.hyphen) }
        }
        // Most words have no break, and the rest a few, already in order: sorted only when not,
        // and a place given twice kept once.
        guard !breaks.isEmpty else { return breaks }
        var kept = breaks.filter { shaped.isClusterStart($0.offset) }
        if zip(kept, kept.dropFirst()).contains(where: { $0.offset > $1.offset }) { kept.sort { $0.offset < $1.offset } }
        var out: [BreakCache.Break] = []
        out.reserveCapacity(kept.count)
        for b in kept where out.last?.offset != b.offset { out.append(b) }
        return out
    }

    /// Dictionary hyphenation of each run of letters in `text`.
    private func dictionaryBreaks(_ text: String) -> [(offset: Int, cost: Double, hyphen: Bool)] {
        var out: [(Int, Double, Bool)] = []
        // ASCII (most words): the letters are A–Z and a–z, a letter's offset its index; read in
        // place, each run of letters hyphenated without making a string of it.
        let ascii: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
            var i = 0
            while i < bytes.count {
                guard isLetter(bytes[i]) else { i += 1; continue }
                let start = i
                while i < bytes.count && isLetter(bytes[i]) { i += 1 }
                for p in hyphenation.points(asciiWord: UnsafeBufferPointer(rebasing: bytes[start..<i]), language: settings.language) {
                    out.append((start + p, ItemSettings.hyphenPenalty, true))
                }
            }
            return true
        }
        if ascii == true { return out }
        var offset = 0
        var letters = ""
        var lettersStart = 0
        func flush() {
            for p in hyphenation.points(in: letters, language: settings.language) {
                out.append((lettersStart + p, ItemSettings.hyphenPenalty, true))
            }
            letters = ""
        }
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic {
                if letters.isEmpty { lettersStart = offset }
                letters.unicodeScalars.append(scalar)
            } else if !letters.isEmpty {
                flush()
            }
            offset += String(scalar).utf8.count
        }
        if !letters.isEmpty { flush() }
        return out
    }

    /// After an explicit hyphen between letters or digits (`Jean-|Baptiste`), after an em dash
    /// (`road—|and`), and after an en dash between letters.
    private static func dashBreaks(_ text: String) -> [(offset: Int, cost: Double, hyphen: Bool)] {
        // Most words: ASCII without a hyphen, so no dash of any kind.
        if text.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "-") }) { return [] }
        let scalars = Array(text.unicodeScalars)
        var out: [(Int, Double, Bool)] = []
        var offset = 0
        for (i, s) in scalars.enumerated() {
            offset += String(s).utf8.count
            guard i >= 1, i + 1 < scalars.count else { continue }
            let before = scalars[i - 1], after = scalars[i + 1]
            let wordy: (Unicode.Scalar) -> Bool = { $0.properties.isAlphabetic || $0.properties.numericType != nil }
            switch s {
            case "-", "\u{2010}":
                if wordy(before) && wordy(after) { out.append((offset, ItemSettings.explicitHyphenPenalty, false)) }
            case "\u{2014}":
                out.append((offset, ItemSettings.dashPenalty, false))
            case "\u{2013}":
                // Between words (Paris–London), not in ranges (3–5, a.m.–3 p.m.).
                if before.properties.isAlphabetic && after.properties.isAlphabetic {
                    out.append((offset, ItemSettings.dashPenalty, false))
                }
            default: break
            }
        }
        return out
    }

    /// A web or e-mail address: never hyphenated, only broken after its separators. Scanned as
    /// bytes: this runs for every word.
    static func isAddress(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isAddress(bytes: $0) }
    }

    static func isAddress(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 4 else { return false }
        func lower(_ b: UInt8) -> UInt8 { (65...90).contains(b) ? b + 32 : b }
        if lower(bytes[0]) == UInt8(ascii: "w"), lower(bytes[1]) == UInt8(ascii: "w"),
           lower(bytes[2]) == UInt8(ascii: "w"), bytes[3] == UInt8(ascii: ".") { return true }
        for i in 0..<bytes.count {
            switch bytes[i] {
            case UInt8(ascii: ":"):
                if i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/") { return true }
                if i == 6, String(decoding: bytes[0..<6].map(lower), as: UTF8.self) == "mailto" { return true }
            case UInt8(ascii: "@"):
                if i > 0, bytes[(i + 1)...].contains(UInt8(ascii: ".")) { return true }
            default: break
            }
        }
        return false
    }

    private static func addressBreaks(_ text: String) -> [(offset: Int, cost: Double, hyphen: Bool)] {
        var out: [(Int, Double, Bool)] = []
        var offset = 0
        let scalars = Array(text.unicodeScalars)
        for (i, s) in scalars.enumerated() {
            offset += String(s).utf8.count
            // Not after "//" of a scheme's first slash, nor at the very end.
            guard i + 1 < scalars.count, "/.?&=_-@#".unicodeScalars.contains(s) else { continue }
            if s == "/" && scalars[i + 1] == "/" { continue }
            out.append((offset, ItemSettings.addressPenalty, false))
        }
        return out
    }

    /// Every character boundary, dearest of all: for words no column can hold.
    private static func emergencyBreaks(_ text: String) -> [(offset: Int, cost: Double, hyphen: Bool)] {
        var out: [(Int, Double, Bool)] = []
        var offset = 0
        for c in text.dropLast() {
            offset += c.utf8.count
            out.append((offset, ItemSettings.emergencyPenalty, false))
        }
        return out
    }
}
