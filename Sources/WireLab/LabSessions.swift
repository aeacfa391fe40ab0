import Foundation
import WireConfig

/// Puts WireGuard sessions back to how they are right after `up`: no session, and no learned endpoint.
///
/// Used by `reload` (a restarted daemon leaves its peers with sessions it no longer knows, from which WireGuard
/// recovers only after its 15 s no-reply timeout, whitepaper section 6.1) and before every `check` (so a host behind
/// NAT without PersistentKeepalive is as unreachable as trace predicts, however much it spoke in an earlier check).
enum LabSessions {
    /// Removes every peer of every interface, then adds them back from the interface's config (`wg addconf` of
    /// `wg-quick strip`, which keeps the device's ListenPort and the FwMark wg-quick set; `wg syncconf` would reset
    /// both). Interfaces that only answer (no Endpoint for any peer) get their peers back first, so the handshakes
    /// initiators start at once (PersistentKeepalive) land on a peer that knows them.
    static func reset(plan: LabPlan, shell: Shell) throws(LabError) {
        var work: [(host: HostPlan, iface: InterfacePlan, enter: [String], config: WireGuardConfig)] = []
        for host in plan.hosts {
            guard let enter = LabState.enter(plan, host: host) else { continue }
            for iface in host.interfaces {
                guard let text = try? String(contentsOfFile: iface.labFile, encoding: .utf8) else { continue }
                let config = ConfigParser().parse(text, file: iface.labFile).config
                if !config.peers.isEmpty { work.append((host, iface, enter, config)) }
            }
        }
        func run(_ batch: [(String, [String])], _ what: String) throws(LabError) {
            let results = shell.runAll(batch.map(\.1), width: 8, timeout: 30)
            for ((name, _), r) in zip(batch, results) where !r.succeeded {
                throw .commandFailed(command: "\(what) \(name)", status: r.status, output: r.output)
            }
        }
        try run(
            work.map { w in
                (
                    "\(w.host.name)/\(w.iface.name)",
                    w.enter + ["wg", "set", w.iface.name]
                        + w.config.peers.flatMap { ["peer", $0.publicKey.base64, "remove"] }
                )
            }, "remove the peers of")
        for initiators in [false, true] {
            try run(
                work.filter { $0.config.peers.contains { $0.endpoint != nil } == initiators }.map { w in
                    let stripped = "\(w.iface.labFile).stripped"
                    let script =
                        "umask 077; set -e; wg-quick strip '\(w.iface.labFile)' > '\(stripped)'"
                        + "; wg addconf \(w.iface.name) '\(stripped)'; rm -f '\(stripped)'"
                    return ("\(w.host.name)/\(w.iface.name)", w.enter + ["sh", "-c", script])
                }, "add back the peers of")
        }
    }
}
