// Makes personalised copies of the sample issue's email the way `issue send` does: the message
// compiled once (NewsletterTemplate: text, HTML and pictures encoded once and shared), then
// each copy its own headers and fields around the shared bytes. Prints one line per measure:
//
//   rendered        copies made (MessageCopy), on 1 thread and on every core
//   materialised    each copy also made contiguous (copy.bytes): every byte touched, copied
//   streamed to /dev/null   each copy written with writev (the kernel reads none of it)
//   streamed through a pipe each copy written with writev into a pipe another thread drains
//   DKIM-signed     each copy also signed (relaxed body hash over the copy's segments, one
//                   signature), with a key made for the run: a send cost, not a render cost
//
//   swift run -c release email-benchmark [--copies 20000] [--signed 400]
//
// Each line: "N what in S s: R per second, T thread(s)[, more]".
import Crypto
import _CryptoExtras
import Delivery
import EmailRendering
import Foundation
import IssueAssembly
import IssueModel
import MIME
import CMimalloc  // the process's allocator, as `issue` has it

var copies = 20000
var signedCopies = 400
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--copies", let n = arguments.popFirst().flatMap(Int.init), n > 0 {
        copies = n
    } else if argument == "--signed", let n = arguments.popFirst().flatMap(Int.init), n > 0 {
        signedCopies = n
    } else {
        FileHandle.standardError.write(Data("usage: email-benchmark [--copies N] [--signed N]\n".utf8))
        exit(2)
    }
}
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
guard let issue = IssueAssembler.assemble(weekFolder: root.appendingPathComponent("issues/2026-12-03").path).issue else { exit(1) }
let template = try String(contentsOf: root.appendingPathComponent("layouts/email/issue.mustache"), encoding: .utf8)
let edition = try EmailRenderer.render(issue, template: template)
let newsletter = try Newsletter(issue: issue, edition: edition)
let date = Date(timeIntervalSince1970: 1_796_281_200)
let cores = ProcessInfo.processInfo.activeProcessorCount
let rounds = 3

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

let compileStart = now()
let compiled = try newsletter.template(date: date)
let compileSeconds = Double(now() - compileStart) / 1e9

@Sendable func recipient(_ i: Int) -> Recipient {
    Recipient(email: "reader\(i)@example.org", name: "Reader \(i)", language: nil, token: "tok\(i)", fields: [:])
}

/// Runs `work` for copies 0..<count split over `threads` threads, after a warm-up (a tenth of
/// them, untimed), `rounds` times; returns the median seconds and the sum of what `work`
/// returned in one round. The machine may be busy with something else: the median of a few
/// rounds keeps one disturbed round from being the figure.
func measure(_ count: Int, threads: Int, _ work: @escaping @Sendable (Int) throws -> Int) -> (seconds: Double, total: Int) {
    final class Totals: @unchecked Sendable {
        let lock = NSLock()
        var sum = 0
    }
    func round(_ count: Int) -> (Double, Int) {
        let totals = Totals()
        let start = now()
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var sum = 0
            for i in stride(from: t, to: count, by: threads) {
                do {
                    sum += try work(i)
                } catch {
                    FileHandle.standardError.write(Data("copy \(i): \(error)\n".utf8))
                    exit(1)
                }
            }
            totals.lock.lock()
            totals.sum += sum
            totals.lock.unlock()
        }
        return (Double(now() - start) / 1e9, totals.sum)
    }
    _ = round(max(1, count / 10))
    let results = (0..<rounds).map { _ in round(count) }
    return (results.map(\.0).sorted()[rounds / 2], results[0].1)
}

func report(_ what: String, _ count: Int, _ result: (seconds: Double, total: Int), threads: Int, suffix: String = "") {
    print(String(format: "%d %@ in %.3f s: %.0f per second, %d thread%@%@", count, what, result.seconds,
                 Double(count) / result.seconds, threads, threads == 1 ? "" : "s", suffix))
}

print(String(format: "compiled once in %.1f ms: %d KB of static chunks shared by every copy; each figure below the median of %d rounds",
             compileSeconds * 1000, compiled.message.staticByteCount / 1024, rounds))
let threadCounts = cores > 1 ? [1, cores] : [1]
for threads in threadCounts {
    let r = measure(copies, threads: threads) { try compiled.copy(for: recipient($0)).count }
    report("personalised copies rendered", copies, r, threads: threads,
           suffix: threads == 1 ? String(format: ", %.0f KB each", Double(r.total) / Double(copies) / 1024) : "")
}
for threads in threadCounts {
    report("copies rendered and materialised", copies, measure(copies, threads: threads) { try compiled.copy(for: recipient($0)).bytes.count },
           threads: threads)
}
let devNull = open("/dev/null", O_WRONLY)
for threads in threadCounts {
    report("copies rendered and streamed to /dev/null", copies, measure(copies, threads: threads) { i in
        let copy = try compiled.copy(for: recipient(i))
        try copy.write(to: devNull)
        return copy.count
    }, threads: threads)
}
// A pipe is read by the other end: the bytes are copied through the kernel as to sendmail.
var ends: [Int32] = [0, 0]
guard pipe(&ends) == 0 else { exit(1) }
let (readEnd, writeEnd) = (ends[0], ends[1])
#if os(Linux)
// A pipe of 1 MB (F_SETPIPE_SZ) rather than 64 KB: fewer trips between the two threads.
_ = fcntl(writeEnd, 1031, 1 << 20)
#endif
let drain = Thread {
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 16)
    while read(readEnd, buffer, 1 << 16) > 0 {}
    buffer.deallocate()
}
drain.start()
// At a few thousand a second, a tenth of the copies is plenty.
let piped = max(1, min(copies, 2000))
report("copies rendered and streamed through a pipe", piped, measure(piped, threads: 1) { i in
    let copy = try compiled.copy(for: recipient(i))
    try copy.write(to: writeEnd)
    return copy.count
}, threads: 1)
close(writeEnd)

// DKIM with keys made for the run: RSA 2048 (RFC 8301's floor) and Ed25519 (PKCS#8 PEM).
let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
let ed25519Seed = Curve25519.Signing.PrivateKey().rawRepresentation
let ed25519PEM = "-----BEGIN PRIVATE KEY-----\n" + Data([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20] + ed25519Seed)
    .base64EncodedString() + "\n-----END PRIVATE KEY-----\n"
for (name, pem) in [("rsa-sha256, 2048 bits", rsa.pemRepresentation), ("ed25519-sha256", ed25519PEM)] {
    let signer = try DKIMSigner(pem: pem, domain: "millbrookledger.example.org", selector: "bench")
    let prepareStart = now()
    let prepared = signer.prepare(compiled.message)
    let prepareSeconds = Double(now() - prepareStart) / 1e9
    for threads in threadCounts {
        report("DKIM-signed copies (\(name))", signedCopies, measure(signedCopies, threads: threads) { i in
            try prepared.sign(try compiled.copy(for: recipient(i)), time: date).count
        }, threads: threads, suffix: threads == 1 ? String(format: ", prepared once in %.1f ms", prepareSeconds * 1000) : "")
    }
}
