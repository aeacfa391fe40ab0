import WireNet

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Makes small, targeted edits to a config file's text, keeping every comment, blank line and the order of
/// settings, so an operator's file stays theirs after a fix (the way `wg-quick save` does not).
///
/// Edits address settings through the parsed model's `SectionOrigin` line numbers; the editor re-parses after
/// every edit so a series of edits always works on fresh line numbers.
public struct ConfigEditor: Sendable {
    /// Why an edit could not be made.
    public enum EditError: Error, CustomStringConvertible, Sendable {
        case invalidConfig(ConfigError)
        case noSuchPeer(file: String, publicKey: String)
        case noInterfaceSection(file: String)

        public var description: String {
            switch self {
            case .invalidConfig(let e): return "cannot edit a config that does not parse:\n\(e)"
            case .noSuchPeer(let f, let k): return "\(f): no [Peer] with PublicKey \(k)"
            case .noInterfaceSection(let f): return "\(f): no [Interface] section"
            }
        }
    }

    /// The file name used in diagnostics.
    public let file: String
    /// The current text.
    public private(set) var text: String

    public init(text: String, file: String) {
        self.text = text
        self.file = file
    }

    /// Reads a file for editing. A file that is not UTF-8 is refused rather than rewritten with its bytes changed.
    public init(contentsOf path: String) throws(WriteError) {
        let bytes: [UInt8]
        do throws(InputFile.ReadError) {
            bytes = try InputFile.read(path, limit: InputLimits.configBytes)
        } catch {
            throw WriteError(path: path, reason: error.description)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw WriteError(
                path: path, reason: "it holds bytes that are not UTF-8, which an edit would change; fix it by hand")
        }
        self.init(text: text, file: path)
    }

    /// Why an edited file could not be read or written: one sentence naming the file.
    public typealias WriteError = PrivateFile.WriteError

    /// How `write(to:)` treated the path.
    public enum WriteOutcome: Equatable, Sendable {
        /// The file was replaced.
        case replaced
        /// The path is a symbolic link; the file it points to was replaced, the link kept.
        case wroteThroughLink(target: String)
    }

    /// The model of the current text.
    public func config() throws(EditError) -> WireGuardConfig {
        do {
            return try ConfigParser().parseStrict(text, file: file)
        } catch {
            throw .invalidConfig(error)
        }
    }

    private var lines: [String] {
        get { text.components(separatedBy: "\n") }
        set { text = newValue.joined(separator: "\n") }
    }

    /// Adds prefixes to the AllowedIPs of the peer with `publicKey`, appending to its last AllowedIPs line (or
    /// adding one after its PublicKey). Prefixes already there are skipped. Returns the prefixes added.
    @discardableResult
    public mutating func addAllowedIPs(_ prefixes: [IPPrefix], toPeer publicKey: WireKey) throws(EditError)
        -> [IPPrefix]
    {
        let cfg = try config()
        guard let peer = cfg.peer(publicKey), let origin = peer.origin else {
            throw .noSuchPeer(file: file, publicKey: publicKey.base64)
        }
        let missing = prefixes.map(\.network).filter { p in !peer.allowedIPs.contains(p) }
        guard !missing.isEmpty else { return [] }
        var ls = lines
        let added = missing.map(\.description).joined(separator: ", ")
        if let line = origin.keyLines[.allowedIPs] {
            let i = line - 1
            let (body, comment) = Self.splitComment(ls[i])
            let trimmed = Self.trimmingBlanks(body)
            let sep = trimmed.hasSuffix("=") ? " " : ", "
            ls[i] = trimmed + sep + added + (comment.isEmpty ? "" : " " + comment)
        } else {
            let after = origin.keyLines[.publicKey] ?? origin.line
            ls.insert("AllowedIPs = \(added)", at: after)
        }
        lines = ls
        return missing
    }

    /// Adds `Key = value` to the [Interface] section, after its last setting. Used for PostUp/PostDown lines and
    /// other repeatable keys; for single-valued keys use `setInterfaceValue`.
    public mutating func addInterfaceLine(_ key: ConfigKey, _ value: String) throws(EditError) {
        let cfg = try config()
        guard let origin = cfg.interface.origin else { throw .noInterfaceSection(file: file) }
        let last = max(origin.line, origin.keyLines.values.max() ?? origin.line)
        var ls = lines
        ls.insert("\(key.rawValue) = \(value)", at: last)
        lines = ls
    }

    /// Sets a single-valued [Interface] key, replacing its line or adding one.
    public mutating func setInterfaceValue(_ key: ConfigKey, _ value: String) throws(EditError) {
        let cfg = try config()
        guard let origin = cfg.interface.origin else { throw .noInterfaceSection(file: file) }
        if let line = origin.keyLines[key] {
            var ls = lines
            let (_, comment) = Self.splitComment(ls[line - 1])
            ls[line - 1] = "\(key.rawValue) = \(value)" + (comment.isEmpty ? "" : " " + comment)
            lines = ls
        } else {
            try addInterfaceLine(key, value)
        }
    }

    /// Writes the text back atomically: a temporary file in the target's own directory, created 0600 in the same
    /// `open(2)` (`O_CREAT|O_EXCL`), then renamed over the target; the temporary file is removed on every failure.
    ///
    /// A symbolic link is written through: the file it points to is replaced and the link stays (the outcome says
    /// so). Config files hold private keys, so the result is 0600 whatever the old mode was.
    @discardableResult
    public func write(to path: String) throws(WriteError) -> WriteOutcome {
        var target = path
        var outcome = WriteOutcome.replaced
        if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
            target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            outcome = .wroteThroughLink(target: target)
            _ = link
        }
        let (dir, name) = Self.splitPath(target)
        let tmp = (dir.isEmpty ? "." : dir) + "/.\(name).wiresmith-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try PrivateFile.create(tmp, bytes: Array(text.utf8))
        // rename(2) replaces the original in one step: a reader sees the old file or the new one, never half.
        guard rename(tmp, target) == 0 else {
            let code = errno
            unlink(tmp)
            throw WriteError(path: path, reason: "cannot replace it: \(PrivateFile.reason(code))")
        }
        return outcome
    }

    /// The line without leading and trailing blanks (spaces, tabs, other Unicode white space).
    static func trimmingBlanks(_ line: String) -> String {
        guard let first = line.firstIndex(where: { !$0.isWhitespace }),
            let last = line.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(line[first...last])
    }

    /// The directory and the last component of `path`, as NSString's `deletingLastPathComponent` and
    /// `lastPathComponent` split it for a file path ("/a/b" -> "/a", "b"; "/b" -> "/", "b"; "b" -> "", "b"). Plain
    /// string work, so WireConfig needs only FoundationEssentials (docs/daemon.md: the daemon's memory).
    static func splitPath(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        let name = String(path[path.index(after: slash)...])
        return (slash == path.startIndex ? "/" : String(path[..<slash]), name)
    }

    private static func splitComment(_ line: String) -> (String, String) {
        guard let hash = line.firstIndex(of: "#") else { return (line, "") }
        return (String(line[..<hash]), String(line[hash...]))
    }
}
