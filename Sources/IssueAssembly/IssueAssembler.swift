import Foundation
import IssueModel

/// What assembling a week's folder gives: the issue when it could be made, and every diagnostic.
public struct Assembly: Sendable {
    /// The issue; nil when publication.yaml or issue.yaml are unusable. Build and email refuse to
    /// run when `diagnostics` holds errors, even if the issue could be made.
    public var issue: Issue?
    /// Every article that could be read, in running order (also when `issue` is nil).
    public var articles: [Article]
    public var diagnostics: [Diagnostic]

    public var hasErrors: Bool { diagnostics.hasErrors }
}

/// Reads one week's folder into an `Issue`: `../publication.yaml`, `issue.yaml`, and every
/// article under `articles/`, checked and put in running order.
public enum IssueAssembler {
    /// File name extensions of articles.
    public static let articleExtensions: Set<String> = ["md", "markdown"]

    /// What reading an issue sets up once per process (the YAML reader's resolver, cmark's
    /// extensions, the runtime's types for both), done on its own: a command may run this on
    /// another core while it reads its command line, before it reads the issue.
    public static func prepare() {
        var ignored: [Diagnostic] = []
        _ = YAMLFields.parse("a: b", file: "", firstLine: 1, into: &ignored)
        var converter = MarkdownConverter(source: "A *b* [c](d)\n", file: "", firstLine: 1, paths: nil)
        _ = converter.convert()
    }

    /// - Parameters:
    ///   - weekFolder: the week's folder, absolute or relative to the working folder.
    ///   - workingFolder: paths in diagnostics are shown relative to it.
    ///   - layoutFolders: where to look for the issue's layout after the publication's own
    ///     `layouts/` (the layouts the tool comes with).
    ///   - publicationRead: called with publication.yaml as soon as it is read, on the thread
    ///     that read it, while the articles are read: a command can start what depends on it
    ///     (the hyphenation patterns of its language) meanwhile.
    public static func assemble(weekFolder: String,
                                workingFolder: String = FileManager.default.currentDirectoryPath,
                                layoutFolders: [String] = [],
                                publicationRead: ((Publication) -> Void)? = nil) -> Assembly {
        var diagnostics: [Diagnostic] = []
        let paths = IssuePaths(week: weekFolder, workingFolder: workingFolder)
        let week = paths.week
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: week, isDirectory: &isDirectory), isDirectory.boolValue else {
            diagnostics.append(.error("no issue folder at '\(weekFolder)'", at: nil,
                                      hint: "name a week's folder, like issues/2026-12-03"))
            return Assembly(issue: nil, articles: [], diagnostics: diagnostics)
        }

        let publicationPath = ((week as NSString).deletingLastPathComponent as NSString).appendingPathComponent("publication.yaml")
        let issuePath = (week as NSString).appendingPathComponent("issue.yaml")
        let articleFiles = articleFiles(paths: paths)

