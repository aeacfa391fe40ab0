import Foundation
import WireAnalysis
import WireConfig

/// Plans a topology into a directory atomically, keeping the keys of an earlier plan there (docs/plan.md).
///
/// Everything is built in a fresh directory next to the output (same filesystem), every file created 0600 and every
/// directory 0700; only when all of it is written does a rename put it in place. On any error the output directory is
/// left exactly as it was.
public struct PlanWriter {
    public var output: String

    public init(output: String) { self.output = output }

    /// The private keys of the configs already in the output directory, by `HOST/IFACE`.
    public func existingKeys() -> [String: WireKey] {
        var keys: [String: WireKey] = [:]
        let fm = FileManager.default
        for host in (try? fm.contentsOfDirectory(atPath: output)) ?? [] {
            for file in (try? fm.contentsOfDirectory(atPath: output + "/" + host)) ?? [] where file.hasSuffix(".conf") {
                guard
                    let text = fm.contents(atPath: "\(output)/\(host)/\(file)").flatMap({
                        String(data: $0, encoding: .utf8)
                    })
                else { continue }
                for line in text.split(separator: "\n") {
                    let parts = line.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "privatekey",
                        let key = WireKey(base64: parts[1].trimmingCharacters(in: .whitespaces))
                    else { continue }
                    keys["\(host)/\(file.dropLast(5))"] = key
                }
            }
        }
        return keys
    }

    /// Plans in two passes: the first writes configs that allow everything so the intent can be asked about the
    /// network's real addresses; the second narrows AllowedIPs and writes the hub's isolation rules.
    public func plan(_ topology: Topology) throws -> [String: String] {
        let planner = Planner(topology: topology, keys: existingKeys())
        let scratch = try makeStaging()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try write(planner.files(), into: scratch)
        let network = try NetworkLoader().load(directory: scratch)
        return planner.files { network.expectation(from: $0, to: $1).kind == .mustReach }
    }

    /// The files as they are in the output directory now, for `--diff`.
    public func current() -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: output) else { return out }
        while let rel = e.nextObject() as? String {
            var dir: ObjCBool = false
            if fm.fileExists(atPath: output + "/" + rel, isDirectory: &dir), !dir.boolValue,
                let t = fm.contents(atPath: output + "/" + rel).flatMap({ String(data: $0, encoding: .utf8) })
            {
                out[rel] = t
            }
        }
        return out
    }

    /// Writes the files in a staging directory, then swaps it in for the output directory.
    public func commit(_ files: [String: String]) throws {
        let staging = try makeStaging()
        do {
            try write(files, into: staging)
            let fm = FileManager.default
            if fm.fileExists(atPath: output) {
                let old = staging + ".old"
                try fm.moveItem(atPath: output, toPath: old)
                do {
                    try fm.moveItem(atPath: staging, toPath: output)
                } catch {
                    try? fm.moveItem(atPath: old, toPath: output)
                    throw error
                }
                try? fm.removeItem(atPath: old)
            } else {
                try fm.moveItem(atPath: staging, toPath: output)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
    }

    func makeStaging() throws -> String {
        let url = URL(fileURLWithPath: output).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        let path = "\(parent)/.\(url.lastPathComponent).plan-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    func write(_ files: [String: String], into dir: String) throws {
        let fm = FileManager.default
        for (rel, text) in files.sorted(by: { $0.key < $1.key }) {
            let path = dir + "/" + rel
            let parent = (path as NSString).deletingLastPathComponent
            if !fm.fileExists(atPath: parent) {
                try fm.createDirectory(
                    atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
    }
}

/// What `plan --diff` prints: per file, lines removed and added, private keys never shown.
public enum PlanDiff {
    public static func render(old: [String: String], new: [String: String]) -> String {
        var out = ""
        for path in Set(old.keys).union(new.keys).sorted() {
            let a = old[path].map { lines($0) } ?? []
            let b = new[path].map { lines($0) } ?? []
            if a == b { continue }
            out +=
                old[path] == nil
                ? "+++ \(path) (new)\n" : new[path] == nil ? "--- \(path) (removed)\n" : "*** \(path)\n"
            let removed = a.filter { !b.contains($0) }
            let added = b.filter { !a.contains($0) }
            for l in removed { out += "- \(redact(l))\n" }
            for l in added { out += "+ \(redact(l))\n" }
        }
        return out
    }

    static func lines(_ t: String) -> [String] {
        t.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    static func redact(_ line: String) -> String {
        line.lowercased().hasPrefix("privatekey") ? "PrivateKey = (redacted)" : line
    }
}
