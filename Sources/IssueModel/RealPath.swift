import Foundation

/// `path` with every symbolic link, `.` and `..` resolved by realpath(3); nil when some part of
/// it does not exist. (Foundation's `resolvingSymlinksInPath` costs some 80 µs a call.)
public func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}
