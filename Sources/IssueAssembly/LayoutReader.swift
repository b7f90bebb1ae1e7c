import Foundation
import IssueModel

/// `layouts/<name>.yaml`: the page, its grid and the type styles, checked value by value.
public enum LayoutReader {
    static let keys = ["name", "page", "columns", "gutter", "column_rules", "baseline", "page_multiple", "styles", "email"]
    static let emailKeys = ["text", "muted", "accent", "rule", "background", "serif", "sans", "mono", "width"]
    static let pageKeys = ["width", "height", "margins", "bleed", "facing"]
    static let marginKeys = ["top", "bottom", "inside", "outside"]
    static let styleKeys = ["font", "size", "leading", "bold", "italic", "small_caps", "tracking", "align", "indent",
                            "space_before", "space_after", "hyphenate", "hanging_punctuation", "sizes"]

    /// The layouts folder of a publication: `layouts/` beside its `issues/` folder.
    public static func folder(forWeek week: String) -> String {
        let issues = (IssuePaths.canonical(week) as NSString).deletingLastPathComponent
        return ((issues as NSString).deletingLastPathComponent as NSString).appendingPathComponent("layouts")
    }

    /// Reads `<name>.yaml` from the first of `folders` that has it (the publication's own
    /// `layouts/`, then the tool's); nil with diagnostics when none has it or it is unusable.
    public static func read(name: String, folders: [String], workingFolder: String = FileManager.default.currentDirectoryPath,
                            at reference: SourceLocation? = nil) -> (layout: Layout?, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let candidates = folders.map { ($0 as NSString).appendingPathComponent("\(name).yaml") }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            let available = Set(folders.flatMap { (try? FileManager.default.contentsOfDirectory(atPath: $0)) ?? [] })
                .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
            let shown = folders.first.map { IssuePaths.display(IssuePaths.canonical($0), from: IssuePaths.canonical(workingFolder)) } ?? "layouts"
            diagnostics.append(.error("no layout '\(name)' in \(shown)/", at: reference,
                                      hint: available.isEmpty ? "layouts live in layouts/ beside issues/"
                                          : "layouts: \(available.joined(separator: ", "))"))
            return (nil, diagnostics)
        }
        let shown = IssuePaths.display(IssuePaths.canonical(path), from: IssuePaths.canonical(workingFolder))
        guard let source = SourceText.read(path: path, displayPath: shown, into: &diagnostics),
              var fields = YAMLFields.parse(source.text, file: shown, firstLine: 1, into: &diagnostics) else {
            return (nil, diagnostics)
        }
        let layout = read(&fields, name: name, file: shown)
        diagnostics += fields.diagnostics
        return (diagnostics.hasErrors ? nil : layout, diagnostics)
    }

    private static func read(_ fields: inout YAMLFields, name: String, file: String) -> Layout {
        let inch = 72.0
        var width = 11 * inch, height = 17 * inch, bleed = 0.125 * inch, facing = true
        var margins = Layout.Margins(top: 36, bottom: 36, inside: 36, outside: 36)
        if var page = fields.mapping("page") {
            width = page.length("width", in: 72...(200 * inch)) ?? width
            height = page.length("height", in: 72...(200 * inch)) ?? height
            bleed = page.length("bleed", in: 0...36) ?? bleed
            facing = page.bool("facing") ?? facing
            if page.has("margins") {
                if !page.isMapping("margins") {
                    if let all = page.length("margins", in: 0...(10 * inch)) {
                        margins = Layout.Margins(top: all, bottom: all, inside: all, outside: all)
                    }
                } else if var m = page.mapping("margins") {
                    margins.top = m.length("top", in: 0...(10 * inch)) ?? margins.top
                    margins.bottom = m.length("bottom", in: 0...(10 * inch)) ?? margins.bottom
                    margins.inside = m.length("inside", in: 0...(10 * inch)) ?? margins.inside
                    margins.outside = m.length("outside", in: 0...(10 * inch)) ?? margins.outside
                    m.warnAboutUnknownKeys(known: marginKeys, what: "'margins'")
                    page.absorb(m)
                }
            }
            page.warnAboutUnknownKeys(known: pageKeys, what: "'page'")
            fields.absorb(page)
        }
        let columns = fields.integer("columns", in: 1...12) ?? 1
        let gutter = fields.length("gutter", in: 0...72) ?? 12
        let baseline = fields.length("baseline", in: 4...72) ?? 12
        var layout = Layout(name: fields.text("name") ?? name, file: file, pageWidth: width, pageHeight: height,
                            margins: margins, bleed: bleed, facingPages: facing, columns: columns, gutter: gutter,
                            columnRules: fields.bool("column_rules") ?? false, baseline: baseline, styles: [:])
        layout.pageMultiple = fields.integer("page_multiple", in: 1...16) ?? layout.pageMultiple
        if margins.inside + margins.outside >= width - 72 || margins.top + margins.bottom >= height - 72 {
            fields.report(.error("the margins leave less than an inch of the page for text", at: fields.location(ofKey: "page")))
        } else if layout.columnWidth < 48 {
            fields.report(.error("\(columns) columns with \(YAMLFields.format(gutter)) pt gutters are \(YAMLFields.format(layout.columnWidth)) pt wide; a column needs at least 48 pt",
                                 at: fields.location(ofValue: "columns")))
        }

        var styles = Layout.defaultStyles(baseline: baseline)
        if var given = fields.mapping("styles") {
            for (key, location) in given.entryKeys {
                guard let styleName = Layout.StyleName(rawValue: key) else {
                    given.report(.warning("unknown style '\(YAMLFields.clip(key))'; it is ignored", at: location,
                                          hint: "styles: " + Layout.StyleName.allCases.map(\.rawValue).joined(separator: ", ")))
                    _ = given.mapping(key)
                    continue
                }
                guard var style = given.mapping(key) else { continue }
                styles[styleName] = readStyle(&style, base: styles[styleName]!)
                given.absorb(style)
            }
            fields.absorb(given)
        }
        layout.styles = styles
        if var email = fields.mapping("email") {
            func colour(_ key: String) -> String? {
                guard let value = email.text(key) else { return nil }
                let hex = value.dropFirst()
                guard value.hasPrefix("#"), [3, 6].contains(hex.count), hex.allSatisfy(\.isHexDigit) else {
                    email.report(.error("'\(key)' must be a colour like #1a1a1a, not '\(YAMLFields.clip(value))'", at: email.location(ofValue: key)))
                    return nil
                }
                return value
            }
            func fonts(_ key: String) -> String? {
                guard let value = email.text(key) else { return nil }
                // A CSS font list goes into style attributes: no quotes that end them, no markup.
                guard !value.contains(where: { "\"<>;{}\\".contains($0) }) else {
                    email.report(.error("'\(key)' must be a list of fonts like Georgia, serif", at: email.location(ofValue: key)))
                    return nil
                }
                return value
            }
            layout.email.text = colour("text")
            layout.email.muted = colour("muted")
            layout.email.accent = colour("accent")
            layout.email.rule = colour("rule")
            layout.email.background = colour("background")
            layout.email.serif = fonts("serif")
            layout.email.sans = fonts("sans")
            layout.email.mono = fonts("mono")
            layout.email.width = email.integer("width", in: 480...800)
            email.warnAboutUnknownKeys(known: emailKeys, what: "'email'")
            fields.absorb(email)
        }
        fields.warnAboutUnknownKeys(known: keys, what: "the layout")
        return layout
    }

    private static func readStyle(_ f: inout YAMLFields, base: Layout.Style) -> Layout.Style {
        var s = base
        s.font = f.text("font") ?? s.font
        s.size = f.length("size", in: 3...400) ?? s.size
        s.leading = f.length("leading", in: 3...480) ?? s.leading
        s.bold = f.bool("bold") ?? s.bold
        s.italic = f.bool("italic") ?? s.italic
        s.smallCaps = f.bool("small_caps") ?? s.smallCaps
        s.tracking = f.number("tracking", in: -0.2...1) ?? s.tracking
        if let align = f.text("align") {
            if let a = Layout.Alignment(rawValue: align.lowercased()) {
                s.align = a
            } else {
                f.report(.error("'align' must be one of \(Layout.Alignment.allCases.map(\.rawValue).joined(separator: ", ")), not '\(YAMLFields.clip(align))'",
                                at: f.location(ofValue: "align")))
            }
        }
        s.indent = f.length("indent", in: 0...144) ?? s.indent
        s.spaceBefore = f.length("space_before", in: 0...144) ?? s.spaceBefore
        s.spaceAfter = f.length("space_after", in: 0...144) ?? s.spaceAfter
        s.hyphenate = f.bool("hyphenate") ?? s.hyphenate
        s.hangingPunctuation = f.bool("hanging_punctuation") ?? s.hangingPunctuation
        if var sizes = f.mapping("sizes") {
            var table: [Int: Double] = [:]
            for (key, location) in sizes.entryKeys {
                guard let columns = Int(key), (1...12).contains(columns) else {
                    sizes.report(.error("'sizes' maps a number of columns (1 to 12) to a size, not '\(YAMLFields.clip(key))'", at: location))
                    continue
                }
                if let size = sizes.length(key, in: 3...400) { table[columns] = size }
            }
            s.sizesByColumns = table
            f.absorb(sizes)
        }
        if s.leading < s.size * 0.8 {
            f.report(.warning("a leading of \(YAMLFields.format(s.leading)) pt under a size of \(YAMLFields.format(s.size)) pt makes lines overlap",
                              at: f.location(ofValue: f.has("leading") ? "leading" : "size")))
        }
        f.warnAboutUnknownKeys(known: styleKeys, what: "the style")
        return s
    }
}
