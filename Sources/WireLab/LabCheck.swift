import Foundation

/// Runs the reachability probes of a running lab, phase by phase (cold, warm, idle; see `LabPhase`).
///
/// Probes never measure an artefact of probing:
/// - One target host at a time: every other host pings it at once, and the target itself sends nothing but
///   replies. So no pair is ever probed in both directions at the same moment (simultaneous first packets make the
///   two handshakes collide, and on wireguard-go nothing passes for about 5 s; Rekey-Timeout, whitepaper 6.4).
/// - Cold: before a host behind NAT is probed, every session is reset to how it is right after `up` (see
///   `LabSessions`) and the check waits until that host's PersistentKeepalive handshakes are observed (`wg show
///   dump`), so the host has sent exactly what it sends by itself.
/// - Warm: every host first sends to every peer it has an endpoint for, and the check waits until those
///   handshakes are observed.
/// - Idle: before a host behind NAT is probed, the NAT mappings no keepalive refreshes are expired (see
///   `LabMappings`); probes answered because the host sent on its own since then are made again.
/// Readiness is observed (handshakes, counters), never slept for; the only waits are bounded observation loops and
/// ping's own reply timeout.
struct LabCheck {
    var plan: LabPlan
    var shell: Shell
    var progress: (String) -> Void
    var cancellation: LabCancellation?
    /// The phases to measure, in order.
    var phases: [LabPhase] = LabPhase.allCases
    /// Longest wait for the handshakes a step expects, in seconds (reached only when a handshake cannot complete).
    var handshakeTimeout: Double = 8
    /// Also probe the internet router's test addresses from every host (after the hosts, in every phase).
    var internet = false
    /// How many times the probes to one host behind NAT are made in the idle phase, at most (see `run`).
    static let idleAttempts = 4

    /// The internet router's test addresses as probe targets.
    static let internetTargets = LabBuilder.internetTestAddresses.map {
        ProbeTarget(host: "internet", label: "test", address: $0, kind: .internet)
    }

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

    /// True for a host others can reach only after it has sent: behind NAT with no forwarded port.
    static func reachedOnlyAfterSending(_ h: HostPlan) -> Bool { h.nat.map { $0.forwardedPorts.isEmpty } ?? false }

    /// A probe to make: from `source` to `target`.
    struct Probe {
        var source: String
        var target: ProbeTarget
    }

