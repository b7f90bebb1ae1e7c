import IssueModel

/// Colours and type of the email edition. Chosen to survive the colour inversion Gmail's and
/// Outlook's apps apply in dark mode: near-black on white, a dark accent, no pale tints that
/// would turn into glare.
public struct EmailTheme: Hashable, Sendable {
    public var text = "#1a1a1a"
    public var muted = "#555555"
    public var accent = "#8a1c1c"
    public var rule = "#cccccc"
    public var background = "#ffffff"
    public var serif = "Georgia, 'Times New Roman', Times, serif"
    public var sans = "Helvetica, Arial, sans-serif"
    public var mono = "Menlo, Consolas, 'Courier New', monospace"
    /// The container's width in pixels.
    public var width = 600

    public init() {}

    /// The defaults, with what the layout's `email:` mapping gives.
    public init(_ layout: Layout.Email?) {
        self.init()
        guard let layout else { return }
        text = layout.text ?? text
        muted = layout.muted ?? muted
        accent = layout.accent ?? accent
        rule = layout.rule ?? rule
        background = layout.background ?? background
        serif = layout.serif ?? serif
        sans = layout.sans ?? sans
        mono = layout.mono ?? mono
        width = layout.width ?? width
    }
}

/// HTML escaping for text and attribute values: nothing an article says becomes markup.
enum HTML {
    static func escape(_ text: String) -> String {
        // Most text (and nearly every recipient's field, escaped for each copy of a send) has
        // nothing to escape or drop: the same answer without building a new string.
        if !text.utf8.contains(where: { b in
            b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 || (b < 0x20 && b != 0x0A && b != 0x09) || b == 0xEE
        }) {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters have no place in an email's HTML, and the two private-use
                // characters that mark a recipient's fields must not come from an article.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" { continue }
                if scalar == "\u{E000}" || scalar == "\u{E001}" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A URL an email may link to: web and mail addresses only. Anything else (a path in the
    /// issue folder, `javascript:`) is not linked.
    static func linkable(_ url: String) -> String? {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") else { return nil }
        guard !url.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" }) else { return nil }
        return url
    }
}
