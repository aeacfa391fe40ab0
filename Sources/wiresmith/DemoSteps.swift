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
        out.title("wiresmith demo: two WireGuard clients of one hub that cannot reach each other")
        out.say(
            """
            The hub has two WireGuard interfaces: wg0 (UDP 51820, 10.0.0.0/24) with client \(from),
            and wg1 (UDP 51821, 10.1.0.0/24) with client \(to). Every host is a network namespace on
            this machine; every interface is brought up by the real wg-quick on \(options.implementation).
            Configs: \(displayedSource) (copied, so the fix does not touch them).
            """)

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
            out.step(6, "Tear everything down")
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
        guard let network = load() else { return false }
        let report = Linter().lint(network)
        let errors = report.findings.filter { $0.severity == .error }
        for f in errors {
            out.finding(
                code: f.code.rawValue, where: f.primaryLocation?.description ?? f.primaryHost,
                message: f.message, fix: f.fix)
        }
        if errors.isEmpty { out.detail("lint: no error-severity findings") }
        traceBothWays(network)

        // 4. Apply the fixes lint proposes.
        out.step(4, "Apply the fixes lint proposes, as edits to the config files")
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

        // 5. Prove it on the running hosts.
        out.step(5, "Reload the changed interfaces (wg-quick down/up) and ping again")
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
        out.detail("the whole reachability matrix, measured and held against trace:")
        do {
            let matrix = try Lab.check(
                plan, options: options, verdicts: TraceVerdicts.provider(for: fixed),
                expectations: LabExpectations.provider(for: plan))
            for line in matrix.rendered().split(separator: "\n") {
                out.detail(String(line))
            }
            guard matrix.passed, matrix.disagreements.isEmpty else {
                out.fail("the matrix has unexpected results or disagrees with trace")
                return false
            }
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
