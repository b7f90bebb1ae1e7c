import Foundation
import IssueModel

/// Shapes of values the YAML files hold: language tags, web addresses, mailboxes, names.
enum FieldChecks {
    /// A BCP 47 language tag in the simple form newspapers use: `en`, `es`, `ht`, `pt-BR`.
    static func isLanguageTag(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard let primary = parts.first, (2...3).contains(primary.count),
              primary.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    /// `en-US` → `en-US` with a lower-case primary subtag and an upper-case region.
    static func normalisedLanguage(_ s: String) -> String {
        let parts = s.split(separator: "-")
        return ([parts[0].lowercased()] + parts.dropFirst().map { $0.count == 2 ? $0.uppercased() : String($0) })
            .joined(separator: "-")
    }

    /// An absolute http or https URL with a host, and no white space.
    static func isWebURL(_ s: String) -> Bool {
        let lower = s.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return false }
        let rest = s.drop(while: { $0 != "/" }).dropFirst(2)
        let host = rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        return !host.isEmpty && !s.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true })
    }

    /// An addr-spec as senders use it (RFC 5322 §3.4.1 dot-atom form, UTF-8 local parts allowed
    /// as RFC 6531 does): `local@domain.tld`.
    static func isEmailAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, parts[1].count <= 253 else { return false }
        let atext = Set("!#$%&'*+-/=?^_`{|}~.")
        guard parts[0].allSatisfy({ !$0.isASCII || $0.isLetter || $0.isNumber || atext.contains($0) }),
              !parts[0].hasPrefix("."), !parts[0].hasSuffix("."), !parts[0].contains("..") else { return false }
        return isDomain(parts[1])
    }

    static func isDomain(_ s: Substring) -> Bool {
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { !$0.isASCII || $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }

    /// `Display Name <local@domain>` or a bare address. Returns the address, nil when malformed.
    static func mailboxAddress(_ s: String) -> String? {
        if let open = s.lastIndex(of: "<") {
            guard s.hasSuffix(">") else { return nil }
            let address = String(s[s.index(after: open)..<s.index(before: s.endIndex)])
            return isEmailAddress(address) ? address : nil
        }
        return isEmailAddress(s) ? s : nil
    }

    /// RFC 2919 List-Id: `Description <list-label.namespace>` or the bare id; returns the id.
    static func listIdentifier(_ s: String) -> String? {
        var id = Substring(s)
        if let open = s.lastIndex(of: "<") {
            guard s.hasSuffix(">") else { return nil }
            id = s[s.index(after: open)..<s.index(before: s.endIndex)]
        }
        guard id.count <= 255, id.allSatisfy({ $0.isASCII }), isDomain(id) else { return nil }
        return String(id)
    }

    /// Names for files and layouts: letters, digits, `-`, `_`, `.` (not leading), nothing that
    /// can climb out of a folder.
    static func isPlainName(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix(".") && s.count <= 100
            && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// The `{{name}}` placeholders of a template.
    static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else { break }
            names.append(after[..<close.lowerBound].trimmingWhitespace())
            rest = after[close.upperBound...]
        }
        return names
    }
}
