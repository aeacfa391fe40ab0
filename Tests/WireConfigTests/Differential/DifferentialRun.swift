import Foundation
import Testing

/// Runs a corpus through both tools in one lab: `wg-quick strip FILE | wg setconf IF; wg showconf IF` and
/// `wiresmith showconf FILE`, each inside the lab namespace (so names resolve the same way for both).
enum DifferentialRun {
    static let tools = ["wg", "wg-quick", "wireguard-go", "ip", "bash"]

    /// One result per corpus entry, in order. The lab is gone when this returns.
    static func run(_ corpus: [CorpusConfig]) throws -> [LabResult] {
        let lab = try WireGuardGoLab(hosts: LabHosts.file)
        defer { lab.close() }
        let input = lab.workDirectory.appendingPathComponent("in")
        let output = lab.workDirectory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        // wg-quick wants FILE to be an interface name (at most 15 characters) followed by .conf.
        let labName = { (i: Int) in "c\(i)" }
        for (i, config) in corpus.enumerated() {
            let url = input.appendingPathComponent(labName(i) + ".conf")
            try Data(config.text.utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        }
        // One shell inside the namespace runs every file through both tools; setconf replaces the whole interface.
        let script = """
            for f in "$1"/*.conf; do
                o="$2/$(basename "$f" .conf)"
                if wg-quick strip "$f" > "$o.stripped" 2> "$o.wg.err" && wg setconf "$3" "$o.stripped" 2>> "$o.wg.err"
                then wg showconf "$3" > "$o.wg.out" 2>> "$o.wg.err"; echo $? > "$o.wg.rc"
                else echo 1 > "$o.wg.rc"; fi
                "$4" showconf "$f" > "$o.ws.out" 2> "$o.ws.err"; echo $? > "$o.ws.rc"
            done
            """
        let arguments = ["bash", "-c", script, "corpus", input.path, output.path, lab.interface, Tools.wiresmith]
        let run = try lab.exec(arguments, environment: ["WG_ENDPOINT_RESOLUTION_RETRIES": "0"])
        #expect(run.status == 0, "\(run.stderr)")
        return try corpus.indices.map { i in
            let file = input.appendingPathComponent(labName(i) + ".conf").path
            return try LabResult(directory: output, name: labName(i), file: file)
        }
    }
}

/// The files one corpus entry left behind.
struct LabResult {
    var wgStatus: Int32, wgOutput: String, wgError: String
    var ourStatus: Int32, ourOutput: String, ourError: String
    var file: String

    init(directory: URL, name: String, file: String) throws {
        func read(_ suffix: String) -> String {
            (try? String(contentsOf: directory.appendingPathComponent("\(name).\(suffix)"), encoding: .utf8)) ?? ""
        }
        wgStatus = Int32(read("wg.rc").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        wgOutput = read("wg.out")
        wgError = read("wg.err")
        ourStatus = Int32(read("ws.rc").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        ourOutput = read("ws.out")
        ourError = read("ws.err")
        self.file = file
    }

    /// Both outputs with peers sorted (wireguard-go lists them in Go map order) and, when the config sets no
    /// ListenPort, wg's random port left out; nil when either tool rejected the file.
    var normalizedOutputs: (ours: String, theirs: String, randomPort: Bool)? {
        guard wgStatus == 0, ourStatus == 0 else { return nil }
        let ours = ShowconfText(ourOutput)
        var theirs = ShowconfText(wgOutput)
        let randomPort = !ours.interface.contains { $0.hasPrefix("ListenPort = ") }
        if randomPort { theirs.interface.removeAll { $0.hasPrefix("ListenPort = ") } }
        return (ours.normalized, theirs.normalized, randomPort)
    }

    /// Our error lines (warnings left out).
    var ourErrors: [String] {
        ourError.split(separator: "\n").map(String.init).filter { !$0.contains(": warning: ") }
    }

    /// True when stderr holds an error (not a warning) as `FILE:LINE:COL: ...`.
    var hasLocatedError: Bool {
        ourError.split(separator: "\n").contains { line in
            guard line.hasPrefix(file + ":") else { return false }
            let parts = line.dropFirst(file.count + 1).split(separator: ":", maxSplits: 2)
            return parts.count == 3 && Int(parts[0]) != nil && Int(parts[1]) != nil && !parts[2].hasPrefix(" warning:")
        }
    }
}

/// showconf output split into the interface lines and the peer blocks, so that peer order can be ignored
/// (wireguard-go lists peers in Go map order).
struct ShowconfText {
    var interface: [String]
    var peers: [String]
    let endsWithNewline: Bool

    init(_ text: String) {
        endsWithNewline = text.hasSuffix("\n")
        let blocks = text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .newlines) }
        interface = blocks.first.map { $0.components(separatedBy: "\n") } ?? []
        peers = blocks.dropFirst().filter { !$0.isEmpty }
    }

    var normalized: String {
        ([interface.joined(separator: "\n")] + peers.sorted()).joined(separator: "\n\n") + (endsWithNewline ? "\n" : "")
    }
}
