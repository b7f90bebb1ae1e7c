import Foundation
import IssueModel
import Mustache

/// The email edition of an issue: HTML and plain text, with the recipient's fields still to
/// fill (see `personalized`), the pictures the HTML shows, and what the size budget did.
public struct EmailEdition: Sendable {
    public var subject: String
    public var preheader: String
    /// HTML and text with recipient placeholders (`EmailEdition.field(_:)`) in them.
    public var html: String
    public var text: String
    /// Pictures the HTML refers to by `cid:`, in order.
    public var images: [EmailImage]
    /// Stories cut to their first paragraphs in the HTML to keep it under the budget (the
    /// plain text keeps them whole).
    public var shortened: [String]
    public var diagnostics: [Diagnostic]

    /// The fields a copy is personalised with.
    public static let fields = ["email", "name", "token", "unsubscribe_url"]

    /// The placeholder a field stands as until `personalized` fills it, between two private-use
    /// characters that HTML escaping removes from anything an article says.
    public static func field(_ name: String) -> String { "\u{E000}\(name)\u{E001}" }

    /// HTML and text for one recipient: each placeholder replaced by the value (HTML-escaped
    /// in the HTML), an unknown or missing one by nothing.
    public func personalized(_ values: [String: String]) -> (html: String, text: String) {
        (Self.fill(html, values, escape: true), Self.fill(text, values, escape: false))
    }

    /// A piece of the HTML or text: as it is, or a field to fill.
    public enum Piece: Sendable, Equatable {
        case text(String)
        case field(String)
    }

    /// The HTML or text cut at its placeholders, for a message compiled once for a whole send
    /// (Delivery's `NewsletterTemplate`): the pieces, each field replaced by its value (escaped
    /// in the HTML with `htmlValue`), join to exactly what `personalized` makes. Scans as
    /// `fill` does, an unclosed marker staying text.
    public static func pieces(_ template: String) -> [Piece] {
        var template = template
        return template.withUTF8 { bytes -> [Piece] in
            var pieces: [Piece] = []
            var i = 0, literalStart = 0
            let n = bytes.count
            func text(_ range: Range<Int>) {
                if !range.isEmpty { pieces.append(.text(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))) }
            }
            while i + 2 < n {
                guard bytes[i] == 0xEE, bytes[i + 1] == 0x80, bytes[i + 2] == 0x80 else { i += 1; continue }
                var j = i + 3
                while j + 2 < n, !(bytes[j] == 0xEE && bytes[j + 1] == 0x80 && bytes[j + 2] == 0x81) { j += 1 }
                guard j + 2 < n else { break }
                text(literalStart..<i)
                pieces.append(.field(String(decoding: UnsafeBufferPointer(rebasing: bytes[(i + 3)..<j]), as: UTF8.self)))
                i = j + 3
                literalStart = i
            }
            text(literalStart..<n)
            return pieces
        }
    }

    /// A field's value as the HTML shows it: escaped, as `personalized` escapes it.
    public static func htmlValue(_ value: String) -> String { HTML.escape(value) }

    /// Scans the UTF-8 bytes for the markers (U+E000 is EE 80 80, U+E001 is EE 80 81): this
    /// runs for every copy of a send, over the whole message, so no String searching.
    static func fill(_ template: String, _ values: [String: String], escape: Bool) -> String {
        var template = template
        return template.withUTF8 { bytes -> String in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 512)
            var i = 0, literalStart = 0
            let n = bytes.count
            while i + 2 < n {
                guard bytes[i] == 0xEE, bytes[i + 1] == 0x80, bytes[i + 2] == 0x80 else { i += 1; continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[literalStart..<i]))
                var j = i + 3
                while j + 2 < n, !(bytes[j] == 0xEE && bytes[j + 1] == 0x80 && bytes[j + 2] == 0x81) { j += 1 }
                guard j + 2 < n else { literalStart = i; i = n; break }
                let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(i + 3)..<j]), as: UTF8.self)
                let value = values[name] ?? ""
                out.append(contentsOf: (escape ? HTML.escape(value) : value).utf8)
                i = j + 3
                literalStart = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[literalStart..<n]))
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// Renders an issue as an email edition with a Mustache template (`layouts/email/issue.mustache`).
public enum EmailRenderer {
    /// Gmail clips an HTML part over about 102 KB, hiding what follows (the footer and its
    /// unsubscribe link). The budget keeps a margin for the recipient's fields.
    public static let clipLimit = 102 * 1024
    public static let budget = clipLimit - 2 * 1024

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameters:
    ///   - inlineImages: pictures by `cid:` (a message); false links them by their relative
    ///     path (the web archive page, which also never shortens stories).
    /// - Parameters:
    ///   - theme: the look; by default the issue's layout's `email:` over the defaults.
    public static func render(_ issue: Issue, template: String, theme: EmailTheme? = nil,
                              inlineImages: Bool = true, budget: Int = EmailRenderer.budget) throws -> EmailEdition {
        let theme = theme ?? EmailTheme(issue.pageLayout?.email)
        let mustache: MustacheTemplate
        do {
            mustache = try MustacheTemplate(string: template)
        } catch {
            throw Failure(description: "the email template does not parse: \(error)")
        }
        let subject = issue.subject ?? issue.lead.map { "\(issue.publication.name): \($0.title)" } ?? issue.publication.name
        let preheader = issue.preheader ?? issue.lead.flatMap(firstSentence) ?? ""
        let archive = archiveURL(issue)
        var diagnostics: [Diagnostic] = []

        func renderAll(shortenFrom: Int?) -> (String, [EmailImage], String) {
            var renderer = HTMLRenderer(theme: theme, inlineImages: inlineImages)
            var textRenderer = TextRenderer()
            var stories: [[String: Any]] = []
            var text = ""
            for (index, article) in issue.articles.enumerated() {
                let short = shortenFrom.map { index >= $0 } ?? false
                let more = short ? archive.map { $0 + "#" + article.slug } : nil
                var story: [String: Any] = ["anchor": article.slug, "title": article.title]
                story["kicker"] = article.kicker
                story["deck"] = article.deck
                story["byline"] = article.byline
                if let image = article.image {
                    story["figure"] = renderer.figure(image, caption: article.caption, credit: article.credit)
                }
                story["body"] = renderer.body(of: article, paragraphLimit: short ? 1 : nil)
                story["more"] = more
                stories.append(story)
                // The text part is never shortened: Gmail clips only HTML.
                text += textRenderer.story(article) + "\n"
            }
            let context = self.context(issue, subject: subject, preheader: preheader, theme: theme, stories: stories)
            return (mustache.render(context), renderer.images, text)
        }

        var (html, images, text) = renderAll(shortenFrom: nil)
        var shortened: [String] = []
        if inlineImages && html.utf8.count > budget {
            if archive == nil {
                diagnostics.append(.warning("the email's HTML is \(html.utf8.count / 1024) KB, \((html.utf8.count - clipLimit) / 1024 + 1) KB over the \(clipLimit / 1024) KB at which Gmail clips it (and hides the unsubscribe link)",
                                            at: nil, hint: "set archive_url in publication.yaml, and late stories are shortened with a link to the archive"))
            } else {
                // Shorten from the last story back until the HTML fits.
                for from in stride(from: issue.articles.count - 1, through: 1, by: -1) {
                    (html, images, text) = renderAll(shortenFrom: from)
                    shortened = issue.articles[from...].map(\.slug)
                    if html.utf8.count <= budget { break }
                }
                if html.utf8.count > budget {
                    diagnostics.append(.warning("even shortened, the email's HTML is \(html.utf8.count / 1024) KB, over Gmail's \(clipLimit / 1024) KB", at: nil))
                }
            }
        }
        let footer = "--\n\(issue.publication.name)\(issue.publication.address.map { ", \($0)" } ?? "")\n"
            + "You receive this because \(EmailEdition.field("email")) subscribed to \(issue.publication.name).\n"
            + "Unsubscribe: \(EmailEdition.field("unsubscribe_url"))\n" + (archive.map { "Read it on the web: \($0)\n" } ?? "")
        let header = "\(issue.publication.name) — \(dateLine(issue))\n\n"
        // Line ends as LF only, whatever the template or a YAML escape held: a bare CR is a line
        // break of its own in a message, and a compiled copy cuts its text only at line ends
        // it can see (see MIME's MessageTemplate).
        func lf(_ s: String) -> String {
            s.utf8.contains(13) ? s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : s
        }
        return EmailEdition(subject: subject, preheader: preheader, html: lf(html), text: lf(header + text + footer),
                            images: images, shortened: shortened, diagnostics: diagnostics)
    }

