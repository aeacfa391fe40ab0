#if canImport(Glibc)
    import Glibc
#endif

/// Lists a directory of outside input with each entry's kind as the directory itself records it, so that a
/// network of 10,000 host folders costs one `getdents` per folder and no `stat` or `readlink` per plain file.
///
/// The kind is the entry's own (a symbolic link is `.symlink`, never what it points at); `.unknown` when the file
/// system does not record kinds, and the caller then asks `stat`/`readlink` as it would without this.
/// The corresponding C functions are `opendir`, `readdir` and `closedir`.
public enum InputDirectory {
    /// What a directory entry is, as `d_type` says.
    public enum Kind: Sendable, Equatable {
        case regular, directory, symlink, other, unknown
    }

    /// One entry: its name (never `.` or `..`) and kind.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var kind: Kind
    }

    /// The entries of the directory at `path`, sorted by name (byte order, as `String`'s `<`); nil when it cannot
    /// be opened (not there, not a directory, no permission).
    public static func entries(_ path: String) -> [Entry]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var out: [Entry] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: &ent.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            let kind: Kind
            switch Int32(ent.pointee.d_type) {
            case Int32(DT_REG): kind = .regular
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symlink
            case Int32(DT_UNKNOWN): kind = .unknown
            default: kind = .other
            }
            out.append(Entry(name: name, kind: kind))
        }
        out.sort { $0.name < $1.name }
        return out
    }
}
