import Foundation
import WireConfig

/// Puts WireGuard sessions back to how they are right after `up`: no session, no learned endpoint, and again what
/// the interfaces' PostUp commands and the kernel's IPv6 router solicitations send.
///
/// Used by `reload` (a restarted daemon leaves its peers with sessions it no longer knows, from which WireGuard
/// recovers only after its 15 s no-reply timeout, whitepaper section 6.1) and by `check` before measuring a host
/// in the cold phase (so a host behind NAT without PersistentKeepalive is as unreachable as right after `up`,
/// however much it spoke before).
enum LabSessions {
    /// Removes every peer of every interface that is up, then adds them back from the interface's config (`wg
    /// addconf` of `wg-quick strip`, which keeps the device's ListenPort and the FwMark wg-quick set; `wg syncconf`
    /// would reset both). Interfaces that only answer (no Endpoint for any peer) get their peers back first, so the
    /// handshakes initiators start at once (PersistentKeepalive) land on a peer that knows them. Last, the PostUp
    /// commands that send traffic (`ping`) run again, as wg-quick ran them at `up`: their effect (the hub has
    /// learned the client's endpoint) is part of the state right after `up`, and a reset must not undo it. So are
    /// the router solicitations the kernel sends at `up` into an interface whose peer's AllowedIPs cover ff02::2:
    /// they are replayed too (see `LabRouterSolicitations`).
    ///
    /// Returns the interfaces (`host/wg0`) that were planned up but are gone, with what was seen (they are left
    /// alone), and those whose router solicitations were replayed.
    @discardableResult
    static func reset(plan: LabPlan, shell: Shell) -> (gone: [String: String], soliciting: Set<String>) {
        var gone: [String: String] = [:]
        var work: [(host: HostPlan, iface: InterfacePlan, enter: [String], config: WireGuardConfig)] = []
        let live = liveInterfaces(plan: plan, shell: shell)
        for host in plan.hosts {
            guard let enter = LabState.enter(plan, host: host) else {
                for i in host.interfaces where i.failure == nil {
                    gone["\(host.name)/\(i.name)"] = "the host's holder process is gone"
                }
                continue
            }
            for iface in host.interfaces where iface.failure == nil {
                guard live[host.name]?.contains(iface.name) == true else {
                    gone["\(host.name)/\(iface.name)"] = "\(iface.name) no longer exists on \(host.name)"
                    continue
                }
                guard let text = try? String(contentsOfFile: iface.labFile, encoding: .utf8) else { continue }
                let config = ConfigParser().parse(text, file: iface.labFile).config
                work.append((host, iface, enter, config))
            }
        }
        func run(_ batch: [(String, [String])], _ what: String) {
            let results = shell.runAll(batch.map(\.1), width: 8, timeout: 30)
            for ((name, _), r) in zip(batch, results) where !r.succeeded && gone[name] == nil {
                gone[name] = "\(what) \(name) failed: \(r.output.trimmed)"
            }
        }
        let withPeers = work.filter { !$0.config.peers.isEmpty }
        run(
            withPeers.map { w in
                (
                    "\(w.host.name)/\(w.iface.name)",
                    w.enter + ["wg", "set", w.iface.name]
                        + w.config.peers.flatMap { ["peer", $0.publicKey.base64, "remove"] }
                )
            }, "removing the peers of")
        for initiators in [false, true] {
            run(
                withPeers.filter { $0.config.peers.contains { $0.endpoint != nil } == initiators }.map { w in
                    let stripped = "\(w.iface.labFile).stripped"
                    let script =
                        "umask 077; set -e; wg-quick strip '\(w.iface.labFile)' > '\(stripped)'"
                        + "; wg addconf \(w.iface.name) '\(stripped)'; rm -f '\(stripped)'"
                    return ("\(w.host.name)/\(w.iface.name)", w.enter + ["sh", "-c", script])
                }, "adding back the peers of")
        }
        let soliciting = withPeers.filter { LabRouterSolicitations.sent(by: $0.config) }
        let replayed = shell.runAll(
            soliciting.map { w in
                w.enter + ["sh", "-c", LabRouterSolicitations.replayScript(interface: w.iface.name)]
            }, width: 8, timeout: 15)
        let sending = work.flatMap { w in
            sendingHooks(w.config.interface.postUp, interface: w.iface.name).map { w.enter + ["sh", "-c", $0] }
        }
        _ = shell.runAll(sending, width: 8, timeout: 15)
        var solicited: Set<String> = []
        for (w, r) in zip(soliciting, replayed)
        where r.succeeded && r.output.split(separator: "\n").contains(where: { $0.hasPrefix("fe80:") }) {
            solicited.insert("\(w.host.name)/\(w.iface.name)")
        }
        return (gone, solicited)
    }

    /// The WireGuard interfaces each host has now (`wg show interfaces`), by host name.
    static func liveInterfaces(plan: LabPlan, shell: Shell) -> [String: Set<String>] {
        let hosts = plan.hosts.compactMap { h in LabState.enter(plan, host: h).map { (h.name, $0) } }
        let outputs = shell.runAll(hosts.map { $0.1 + ["wg", "show", "interfaces"] }, width: 8, timeout: 10)
        var live: [String: Set<String>] = [:]
        for ((name, _), r) in zip(hosts, outputs) where r.succeeded {
            live[name] = Set(r.output.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }
        return live
    }

    /// The PostUp commands that send traffic and are safe to run again: those whose first word is `ping` or
    /// `ping6` (wg-quick's `%i` replaced by the interface name, as wg-quick does).
    static func sendingHooks(_ postUp: [String], interface: String) -> [String] {
        postUp.map { $0.replacingOccurrences(of: "%i", with: interface) }.filter { line in
            let first = line.split(separator: " ").first.map(String.init) ?? ""
            return first == "ping" || first == "ping6"
        }
    }
}