    static func archiveURL(_ issue: Issue) -> String? {
        issue.publication.archiveURL.map {
            Publication.fill(template: $0, with: ["date": issue.date.description, "number": String(issue.number),
                                                  "volume": issue.volume.map(String.init) ?? ""])
        }
    }

    static func dateLine(_ issue: Issue) -> String {
        var parts: [String] = []
        if let volume = issue.volume { parts.append("Vol. \(volume)") }
        parts.append("No. \(issue.number)")
        parts.append(longDate(issue.date))
        return parts.joined(separator: " · ")
    }

    static func longDate(_ date: IssueDate) -> String {
        let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(days[date.isoWeekday - 1]), \(months[date.month - 1]) \(date.day), \(date.year)"
    }

    /// The lead's first sentence, for the inbox's preview line.
    static func firstSentence(_ article: Article) -> String? {
        for block in article.body {
            guard case .paragraph(let inlines) = block.kind else { continue }
            let text = inlines.filter { if case .dateline = $0 { return false } else { return true } }.plainText
                .trimmingCharacters(in: CharacterSet(charactersIn: " —–"))
            guard !text.isEmpty else { continue }
            if let end = text.firstIndex(where: { ".!?".contains($0) }) { return String(text[...end]) }
            return String(text.prefix(100))
        }
        return nil
    }

    static func context(_ issue: Issue, subject: String, preheader: String, theme: EmailTheme, stories: [[String: Any]]) -> [String: Any] {
        var c: [String: Any] = [
            "lang": issue.publication.language, "subject": subject, "preheader": preheader,
            "paper": issue.publication.name, "dateline": dateLine(issue), "stories": stories,
            "index": issue.articles.map { ["anchor": $0.slug, "title": $0.title] as [String: Any] },
            "email": EmailEdition.field("email"), "unsubscribe_url": EmailEdition.field("unsubscribe_url"),
            "theme": ["text": theme.text, "muted": theme.muted, "accent": theme.accent, "rule": theme.rule,
                      "background": theme.background, "serif": theme.serif, "sans": theme.sans, "width": theme.width,
                      "inner": theme.width - 40],
        ]
        c["tagline"] = issue.publication.tagline
        c["address"] = issue.publication.address
        c["url"] = issue.publication.url
        c["archive_url"] = archiveURL(issue)
        return c
    }
}
