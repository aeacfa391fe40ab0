import Foundation
import Testing
import WireAnalysis
import WireConfig

/// The lint test networks (Tests/WireAnalysisTests/Networks/lint-*) and variants of them built by editing a copy.
enum LintFixtures {
    /// The directory holding the test networks.
    static let networks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Networks")

    /// One edit of a copied network: in `file` (relative to the network), replace `old` by `new`.
    struct Edit: Sendable, CustomStringConvertible {
        var file: String
        var old: String
        var new: String
        init(_ file: String, _ old: String, _ new: String) {
            self.file = file
            self.old = old
            self.new = new
        }
        var description: String { "\(file): \(old) -> \(new)" }
    }

    /// Loads a test network as it is.
    static func load(_ name: String) throws -> Network {
        try NetworkLoader().load(directory: networks.appendingPathComponent(name).path)
    }

    /// Copies a test network to a fresh temporary directory, applies `edits`, and loads it. Each edit's `old` text
    /// must occur in the file (so a variant cannot silently equal its base); an empty `old` appends `new`. The copy
    /// holds private keys: its folder is 0700 and its files 0600, and it is removed before returning.
    static func load(_ name: String, _ edits: [Edit]) throws -> Network {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("wiresmith-lint-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? fm.removeItem(at: dir) }
        try fm.copyItem(at: networks.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        for case let file as String in fm.enumerator(atPath: dir.path) ?? FileManager.DirectoryEnumerator() {
            let path = dir.appendingPathComponent(file).path
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            }
        }
        for e in edits {
            let url = dir.appendingPathComponent(name).appendingPathComponent(e.file)
            var text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            if e.old.isEmpty {
                text += e.new
            } else {
                try #require(text.contains(e.old), "edit \(e) does not apply")
                text = text.replacingOccurrences(of: e.old, with: e.new)
            }
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        }
        return try NetworkLoader().load(directory: dir.appendingPathComponent(name).path)
    }

    /// Lints a network.
    static func lint(_ network: Network) -> LintReport { Linter().lint(network) }
}

extension WireConfig.SourceLocation {
    /// The last two path components and the line: `alice/wg0.conf:8`, for assertions independent of where the
    /// network was copied.
    var short: String {
        let parts = file.split(separator: "/").suffix(2).joined(separator: "/")
        return "\(parts):\(line)"
    }
}
