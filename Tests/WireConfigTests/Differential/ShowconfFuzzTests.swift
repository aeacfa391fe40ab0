import Foundation
import Testing
import WireConfig
import WireCrypto

/// Opt-in (`WIRESMITH_FUZZ=1`, 500 configs, about 40 s) and a quick 100 under `WIRESMITH_REQUIRE_LAB=1`, where a
/// missing tool fails instead of skipping: generated configs with one or two random character edits on a non-key
/// line, through both tools. Nothing is predicted; the rules are checked: wg rejects -> wiresmith rejects with a
/// located error; both accept -> same showconf; only wiresmith rejects -> every error is one of its deliberate
/// strictness rules.
@Suite struct ShowconfFuzzTests {
    static let fuzz = ProcessInfo.processInfo.environment["WIRESMITH_FUZZ"] == "1"

    /// Messages of the rules where wiresmith is stricter than wg on purpose (wg would reinterpret silently, or
    /// wg-quick would fail later, at `up`, on a value `wg-quick strip` does not check).
    static let deliberate = [
        "wg would silently", "needs brackets", "is not a dotted-quad", "scoped addresses", "is not a number from 0",
        "only an IP address may stand in brackets", "a second PublicKey",
        "Address: ", "MTU: ", "Table: ", "DNS: ", "holds a NUL byte",
    ]

    @Test(.enabled(if: fuzz || Tools.labRequired))
    func randomEditsKeepTheRules() throws {
        if let missing = Tools.missing(DifferentialRun.tools, needsRoot: true) {
            Issue.record("the fuzz was asked for but cannot run: \(missing)")
            return
        }
        let seed = UInt64(ProcessInfo.processInfo.environment["WIRESMITH_FUZZ_SEED"] ?? "3") ?? 3
        var generator = CorpusGenerator(seed: seed)
        var rng = SeededRandom(seed: seed ^ 0xf00d)
        let noise = Array(" =#,/:[].x0AZ9\t-+%")
        var corpus: [CorpusConfig] = []
        for i in 0..<(Self.fuzz ? 500 : 100) {
            var config = generator.config(i)
            var lines = config.text.components(separatedBy: "\n")
            let editable = lines.indices.filter { !lines[$0].lowercased().contains("key") && !lines[$0].isEmpty }
            guard let target = editable.randomElement(using: &rng) else { continue }
            var chars = Array(lines[target])
            for _ in 0..<Int.random(in: 1...2, using: &rng) where !chars.isEmpty {
                let at = Int.random(in: 0..<chars.count, using: &rng)
                switch Int.random(in: 0...2, using: &rng) {
                case 0: chars.remove(at: at)
                case 1: chars.insert(noise.randomElement(using: &rng)!, at: at)
                default: chars[at] = noise.randomElement(using: &rng)!
                }
            }
            lines[target] = String(chars)
            config.text = lines.joined(separator: "\n")
            config.note = "fuzz seed \(seed), line \(target + 1) edited"
            corpus.append(config)
        }
        let results = try DifferentialRun.run(corpus)
        var counts: [String: Int] = [:]
        for (config, result) in zip(corpus, results) {
            let what = "\(config.name) (\(config.note)):\n\(config.text)"
            switch (result.wgStatus == 0, result.ourStatus == 0) {
            case (true, true):
                let outputs = try #require(result.normalizedOutputs)
                #expect(
                    outputs.ours == outputs.theirs,
                    "\(what)\n--- wg:\n\(result.wgOutput)--- ours:\n\(result.ourOutput)")
                counts["both accept", default: 0] += 1
            case (false, _):
                #expect(result.ourStatus == 1 && result.hasLocatedError, "\(what)\nwg: \(result.wgError)")
                counts["both reject", default: 0] += 1
            case (true, false):
                let unexplained = result.ourErrors.filter { line in
                    !Self.deliberate.contains { line.lowercased().contains($0.lowercased()) }
                }
                #expect(unexplained.isEmpty, "\(what)\nonly wiresmith rejects: \(unexplained)")
                counts["only wiresmith rejects (deliberate)", default: 0] += 1
            }
        }
        print("showconf fuzz (seed \(seed)): \(counts.sorted { $0.key < $1.key })")
    }
}
