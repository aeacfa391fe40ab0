import Foundation
import WireAnalysis
import WireConfig
import WireLab

/// The demo's steps, each saying in a few lines what is happening and what it shows.
struct DemoSteps {
    let out: DemoOutput
    let options: LabOptions
    /// The private copy of the network the demo breaks and mends.
    let directory: String
    let from: String
    let to: String

    /// Runs every step; returns true when the demo went as expected. The lab is always torn down.
    func run(displayedSource: String) -> Bool {
        guard let network = load() else { return false }
        out.title("wiresmith demo: clients of a two-interface hub that cannot reach each other")
        out.say(DemoSteps.story(network, implementation: options.implementation, source: displayedSource))

        // 1. Build the broken network.
        out.step(1, "Bring the network up as real hosts")
        var plan: LabPlan
        do {
            plan = try Lab.up(directory: directory, options: options, progress: { out.progress($0) })
        } catch {
            out.fail("the lab could not be built: \(error)")
            return false
        }
        defer {
            out.step(DemoOutput.steps, "Tear everything down")
            do {
                for line in try Lab.down(id: plan.id, options: options) { out.detail(line) }
            } catch {
                out.fail("teardown: \(error); run `wiresmith lab down --id \(plan.id)`")
            }
        }

        // 2. Show the failure.
        guard let target = address(of: to) else {
            out.fail("\(to) has no tunnel address in \(directory)")
            return false
        }
        out.step(2, "\(from) pings \(to) (\(target)) through the hub")
        let before = ping(plan, target)
        guard before == false else {
            out.fail("the ping answered before any fix; this network is not broken the way the demo expects")
            return false
        }
        out.bad("no answer: \(from) cannot reach \(to)")

        // 3. Diagnose from the configs alone.
        out.step(3, "Ask wiresmith why, from the configs alone (lint, then trace)")
        let report = Linter().lint(network)
        let errors = report.findings.filter { $0.severity == .error }
        let keepalive = report.findings(.keepaliveMissing).first
        for f in errors + (keepalive.map { [$0] } ?? []) {
            out.finding(
                code: f.code.rawValue, where: f.primaryLocation?.description ?? f.primaryHost,
                message: f.message, fix: f.fix)
        }
        if errors.isEmpty { out.detail("lint: no error-severity findings") }
        traceBothWays(network)

        // 4. The same causes from the running hosts alone, before anything is fixed.
        let hub = network.hosts.first { $0.interfaces.count > 1 }?.name ?? "hub"
        out.step(4, "Ask the running hosts instead (doctor on \(hub) and \(from), then every host's snapshot)")
        let shown = Set((errors + (keepalive.map { [$0] } ?? [])).map(\.code.rawValue))
        guard doctorStep(plan, hub: hub, expected: shown) else { return false }

        // 5. Apply the fixes lint proposes.
        out.step(5, "Apply the fixes lint proposes, as edits to the config files")
        let edits = errors.flatMap(\.edits)
        guard !edits.isEmpty else {
            out.fail("lint proposed no applicable edit")
            return false
        }
        let snapshots = snapshot()
        do {
            _ = try ConfigEdit.apply(edits)
        } catch {
            out.fail("applying the fixes failed: \(error)")
            return false
        }
        showDiff(snapshots)
        guard let fixed = load() else { return false }
        let remaining = Linter().lint(fixed).findings.filter { $0.severity == .error }
        if remaining.isEmpty {
            out.good("lint: no errors left")
        } else {
            for f in remaining { out.bad("still: \(f.code.rawValue) \(f.message)") }
        }
        traceBothWays(fixed)

        // 6. Prove it on the running hosts.
        out.step(6, "Reload the changed interfaces (wg-quick down/up) and ping again")
        do {
            plan = try Lab.reload(plan, options: options, progress: { out.progress($0) })
        } catch {
            out.fail("reload failed: \(error)")
            return false
        }
        guard ping(plan, target) else {
            out.fail("\(from) still cannot reach \(to) after the fix")
            return false
        }
        out.good("\(to) answers \(from)")

        // 7 and 8. The client behind NAT without keepalive, measured in time; then the keepalive fix.
        guard let keepalive, keepalive.hosts.count == 2, let at = keepalive.primaryLocation else {
            return proveMatrix(plan, fixed)
        }
        let client = keepalive.hosts[0]
        let relay = keepalive.hosts[1]
        out.step(7, "\(client) is behind NAT and sends no keepalive: can \(relay) reach \(client), over time?")
        guard let clientTarget = plan.host(client)?.interfaces.first?.addresses.first else {
            out.fail("\(client) has no tunnel address")
            return false
        }
        let expectedBefore = [false, true, false]
        guard measureInTime(plan, fixed, relay, client, clientTarget, expect: expectedBefore) else { return false }

        out.step(8, "Apply lint's fix: PersistentKeepalive = 25 on \(client), reload, and measure again")
        let keepaliveSnapshot = snapshot()
        guard addKeepalive(at) else { return false }
        showDiff(keepaliveSnapshot)
        guard let kept = load() else { return false }
        do {
            plan = try Lab.reload(plan, options: options, progress: { out.progress($0) })
        } catch {
            out.fail("reload failed: \(error)")
            return false
        }
        guard measureInTime(plan, kept, relay, client, clientTarget, expect: [true, true, true]) else { return false }
        return proveMatrix(plan, kept)
    }