    func run(
        verdicts: VerdictProvider?, expectations: ExpectationProvider? = DefaultExpectations.provider
    ) throws(LabError) -> ReachabilityMatrix {
        let started = Date()
        var enters: [String: [String]] = [:]
        for h in plan.hosts {
            guard let e = LabState.enter(plan, host: h) else {
                throw .commandFailed(
                    command: "enter \(h.name)", status: -1,
                    output: "the lab's holder process for \(h.name) is gone; run lab down and up")
            }
            enters[h.name] = e
        }
        let targets = LabCheck.targets(plan) + (internet ? LabCheck.internetTargets : [])
        // A host with no tunnel or LAN address of a family has nothing to ping that family from.
        var probes: [Probe] = []
        var own: [String: Set<String>] = [:]
        for h in plan.hosts {
            let addresses = h.interfaces.flatMap(\.addresses) + h.lans.map(\.hostAddress)
            own[h.name] = Set(addresses)
            let families = Set(addresses.map { $0.contains(":") })
            for t in targets where t.host != h.name && families.contains(t.address.contains(":")) {
                probes.append(Probe(source: h.name, target: t))
            }
        }
        // Who holds each address (a reused tunnel address has several holders).
        var holders: [String: [String]] = [:]
        for t in targets where t.kind != .internet && holders[t.address]?.contains(t.host) != true {
            holders[t.address, default: []].append(t.host)
        }
        let silent = plan.hosts.filter(LabCheck.reachedOnlyAfterSending).map(\.name)
        let dialable = plan.hosts.map(\.name).filter { !silent.contains($0) } + (internet ? ["internet"] : [])
        var gone: [String: String] = [:]
        var results: [ProbeResult] = []

        func measure(_ host: String, _ phase: LabPhase) throws(LabError) {
            if cancellation?.isCancelled == true { throw .interrupted }
            let batch = probes.filter { $0.target.host == host }
            // A target address the source has itself (a reused address) would be answered by the source: not
            // pinged, and not counted as reaching the other host.
            let reused = batch.filter { own[$0.source]!.contains($0.target.address) }
            let sent = batch.filter { !own[$0.source]!.contains($0.target.address) }
            let plain = sent.filter { (holders[$0.target.address]?.count ?? 0) < 2 }
            let counts = LabCheck.probe(plain.map { enters[$0.source]! }, plain.map(\.target.address), shell)
            for (p, c) in zip(plain, counts) {
                results.append(result(p, phase, c.sent, c.received, nil, verdicts, expectations))
            }
            // An address several hosts hold: one probe at a time, and the answer counts for the target only when
            // the target itself sent the echo reply (its ICMP counter moved), not another holder.
            for p in sent where (holders[p.target.address]?.count ?? 0) >= 2 {
                let hs = holders[p.target.address]!.filter { enters[$0] != nil }
                let six = p.target.address.contains(":")
                let before = LabCheck.echoReplies(hs.map { enters[$0]! }, six: six, shell)
                let c = LabCheck.probe([enters[p.source]!], [p.target.address], shell)[0]
                let after = LabCheck.echoReplies(hs.map { enters[$0]! }, six: six, shell)
                let answeredBy = zip(hs, zip(before, after)).filter { $0.1.1 > $0.1.0 }.map(\.0)
                if c.received > 0 && !answeredBy.contains(p.target.host) {
                    let who = answeredBy.isEmpty ? "another host" : answeredBy.joined(separator: ", ")
                    let note = "\(p.target.address) is also held by \(who), which answered; \(p.target.host) did not"
                    results.append(result(p, phase, c.sent, 0, note, verdicts, expectations))
                } else {
                    results.append(result(p, phase, c.sent, c.received, nil, verdicts, expectations))
                }
            }
            for p in reused {
                let note = "\(p.target.address) is also \(p.source)'s own address: the ping would never leave it"
                results.append(result(p, phase, 0, 0, note, verdicts, expectations))
            }
            progress("\(phase.rawValue): \(batch.count) probes to \(host), \(results.count) done")
        }

        for phase in phases {
            switch phase {
            case .cold:
                progress("cold: resetting WireGuard sessions to how they are right after up, one host at a time")
                for d in silent {
                    if cancellation?.isCancelled == true { throw .interrupted }
                    let reset = LabSessions.reset(plan: plan, shell: shell)
                    gone.merge(reset.gone) { a, _ in a }
                    awaitKeepalives(of: [d], enters, soliciting: reset.soliciting)
                    try measure(d, .cold)
                }
                if silent.isEmpty {
                    let reset = LabSessions.reset(plan: plan, shell: shell)
                    gone.merge(reset.gone) { a, _ in a }
                    awaitKeepalives(of: plan.hosts.map(\.name), enters, soliciting: reset.soliciting)
                }
                for d in dialable { try measure(d, .cold) }
            case .warm:
                progress("warm: every host sends to every peer it has an endpoint for")
                speak(enters)
                for h in plan.hosts.map(\.name) + (internet ? ["internet"] : []) { try measure(h, .warm) }
            case .idle:
                progress("idle: NAT mappings no keepalive refreshes expire before each host behind NAT is probed")
                for d in silent {
                    // A host may send on its own after its mapping expired (the kernel's router solicitations
                    // into a tunnel covering ff02::2, a keepalive longer than the NAT's timeout): that moment is
                    // not idle, and what it teaches its peers lasts until the mapping expires again. An answered
                    // probe while a deleted mapping of the host is back measured such a moment, so it is made
                    // again: the next send is further away (the solicitations back off; a keepalive waits its
                    // interval), and the count of attempts is bounded.
                    for attempt in 1...LabCheck.idleAttempts {
                        let unkept = LabMappings.unkept(plan: plan, shell: shell, enters: enters) {
                            $0.nat?.effectiveUDPTimeout ?? Int.max
                        }
                        LabMappings.expire(unkept, shell: shell)
                        let mark = results.count
                        try measure(d, .idle)
                        guard results[mark...].contains(where: { $0.received > 0 }) else { break }
                        let back = LabMappings.present(unkept.filter { $0.host == d }, shell: shell)
                        if back.isEmpty { break }
                        let sent =
                            "\(d) sent towards \(back.map(\.address).joined(separator: ", ")) after its mapping expired"
                        guard attempt < LabCheck.idleAttempts else {
                            for i in results.indices[mark...] where results[i].received > 0 && results[i].note == nil {
                                results[i].note = "\(sent), in each of \(attempt) attempts: not measured idle"
                            }
                            break
                        }
                        results.removeSubrange(mark...)
                        progress("idle: \(sent); measuring again (\(attempt + 1) of \(LabCheck.idleAttempts))")
                    }
                }
                for d in dialable { try measure(d, .idle) }
            }
        }
        // Present in host, target, then phase order, whatever order they were measured in.
        let order = Dictionary(targets.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let hostOrder = Dictionary(uniqueKeysWithValues: plan.hosts.enumerated().map { ($1.name, $0) })
        results = results.filter { hostOrder[$0.source] != nil && order[$0.target] != nil }
        let phaseOrder = Dictionary(uniqueKeysWithValues: phases.enumerated().map { ($1, $0) })
        results.sort {
            (hostOrder[$0.source]!, order[$0.target]!, phaseOrder[$0.phase]!)
                < (hostOrder[$1.source]!, order[$1.target]!, phaseOrder[$1.phase]!)
        }
        let live = LabSessions.liveInterfaces(plan: plan, shell: shell)
        var interfaces: [InterfaceState] = []
        for h in plan.hosts {
            for i in h.interfaces {
                let key = "\(h.name)/\(i.name)"
                if let f = i.failure {
                    interfaces.append(InterfaceState(host: h.name, name: i.name, up: false, reason: f))
                } else if let g = gone[key] {
                    interfaces.append(InterfaceState(host: h.name, name: i.name, up: false, reason: g))
                } else if live[h.name]?.contains(i.name) != true {
                    interfaces.append(
                        InterfaceState(
                            host: h.name, name: i.name, up: false,
                            reason: "\(i.name) disappeared from \(h.name) during the check"))
                } else {
                    interfaces.append(InterfaceState(host: h.name, name: i.name, up: true))
                }
            }
        }
        return ReachabilityMatrix(
            labID: plan.id, sources: plan.hosts.map(\.name), targets: targets, phases: phases, results: results,
            interfaces: interfaces, seconds: Date().timeIntervalSince(started))
    }

    private func result(
        _ p: Probe, _ phase: LabPhase, _ sent: Int, _ received: Int, _ note: String?,
        _ verdicts: VerdictProvider?, _ expectations: ExpectationProvider?
    ) -> ProbeResult {
        var note = note
        if note == nil, let i = plan.host(p.target.host)?.interfaces.first(where: { $0.name == p.target.label }),
            p.target.kind == .tunnel, let f = i.failure
        {
            note = "\(p.target.host)/\(i.name) is down: \(f)"
        }
        // The intent speaks of the network's own addresses; the internet test address is held against trace only.
        let expectation = p.target.kind == .internet ? nil : expectations?(p.source, p.target)
        return ProbeResult(
            source: p.source, target: p.target, phase: phase, sent: sent, received: received,
            verdict: verdicts?(p.source, p.target, phase), expectation: expectation, note: note)
    }

    /// Pings `addresses[i]` from inside `enters[i]`, all at once (16 at a time): one echo with a generous wait,
    /// which answers a reachable pair in milliseconds (the handshake included); the silent ones get a second try of
    /// two echoes. (sent, received) each.
    static func probe(_ enters: [[String]], _ addresses: [String], _ shell: Shell) -> [(sent: Int, received: Int)] {
        var counts = ping(enters, addresses, ["-c", "1", "-W", "2"], shell)
        let retry = counts.indices.filter { counts[$0].received == 0 }
        let again = ping(
            retry.map { enters[$0] }, retry.map { addresses[$0] }, ["-c", "2", "-i", "0.2", "-W", "1"], shell)
        for (i, c) in zip(retry, again) { counts[i] = (counts[i].sent + c.sent, c.received) }
        return counts
    }

    /// How many ICMP echo replies each namespace has sent (`OutEchoReps` in /proc/net/snmp, `Icmp6OutEchoReplies`
    /// in /proc/net/snmp6: per network namespace).
    static func echoReplies(_ enters: [[String]], six: Bool, _ shell: Shell) -> [Int] {
        let file = six ? "/proc/net/snmp6" : "/proc/net/snmp"
        return shell.runAll(enters.map { $0 + ["cat", file] }, width: 8, timeout: 5).map {
            six ? snmp6(echoRepliesIn: $0.output) : snmp(echoRepliesIn: $0.output)
        }
    }

    /// `OutEchoReps` from /proc/net/snmp: the second `Icmp:` line holds the values of the first's names.
    static func snmp(echoRepliesIn text: String) -> Int {
        let icmp = text.split(separator: "\n").filter { $0.hasPrefix("Icmp:") }.map { $0.split(separator: " ") }
        guard icmp.count >= 2, let i = icmp[0].firstIndex(of: "OutEchoReps"), i < icmp[1].count else { return 0 }
        return Int(icmp[1][i]) ?? 0
    }

    /// `Icmp6OutEchoReplies` from /proc/net/snmp6 (one `name value` line each).
    static func snmp6(echoRepliesIn text: String) -> Int {
        for line in text.split(separator: "\n") {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if f.count == 2 && f[0] == "Icmp6OutEchoReplies" { return Int(f[1]) ?? 0 }
        }
        return 0
    }

    /// Pings `addresses[i]` from inside `enters[i]`, all at once (16 at a time); (sent, received) each.
    static func ping(_ enters: [[String]], _ addresses: [String], _ flags: [String], _ shell: Shell)
        -> [(sent: Int, received: Int)]
    {
        let commands = zip(enters, addresses).map { $0 + ["ping", "-n", "-q"] + flags + [$1] }
        return shell.runAll(commands, width: 16, timeout: 8).map { parsePing($0.output) }
    }

    /// Waits until every peer of `hosts` that is sent to at `up` and has an endpoint shows a handshake, or the
    /// timeout (a handshake that cannot complete): peers with PersistentKeepalive, and on the interfaces of
    /// `soliciting` (`host/wg0`) the peers the kernel's router solicitations go to.
    private func awaitKeepalives(of hosts: [String], _ enters: [String: [String]], soliciting: Set<String>) {
        let deadline = Date().addingTimeInterval(handshakeTimeout)
        var waiting = hosts.filter { enters[$0] != nil }
        while !waiting.isEmpty && Date() < deadline {
            let outputs = shell.runAll(waiting.map { enters[$0]! + ["wg", "show", "all", "dump"] }, timeout: 5)
            waiting = zip(waiting, outputs).filter { h, out in
                let mine = Set(soliciting.filter { $0.hasPrefix(h + "/") }.map { String($0.dropFirst(h.count + 1)) })
                return !LabCheck.keepalivesDone(out.output, soliciting: mine)
            }.map(\.0)
            if !waiting.isEmpty { usleep(100_000) }
        }
    }

    /// Makes every host send to every peer it has an endpoint for (PersistentKeepalive turned to 1 s, which sends a
    /// keepalive at once), waits until each of those peers has a handshake and more bytes sent than before, then
    /// puts every keepalive back as the config has it.
    private func speak(_ enters: [String: [String]]) {
        let hosts = plan.hosts.map(\.name).filter { enters[$0] != nil }
        func dumps() -> [String: [WgDump.Peer]] {
            let outputs = shell.runAll(hosts.map { enters[$0]! + ["wg", "show", "all", "dump"] }, timeout: 5)
            return Dictionary(uniqueKeysWithValues: zip(hosts, outputs.map { WgDump($0.output).peers }))
        }
        let before = dumps()
        var commands: [[String]] = []
        var restore: [[String]] = []
        for h in hosts {
            let peers = before[h]!.filter { $0.endpoint != nil }
            for iface in Set(peers.map(\.interface)).sorted() {
                let mine = peers.filter { $0.interface == iface }
                commands.append(
                    enters[h]! + ["wg", "set", iface]
                        + mine.flatMap { ["peer", $0.publicKey, "persistent-keepalive", "1"] })
                restore.append(
                    enters[h]! + ["wg", "set", iface]
                        + mine.flatMap {
                            ["peer", $0.publicKey, "persistent-keepalive", $0.keepalive.map(String.init) ?? "off"]
                        })
            }
        }
        _ = shell.runAll(commands, width: 8, timeout: 10)
        let deadline = Date().addingTimeInterval(handshakeTimeout)
        while Date() < deadline {
            let now = dumps()
            let pending = hosts.contains { h in
                before[h]!.contains { old in
                    old.endpoint != nil
                        && !(now[h] ?? []).contains {
                            $0.interface == old.interface && $0.publicKey == old.publicKey && $0.latestHandshake > 0
                                && $0.txBytes > old.txBytes
                        }
                }
            }
            if !pending { break }
            usleep(100_000)
        }
        _ = shell.runAll(restore, width: 8, timeout: 10)
    }

    /// True when no peer in `wg show all dump` is sent to at `up` - keepalive on, or on an interface of
    /// `soliciting` with AllowedIPs that take the router solicitations - and has an endpoint but no handshake yet.
    static func keepalivesDone(_ dump: String, soliciting: Set<String> = []) -> Bool {
        !WgDump(dump).peers.contains { p in
            let sent =
                p.keepalive != nil
                || (soliciting.contains(p.interface) && LabRouterSolicitations.reaches(dumped: p.allowedIPs))
            return sent && p.endpoint != nil && p.latestHandshake == 0
        }
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