        // publication.yaml, issue.yaml with its layout, and the articles (parsed, their pictures
        // probed) are read at once on every core: none needs another (an article without
        // 'lang' takes the publication's language after). What each says comes back in the
        // order one thread would have said it.
        struct Read {
            var diagnostics: [Diagnostic] = []
            var publication: Publication?
            var issueFile: IssueFile?
            var layout: Layout?
            var layoutDiagnostics: [Diagnostic] = []
            var article: Article?
        }
        let files = articleFiles.toRead
        nonisolated(unsafe) let publicationRead = publicationRead
        var read = [Read](repeating: Read(), count: 2 + files.count)
        read.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let results = buffer
            SpareThreads.onEveryCore(2 + files.count) { index in
                var done = Read()
                switch index {
                case 0:
                    if FileManager.default.fileExists(atPath: publicationPath) {
                        done.publication = PublicationReader.read(path: publicationPath, paths: paths, into: &done.diagnostics)
                        if let publication = done.publication { publicationRead?(publication) }
                    } else {
                        done.diagnostics.append(.error("no publication.yaml beside the week's folder", at: SourceLocation(file: paths.display(publicationPath)),
                                                       hint: "the folder that holds the weeks holds publication.yaml, the paper's name and settings"))
                    }
                case 1:
                    if FileManager.default.fileExists(atPath: issuePath) {
                        done.issueFile = IssueFile.read(path: issuePath, paths: paths, into: &done.diagnostics)
                    } else {
                        done.diagnostics.append(.error("the week's folder has no issue.yaml", at: SourceLocation(file: paths.display(issuePath)),
                                                       hint: "it gives the number, date and layout; 'issue new' writes one"))
                    }
                    if let issueFile = done.issueFile,
                       !done.diagnostics.contains(where: { $0.isError && $0.location == issueFile.layoutLocation }) {
                        let layout = LayoutReader.read(name: issueFile.layout, folders: [LayoutReader.folder(forWeek: week)] + layoutFolders,
                                                       workingFolder: workingFolder,
                                                       at: issueFile.layoutLocation ?? SourceLocation(file: paths.display(issuePath)))
                        done.layout = layout.layout
                        done.layoutDiagnostics = layout.diagnostics
                    }
                default:
                    done.article = ArticleReader.read(path: files[index - 2], paths: paths, defaultLanguage: nil, into: &done.diagnostics)
                }
                results[index] = done
            }
        }
        let publication = read[0].publication, issueFile = read[1].issueFile
        diagnostics += read[0].diagnostics + read[1].diagnostics + articleFiles.diagnostics
        let language = publication?.language ?? "en"
        var articles: [Article] = []
        for done in read.dropFirst(2) {
            diagnostics += done.diagnostics
            if var article = done.article {
                if article.language.isEmpty { article.language = language }
                articles.append(article)
            }
        }
        if articleFiles.none {
            diagnostics.append(.error("the issue has no articles", at: SourceLocation(file: paths.display((week as NSString).appendingPathComponent("articles"))),
                                      hint: "add Markdown files to articles/; 'issue new' writes a template"))
        }
        articles = runningOrder(articles, order: issueFile?.order, into: &diagnostics)
        warnAboutSharedLead(articles, into: &diagnostics)
        let layout = read[1].layout
        diagnostics += read[1].layoutDiagnostics

        var issue: Issue?
        if let publication, let issueFile, let number = issueFile.number, let date = issueFile.date {
            issue = Issue(publication: publication, folder: week, number: number, volume: issueFile.volume, date: date,
                          layout: issueFile.layout, subject: issueFile.subject, preheader: issueFile.preheader,
                          articles: articles)
            issue?.pageLayout = layout
        }
        return Assembly(issue: issue, articles: articles, diagnostics: diagnostics)
    }

    /// The files of articles/ to read as articles, and what the folder itself gives to say
    /// (folders, links leaving the issue, other kinds of file, two articles of one name).
    /// `none`: no article at all (none is a mistake).
    private static func articleFiles(paths: IssuePaths) -> (toRead: [String], diagnostics: [Diagnostic], none: Bool) {
        var diagnostics: [Diagnostic] = []
        let folder = (paths.week as NSString).appendingPathComponent("articles")
        let shownFolder = paths.display(folder)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            diagnostics.append(.error("the week's folder has no articles/ folder", at: SourceLocation(file: shownFolder),
                                      hint: "put one Markdown file per article in articles/"))
            return ([], diagnostics, false)
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var slugs: [String: String] = [:]
        var toRead: [String] = []
        // Where the folder really is, links resolved once: a file in it that is no link is
        // there too, and one lstat tells which it is.
        let realFolder = IssuePaths.canonical(folder)
        for name in names where !isIgnorable(name) {
            let path = (folder as NSString).appendingPathComponent(name)
            let shown = paths.display(path)
            let kind = FileStatus(path: path)?.kind
            let isLink = kind == .symbolicLink
            if (isLink ? FileStatus(path: path, followingLinks: true)?.kind : kind) == .directory {
                diagnostics.append(.warning("'\(name)' is a folder inside articles/; it is ignored", at: SourceLocation(file: shown)))
                continue
            }
            let ext = (name as NSString).pathExtension.lowercased()
            let real = isLink ? IssuePaths.canonical(path) : realFolder + "/" + name
            guard IssuePaths.isInside(real, folder: paths.week) else {
                diagnostics.append(.error("'\(name)' is a link to a file outside the issue folder", at: SourceLocation(file: shown),
                                          hint: "copy the article into articles/ instead of linking to it"))
                continue
            }
            guard kind == .regular || kind == .symbolicLink else {
                diagnostics.append(.error("'\(name)' is not a regular file", at: SourceLocation(file: shown)))
                continue
            }
            guard articleExtensions.contains(ext) else {
                diagnostics.append(.error("'\(name)' is not a Markdown file", at: SourceLocation(file: shown),
                                          hint: "articles are Markdown files ending in .md; move other files out of articles/"))
                continue
            }
            let slug = (name as NSString).deletingPathExtension
            if let other = slugs[slug.lowercased()] {
                diagnostics.append(.error("'\(name)' and '\(other)' have the same name", at: SourceLocation(file: shown),
                                          hint: "rename one: 'order:' names articles without the extension"))
                continue
            }
            slugs[slug.lowercased()] = name
            toRead.append(path)
        }
        return (toRead, diagnostics, slugs.isEmpty)
    }

    /// Hidden files, editors' backups and the like are not articles and not mistakes.
    static func isIgnorable(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix("~") || name.hasPrefix("#")
            || ["swp", "swo", "bak", "tmp"].contains((name as NSString).pathExtension.lowercased())
            || name == "Thumbs.db" || name == "desktop.ini"
    }

    /// `order:` first, as listed; then the rest by priority (articles without one last), then by
    /// file name.
    static func runningOrder(_ articles: [Article], order: [(name: String, location: SourceLocation)]?,
                             into diagnostics: inout [Diagnostic]) -> [Article] {
        let byPriority = articles.sorted { a, b in
            switch (a.priority, b.priority) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.slug.localizedStandardCompare(b.slug) == .orderedAscending
            }
        }
        guard let order else { return byPriority }
        var listed: [Article] = []
        var seen: Set<String> = []
        for entry in order {
            var name = entry.name.trimmingWhitespace()
            if articleExtensions.contains((name as NSString).pathExtension.lowercased()) {
                name = (name as NSString).deletingPathExtension
            }
            if name.hasPrefix("articles/") { name = String(name.dropFirst("articles/".count)) }
            guard let article = articles.first(where: { $0.slug.lowercased() == name.lowercased() }) else {
                diagnostics.append(.error("'order' names '\(YAMLFields.clip(entry.name))', which is not an article of this issue",
                                          at: entry.location, hint: "name files of articles/, like 01-river-road"))
                continue
            }
            if seen.contains(article.slug) {
                diagnostics.append(.warning("'order' names '\(article.slug)' twice; the first place counts", at: entry.location))
                continue
            }
            seen.insert(article.slug)
            listed.append(article)
        }
        let rest = byPriority.filter { !seen.contains($0.slug) }
        for article in rest {
            diagnostics.append(.warning("'order' does not name '\(article.slug)'; it runs after the listed articles",
                                        at: order.first?.location))
        }
        return listed + rest
    }

    private static func warnAboutSharedLead(_ articles: [Article], into diagnostics: inout [Diagnostic]) {
        let leads = articles.filter { $0.priority == 1 }
        guard leads.count > 1 else { return }
        for article in leads.dropFirst() {
            diagnostics.append(.warning("'\(article.slug)' and '\(leads[0].slug)' both have priority 1; '\(leads[0].slug)' leads",
                                        at: SourceLocation(file: article.file), hint: "give the lead story alone priority 1"))
        }
    }
}
