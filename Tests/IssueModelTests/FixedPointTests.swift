import Foundation
import IssueModel
import XCTest

/// `fixed` and `padded` write what `String(format:)` (C's printf) writes, halfway cases and all.
final class FixedPointTests: XCTestCase {
    func testFixedMatchesPrintfOnTiesEdgesAndRandomValues() {
        var values: [Double] = [0, -0.0, 0.05, 0.15, 0.25, 0.35, 1.005, 2.675, 0.5, 1.5, 2.5, -2.5, -0.04, -0.05, 9.95, 99.95,
                                244.45, 2776.4, 1e14 + 0.5, 123_456_789.125, 0.0005, 0.0015, 1.0 / 3, 2.0 / 3, 0.1 + 0.2]
        // Ties of every kind: k / 2^n are exact in binary, so many are exact halfway cases.
        for k in 0..<2000 { values.append(Double(k) / 64); values.append(-Double(k) / 128); values.append(Double(k) * 0.001) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20000 {
            let magnitude = Double.random(in: -3...12, using: &generator)
            values.append(Double.random(in: -1...1, using: &generator) * pow(10, magnitude))
        }
        for value in values {
            for decimals in 0...4 {
                XCTAssertEqual(value.fixed(decimals), String(format: "%.\(decimals)f", value), "\(value) to \(decimals)")
            }
        }
        XCTAssertEqual(3.14159.fixed(1, width: 6), String(format: "%6.1f", 3.14159))
        XCTAssertEqual((-12.0).fixed(0, width: 3), String(format: "%3.0f", -12.0))
        XCTAssertEqual(123_456.0.fixed(1, width: 3), "123456.0", "wider than the width: as it is")
        XCTAssertEqual(Double.nan.fixed(1), "nan")
        XCTAssertEqual((-Double.infinity).fixed(2), "-inf")
    }

    func testPaddedMatchesPrintf() {
        for n in [0, 7, -7, 42, 123, -123, 100_000] {
            XCTAssertEqual(n.padded(2), String(format: "%2d", n))
            XCTAssertEqual(n.padded(2, zeros: true), String(format: "%02d", n))
            XCTAssertEqual(n.padded(5, zeros: true), String(format: "%05d", n))
        }
    }
}
