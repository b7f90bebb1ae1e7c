/// One story of an issue: its front matter and its body.
public struct Article: Hashable, Sendable {
    /// The file's name without its extension (`03-rent`): what `order:` in issue.yaml names.
    public var slug: String
    /// The file, as shown in diagnostics.
    public var file: String

    // Front matter (see README, "Article front matter").
    public var title: String
    public var kicker: String?
    public var deck: String?
    public var byline: String?
    public var dateline: String?
    /// BCP 47 language tag, lower-cased primary subtag (`en`, `es`, `ht`); the publication's when absent.
    public var language: String
    public var section: String?
    /// 1 leads the front page; nil when the editor gave none.
    public var priority: Int?
    /// The story's photo or drawing, with its caption and credit.
    public var image: ImageRef?
    public var caption: String?
    public var credit: String?
    public var pullquote: String?
    /// Editor's hint: the width in columns the story should take.
    public var columns: Int?
    /// Editor's hint: the page the story should start on.
    public var page: Int?

    public var body: [Block]

    public init(slug: String, file: String, title: String, language: String, body: [Block] = []) {
        self.slug = slug
        self.file = file
        self.title = title
        self.language = language
        self.body = body
    }

    /// Every image of the article: the front-matter one first, then those in the body.
    public var images: [ImageRef] {
        var out: [ImageRef] = image.map { [$0] } ?? []
        for block in body {
            block.forEachInline { inline in Inline.collectImages(inline, into: &out) }
        }
        return out
    }

    /// The words a reader reads: headline matter and body.
    public var wordCount: Int {
        let head = [kicker, title, deck, byline, dateline, caption, credit].compactMap { $0 }
        return (head + [body.plainText]).reduce(0) { $0 + Text.wordCount(of: $1) }
    }
}

extension Inline {
    static func collectImages(_ inline: Inline, into out: inout [ImageRef]) {
        switch inline {
        case .image(let ref): out.append(ref)
        case .emphasis(let c), .strong(let c), .strikethrough(let c), .link(_, _, let c):
            for i in c { collectImages(i, into: &out) }
        default: break
        }
    }
}

/// Text measures shared by every stage.
public enum Text {
    /// Words are runs of characters between white space that hold at least one letter or digit,
    /// so a lone em dash or bullet is not a word.
    public static func wordCount(of text: String) -> Int {
        var count = 0
        var inWord = false
        var wordHasLetter = false
        for scalar in text.unicodeScalars {
            // ASCII (most of any article) without looking up Unicode properties.
            if scalar.value < 0x80 {
                let v = scalar.value
                if v == 0x20 || (0x09...0x0D).contains(v) {
                    if inWord && wordHasLetter { count += 1 }
                    inWord = false
                    wordHasLetter = false
                } else {
                    inWord = true
                    if (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) { wordHasLetter = true }
                }
                continue
            }
            if scalar.properties.isWhitespace {
                if inWord && wordHasLetter { count += 1 }
                inWord = false
                wordHasLetter = false
            } else {
                inWord = true
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { wordHasLetter = true }
            }
        }
        if inWord && wordHasLetter { count += 1 }
        return count
    }
}
