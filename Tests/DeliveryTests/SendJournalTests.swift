@testable import Delivery
import Foundation
import XCTest

/// The send's parts without a server: the journal's states across a "crash" (a journal opened
/// again), DKIM canonicalization against RFC 6376's own example, the shard split.
final class SendJournalTests: XCTestCase {
    func temporaryJournal() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder.appendingPathComponent("send.sqlite").path
    }

    func testACopyInFlightWhenTheProcessDiedBecomesUncertain() throws {
        let path = try temporaryJournal()
        do {
            let journal = try SendJournal(path: path, exclusive: true)
            try journal.synchronize(with: ["a@example.org", "b@example.org", "c@example.org"])
            let entries = try journal.entries([.pending])
            try journal.markSending(entries[0].id)
            try journal.record(entries[0].id, .sent, reply: "250 ok", durable: false)
            try journal.markSending(entries[1].id)
            // The process "dies" here: b is in flight, a's sent rode with b's commit.
        }
        let journal = try SendJournal(path: path, exclusive: true)
        XCTAssertEqual(try journal.markInterruptedUncertain(), ["b@example.org"])
        let counts = try journal.counts()
        XCTAssertEqual(counts[.sent], 1)
        XCTAssertEqual(counts[.uncertain], 1)
        XCTAssertEqual(counts[.pending], 1)
        XCTAssertEqual(try journal.entries([.sent]).first?.reply, "250 ok")
    }

    func testASecondSenderOnTheSameJournalIsRefused() throws {
        let path = try temporaryJournal()
        let first = try SendJournal(path: path, exclusive: true)
        XCTAssertThrowsError(try SendJournal(path: path, exclusive: true)) { error in
            XCTAssertTrue("\(error)".contains("another 'issue send' is using this journal"))
        }
        XCTAssertNoThrow(try SendJournal(path: path, exclusive: false))
        withExtendedLifetime(first) {}
    }

    func testTheListChangingBetweenRunsAddsAndSkips() throws {
        let journal = try SendJournal(path: try temporaryJournal(), exclusive: true)
        try journal.synchronize(with: ["a@example.org", "b@example.org"])
        let result = try journal.synchronize(with: ["A@example.org", "c@example.org"])
        XCTAssertEqual(result.added, 1)
        XCTAssertEqual(result.dropped, 1)
        XCTAssertEqual(try journal.entries([.skipped]).map(\.email), ["b@example.org"])
    }

    /// RFC 6376 §3.4.6, the example of relaxed canonicalization.
    func testRelaxedCanonicalizationIsRFC6376sExample() {
        let header1 = Array("A: X\r\n".utf8), header2 = Array("B : Y\t\r\n\tZ  \r\n".utf8)
        XCTAssertEqual(String(decoding: DKIMSigner.relaxedHeader(header1) + DKIMSigner.relaxedHeader(header2), as: UTF8.self),
                       "a:X\r\nb:Y Z\r\n")
        let body = Array(" C \r\nD \t E\r\n\r\n\r\n".utf8)
        XCTAssertEqual(String(decoding: DKIMSigner.relaxedBody(body[...]), as: UTF8.self), " C\r\nD E\r\n")
        XCTAssertEqual(DKIMSigner.relaxedBody(Array("\r\n\r\n".utf8)[...]), [])
    }

    func testAddressesAndTokens() {
        for good in ["a@example.org", "first.last+tag@sub.example.org", "a@.c", "josé@example.org"] {
            XCTAssertTrue(RecipientList.isAddress(good), good)
        }
        for bad in ["", "a", "@example.org", "a@b", "a@example.", "a@@example.org", "a@b@example.org", "a b@example.org",
                    "a\u{7}@example.org", "a\r\n@example.org", "<a@example.org>", "a@example.org;", "jo sé@example.org",
                    "a\u{00A0}b@example.org", String(repeating: "a", count: 250) + "@example.org"] {
            XCTAssertFalse(RecipientList.isAddress(bad), bad)
        }
        // HMAC-SHA-256 of the address in lower case, its first 128 bits in hex (as Python's
        // hmac module computes it).
        XCTAssertEqual(Token.make(email: "Reader@example.org", secret: "secret"), "9b1510ffc23f3a79603d385685b86e44")
    }

    func testShardsSplitTheListDisjointlyAndWhole() throws {
        let addresses = (0..<1000).map { "reader\($0)@example.org" }
        let shards = try (1...3).map { try XCTUnwrap(Shard("\($0)/3")) }
        for address in addresses {
            XCTAssertEqual(shards.filter { $0.contains(address) }.count, 1)
            XCTAssertEqual(shards[0].contains(address), shards[0].contains(address.uppercased()))
        }
        for shard in shards { XCTAssertGreaterThan(addresses.filter(shard.contains).count, 250) }
        XCTAssertNil(Shard("0/3"))
        XCTAssertNil(Shard("4/3"))
        XCTAssertNil(Shard("x"))
    }
}
