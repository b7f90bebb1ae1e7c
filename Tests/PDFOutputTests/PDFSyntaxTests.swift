import XCTest
@testable import PDFOutput

/// The PDF's own syntax as the writer spells it: numbers and glyph codes in content streams,
/// text strings, cross-reference offsets.
final class PDFSyntaxTests: XCTestCase {
    private func written(_ fill: (inout ContentStream) -> Void) -> String {
        var content = ContentStream(capacity: 1)
        fill(&content)
        return String(decoding: content.bytes, as: UTF8.self)
    }

    func testNumbersHaveThreeDecimalsAtMostAndNoTrailingZeros() {
        let cases: [(Double, String)] = [
            (0, "0 "), (12, "12 "), (-0.5, "-0.5 "), (100.1, "100.1 "), (0.001, "0.001 "), (1.2345, "1.235 "),
            (-1.2344, "-1.234 "), (1224, "1224 "), (-0.0004, "0 "), (0.0996, "0.1 "), (9.9999, "10 "),
            (1e12, "1000000000 "), (-1e12, "-1000000000 "), (.nan, "0 "), (.infinity, "0 "), (36.05, "36.05 "),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(written { $0.number(value) }, expected, "\(value)")
        }
        // Many in a row, past the buffer's first size, each where the last ended.
        let many = (0..<5000).map { Double($0) / 8 }
        let all = written { content in for x in many { content.number(x) } }
        XCTAssertEqual(all, many.map { x in
            let thousandths = Int((x * 1000).rounded())
            var s = String(thousandths / 1000)
            var fraction = String(thousandths % 1000)
            if thousandths % 1000 != 0 {
                fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
                while fraction.hasSuffix("0") { fraction.removeLast() }
                s += "." + fraction
            }
            return s + " "
        }.joined())
    }

    func testAdjustmentsAreWholeNumbersWithNoSpaceAfter() {
        let cases: [(Double, String)] = [(0, "0"), (-7, "-7"), (12.4, "12"), (-0.6, "-1"), (232, "232"), (.nan, "0"), (-.infinity, "0"), (1e15, "1000000000000")]
        for (value, expected) in cases {
            XCTAssertEqual(written { $0.adjustment(value) }, expected, "\(value)")
        }
        XCTAssertEqual(written { $0.adjustment(-7); $0.op("("); $0.glyph(0x41); $0.op(")") }, "-7(\u{0}A)")
    }

    func testGlyphCodesAreTwoBytesWithParenthesesBackslashAndCarriageReturnEscaped() {
        XCTAssertEqual(written { $0.glyph(0x0041) }.utf8.map { $0 }, [0x00, 0x41])
        XCTAssertEqual(written { $0.glyph(0x2829) }, "\\(\\)")
        XCTAssertEqual(written { $0.glyph(0x0D5C) }, "\\r\\\\")
        XCTAssertEqual(Array(written { $0.glyph(0x1_0203) }.utf8), [0x02, 0x03], "only the low sixteen bits")
    }

    func testTextStringsAreLiteralWhenPrintableASCIIElseUTF16WithItsMark() {
        XCTAssertEqual(PDFFile.text("Plain (x) \\ y"), "(Plain \\(x\\) \\\\ y)")
        XCTAssertEqual(PDFFile.text("Café"), "<FEFF00430061006600E9>")
        XCTAssertEqual(PDFFile.text("😀"), "<FEFFD83DDE00>")
        XCTAssertEqual(PDFFile.literal([0x01, 0x41, 0x7F, 0xFF, 0x28]), "(\\001A\\177\\377\\()")
    }

    func testCrossReferenceOffsetsAreTenDigits() {
        XCTAssertEqual(PDFFile.padded(0, to: 10), "0000000000")
        XCTAssertEqual(PDFFile.padded(143_165, to: 10), "0000143165")
        XCTAssertEqual(PDFFile.padded(12_345_678_901, to: 10), "12345678901")
    }
}
