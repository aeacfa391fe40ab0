import WireNet

/// Where a section and each of its settings were written, so that every finding can name FILE:LINE.
public struct SectionOrigin: Hashable, Sendable {
    /// The file the section came from.
    public var file: String
    /// The line of the `[Interface]` or `[Peer]` header.
    public var line: Int
    /// The last line each key was set on.
    public var keyLines: [ConfigKey: Int]
    /// The line each AllowedIPs or Address entry was written on, keyed by the prefix as stored in the model.
    public var prefixLines: [IPPrefix: Int]
    /// Endpoints written in the section and then replaced by a later Endpoint line, keyed by line. wg still resolves
    /// each of them when the config is set, and fails on a name that does not resolve.
    public var replacedEndpoints: [Int: Endpoint] = [:]
    /// For a section read from a doctor snapshot (JSON): the path of the section (`wireguard[0].peers[2]`) and of
    /// each setting that is not simply `PATH.KEY`, as `SourceLocation.path`. Nil for a config file.
    public var path: String?
    /// Paths of settings stored elsewhere in the snapshot (an interface's Address and MTU are on its link).
    public var keyPaths: [ConfigKey: String] = [:]

    /// An origin for a section header at `line` of `file`.
    public init(file: String, line: Int, keyLines: [ConfigKey: Int] = [:], prefixLines: [IPPrefix: Int] = [:]) {
        self.file = file
        self.line = line
        self.keyLines = keyLines
        self.prefixLines = prefixLines
    }

    /// A section read from a doctor snapshot: findings name `FILE: PATH.KEY` instead of a line.
    public init(file: String, path: String, keyPaths: [ConfigKey: String] = [:]) {
        self.init(file: file, line: 1)
        self.path = path
        self.keyPaths = keyPaths
    }

    /// The location of a key, or of the section header when the key was not written.
    public func location(of key: ConfigKey) -> SourceLocation {
        if let path { return SourceLocation(file: file, path: keyPaths[key] ?? Self.jsonPath(path, key)) }
        return SourceLocation(file: file, line: keyLines[key] ?? line)
    }

    /// The location of one AllowedIPs or Address entry, falling back to its key and then the header.
    public func location(of prefix: IPPrefix, key: ConfigKey) -> SourceLocation {
        if path != nil { return location(of: key) }
        return SourceLocation(file: file, line: prefixLines[prefix] ?? keyLines[key] ?? line)
    }

    /// `PATH.field`: the snapshot's field for a config key (docs/doctor.md, schema `wiresmith-snapshot/1`).
    static func jsonPath(_ path: String, _ key: ConfigKey) -> String {
        switch key {
        case .privateKey, .publicKey: return path + ".publicKey"
        case .presharedKey: return path + ".presharedKeyHash"
        case .allowedIPs: return path + ".allowedIPs"
        case .endpoint: return path + ".endpoint"
        case .persistentKeepalive: return path + ".persistentKeepalive"
        case .listenPort: return path + ".listenPort"
        case .fwMark: return path + ".fwmark"
        default: return path
        }
    }
}
