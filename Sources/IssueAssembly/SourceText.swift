import Foundation
import IssueModel

/// A user's text file read from disk, checked and normalised before anything parses it: UTF-8
/// verified (an error names the byte offset, line and column of the first bad byte), a leading
/// byte-order mark dropped, CR LF and lone CR line endings turned into LF. Line numbers are
/// unchanged by this, so every later diagnostic still points at the right line.
struct SourceText {
    let text: String
    let displayPath: String

    /// Reads and checks the file; nil with a diagnostic appended when it cannot be used.
    static func read(path: String, displayPath: String, into diagnostics: inout [Diagnostic]) -> SourceText? {
        guard let data = FileManager.default.contents(atPath: path) else {
            diagnostics.append(.error("cannot read the file", at: SourceLocation(file: displayPath)))
            return nil
        }
        return decode(Array(data), displayPath: displayPath, into: &diagnostics)
    }

    static func decode(_ bytes: [UInt8], displayPath: String, into diagnostics: inout [Diagnostic]) -> SourceText? {
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let bad = firstInvalidUTF8(bytes) {
            let (line, column) = lineAndColumn(ofByte: bad, in: bytes)
            let offset = bad  // counted from the file's first byte, a byte-order mark included
            diagnostics.append(.error(
                "invalid UTF-8 at byte offset \(offset) (byte 0x\(String(bytes[bad], radix: 16, uppercase: true)))",
                at: SourceLocation(file: displayPath, line: line, column: column),
                hint: "save the file as UTF-8"))
            return nil
        }
        if let nul = bytes.firstIndex(of: 0) {
            let (line, column) = lineAndColumn(ofByte: nul, in: bytes)
            diagnostics.append(.error("the file holds a NUL byte at byte offset \(nul); it is not a text file",
                                      at: SourceLocation(file: displayPath, line: line, column: column)))
            return nil
        }
        var text = String(decoding: bytes, as: UTF8.self)
        // (Looked for in the bytes: through the string's UTF-8 view it took several times longer.)
        if bytes.contains(13) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        return SourceText(text: text, displayPath: displayPath)
    }

    /// The index of the first byte that does not belong to a well-formed UTF-8 sequence
    /// (overlong forms, surrogates and code points above U+10FFFF are ill-formed too).
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            guard i + length <= end else { return i }
            if !(lower...upper).contains(bytes[i + 1]) { return i }
            for k in 2..<length where !(0x80...0xBF).contains(bytes[i + k]) { return i }
            i += length
        }
        return nil
    }

    /// 1-based line and byte column of a byte.
    static func lineAndColumn(ofByte index: Int, in bytes: ArraySlice<UInt8>) -> (Int, Int) {
        var line = 1
        var lineStart = bytes.startIndex
        for i in bytes.startIndex..<index where bytes[i] == 10 {
            line += 1
            lineStart = i + 1
        }
        return (line, index - lineStart + 1)
    }
}
