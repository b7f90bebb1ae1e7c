#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `lstat` (or `stat`, following links) says of a path: its kind and size.
/// Foundation's `attributesOfItem` answers the same but also looks up the owner's and group's
/// names (reading /etc/passwd and /etc/group) for every file, which nothing here wants.
struct FileStatus {
    enum Kind { case regular, directory, symbolicLink, other }
    let kind: Kind
    let size: Int

    /// nil when the path cannot be read (it does not exist, or a folder on the way is closed).
    init?(path: String, followingLinks: Bool = false) {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        size = Int(info.st_size)
    }
}
