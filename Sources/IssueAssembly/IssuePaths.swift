import Foundation
import IssueModel

/// Where files are, and how to name them to the user.
///
/// Every path a user writes (an `image:`, a `![](…)`, a link to a file) is relative to the week's
/// folder and must stay inside it: resolved with `..` and symbolic links followed, it has to land
/// in the folder, or it is an error. Paths shown in messages are relative to the working folder
/// when the file is inside it, as a compiler shows them.
public struct IssuePaths: Sendable {
    /// The week's folder, absolute, symbolic links resolved.
    let week: String
    /// The working folder messages are relative to.
    let workingFolder: String

    init(week: String, workingFolder: String = FileManager.default.currentDirectoryPath) {
        self.week = Self.canonical(week)
        self.workingFolder = Self.canonical(workingFolder)
    }

    /// Absolute, with symbolic links resolved as far as the path exists: realpath(3) of the
    /// longest leading part that exists (`..` taken where the system takes it, after a link's
    /// target), the rest appended with `.` and `..` taken out as written. (Foundation's
    /// `resolvingSymlinksInPath` left a path wholly unresolved when any part was missing, and
    /// cost 80 µs a call, on the way to every article.)
    static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        if let whole = realPath(absolute) { return whole }
        let parts = absolute.split(separator: "/")
        var kept = parts.count - 1
        var base = "/"
        while kept > 0 {
            if let resolved = realPath("/" + parts[..<kept].joined(separator: "/")) { base = resolved; break }
            kept -= 1
        }
        var out = base.split(separator: "/")
        for part in parts[kept...] {
            if part == "." { continue }
            if part == ".." { _ = out.popLast(); continue }
            out.append(part)
        }
        return "/" + out.joined(separator: "/")
    }

    /// The last component of a folder's path, symbolic links resolved: a week's name.
    public static func canonicalName(_ path: String) -> String { (canonical(path) as NSString).lastPathComponent }

    static func display(_ absolute: String, from workingFolder: String) -> String {
        let base = workingFolder.hasSuffix("/") ? workingFolder : workingFolder + "/"
        return absolute.hasPrefix(base) ? String(absolute.dropFirst(base.count)) : absolute
    }

    func display(_ absolute: String) -> String { Self.display(absolute, from: workingFolder) }

    static func isInside(_ path: String, folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    enum Resolution: Equatable {
        case file(String)
        /// A web address or other URL: not a path, nothing to check on disk.
        case url
        case missing(String)
        case outside
        case invalid(String)
    }

    /// Resolves a path written in an article or issue.yaml against the week's folder.
    func resolve(_ written: String) -> Resolution {
        let trimmed = written.trimmingWhitespace()
        if trimmed.isEmpty { return .invalid("the path is empty") }
        if Self.hasScheme(trimmed) { return .url }
        if trimmed.hasPrefix("/") || trimmed.hasPrefix("~") { return .outside }
        // Links may carry a query or fragment; a path in the folder is the part before them.
        var pathPart = Substring(trimmed)
        if let cut = pathPart.firstIndex(where: { $0 == "#" || $0 == "?" }) { pathPart = pathPart[..<cut] }
        let decoded = String(pathPart).removingPercentEncoding ?? String(pathPart)
        if decoded.unicodeScalars.contains(where: { $0.value < 0x20 }) { return .invalid("the path holds a control character") }
        let resolved = Self.canonical((week as NSString).appendingPathComponent(decoded))
        guard Self.isInside(resolved, folder: week) else { return .outside }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else {
            return .missing(display(resolved))
        }
        return isDirectory.boolValue ? .invalid("'\(decoded)' is a folder, not a file") : .file(resolved)
    }

    /// `https:`, `mailto:`, `tel:` …: a URL scheme (RFC 3986 §3.1) of two letters or more, so a
    /// Windows drive letter is not taken for one.
    static func hasScheme(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":") else { return false }
        let scheme = s[..<colon]
        guard scheme.count >= 2, let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
    }
}
