import Foundation
import WireNet

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

    /// Reads a file for editing.
    public init(contentsOf path: String) throws {
        self.init(text: try String(contentsOfFile: path, encoding: .utf8), file: path)
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
            let trimmed = body.trimmingCharacters(in: .whitespaces)
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

    /// Writes the text back atomically (a temporary file renamed over the original), with mode 0600 since config
    /// files hold private keys.
    public func write(to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = (dir.isEmpty ? "." : dir) + "/.\((path as NSString).lastPathComponent).wiresmith-\(getpid())"
        guard
            FileManager.default.createFile(
                atPath: tmp, contents: Data(text.utf8),
                attributes: [.posixPermissions: 0o600])
        else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: tmp])
        }
        // rename(2) replaces the original in one step: a reader sees the old file or the new one, never half.
        guard rename(tmp, path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: tmp)
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [
                    NSFilePathErrorKey: path,
                    NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(code)),
                ])
        }
    }

    private static func splitComment(_ line: String) -> (String, String) {
        guard let hash = line.firstIndex(of: "#") else { return (line, "") }
        return (String(line[..<hash]), String(line[hash...]))
    }
}
