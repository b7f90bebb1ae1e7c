import Foundation
import IssueAssembly
import IssueModel
import XCTest

/// Every example of the GFM specification and of cmark-gfm's own tests (Tests/Fixtures/gfm, a
/// copy of shared/corpus/gfm) goes through assembly without a crash, and every word the spec's
/// expected HTML shows a reader is in the model.
final class GFMCorpusTests: XCTestCase {
    struct Example {
        var file: String
        var line: Int
        var markdown: String
        var html: String
    }

    static func examples(in name: String) throws -> [Example] {
        let text = try FixturePaths.text("gfm/\(name)")
        let fence = String(repeating: "`", count: 32)
        var examples: [Example] = []
        var markdown: [Substring]?, html: [Substring]?, start = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix(fence + " example") {
                markdown = []
                html = nil
                start = index + 1
            } else if line == fence, let md = markdown {
                examples.append(Example(file: name, line: start, markdown: md.joined(separator: "\n") + (md.isEmpty ? "" : "\n"),
                                        html: (html ?? []).joined(separator: "\n")))
                markdown = nil
            } else if markdown != nil, html == nil, line == "." {
                html = []
            } else if html != nil {
                html!.append(line)
            } else if markdown != nil {
                markdown!.append(line)
            }
        }
        return examples.map { e in
            var e = e
            e.markdown = e.markdown.replacingOccurrences(of: "→", with: "\t")
            e.html = e.html.replacingOccurrences(of: "→", with: "\t")
            return e
        }
    }

    func testEveryCorpusExampleAssemblesAndKeepsItsWords() throws {
        var count = 0
        var missing: [String] = []
        for name in ["spec.txt", "extensions.txt", "smart_punct.txt", "regression.txt"] {
            let examples = try Self.examples(in: name)
            XCTAssertGreaterThan(examples.count, 10, name)
            for example in examples {
                let (blocks, _) = MarkdownReader.read(example.markdown, file: name, firstLine: example.line)
                count += 1
                let have = Self.words(in: Self.modelText(blocks))
                let lost = Self.words(in: Self.visibleText(ofHTML: example.html)).subtracting(have)
                if !lost.isEmpty { missing.append("\(name):\(example.line): \(lost.sorted())") }
            }
        }
        XCTAssertGreaterThan(count, 600)
        XCTAssertEqual(missing, [], "words in the expected HTML but not in the model")
    }

    /// The same examples as articles of one issue, through the whole assembly (front matter,
    /// path and image checks on every link and image of the spec): no crash, every article read.
    func testEveryCorpusExampleAsAnArticleOfAnIssue() throws {
        let scratch = try ScratchIssue(articles: [:])
        defer { scratch.remove() }
        var written = 0
        for name in ["spec.txt", "extensions.txt", "smart_punct.txt", "regression.txt"] {
            for example in try Self.examples(in: name) {
                written += 1
                let file = String(format: "%04d-%@-%d.md", written, name.replacingOccurrences(of: ".txt", with: ""), example.line)
                try scratch.write("issues/2026-12-03/articles/\(file)", "---\ntitle: Example \(example.line)\n---\n" + example.markdown)
            }
        }
        let assembly = IssueAssembler.assemble(weekFolder: scratch.week.path)
        XCTAssertEqual(assembly.articles.count, written)
        XCTAssertNotNil(assembly.issue)
        // Every diagnostic points into an article, at a line that exists.
        for d in assembly.diagnostics {
            XCTAssertNotNil(d.location, "\(d)")
            XCTAssertGreaterThanOrEqual(d.location?.line ?? 0, 1, "\(d)")
        }
    }

    /// Everything the model holds as text: block text, plus link and image targets.
    static func modelText(_ blocks: [Block]) -> String {
        var out = blocks.plainText
        func visit(_ inline: Inline) {
            switch inline {
            case .link(let url, let title, let content):
                out += " \(url) \(title)"
                content.forEach(visit)
            case .image(let ref): out += " \(ref.source) \(ref.title)"
            case .emphasis(let c), .strong(let c), .strikethrough(let c): c.forEach(visit)
            default: break
            }
        }
        for block in blocks { block.forEachInline(visit) }
        return out
    }

    /// The text a browser shows for an HTML fragment: no tags, comments, processing instructions,
    /// declarations, CDATA, scripts or styles; entities decoded. Escaped tags (`&lt;title&gt;`,
    /// which the tagfilter extension makes of raw tags) are not words of the article either.
    static func visibleText(ofHTML html: String) -> String {
        var s = html
        for pattern in ["(?is)<script\\b.*?(?:</script>|\\z)", "(?is)<style\\b.*?(?:</style>|\\z)", "(?s)<!--.*?-->",
                        "(?s)<!\\[CDATA\\[.*?\\]\\]>", "(?s)<\\?.*?\\?>", "<![A-Z][^>]*>",
                        // Block-level tags separate words; inline ones (em, code, a, sup) do not.
                        "(?i)</?(?:p|li|ul|ol|h[1-6]|pre|blockquote|table|thead|tbody|tr|td|th|hr|br|div|section|input|img)\\b[^>]*>"] {
            s = s.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        s = s.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
        s = s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        return s.replacingOccurrences(of: "</?[A-Za-z][A-Za-z0-9-]*", with: " ", options: .regularExpression)
    }

    /// Lower-cased runs of letters and digits.
    static func words(in text: String) -> Set<String> {
        Set(text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init))
    }
}
