import Foundation
import IssueModel

/// One article file: front matter and Markdown body, checked field by field.
enum ArticleReader {
    static let keys = ["title", "kicker", "deck", "byline", "dateline", "lang", "section", "priority",
                       "image", "caption", "credit", "pullquote", "columns", "page"]
    /// An article over this size is refused: a weekly's longest story is a few hundred kilobytes.
    static let maximumSize = 4 * 1024 * 1024

    /// `defaultLanguage`: the language of an article without 'lang'; nil leaves it empty, for
    /// the reader to fill in once it knows the publication's.
    static func read(path: String, paths: IssuePaths, defaultLanguage: String?,
                     into diagnostics: inout [Diagnostic]) -> Article? {
        let shown = paths.display(path)
        let start = SourceLocation(file: shown)
        if let size = FileStatus(path: path, followingLinks: true)?.size, size > maximumSize {
            diagnostics.append(.error("the article is \(size / 1024) KB, over the \(maximumSize / 1024 / 1024) MB an article may have", at: start))
            return nil
        }
        guard let source = SourceText.read(path: path, displayPath: shown, into: &diagnostics) else { return nil }
        let parts: FrontMatter
        do {
            parts = try FrontMatter.split(source.text)
        } catch {
            diagnostics.append(.error("the front matter opened by '---' on line 1 is never closed", at: start,
                                      hint: "end it with a line of three dashes, ---, before the article's text"))
            return nil
        }
        guard let yaml = parts.yaml else {
            diagnostics.append(.error("the article has no front matter", at: start,
                                      hint: "start the file with a line '---', then 'title: …', then '---'"))
            return nil
        }
        guard var fields = YAMLFields.parse(yaml, file: shown, firstLine: parts.yamlFirstLine, into: &diagnostics) else {
            return nil
        }
        defer { diagnostics += fields.diagnostics }

        let slug = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let title = fields.text("title")
        if title == nil {
            let message = fields.keys.contains("title") ? "the article's 'title' is empty" : "front matter has no 'title'"
            fields.report(.error(message, at: fields.keys.contains("title") ? fields.location(ofValue: "title") : start,
                                 hint: "every article needs a headline: title: Council Votes to Rebuild the River Road"))
        }
        var article = Article(slug: slug, file: shown, title: title ?? "", language: defaultLanguage ?? "")
        article.kicker = fields.text("kicker")
        article.deck = fields.text("deck")
        article.byline = fields.text("byline")
        article.dateline = fields.text("dateline")
        article.section = fields.text("section")
        article.caption = fields.text("caption")
        article.credit = fields.text("credit")
        article.pullquote = fields.text("pullquote")
        article.priority = fields.integer("priority", in: 1...999)
        article.columns = fields.integer("columns", in: 1...12)
        article.page = fields.integer("page", in: 1...999)
        if let lang = fields.text("lang") {
            if FieldChecks.isLanguageTag(lang) {
                article.language = FieldChecks.normalisedLanguage(lang)
            } else {
                fields.report(.error("'lang' must be a language code like en, es or ht, not '\(YAMLFields.clip(lang))'",
                                     at: fields.location(ofValue: "lang")))
            }
        }
        if let image = fields.text("image") {
            var found: [Diagnostic] = []
            let ref = ImageChecker.check(ImageRef(source: image, alt: article.caption ?? ""), paths: paths,
                                         at: fields.location(ofValue: "image"), into: &found)
            found.forEach { fields.report($0) }
            article.image = ref
        } else {
            for key in ["caption", "credit"] where fields.has(key) {
                fields.report(.warning("'\(key)' is given but the article has no 'image'", at: fields.location(ofKey: key)))
            }
        }
        fields.warnAboutUnknownKeys(known: keys, what: "the front matter")

        var converter = MarkdownConverter(source: parts.body, file: shown, firstLine: parts.bodyFirstLine, paths: paths)
        article.body = converter.convert()
        diagnostics += converter.diagnostics
        if article.body.isEmpty {
            diagnostics.append(.warning("the article has no body text", at: SourceLocation(file: shown, line: parts.bodyFirstLine),
                                        hint: "write the story below the front matter's closing '---'"))
        }
        return article
    }
}
