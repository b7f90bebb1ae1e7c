import IssueModel

extension Typesetter {
    /// Characters of `text` that neither `family` nor any fallback face has: they would print
    /// as the face's empty box.
    public func uncoveredCharacters(in text: String, family: String) throws(FontError) -> [Character] {
        let chain = try shaper.faceChain(for: TextStyle(family: family, size: 10))
        var seen = Set<Character>()
        var missing: [Character] = []
        for character in text where !character.isWhitespace && seen.insert(character).inserted {
            let scalars = character.unicodeScalars.filter { !$0.properties.isDefaultIgnorableCodePoint }
            if !chain.contains(where: { face in scalars.allSatisfy { face.covers($0) } }) { missing.append(character) }
        }
        return missing
    }

    /// One warning per character of an article that no bundled face has, at the first block
    /// (or the front matter) holding it, naming the character and its code point.
    public func coverageWarnings(for article: Article, family: String) throws(FontError) -> [Diagnostic] {
        var places: [(text: String, location: SourceLocation)] = []
        let head = [article.kicker, article.title, article.deck, article.byline, article.dateline,
                    article.caption, article.credit, article.pullquote].compactMap { $0 }.joined(separator: " ")
        places.append((head, SourceLocation(file: article.file)))
        for block in article.body { places.append((block.plainText, block.location)) }
        var reported = Set<Character>()
        var warnings: [Diagnostic] = []
        for place in places {
            for character in try uncoveredCharacters(in: place.text, family: family) where reported.insert(character).inserted {
                let codes = character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
                warnings.append(.warning("no bundled font has '\(character)' (\(codes)); it prints as an empty box",
                                         at: place.location, hint: "replace it, or add a font that has it to fonts/"))
            }
        }
        return warnings
    }
}
