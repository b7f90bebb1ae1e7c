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
