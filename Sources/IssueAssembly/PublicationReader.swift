import Foundation
import IssueModel

/// `issues/publication.yaml`: the paper's name and the settings every issue shares.
enum PublicationReader {
    static let keys = ["name", "tagline", "language", "url", "address", "price", "email", "archive_url", "house"]
    static let emailKeys = ["from", "reply_to", "list_id", "unsubscribe_url", "unsubscribe_mailto"]

    static func read(path: String, paths: IssuePaths, into diagnostics: inout [Diagnostic]) -> Publication? {
        let shown = paths.display(path)
        guard let source = SourceText.read(path: path, displayPath: shown, into: &diagnostics),
              var fields = YAMLFields.parse(source.text, file: shown, firstLine: 1, into: &diagnostics) else { return nil }
        defer { diagnostics += fields.diagnostics }

        let name = fields.text("name")
        if name == nil {
            fields.report(.error("publication.yaml has no 'name'", at: fields.location(ofKey: "name"),
                                 hint: "the paper's name, as the masthead prints it: name: The Millbrook Ledger"))
        }
        var publication = Publication(name: name ?? "")
        publication.tagline = fields.text("tagline")
        publication.address = fields.text("address")
        publication.price = fields.text("price")
        if let language = fields.text("language") {
            if FieldChecks.isLanguageTag(language) {
                publication.language = FieldChecks.normalisedLanguage(language)
            } else {
                fields.report(.error("'language' must be a language code like en or es, not '\(YAMLFields.clip(language))'",
                                     at: fields.location(ofValue: "language")))
            }
        }
        publication.url = webURL("url", in: &fields)
        publication.archiveURL = webURL("archive_url", in: &fields, template: true)

        if var email = fields.mapping("email") {
            publication.email.from = mailbox("from", in: &email)
            publication.email.replyTo = mailbox("reply_to", in: &email)
            if let listID = email.text("list_id") {
                if FieldChecks.listIdentifier(listID) != nil {
                    publication.email.listID = listID
                } else {
                    email.report(.error("'list_id' must look like 'Name <list.example.org>' (RFC 2919)",
                                        at: email.location(ofValue: "list_id")))
                }
            }
            publication.email.unsubscribeURL = webURL("unsubscribe_url", in: &email, template: true)
            if let url = publication.email.unsubscribeURL, !url.lowercased().hasPrefix("https://") {
                email.report(.warning("'unsubscribe_url' should be https: one-click unsubscribe (RFC 8058) requires it",
                                      at: email.location(ofValue: "unsubscribe_url")))
            }
            if let mailto = email.text("unsubscribe_mailto") {
                if mailto.lowercased().hasPrefix("mailto:"),
                   FieldChecks.isEmailAddress(String(mailto.dropFirst(7).prefix(while: { $0 != "?" })).removingPercentEncoding ?? "") {
                    checkPlaceholders("unsubscribe_mailto", mailto, in: &email)
                    publication.email.unsubscribeMailto = mailto
                } else {
                    email.report(.error("'unsubscribe_mailto' must be a mailto: address like mailto:leave@example.org",
                                        at: email.location(ofValue: "unsubscribe_mailto")))
                }
            }
            email.warnAboutUnknownKeys(known: emailKeys, what: "'email'")
            fields.absorb(email)
        }
        if var house = fields.mapping("house") {
            for (title, location) in house.entryKeys {
                guard let text = house.text(title) else {
                    house.report(.warning("the house notice '\(YAMLFields.clip(title))' has no text; it is left out", at: location))
                    continue
                }
                let heading = title.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
                guard !heading.isEmpty, !heading.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    house.report(.error("a house notice needs a title of plain text", at: location))
                    continue
                }
                publication.house.append(Publication.HouseNotice(title: heading, text: text))
            }
            fields.absorb(house)
        }
        fields.warnAboutUnknownKeys(known: keys, what: "publication.yaml")
        return fields.diagnostics.hasErrors ? nil : publication
    }

    private static func webURL(_ key: String, in fields: inout YAMLFields, template: Bool = false) -> String? {
        guard let url = fields.text(key) else { return nil }
        // Placeholders are not URL characters: check the shape with them filled.
        let filled = Publication.fill(template: url, with: Dictionary(uniqueKeysWithValues:
            Publication.templateVariables.map { ($0, "x") }))
        guard FieldChecks.isWebURL(filled) else {
            fields.report(.error("'\(key)' must be a web address starting with https://, not '\(YAMLFields.clip(url))'",
                                 at: fields.location(ofValue: key)))
            return nil
        }
        if template { checkPlaceholders(key, url, in: &fields) }
        return url
    }

    private static func checkPlaceholders(_ key: String, _ template: String, in fields: inout YAMLFields) {
        for name in FieldChecks.placeholders(in: template) where !Publication.templateVariables.contains(name) {
            fields.report(.warning("'\(key)' holds the unknown placeholder {{\(name)}}; it is left as written",
                                   at: fields.location(ofValue: key),
                                   hint: "known: " + Publication.templateVariables.sorted().map { "{{\($0)}}" }.joined(separator: " ")))
        }
    }

    private static func mailbox(_ key: String, in fields: inout YAMLFields) -> String? {
        guard let value = fields.text(key) else { return nil }
        guard FieldChecks.mailboxAddress(value) != nil else {
            fields.report(.error("'\(key)' must be an address like 'The Ledger <news@example.org>', not '\(YAMLFields.clip(value))'",
                                 at: fields.location(ofValue: key)))
            return nil
        }
        return value
    }
}
