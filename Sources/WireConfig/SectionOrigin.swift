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

    /// An origin for a section header at `line` of `file`.
    public init(file: String, line: Int, keyLines: [ConfigKey: Int] = [:], prefixLines: [IPPrefix: Int] = [:]) {
        self.file = file
        self.line = line
        self.keyLines = keyLines
        self.prefixLines = prefixLines
    }

    /// The location of a key, or of the section header when the key was not written.
    public func location(of key: ConfigKey) -> SourceLocation {
        SourceLocation(file: file, line: keyLines[key] ?? line)
    }

    /// The location of one AllowedIPs or Address entry, falling back to its key and then the header.
    public func location(of prefix: IPPrefix, key: ConfigKey) -> SourceLocation {
        SourceLocation(file: file, line: prefixLines[prefix] ?? keyLines[key] ?? line)
    }
}
