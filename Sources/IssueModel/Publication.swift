/// The paper itself, from `issues/publication.yaml`: the same every week.
public struct Publication: Hashable, Sendable {
    public var name: String
    public var tagline: String?
    /// The default language of articles (`en`).
    public var language: String
    /// The paper's web site.
    public var url: String?
    /// The postal address printed in the email's footer (bulk-sender rules ask for one).
    public var address: String?
    /// The cover price as printed in the masthead (`Free`, `$1.00`).
    public var price: String?
    public var email: EmailSettings
    /// Where each issue is archived on the web; may hold `{{date}}`, `{{number}}`, `{{volume}}`.
    public var archiveURL: String?
    /// House matter from the `house:` mapping (a title, then its text): subscription and
    /// contact notices page makeup sets in boxes where a page has room to fill.
    public var house: [HouseNotice] = []

    public struct HouseNotice: Hashable, Sendable {
        public var title: String
        public var text: String
        public init(title: String, text: String) {
            self.title = title
            self.text = text
        }
    }

    public init(name: String, tagline: String? = nil, language: String = "en", url: String? = nil,
                address: String? = nil, price: String? = nil, email: EmailSettings = EmailSettings(),
                archiveURL: String? = nil) {
        self.name = name
        self.tagline = tagline
        self.language = language
        self.url = url
        self.address = address
        self.price = price
        self.email = email
        self.archiveURL = archiveURL
    }

    /// The `email:` mapping of publication.yaml.
    public struct EmailSettings: Hashable, Sendable {
        /// `Name <address>` or a bare address: the From header.
        public var from: String?
        public var replyTo: String?
        /// `Description <list.id.domain>` (RFC 2919).
        public var listID: String?
        /// The one-click unsubscribe URL (RFC 8058); may hold `{{token}}` and `{{email}}`.
        public var unsubscribeURL: String?
        /// A `mailto:` for List-Unsubscribe; may hold `{{token}}` and `{{email}}`.
        public var unsubscribeMailto: String?

        public init(from: String? = nil, replyTo: String? = nil, listID: String? = nil,
                    unsubscribeURL: String? = nil, unsubscribeMailto: String? = nil) {
            self.from = from
            self.replyTo = replyTo
            self.listID = listID
            self.unsubscribeURL = unsubscribeURL
            self.unsubscribeMailto = unsubscribeMailto
        }
    }

    /// The placeholders the URL templates may hold, and what fills them.
    public static let templateVariables: Set<String> = ["token", "email", "date", "number", "volume"]

    /// Fills `{{name}}` placeholders; unknown ones are left as written.
    public static func fill(template: String, with values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstRange(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.firstRange(of: "}}") else { out += rest[open.lowerBound...]; return out }
            let name = after[..<close.lowerBound].trimmingSpaces()
            if let value = values[name] { out += value } else { out += rest[open.lowerBound..<close.upperBound] }
            rest = after[close.upperBound...]
        }
        return out + rest
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }

    /// Without the white space at either end that `CharacterSet.whitespaces` names (a tab and
    /// every space separator, Zs), compared scalar by scalar: Foundation's
    /// `trimmingCharacters(in:)` goes through NSString, and this runs for every field read.
    public func trimmingWhitespace() -> String {
        func isWhitespace(_ u: Unicode.Scalar) -> Bool {
            u.value < 0x80 ? u.value == 0x20 || u.value == 0x09 : u.properties.generalCategory == .spaceSeparator
        }
        let scalars = Substring(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }),
              let last = scalars.lastIndex(where: { !isWhitespace($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
