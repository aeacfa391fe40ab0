import WireNet

/// One machine-applicable change to a config file: what a finding's fix does, so `lint --fix` and the demo can
/// apply it rather than only print it.
public enum ConfigEdit: Hashable, Sendable, CustomStringConvertible {
    /// Append prefixes to the AllowedIPs of the `[Peer]` with this public key.
    case addAllowedIPs(file: String, peer: WireKey, prefixes: [IPPrefix])
    /// Add `Key = value` to the `[Interface]` section (PostUp lines and the like).
    case addInterfaceLine(file: String, key: ConfigKey, value: String)

    /// The file the edit changes.
    public var file: String {
        switch self {
        case .addAllowedIPs(let f, _, _), .addInterfaceLine(let f, _, _): return f
        }
    }

    /// What the edit does, in one line (public keys shortened; no secret is ever printed).
    public var description: String {
        switch self {
        case .addAllowedIPs(let f, let k, let p):
            return "\(f): add \(p.map(\.description).joined(separator: ", ")) to AllowedIPs of peer \(k.shortBase64)"
        case .addInterfaceLine(let f, let k, let v):
            return "\(f): add `\(k.rawValue) = \(v)` to [Interface]"
        }
    }

    /// Applies the edit to an editor holding `file`'s text.
    public func apply(to editor: inout ConfigEditor) throws(ConfigEditor.EditError) {
        switch self {
        case .addAllowedIPs(_, let key, let prefixes):
            try editor.addAllowedIPs(prefixes, toPeer: key)
        case .addInterfaceLine(_, let key, let value):
            let existing: [String]
            let cfg = try editor.config()
            switch key {
            case .preUp: existing = cfg.interface.preUp
            case .postUp: existing = cfg.interface.postUp
            case .preDown: existing = cfg.interface.preDown
            case .postDown: existing = cfg.interface.postDown
            default: existing = []
            }
            if !existing.contains(value) { try editor.addInterfaceLine(key, value) }
        }
    }

    /// Applies edits file by file: each file is read, edited in memory, and written atomically only when every edit
    /// to it succeeded, so a failure leaves no file half-written. Returns the files changed.
    public static func apply(_ edits: [ConfigEdit]) throws -> [String] {
        var order: [String] = []
        var byFile: [String: [ConfigEdit]] = [:]
        for e in edits {
            if byFile[e.file] == nil { order.append(e.file) }
            byFile[e.file, default: []].append(e)
        }
        var editors: [(String, ConfigEditor, String)] = []
        for file in order {
            var editor = try ConfigEditor(contentsOf: file)
            let before = editor.text
            for e in byFile[file]! { try e.apply(to: &editor) }
            editors.append((file, editor, before))
        }
        var changed: [String] = []
        for (file, editor, before) in editors where editor.text != before {
            try editor.write(to: file)
            changed.append(file)
        }
        return changed
    }
}
