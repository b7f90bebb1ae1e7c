import Foundation
import IssueModel
import XCTest

/// Helpers the test targets share: the real tools they check output with.
public struct ToolError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs one of poppler's or qpdf's tools, its standard output and error together.
public func runTool(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    try runProgram("/usr/bin/\(tool)", arguments)
}

/// Runs the program at `path`, its standard output and error together.
public func runProgram(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The Python the tests run their helpers in, with `modules` importable: `$ISSUE_TEST_PYTHON`
/// (scripts/test sets it), else the virtual environment scripts/test makes. Missing modules
/// fail the test: a test that skips is a test that never runs.
public func testPython(importing modules: [String], packageRoot: URL) throws -> String {
    let candidates: [String?] = [ProcessInfo.processInfo.environment["ISSUE_TEST_PYTHON"],
                                 packageRoot.appendingPathComponent(".build/pyenv/bin/python").path]
    for case let path? in candidates where FileManager.default.isExecutableFile(atPath: path) {
        if try runProgram(path, ["-c", "import " + modules.joined(separator: ", ")]).status == 0 { return path }
    }
    throw ToolError("no Python with \(modules.joined(separator: ", ")): run scripts/test (it makes .build/pyenv) or set ISSUE_TEST_PYTHON")
}

/// Reads a message with Python's `email` package under `policy.strict` (which raises on any
/// defect) and answers with its structure and decoded contents as JSON.
public func parseStrictly(_ bytes: [UInt8]) throws -> [String: Any] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mime-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let message = folder.appendingPathComponent("m.eml")
    try Data(bytes).write(to: message)
    let script = """
    import email, email.policy, json, sys
    msg = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.strict)
    def walk(part):
        out = {'type': part.get_content_type(), 'cid': part.get('Content-ID'), 'filename': part.get_filename()}
        if part.is_multipart():
            out['parts'] = [walk(p) for p in part.iter_parts()]
        elif part.get_content_maintype() == 'text':
            out['text'] = part.get_content()
        else:
            out['size'] = len(part.get_content())
        return out
    headers = {k: str(v) for k, v in msg.items()}
    print(json.dumps({'headers': headers, 'defects': [str(d) for d in msg.defects], 'body': walk(msg)}))
    """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, message.path]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw ToolError("the strict parser refused the message: \(errors)") }
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
}

/// Raw-byte checks every message must pass: CRLF only, lines within 998 octets.
public func checkLines(_ bytes: [UInt8], maximum: Int = 998, file: StaticString = #filePath, line: UInt = #line) {
    var length = 0
    for (i, b) in bytes.enumerated() {
        if b == 10 {
            XCTAssertTrue(i > 0 && bytes[i - 1] == 13, "a bare LF at byte \(i)", file: file, line: line)
            XCTAssertLessThanOrEqual(length - 1, maximum, "a line of \(length - 1) octets", file: file, line: line)
            length = 0
        } else {
            length += 1
            if b == 13 { XCTAssertTrue(i + 1 < bytes.count && bytes[i + 1] == 10, "a bare CR at byte \(i)", file: file, line: line) }
        }
    }
}


public enum FootnoteMarks { case attached, apart }

/// Every word of an article a reader should find in an edition: its kicker, title, deck,
/// byline and caption, `headMatter` besides, and its body (lists, quotes, code, tables,
/// footnotes; pictures' descriptions are not printed). A footnote mark is joined to the word
/// before it (as text extraction of a superscript gives it) or set apart.
public func readerWords(of article: Article, headMatter: [String?], footnoteMarks: FootnoteMarks) -> [String] {
    var text = ([article.kicker, article.title, article.deck, article.byline, article.caption] + headMatter)
        .compactMap { $0 }.joined(separator: " ")
    func visit(_ block: Block) {
        switch block.kind {
        case .paragraph(let inlines), .heading(_, let inlines):
            text += " " + inlines.map { inline -> String in
                switch inline {
                case .image: return ""
                case .footnoteReference: return footnoteMarks == .apart ? " " : [inline].plainText
                default: return [inline].plainText
                }
            }.joined()
        case .list(let list): list.items.forEach { $0.blocks.forEach(visit) }
        case .blockQuote(let blocks), .footnoteDefinition(_, _, let blocks): blocks.forEach(visit)
        case .codeBlock(_, let code): text += " " + code
        case .table(let table): text += " " + ([table.header] + table.rows).flatMap { $0.map(\.plainText) }.joined(separator: " ")
        case .thematicBreak: break
        }
    }
    article.body.forEach(visit)
    return text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
}
