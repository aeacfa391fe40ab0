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

    /// Applies edits file by file: each file is read and edited in memory first, and nothing is written unless every
    /// edit of every file applies. Each file is then written atomically (`ConfigEditor.write`); when a later file
    /// fails to be written, the files written before it get their old bytes back, so a fix is all or nothing.
    /// Returns the files changed, and for each written through a symbolic link, the file it points to.
    public static func apply(_ edits: [ConfigEdit]) throws(ApplyError) -> [String] {
        try apply(edits) { (editor, file) throws(ConfigEditor.WriteError) in try editor.write(to: file) }
    }

    /// `apply` with the writer given, so tests can make a later write fail.
    static func apply(
        _ edits: [ConfigEdit], write: (ConfigEditor, String) throws(ConfigEditor.WriteError) -> Void
    ) throws(ApplyError) -> [String] {
        var order: [String] = []
        var byFile: [String: [ConfigEdit]] = [:]
        for e in edits {
            if byFile[e.file] == nil { order.append(e.file) }
            byFile[e.file, default: []].append(e)
        }
        var editors: [(String, ConfigEditor, String)] = []
        for file in order {
            var editor: ConfigEditor
            do throws(ConfigEditor.WriteError) { editor = try ConfigEditor(contentsOf: file) } catch {
                throw .unreadable(error)
            }
            let before = editor.text
            for e in byFile[file] ?? [] {
                do throws(ConfigEditor.EditError) { try e.apply(to: &editor) } catch { throw .notApplicable(error) }
            }
            editors.append((file, editor, before))
        }
        var changed: [String] = []
        var written: [(String, ConfigEditor)] = []
        for (file, editor, before) in editors where editor.text != before {
            do throws(ConfigEditor.WriteError) {
                try write(editor, file)
            } catch {
                var restored: [String] = []
                var notRestored: [String] = []
                for (earlier, original) in written.reversed() {
                    if (try? original.write(to: earlier)) != nil {
                        restored.append(earlier)
                    } else {
                        notRestored.append(earlier)
                    }
                }
                throw .writeFailed(error, restored: restored.reversed(), notRestored: notRestored.reversed())
            }
            written.append((file, ConfigEditor(text: before, file: file)))
            changed.append(file)
        }
        return changed
    }

    /// Why `apply` changed nothing (or put back what it had changed).
    public enum ApplyError: Error, CustomStringConvertible, Sendable {
        /// A file could not be read for editing.
        case unreadable(ConfigEditor.WriteError)
        /// An edit does not apply to its file (it no longer parses, or the peer is gone); nothing was written.
        case notApplicable(ConfigEditor.EditError)
        /// A file could not be written; the files written before it were restored (or could not be).
        case writeFailed(ConfigEditor.WriteError, restored: [String], notRestored: [String])

        public var description: String {
            switch self {
            case .unreadable(let e): return "\(e); no file was changed"
            case .notApplicable(let e): return "\(e)\nNo file was changed."
            case .writeFailed(let e, let restored, let notRestored):
                var s = "\(e)."
                if !restored.isEmpty { s += " Restored to their old text: \(restored.joined(separator: ", "))." }
                if !notRestored.isEmpty {
                    s += " Could NOT be restored (check them by hand): \(notRestored.joined(separator: ", "))."
                }
                if restored.isEmpty && notRestored.isEmpty { s += " No file was changed." }
                return s
            }
        }
    }
}
