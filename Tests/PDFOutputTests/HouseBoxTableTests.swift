@testable import PageMakeup
import XCTest

/// The page search's record of the house boxes a partial edition has used (bits, with a set
/// for notices past the sixty-first) and its table of their depths by width.
final class HouseBoxTableTests: XCTestCase {
    func testEveryBoxIsRecordedOnceWhateverItsNumber() {
        var used = BoxSet()
        let boxes: [HouseBox] = [.inside, .index, .contact] + (0..<200).map { .notice($0) }
        for (i, box) in boxes.enumerated() where i % 3 == 0 { used.insert(box) }
        for (i, box) in boxes.enumerated() {
            XCTAssertEqual(used.contains(box), i % 3 == 0, "\(box)")
        }
        XCTAssertEqual(used.count, boxes.indices.filter { $0 % 3 == 0 }.count)
        // Inserting again changes nothing, on either side of the sixty-fourth (.notice(150) is
        // box 153, recorded above).
        let count = used.count
        used.insert(.inside)
        used.insert(.notice(150))
        XCTAssertEqual(used.count, count)
        // Copies are values: what one records the other does not see.
        var other = used
        other.insert(.notice(1))
        XCTAssertTrue(other.contains(.notice(1)))
        XCTAssertFalse(used.contains(.notice(1)))
        XCTAssertEqual(BoxSet(), BoxSet())
        XCTAssertNotEqual(used, other)
    }

    func testDepthsAreKeptByBoxAndWidthAsTheTableGrowsAndMerges() {
        var depths = BoxDepths()
        XCTAssertNil(depths[.index, 1])
        depths[.index, 2] = 14
        depths[.notice(90), 1] = 30
        // A width wider than any before lays the table out again without losing a depth.
        depths[.contact, 7] = 5
        XCTAssertEqual(depths[.index, 2], 14)
        XCTAssertEqual(depths[.notice(90), 1], 30)
        XCTAssertEqual(depths[.contact, 7], 5)
        XCTAssertNil(depths[.contact, 6])
        XCTAssertNil(depths[.notice(91), 1])
        XCTAssertNil(depths[.index, 0])
        XCTAssertNil(depths[.index, 8])
        // A depth of 0 lines is a depth, not a hole in the table.
        depths[.inside, 3] = 0
        XCTAssertEqual(depths[.inside, 3], 0)

        var other = BoxDepths()
        other[.index, 2] = 99          // already known here: this table keeps its own
        other[.notice(3), 4] = 21
        other[.notice(120), 2] = 8
        depths.merge(other)
        XCTAssertEqual(depths[.index, 2], 14)
        XCTAssertEqual(depths[.notice(3), 4], 21)
        XCTAssertEqual(depths[.notice(120), 2], 8)
        XCTAssertEqual(depths[.contact, 7], 5)
        // Merged the other way, into a narrower table.
        other.merge(depths)
        XCTAssertEqual(other[.index, 2], 99)
        XCTAssertEqual(other[.contact, 7], 5)
        XCTAssertEqual(other[.notice(90), 1], 30)
    }
}
