import Foundation
@testable import Typesetting
import XCTest

/// The pattern matcher against libhyphen itself, on the same dictionary files: every word of
/// the sample issue and thousands of made-up ones must break at the same places.
final class HyphenPatternTests: XCTestCase {
    /// Words of the sample issue's articles, lower-cased letters only.
    private func sampleWords() throws -> Set<String> {
        let folder = Bundled.packageRoot.appendingPathComponent("issues/2026-12-03/articles")
        var words = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".md") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter }) where word.count >= 2 {
                words.insert(String(word))
            }
        }
        return words
    }

    /// Letter strings from a fixed seed, 2 to 16 letters of `alphabet`.
    private func madeUpWords(_ alphabet: [Character], count: Int) -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        return (0..<count).map { _ in String((0..<(2 + next() % 15)).map { _ in alphabet[next() % alphabet.count] }) }
    }

    private func compare(_ file: String, _ words: [String]) throws {
        let path = "/usr/share/hyphen/" + file
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "\(path) is not installed")
        let ours = try XCTUnwrap(HyphenPatterns.load(path: path), "the patterns of \(file) are read here, not left to libhyphen")
        let theirs = try XCTUnwrap(HyphenDictionary(libhyphenPath: path))
        var differ: [String] = []
        for word in words where ours.points(in: word) != theirs.points(in: word) {
            differ.append("\(word): \(ours.points(in: word)) against \(theirs.points(in: word))")
        }
        XCTAssertEqual(differ.count, 0, "\(file): \(differ.prefix(10).joined(separator: "; "))")
    }

    func testEnglishPatternsBreakWhereLibhyphenBreaks() throws {
        let english = Array("abcdefghijklmnopqrstuvwxyz")
        let vowelHeavy = Array("aeiouybcdlmnrst")
        try compare("hyph_en_US.dic", try sampleWords().sorted() + madeUpWords(english, count: 20_000) + madeUpWords(vowelHeavy, count: 20_000))
        // Known breaks, before the limits of two letters before and three after are applied.
        let patterns = try XCTUnwrap(HyphenPatterns.load(path: "/usr/share/hyphen/hyph_en_US.dic"))
        XCTAssertEqual(patterns.points(in: "hyphenation"), [2, 6])
    }

    func testSpanishPatternsBreakWhereLibhyphenBreaks() throws {
        let spanish = Array("abcdefghijlmnopqrstuvxyzáéíóúñü")
        let syllables = Array("aeiounrsltcmpñáó")
        try compare("hyph_es_ES.dic", try sampleWords().sorted() + madeUpWords(spanish, count: 20_000) + madeUpWords(syllables, count: 20_000))
        let patterns = try XCTUnwrap(HyphenPatterns.load(path: "/usr/share/hyphen/hyph_es_ES.dic"))
        XCTAssertEqual(patterns.points(in: "mañana"), [2, 4])
    }

    /// Patterns with many more nodes to the byte than dictionaries have: the trie's first
    /// table is too small for them, and they are read again into a larger one. The breaks are
    /// checked against Liang's rule applied directly (every substring of the dotted word
    /// looked up, the highest value at each place kept, odd values break).
    func testADenseDictionaryIsReadIntoALargerTableAndBreaksByLiangsRule() throws {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz")
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        var text = "UTF-8\n"
        var values: [String: [UInt8]] = [:]
        while values.count < 1500 {
            var pattern = "", letters = "", digits: [UInt8] = [0]
            for i in 0..<(2 + next() % 4) {
                if i > 0 && next() % 2 == 0 {
                    let value = 1 + next() % 5
                    pattern += String(value)
                    digits[digits.count - 1] = UInt8(value)
                }
                let letter = alphabet[next() % alphabet.count]
                pattern.append(letter)
                letters.append(letter)
                digits.append(0)
            }
            if values[letters] == nil {
                values[letters] = digits
                text += pattern + "\n"
            }
        }
        let patterns = try XCTUnwrap(HyphenPatterns(file: Array(text.utf8)))
        // A quarter of the file's size, to a power of two, is where reading starts.
        var first = 1024
        while first < text.utf8.count / 4 { first <<= 1 }
        XCTAssertGreaterThan(patterns.tableSize, first, "read again into a larger table")
        func liang(_ word: String) -> [Int] {
            let dotted = Array("." + word + ".")
            var best = [UInt8](repeating: 0, count: dotted.count + 1)
            for i in 0..<dotted.count {
                for j in (i + 1)...dotted.count {
                    guard let v = values[String(dotted[i..<j])] else { continue }
                    for (k, value) in v.enumerated() { best[i + k] = max(best[i + k], value) }
                }
            }
            return (2...max(2, word.count - 2)).filter { $0 <= word.count - 2 && best[$0 + 1] % 2 == 1 }
        }
        var differ: [String] = [], broken = 0
        for word in madeUpWords(alphabet, count: 20_000) {
            let points = patterns.points(in: word)
            if !points.isEmpty { broken += 1 }
            if points != liang(word) { differ.append("\(word): \(points) against \(liang(word))") }
        }
        XCTAssertEqual(differ.count, 0, differ.prefix(10).joined(separator: "; "))
        XCTAssertGreaterThan(broken, 5000, "the made-up patterns break made-up words")
    }

    func testALatinOneDictionaryIsReadAsUTF8AndACompoundOneIsLeftToLibhyphen() throws {
        // ISO8859-1 patterns: "ñ" is byte F1 in the file, two bytes in the words set.
        let latin1: [UInt8] = Array("ISO8859-1\n1ba\n".utf8) + [UInt8(ascii: "a"), 0xF1, UInt8(ascii: "1"), UInt8(ascii: "a"), 0x0A]
        let patterns = try XCTUnwrap(HyphenPatterns(file: latin1))
        XCTAssertEqual(patterns.points(in: "añaba"), [2, 3])
        XCTAssertNil(HyphenPatterns(file: Array("UTF-8\na1b\nNEXTLEVEL\n1c\n".utf8)), "two levels: libhyphen's work")
        XCTAssertNil(HyphenPatterns(file: Array("UTF-8\nc1k/k=k,1,1\n".utf8)), "non-standard patterns: libhyphen's work")
        XCTAssertNil(HyphenPatterns(file: Array("KOI8-R\na1b\n".utf8)), "an encoding not read here")
    }
}
