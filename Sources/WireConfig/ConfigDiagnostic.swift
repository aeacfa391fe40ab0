/// A place in a config file: 1-based line and column.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file as named to the parser.
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based column (characters, not bytes).
    public var column: Int
    /// Where in a JSON file the setting is (`wireguard[0].peers[2].allowedIPs`), for a host read from a doctor
    /// snapshot (docs/doctor.md); nil for text files, whose line says it.
    public var path: String?

    /// A location; column 1 when only the line is known.
    public init(file: String, line: Int, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A setting of a JSON file, named by its path in the document (line 1, which is all a JSON document has).
    public init(file: String, path: String) {
        self.init(file: file, line: 1)
        self.path = path
    }

    /// `FILE:LINE:COL`, the form compilers and editors jump to; `FILE: PATH` for a setting of a JSON file.
    public var description: String { path.map { "\(file): \($0)" } ?? "\(file):\(line):\(column)" }
}

/// One problem found while reading a config: where, which setting, and what is wrong.
public struct ConfigDiagnostic: Hashable, Sendable, CustomStringConvertible {
    /// An error makes the file unusable (wg would reject it, or wiresmith refuses it); a warning does not.
    public enum Severity: String, Hashable, Sendable { case error, warning }

    /// What kind of problem this is; stable, for callers that branch on it.
    public enum Kind: String, Hashable, Sendable {
        case syntax, unknownKey, unknownSection, keyOutsideSection, invalidKey, invalidAddress, invalidPrefix
        case invalidEndpoint, invalidPort, invalidNumber, duplicatePublicKey, ownPublicKey, missingPublicKey
        case hostBitsSet, duplicateKey, invalidValue, unreadable
        /// A second `[Peer]` section with a PublicKey already seen; wg merges the two.
        case duplicatePeer
        /// An AllowedIPs entry that an earlier peer also lists; the later peer takes it.
        case duplicateAllowedIP
        /// An Endpoint name the resolver could not turn into an address.
        case unresolvableEndpoint
        /// The input crosses a limit of `InputLimits` (size, lines, peers, entries); the rest is not read.
        case tooLarge
        /// The file starts with a UTF-8 byte-order mark, which wg and wg-quick both refuse.
        case byteOrderMark
        /// The interface name (from the file name) is one wg-quick refuses.
        case invalidInterfaceName
        /// A YAML alias or anchor in a facts file (refused: expanding them costs time without bound).
        case yamlAlias
    }

    /// Whether the file is still usable.
    public var severity: Severity
    /// What kind of problem, for callers that branch on it.
    public var kind: Kind
    /// Where: the key for whole-setting problems, the item for list entries, the value for bad values.
    public var location: SourceLocation
    /// The setting as written in the file (e.g. `AllowedIPs`), or nil for errors about a whole line or file.
    public var key: String?
    /// What is wrong, for a person; stable wording, no private key material.
    public var message: String

    /// A diagnostic; `key` as written in the file, or nil for line- or file-level problems.
    public init(_ severity: Severity, _ kind: Kind, at location: SourceLocation, key: String?, _ message: String) {
        self.severity = severity
        self.kind = kind
        self.location = location
        self.key = key
        self.message = message
    }

    /// `FILE:LINE:COL: key: what is wrong` (warnings say so after the location).
    public var description: String {
        let prefix = severity == .warning ? "warning: " : ""
        if let key { return "\(location): \(prefix)\(key): \(message)" }
        return "\(location): \(prefix)\(message)"
    }
}

/// The error a config parse throws: every error of the file at once, in file order, plus its warnings.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// Every diagnostic of the file in file order, warnings included.
    public var diagnostics: [ConfigDiagnostic]

    /// An error holding these diagnostics.
    public init(diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    /// The errors alone.
    public var errors: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .error } }

    /// One `FILE:LINE:COL: key: message` line per diagnostic.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
