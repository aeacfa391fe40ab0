import Foundation
import Testing

/// `wiresmith showconf FILE` against `wg-quick strip FILE | wg setconf IF; wg showconf IF` on a wireguard-go interface,
/// for the hand-written corpus (Tests/WireConfigTests/Corpus) and 240 generated configs.
@Suite(.serialized) struct ShowconfDifferentialTests {
    static let tools = ["wg", "wg-quick", "wireguard-go", "ip", "bash"]

    /// The hand-written corpus: each file says on a `# expect:` line what should happen to it.
    static func handCorpus() throws -> [CorpusConfig] {
        let dir = Tools.packageRoot.appendingPathComponent("Tests/WireConfigTests/Corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".conf") }.sorted()
        return try names.map { name in
            // Bytes as they are: String(contentsOf:encoding:) would drop a byte order mark.
            let text = String(decoding: try Data(contentsOf: dir.appendingPathComponent(name)), as: UTF8.self)
            let tag = text.split(whereSeparator: \.isNewline).first { $0.hasPrefix("# expect:") }
                .map { $0.dropFirst("# expect:".count).trimmingCharacters(in: .whitespaces) }
            let expectation: Expectation
            switch tag {
            case "match": expectation = .match
            case "wg-rejects": expectation = .wgRejects
            case "stricter": expectation = .stricter
            default: throw CorpusError(file: name)
            }
            return CorpusConfig(
                name: String(name.dropLast(5)), text: text, expectation: expectation,
                note: "hand-written")
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

    @Test(.enabled(if: Tools.shouldRun(DifferentialRun.tools, needsRoot: true)))
    func showconfMatchesWgOnWireguardGo() throws {
        if let missing = Tools.missing(DifferentialRun.tools, needsRoot: true) {
            Issue.record("WIRESMITH_REQUIRE_LAB=1 but the lab cannot run: \(missing)")
            return
        }
        let corpus = try Self.handCorpus() + Self.generatedCorpus()
        #expect(corpus.count >= 200)
        let results = try DifferentialRun.run(corpus)

        var tally = (accepted: 0, rejected: 0, matched: 0, stricter: 0)
        for (config, result) in zip(corpus, results) {
            let what = "\(config.name) (\(config.note))"
            let locatedRejection = result.ourStatus == 1 && result.hasLocatedError
            if result.wgStatus == 0 { tally.accepted += 1 } else { tally.rejected += 1 }
            switch config.expectation {
            case .match:
                #expect(result.wgStatus == 0, "\(what): wg rejected it: \(result.wgError)")
                #expect(result.ourStatus == 0, "\(what): wiresmith rejected it:\n\(result.ourError)")
                guard let outputs = result.normalizedOutputs else { continue }
                if outputs.randomPort {
                    // No ListenPort: wireguard-go picked a random one, which only it can show.
                    #expect(result.wgOutput.contains("\nListenPort = "), "\(what)")
                } else if ShowconfText(result.wgOutput).peers.count <= 1 {
                    #expect(result.ourOutput == result.wgOutput, "\(what): not byte for byte")
                }
                #expect(
                    outputs.ours == outputs.theirs,
                    "\(what)\n--- wg:\n\(result.wgOutput)--- wiresmith:\n\(result.ourOutput)")
                if outputs.ours == outputs.theirs { tally.matched += 1 }
            case .wgRejects:
                #expect(result.wgStatus != 0, "\(what): wg accepted it")
            case .stricter:
                #expect(result.wgStatus == 0, "\(what): wg rejected it too: \(result.wgError)")
                #expect(locatedRejection, "\(what): not rejected with a located error:\n\(result.ourError)")
                if locatedRejection { tally.stricter += 1 }
            }
            // The rule the issue sets: whatever wg rejects, wiresmith rejects with FILE:LINE:COL.
            if result.wgStatus != 0 {
                #expect(locatedRejection, "\(what): wg rejected it (\(result.wgError)) but wiresmith did not")
            }
        }
        let having = { (needle: String) in corpus.filter { $0.text.lowercased().contains(needle) }.count }
        print(
            "showconf differential: \(corpus.count) configs, wg accepted \(tally.accepted), rejected "
                + "\(tally.rejected); \(tally.matched) outputs identical, \(tally.stricter) deliberately stricter. "
                + "Configs with: endpoint names \(having(".test:") + having("localhost:")), IPv6 \(having("::")), "
                + "PSK \(having("presharedkey")), keepalive \(having("persistentkeepalive")), "
                + "fwmark \(having("fwmark")), "
                + "wg-quick keys \(having("address")), CRLF \(having("\r\n"))")
    }
}
