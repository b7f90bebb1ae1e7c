// Sets 25,000 words of running text into the tabloid's justified 134 pt (11.2-pica) columns,
// 9.5/11.5 pt PT Serif, by total fit and by first fit, and prints time and quality side by side.
//
//   swift run -c release typesetting-benchmark [--words N] [--runs N] [--hanging]
//
// The text is the sample issue's body (every paragraph, list item and quote), repeated until it
// reaches the word count, so every run measures the same work.
import Foundation
import IssueAssembly
import IssueModel
import Typesetting
import CMimalloc  // the process's allocator, as `issue` has it

var words = 25_000
var runs = 5
var hanging = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--words": words = Int(arguments.popFirst() ?? "") ?? words
    case "--runs": runs = Int(arguments.popFirst() ?? "") ?? runs
    case "--hanging": hanging = true
    default:
        FileHandle.standardError.write(Data("usage: typesetting-benchmark [--words N] [--runs N] [--hanging]\n".utf8))
        exit(2)
    }
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let assembly = IssueAssembler.assemble(weekFolder: root.appendingPathComponent("issues/2026-12-03").path)
guard let issue = assembly.issue else {
    FileHandle.standardError.write(Data("the sample issue does not assemble\n".utf8))
    exit(1)
}

let body = TextStyle(family: "PT Serif", size: 9.5)
let measure = 134.0
let faces = InlineFaces()
/// Every paragraph of running text: paragraphs, list items, quotes and footnotes.
func collect(_ block: Block, _ language: String, into out: inout [(runs: [TextRun], language: String, words: Int)]) {
    switch block.kind {
    case .paragraph(let inlines):
        let r = faces.runs(for: inlines, base: body)
        if !r.isEmpty { out.append((r, language, Text.wordCount(of: inlines.plainText))) }
    case .blockQuote(let blocks), .footnoteDefinition(_, _, let blocks):
        for b in blocks { collect(b, language, into: &out) }
    case .list(let list):
        for item in list.items { for b in item.blocks { collect(b, language, into: &out) } }
    default: break
    }
}
var source: [(runs: [TextRun], language: String, words: Int)] = []
for article in issue.articles { for block in article.body { collect(block, article.language, into: &source) } }

var paragraphs: [(runs: [TextRun], language: String)] = []
var total = 0
while total < words {
    for p in source where total < words {
        paragraphs.append((p.runs, p.language))
        total += p.words
    }
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

print("typesetting \(total) words in \(paragraphs.count) paragraphs, \(Int(measure)) pt columns, 9.5 pt PT Serif, "
      + "\(runs) runs each, hanging punctuation \(hanging ? "on" : "off")")
print("algorithm   median ms  min ms  max ms   words/s   lines  >150%    >200%   hyphenated  longest run  overfull")
for algorithm in [ParagraphFormat.Algorithm.totalFit, .firstFit] {
    var times: [Double] = []
    var stats = LineStatistics()
    for run in 0..<runs {
        // A fresh typesetter each run: its caches are part of the work measured.
        let typesetter = try Typesetter(fonts: FontLibrary(folder: root.appendingPathComponent("fonts").path))
        var s = LineStatistics()
        let start = DispatchTime.now().uptimeNanoseconds
        for p in paragraphs {
            s.add(try typesetter.set(p.runs, language: p.language, measure: measure,
                                     format: ParagraphFormat(hangingPunctuation: hanging, algorithm: algorithm)).lines)
        }
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        if run == 0 { stats = s }
    }
    let name = algorithm == .totalFit ? "total fit" : "first fit"
    func pct(_ x: Double) -> String { String(format: "%5.1f %%", x * 100) }
    print(String(format: "%-10@ %9.1f %7.1f %7.1f %9.0f %7d  %@  %@  %10d  %11d  %8d",
                 name as NSString, median(times), times.min()!, times.max()!, Double(total) / median(times) * 1000,
                 stats.lines, pct(stats.share150) as NSString, pct(stats.share200) as NSString,
                 stats.hyphenated, stats.longestHyphenRun, stats.overfull))
}
