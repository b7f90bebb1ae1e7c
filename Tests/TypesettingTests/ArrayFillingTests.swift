import XCTest
import Typesetting

final class ArrayFillingTests: XCTestCase {
    func testFillingIsRepeatingByAnotherPath() {
        for count in [0, 1, 2, 31, 32, 1000] {
            XCTAssertEqual([Int](filling: -1, count: count), [Int](repeating: -1, count: count))
            XCTAssertEqual([Bool](filling: true, count: count), [Bool](repeating: true, count: count))
            XCTAssertEqual([String](filling: "a", count: count), [String](repeating: "a", count: count))
        }
        XCTAssertEqual([Double](filling: 0.5, count: -3), [], "a negative count is none")
        var grown = [Int](filling: 7, count: 3)
        grown.append(8)
        XCTAssertEqual(grown, [7, 7, 7, 8])
    }
}