    /// The demo's opening: what the network is, read from its files (so it says what the example contains).
    static func story(_ network: Network, implementation: String, source: String) -> String {
        var lines: [String] = []
        for hub in network.hosts where hub.interfaces.count > 1 {
            let parts = hub.interfaces.map { i -> String in
                let port = i.config.interface.listenPort.map { "UDP \($0)" } ?? "no ListenPort"
                let subnet = i.config.interface.addresses.first.map { "\($0.network)" } ?? "no Address"
                let clients = network.hosts.filter { h in
                    h.name != hub.name
                        && h.interfaces.contains { c in c.config.peers.contains { $0.publicKey == i.publicKey } }
                }.map(\.name)
                return "\(i.name) (\(port), \(subnet)) with \(clients.joined(separator: " and "))"
            }
            lines.append(
                "The hub \(hub.name) has \(hub.interfaces.count) WireGuard interfaces: "
                    + parts.joined(separator: ", ") + ".")
        }
        let natted = network.hosts.filter { $0.facts.behindNAT == true }.map(\.name)
        if !natted.isEmpty {
            lines.append("Behind NAT (host.yaml): \(natted.joined(separator: ", ")).")
        }
        lines.append(
            "Every host is a network namespace on this machine; every interface is brought up by the real "
                + "wg-quick on \(implementation).")
        lines.append("Configs: \(source) (copied, so the fixes do not touch them).")
        return lines.joined(separator: "\n")
    }

    /// Measures `relay` -> `client` in each phase (the lab's check, which resets sessions and expires NAT mappings
    /// as docs/lab.md says), prints each with trace's verdict, and fails unless it is `expect`.
    func measureInTime(
        _ plan: LabPlan, _ network: Network, _ relay: String, _ client: String, _ address: String, expect: [Bool]
    ) -> Bool {
        let matrix: ReachabilityMatrix
        do {
            matrix = try Lab.check(
                plan, options: options, verdicts: TraceVerdicts.provider(for: network),
                expectations: TraceVerdicts.expectations(for: network))
        } catch {
            out.fail("lab check failed: \(error)")
            return false
        }
        let what: [LabPhase: String] = [
            .cold: "right after up, before \(client) has sent anything",
            .warm: "after \(client) has sent",
            .idle: "after the NAT mappings no keepalive refreshes expired (as after minutes idle)",
        ]
        var seen: [Bool] = []
        for phase in LabPhase.allCases {
            guard let r = matrix.result(from: relay, to: address, in: phase) else { continue }
            seen.append(r.answered)
            let text =
                "\(phase.rawValue): \(relay) pings \(client) \(what[phase]!): "
                + (r.answered ? "answered" : "no answer") + " (\(r.sent) sent, \(r.received) received)"
            if r.answered { out.good(text) } else { out.bad(text) }
            if let v = r.verdict {
                let word = v.reachable == r.answered ? "agrees" : "DISAGREES"
                out.detail("  trace \(word): \(v.explanation)")
            }
        }
        guard seen == expect, matrix.disagreements.isEmpty else {
            out.fail("\(relay) -> \(client) was \(seen) by phase, expected \(expect), or trace disagrees")
            for line in matrix.rendered().split(separator: "\n") { out.detail(String(line)) }
            return false
        }
        return true
    }

