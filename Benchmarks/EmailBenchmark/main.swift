// Renders personalised copies of the sample issue's email in memory (HTML and text filled
// for the recipient, MIME serialised, pictures encoded once and shared) and prints how many
// per second.
//
//   swift run -c release email-benchmark [--copies 2000]
import Delivery
import EmailRendering
import Foundation
import IssueAssembly
import IssueModel

var copies = 2000
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--copies", let n = arguments.popFirst().flatMap(Int.init) { copies = n } else {
        FileHandle.standardError.write(Data("usage: email-benchmark [--copies N]\n".utf8))
        exit(2)
    }
}
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
guard let issue = IssueAssembler.assemble(weekFolder: root.appendingPathComponent("issues/2026-12-03").path).issue else { exit(1) }
let template = try String(contentsOf: root.appendingPathComponent("layouts/email/issue.mustache"), encoding: .utf8)
let edition = try EmailRenderer.render(issue, template: template)
let newsletter = try Newsletter(issue: issue, edition: edition)
let date = Date(timeIntervalSince1970: 1_796_281_200)
let start = DispatchTime.now().uptimeNanoseconds
var bytes = 0
for i in 0..<copies {
    let recipient = Recipient(email: "reader\(i)@example.org", name: "Reader \(i)", language: nil, token: "tok\(i)", fields: [:])
    bytes += try newsletter.message(for: recipient, date: date).count
}
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
print(String(format: "%d personalised copies in %.2f s: %.0f per second, %.0f KB each", copies, seconds,
             Double(copies) / seconds, Double(bytes) / Double(copies) / 1024))
