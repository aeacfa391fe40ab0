import Foundation

/// Runs the reachability probes of a running lab.
///
/// Before measuring, it resets every WireGuard session to how it is right after `up` (see `LabSessions`), so a
/// check measures the same thing however often it runs, and waits (bounded) for the handshakes PersistentKeepalive
/// starts by itself, so that what is measured does not depend on timing. Probes then run in parallel in three
/// rounds, so that a NATed host that has not spoken yet is probed before it speaks, as in life: first public hosts
/// to hosts behind NAT, then every probe towards public hosts, last hosts behind NAT to each other.
struct LabCheck {
    var plan: LabPlan
    var shell: Shell
    var progress: (String) -> Void
    var cancellation: LabCancellation?
    /// Longest wait for keepalive handshakes, in seconds.
    var primeTimeout: Double = 8

    /// Every address probed, host by host: tunnel addresses, then LAN addresses and LAN machines.
    static func targets(_ plan: LabPlan) -> [ProbeTarget] {
        plan.hosts.flatMap { h in
            h.interfaces.flatMap { i in
                i.addresses.map { ProbeTarget(host: h.name, label: i.name, address: $0, kind: .tunnel) }
            }
                + h.lans.flatMap { l in
                    [
                        ProbeTarget(host: h.name, label: l.name, address: l.hostAddress, kind: .lanHost),
                        ProbeTarget(host: h.name, label: l.name, address: l.machineAddress, kind: .lanMachine),
                    ]
                }
        }
    }

    func run(verdicts: VerdictProvider?) throws(LabError) -> ReachabilityMatrix {
        var enters: [String: [String]] = [:]
        for h in plan.hosts {
            guard let e = LabState.enter(plan, host: h) else {
                throw .commandFailed(
                    command: "enter \(h.name)", status: -1,
                    output: "the lab's holder process for \(h.name) is gone; run lab down and up")
            }
            enters[h.name] = e
        }
        progress("resetting WireGuard sessions to how they are right after up")
        try LabSessions.reset(plan: plan, shell: shell)
        prime(enters)
        let targets = LabCheck.targets(plan)
        let nat = Set(plan.hosts.filter(\.behindNAT).map(\.name))
        var probes: [(source: String, target: ProbeTarget, round: Int)] = []
        for h in plan.hosts {
            // A host with no tunnel or LAN address of a family has nothing to ping that family from.
            let own = h.interfaces.flatMap(\.addresses) + h.lans.map(\.hostAddress)
            let families = Set(own.map { $0.contains(":") })
            for t in targets where t.host != h.name && families.contains(t.address.contains(":")) {
                let round = nat.contains(t.host) ? (nat.contains(h.name) ? 3 : 1) : 2
                probes.append((h.name, t, round))
            }
        }
        var results: [ProbeResult] = []
        for round in 1...3 {
            if cancellation?.isCancelled == true { throw .interrupted }
            let batch = probes.filter { $0.round == round }
            guard !batch.isEmpty else { continue }
            // One echo with a generous wait answers almost every reachable pair in milliseconds (the handshake
            // included); only the silent ones get a second try, so a failing pair costs about 3.5 s, in parallel.
            var counts = LabCheck.ping(
                batch.map { enters[$0.source]! }, batch.map(\.target.address),
                ["-c", "1", "-W", "2"], shell)
            let retry = counts.indices.filter { counts[$0].received == 0 }
            let again = LabCheck.ping(
                retry.map { enters[batch[$0].source]! }, retry.map { batch[$0].target.address },
                ["-c", "2", "-i", "0.2", "-W", "1"], shell)
            for (i, c) in zip(retry, again) { counts[i] = (counts[i].sent + c.sent, c.received) }
            for (p, c) in zip(batch, counts) {
                results.append(
                    ProbeResult(
                        source: p.source, target: p.target, sent: c.sent, received: c.received,
                        verdict: verdicts?(p.source, p.target)))
            }
            progress("probed \(results.count)/\(probes.count) pairs")
        }
        // Present in host then target order, whatever the rounds were.
        let order = Dictionary(uniqueKeysWithValues: targets.enumerated().map { ($1, $0) })
        let hostOrder = Dictionary(uniqueKeysWithValues: plan.hosts.enumerated().map { ($1.name, $0) })
        results.sort { (hostOrder[$0.source]!, order[$0.target]!) < (hostOrder[$1.source]!, order[$1.target]!) }
        return ReachabilityMatrix(labID: plan.id, sources: plan.hosts.map(\.name), targets: targets, results: results)
    }

    /// Pings `addresses[i]` from inside `enters[i]`, all at once (16 at a time); (sent, received) each.
    static func ping(_ enters: [[String]], _ addresses: [String], _ flags: [String], _ shell: Shell)
        -> [(sent: Int, received: Int)]
    {
        let commands = zip(enters, addresses).map { $0 + ["ping", "-n", "-q"] + flags + [$1] }
        return shell.runAll(commands, width: 16, timeout: 6).map { parsePing($0.output) }
    }

    /// Waits until every peer with PersistentKeepalive and an endpoint has completed a handshake, or the timeout.
    private func prime(_ enters: [String: [String]]) {
        let deadline = Date().addingTimeInterval(primeTimeout)
        var waiting = Array(plan.hosts.map(\.name))
        progress("waiting for keepalive handshakes (at most \(Int(primeTimeout)) s)")
        while !waiting.isEmpty && Date() < deadline {
            let outputs = shell.runAll(waiting.map { enters[$0]! + ["wg", "show", "all", "dump"] }, timeout: 5)
            waiting = zip(waiting, outputs).filter { !LabCheck.keepalivesDone($0.1.output) }.map(\.0)
            if !waiting.isEmpty { usleep(200_000) }
        }
    }

    /// True when no peer in `wg show all dump` has keepalive on, an endpoint, and no handshake yet.
    static func keepalivesDone(_ dump: String) -> Bool {
        for line in dump.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 9 else { continue }  // peer lines; interface lines have 5 fields
            let endpoint = f[3]
            let handshake = f[5]
            let keepalive = f[8]
            if keepalive != "off" && keepalive != "0" && endpoint != "(none)" && handshake == "0" { return false }
        }
        return true
    }

    /// (sent, received) from ping's summary line `3 packets transmitted, 2 received, ...`.
    static func parsePing(_ output: String) -> (Int, Int) {
        for line in output.split(separator: "\n") where line.contains("packets transmitted") {
            let parts = line.split(separator: ",").map { $0.trimmed }
            let sent = Int(parts.first?.split(separator: " ").first ?? "") ?? 0
            let received = parts.dropFirst().first.flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
            return (sent, received)
        }
        return (0, 0)
    }
}
