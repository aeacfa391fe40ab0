import Foundation
import Testing

/// `wiresmith showconf FILE` against `wg-quick strip FILE | wg setconf IF; wg showconf IF` on a wireguard-go interface,
/// for the hand-written corpus (Tests/WireConfigTests/Corpus) and 240 generated configs.
@Suite(.serialized) struct ShowconfDifferentialTests {
    static let tools = ["wg", "wg-quick", "wireguard-go", "ip", "bash"]

    /// The hand-written corpus: each file says on a `# expect:` line what should happen to it.
    static func handCorpus() throws -> [CorpusConfig] {
        let dir = Tools.packageRoot.appendingPathComponent("Tests/WireConfigTests/Corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".conf") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let tag = text.split(whereSeparator: \.isNewline).first { $0.hasPrefix("# expect:") }
                .map { $0.dropFirst("# expect:".count).trimmingCharacters(in: .whitespaces) }
            let expectation: Expectation
            switch tag {
            case "match": expectation = .match
            case "wg-rejects": expectation = .wgRejects
            case "stricter": expectation = .stricter
            default: throw CorpusError(file: name)
            }
            return CorpusConfig(name: String(name.dropLast(5)), text: text, expectation: expectation, note: "hand-written")
        }
    }

    struct CorpusError: Error, CustomStringConvertible {
        var file: String
        var description: String { "\(file) has no `# expect: match|wg-rejects|stricter` line" }
    }

    static func generatedCorpus() -> [CorpusConfig] {
        var generator = CorpusGenerator(seed: 0x5749_5245_534D_4954)
        return (0..<240).map { generator.config($0) }
    }

    @Test(.enabled(if: Tools.shouldRun(tools, needsRoot: true)))
    func showconfMatchesWgOnWireguardGo() throws {
        if let missing = Tools.missing(Self.tools, needsRoot: true) {
            Issue.record("WIRESMITH_REQUIRE_LAB=1 but the lab cannot run: \(missing)")
            return
        }
        let corpus = try Self.handCorpus() + Self.generatedCorpus()
        #expect(corpus.count >= 200)

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
            try config.text.write(to: url, atomically: true, encoding: .utf8)
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
        let run = try lab.exec(["bash", "-c", script, "corpus", input.path, output.path, lab.interface, Tools.wiresmith],
                               environment: ["WG_ENDPOINT_RESOLUTION_RETRIES": "0"])
        #expect(run.status == 0, "\(run.stderr)")

        var tally = (accepted: 0, rejected: 0, matched: 0, stricter: 0)
        for (i, config) in corpus.enumerated() {
            let file = input.appendingPathComponent(labName(i) + ".conf").path
            let result = try LabResult(directory: output, name: labName(i), file: file)
            let what = "\(config.name) (\(config.note))"
            if result.wgStatus == 0 { tally.accepted += 1 } else { tally.rejected += 1 }
            switch config.expectation {
            case .match:
                #expect(result.wgStatus == 0, "\(what): wg rejected it: \(result.wgError)")
                #expect(result.ourStatus == 0, "\(what): wiresmith rejected it:\n\(result.ourError)")
                guard result.wgStatus == 0, result.ourStatus == 0 else { continue }
                let ours = ShowconfText(result.ourOutput)
                var theirs = ShowconfText(result.wgOutput)
                let randomPort = !ours.interface.contains(where: { $0.hasPrefix("ListenPort = ") })
                if !randomPort && theirs.peers.count <= 1 {
                    #expect(result.ourOutput == result.wgOutput, "\(what): not byte for byte")
                }
                if randomPort {
                    // No ListenPort: wireguard-go picked a random one, which only it can show.
                    #expect(theirs.interface.contains { $0.hasPrefix("ListenPort = ") }, "\(what)")
                    theirs.interface.removeAll { $0.hasPrefix("ListenPort = ") }
                }
                #expect(ours.normalized == theirs.normalized, "\(what)\n--- wg:\n\(result.wgOutput)--- wiresmith:\n\(result.ourOutput)")
                if ours.normalized == theirs.normalized { tally.matched += 1 }
            case .wgRejects:
                #expect(result.wgStatus != 0, "\(what): wg accepted it")
                #expect(result.ourStatus == 1 && result.hasLocatedError, "\(what): not rejected with a located error:\n\(result.ourError)")
            case .stricter:
                #expect(result.wgStatus == 0, "\(what): wg rejected it too: \(result.wgError)")
                #expect(result.ourStatus == 1 && result.hasLocatedError, "\(what): not rejected with a located error:\n\(result.ourError)")
                if result.ourStatus == 1 && result.hasLocatedError { tally.stricter += 1 }
            }
            // The rule the issue sets: whatever wg rejects, wiresmith rejects with FILE:LINE:COL.
            if result.wgStatus != 0 {
                #expect(result.ourStatus == 1 && result.hasLocatedError, "\(what): wg rejected (\(result.wgError)) but wiresmith did not")
            }
        }
        let having = { (needle: String) in corpus.filter { $0.text.lowercased().contains(needle) }.count }
        print("showconf differential: \(corpus.count) configs, wg accepted \(tally.accepted), rejected \(tally.rejected); "
              + "\(tally.matched) outputs identical, \(tally.stricter) deliberately stricter. Configs with: endpoint "
              + "names \(corpus.filter { $0.text.contains(".test:") || $0.text.contains("localhost:") }.count), "
              + "IPv6 \(having("::")), PSK \(having("presharedkey")), keepalive \(having("persistentkeepalive")), "
              + "fwmark \(having("fwmark")), wg-quick keys \(having("address")), CRLF \(having("\r\n"))")
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
