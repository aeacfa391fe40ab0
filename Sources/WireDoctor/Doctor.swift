import WireConfig
import WireNet

/// Judges a `HostSnapshot`: per WireGuard interface its link, keys, UDP socket, packet filters, routes and
/// forwarding; per peer its latest handshake. Pure: the same snapshot gives the same report, so recorded snapshots
/// test every check (the runbook of issue #17, docs/doctor.md).
public struct Doctor: Sendable {
    /// Reject-After-Time (WireGuard whitepaper §6.1): a handshake older than this means no live session.
    public static let rejectAfterTime = 180

    /// What was collected.
    public var snapshot: HostSnapshot

    /// A doctor over `snapshot`.
    public init(snapshot: HostSnapshot) { self.snapshot = snapshot }

    /// Why doctor cannot judge what was asked.
    public enum SelectionError: Error, Equatable, Sendable, CustomStringConvertible {
        /// No WireGuard interface of that name in this namespace.
        case noSuchInterface(String, available: [String])
        /// No peer of the interfaces judged matches.
        case noSuchPeer(String)

        public var description: String {
            switch self {
            case .noSuchInterface(let name, let available):
                let list = available.isEmpty ? "none" : available.joined(separator: ", ")
                return "no WireGuard interface \(name) in this network namespace (there: \(list))"
            case .noSuchPeer(let p):
                return "no peer matches \(p) (give a public key, its first characters, or an address)"
            }
        }
    }

    /// The report for every interface, or only `interface`; `peer` (a public key, its first 4+ characters, or an
    /// address inside its AllowedIPs) narrows the per-peer steps to that peer.
    public func run(interface: String? = nil, peer: String? = nil) throws(SelectionError) -> DoctorReport {
        var chosen = snapshot.wireguard
        if let interface {
            chosen = chosen.filter { $0.name == interface }
            if chosen.isEmpty { throw .noSuchInterface(interface, available: snapshot.wireguard.map(\.name)) }
        }
        var steps: [DoctorStep] = []
        var peerMatched = false
        for wg in chosen {
            steps.append(interfaceStep(wg))
            steps.append(keysStep(wg))
            steps.append(udpStep(wg))
            steps.append(firewallStep(wg))
            steps.append(routesStep(wg))
            steps.append(forwardingStep(wg))
            if let boot = snapshot.boot, let facts = boot.config(wg.name) {
                steps.append(wgQuickStep(wg, facts, boot))
            }
            if let probes = snapshot.traffic?.lanProbes?.filter({ $0.interface == wg.name }), !probes.isEmpty {
                steps.append(lanStep(wg, probes))
            }
            if let strangers = snapshot.traffic?.strangers?.filter({ $0.interface == wg.name }), !strangers.isEmpty {
                steps.append(strangersStep(wg, strangers))
            }
            for p in wg.peers where peer == nil || Doctor.peer(p, matches: peer!) {
                peerMatched = true
                steps.append(handshakeStep(wg, p))
                if let sample = snapshot.traffic, let t = sample.peer(wg.name, p.publicKey) {
                    steps.append(trafficStep(wg, p, t, captureError: sample.captureError))
                }
            }
        }
        if let peer, !peerMatched { throw .noSuchPeer(peer) }
        return DoctorReport(host: snapshot.hostname, takenAt: snapshot.takenAt, steps: steps, errors: snapshot.errors)
    }

    static func peer(_ p: PeerState, matches query: String) -> Bool {
        if p.publicKey == query || (query.count >= 4 && p.publicKey.hasPrefix(query)) { return true }
        guard let address = IPAddress(query) else { return false }
        return p.allowedIPs.contains { IPPrefix($0)?.contains(address) == true }
    }

    /// The WireGuard interfaces that carry peers: two or more means this host relays between them.
    var relaying: Bool { snapshot.wireguard.filter { !$0.peers.isEmpty }.count >= 2 }

    /// A short label for a peer in messages: its first 8 key characters and its AllowedIPs.
    static func label(_ p: PeerState) -> String {
        let allowed = p.allowedIPs.isEmpty ? "no AllowedIPs" : p.allowedIPs.joined(separator: ", ")
        return "peer \(p.publicKey.prefix(8))… (\(allowed))"
    }
}
