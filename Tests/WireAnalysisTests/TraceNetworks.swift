import Foundation
import WireConfig

@testable import WireAnalysis

/// The trace test networks (Tests/WireAnalysisTests/Networks/trace-*), copied to a temp dir with edits applied.
enum TraceNetworks {
    /// The folder holding the seed networks.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Networks")

    /// One text edit to a file of a network: replace `old` (which must occur) with `new`.
    struct Edit: Sendable, CustomStringConvertible {
        var file: String
        var old: String
        var new: String
        var description: String { "\(file): \(old) -> \(new)" }
    }

    struct EditFailed: Error { var edit: Edit }

    /// Copies network `name` to a fresh temp dir, applies `edits`, loads it, traces, and removes the copy.
    /// Locations in the result are made relative to the network's folder (`hub/wg0.conf:10`).
    static func trace(_ name: String, _ from: String, _ to: String, edits: [Edit] = []) throws -> TraceResult {
        let fm = FileManager.default
        // A private (0700) folder first: the configs hold private keys.
        let base = fm.temporaryDirectory.appendingPathComponent("wiresmith-trace-\(UUID().uuidString)")
        try fm.createDirectory(at: base, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? fm.removeItem(at: base) }
        let dir = base.appendingPathComponent(name)
        try fm.copyItem(at: root.appendingPathComponent(name), to: dir)
        for e in edits {
            let url = dir.appendingPathComponent(e.file)
            let text = try String(contentsOf: url, encoding: .utf8)
            guard text.contains(e.old) else { throw EditFailed(edit: e) }
            try text.replacingOccurrences(of: e.old, with: e.new).write(to: url, atomically: true, encoding: .utf8)
        }
        // The configs hold private keys: keep the copies private, as wg-quick expects.
        for case let file as String in fm.enumerator(atPath: dir.path)! where file.hasSuffix(".conf") {
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.appendingPathComponent(file).path)
        }
        let network = try NetworkLoader().load(directory: dir.path)
        var result = try Tracer(network: network).trace(from: from, to: to)
        let prefix = dir.path + "/"
        func strip(_ l: TraceLocation?) -> TraceLocation? {
            l.map {
                TraceLocation(
                    file: $0.file.hasPrefix(prefix) ? String($0.file.dropFirst(prefix.count)) : $0.file,
                    line: $0.line)
            }
        }
        func strip(_ s: String?) -> String? { s?.replacingOccurrences(of: prefix, with: "") }
        result.verdict.location = strip(result.verdict.location)
        result.verdict.notSetIn = strip(result.verdict.notSetIn)
        result.verdict.fix = strip(result.verdict.fix)
        result.verdict.reason = strip(result.verdict.reason) ?? ""
        for h in result.hops.indices {
            for s in result.hops[h].steps.indices {
                result.hops[h].steps[s].location = strip(result.hops[h].steps[s].location)
                result.hops[h].steps[s].notSetIn = strip(result.hops[h].steps[s].notSetIn)
                result.hops[h].steps[s].fix = strip(result.hops[h].steps[s].fix)
            }
        }
        return result
    }
}