    /// Inserts `PersistentKeepalive = 25` after the line lint's keepalive finding points at (the peer's Endpoint).
    func addKeepalive(_ at: SourceLocation) -> Bool {
        do {
            let text = try String(contentsOfFile: at.file, encoding: .utf8)
            var lines = text.components(separatedBy: "\n")
            guard at.line >= 1 && at.line <= lines.count else { return false }
            lines.insert("PersistentKeepalive = 25", at: at.line)
            try lines.joined(separator: "\n").write(toFile: at.file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: at.file)
            return true
        } catch {
            out.fail("cannot edit \(at.file): \(error)")
            return false
        }
    }

    /// The whole reachability matrix, every phase, held against the intent and trace: true when it passes.
    func proveMatrix(_ plan: LabPlan, _ network: Network) -> Bool {
        out.detail("the whole reachability matrix, every phase, held against the intent and trace:")
        do {
            let matrix = try Lab.check(
                plan, options: options, verdicts: TraceVerdicts.provider(for: network),
                expectations: TraceVerdicts.expectations(for: network))
            for line in matrix.rendered().split(separator: "\n") {
                out.detail(String(line))
            }
            guard matrix.passed else {
                out.fail("the matrix is not as intended or disagrees with trace")
                return false
            }
            out.good("every pair answers in every phase, as intended and as trace predicted (lab check exit 0)")
        } catch {
            out.fail("lab check failed: \(error)")
            return false
        }
        return true
    }

    /// `from` pings `to`'s address: 3 probes, 1 s each; true when any answered. Prints ping's summary line.
    func ping(_ plan: LabPlan, _ target: String) -> Bool {
        let result: CommandResult
        do {
            result = try Lab.run(
                plan, node: from, command: ["ping", "-n", "-c", "3", "-i", "0.3", "-W", "1", target],
                timeout: 15, options: options)
        } catch {
            out.fail("ping: \(error)")
            return false
        }
        let summary = result.output.split(separator: "\n").first { $0.contains("packets transmitted") }
        out.command("\(from)$ ping -c 3 \(target)", summary.map(String.init) ?? "(no summary)")
        return result.status == 0
    }

    func traceBothWays(_ network: Network) {
        let tracer = Tracer(network: network)
        for (a, b) in [(from, to), (to, from)] {
            do {
                let r = try tracer.trace(from: a, to: b)
                out.trace("trace \(a) -> \(b)", r.verdict.summary, delivered: r.verdict.delivered)
            } catch {
                out.bad("trace \(a) -> \(b): \(error)")
            }
        }
    }

    func address(of host: String) -> String? {
        guard let n = load() else { return nil }
        return n.host(host)?.tunnelAddresses.first?.prefix.address.description
    }

    func load() -> Network? {
        do { return try NetworkLoader().load(directory: directory) } catch {
            out.fail("\(error)")
            return nil
        }
    }

    func snapshot() -> [String: String] {
        var s: [String: String] = [:]
        for i in (load()?.allInterfaces ?? []) {
            s[i.file] = try? String(contentsOfFile: i.file, encoding: .utf8)
        }
        return s
    }

    /// Prints the changed lines of each edited file, as a short diff.
    func showDiff(_ before: [String: String]) {
        for (file, old) in before.sorted(by: { $0.key < $1.key }) {
            guard let new = try? String(contentsOfFile: file, encoding: .utf8), new != old else { continue }
            let name = String(file.dropFirst(directory.count + 1))
            out.detail("\(name):")
            let a = old.components(separatedBy: "\n")
            let b = new.components(separatedBy: "\n")
            for line in a where !b.contains(line) { out.removed(line) }
            for line in b where !a.contains(line) { out.added(line) }
        }
    }
}
