import Foundation
import WireNet

/// Several hosts' snapshots judged together: what no single host can see. Peers are matched by public key, as
/// lint matches configs (docs/lint.md): each side must list the other's key, an Endpoint that is one of the other
/// host's own addresses must name its ListenPort, both sides' PSK hashes must agree, and no tunnel address may be
/// on two interfaces. Codes are lint's.
public struct SnapshotComparison: Sendable {
    /// The snapshots by host name (the file name: hosts in one machine's namespaces share one kernel hostname).
    public var hosts: [(name: String, snapshot: HostSnapshot)]

    /// A comparison.
    public init(hosts: [(name: String, snapshot: HostSnapshot)]) { self.hosts = hosts }

    struct Side {
        var host: String
        var snapshot: HostSnapshot
        var wg: WireGuardState
        var id: String { "\(host)/\(wg.name)" }
    }

    var sides: [Side] {
        hosts.flatMap { h in h.snapshot.wireguard.map { Side(host: h.name, snapshot: h.snapshot, wg: $0) } }
    }

    /// The findings, grouped by the interface where the fix goes (`HOST/IFACE`).
    public func findings() -> [DoctorFinding] {
        let all = sides
        func owner(_ key: String) -> Side? { all.first { $0.wg.publicKey == key } }
        var findings: [DoctorFinding] = []
        var mismatched = Set<String>()
        // Keys nobody holds.
        for s in all {
            for p in s.wg.peers where owner(p.publicKey) == nil {
                // Interfaces that list s but that s does not list back: the key probably meant.
                let meant = all.filter { o in
                    o.id != s.id && o.wg.peers.contains { $0.publicKey == s.wg.publicKey }
                        && !s.wg.peers.contains { $0.publicKey == o.wg.publicKey }
                }
                let evidence = Evidence("\(s.host): wg show all dump", "\(s.wg.name) \(Doctor.label(p))")
                if let m = meant.first, let key = m.wg.publicKey {
                    mismatched.insert(s.id)
                    findings.append(
                        DoctorFinding(
                            .keyMismatch, .error, interface: s.id, peer: p.publicKey,
                            evidence: [
                                evidence, Evidence("\(m.host): wg show all dump", "\(m.wg.name) lists \(s.id)"),
                            ],
                            cause: "no interface of these hosts holds this key, while \(m.id) lists \(s.id) and is not"
                                + " listed back: handshakes between them never complete",
                            fix: "set this peer's PublicKey = \(key) (\(m.id)'s public key)"
                                + Self.rotationAdvice(m)))
                } else {
                    findings.append(
                        DoctorFinding(
                            .unknownPeer, .info, interface: s.id, peer: p.publicKey, evidence: [evidence],
                            cause: "no snapshot holds this key: the peer's host was probably not collected",
                            fix: "add that host's snapshot to check both sides"))
                }
            }
        }
        for s in all {
            for p in s.wg.peers {
                guard let o = owner(p.publicKey), o.id != s.id else { continue }
                let back = o.wg.peers.first { $0.publicKey == s.wg.publicKey }
                if back == nil, !mismatched.contains(o.id) {
                    findings.append(
                        DoctorFinding(
                            .peerNotMutual, .error, interface: o.id, peer: s.wg.publicKey,
                            evidence: [
                                Evidence("\(s.host): wg show all dump", "\(s.wg.name) lists \(o.id)"),
                                Evidence(
                                    "\(o.host): wg show all dump", "\(o.wg.name) has no peer \(s.wg.publicKey ?? "")"),
                            ],
                            cause: "\(o.id) drops \(s.id)'s handshakes: it has no peer for its key",
                            fix: "add a peer \(s.wg.publicKey ?? "") to \(o.id), or remove \(o.id) from \(s.id)"))
                }
                if let endpoint = p.endpoint, let (ip, port) = Self.split(endpoint), o.wg.listenPort > 0,
                    port != o.wg.listenPort,
                    o.snapshot.links.contains(where: { $0.addresses.contains { IPPrefix($0)?.address == ip } })
                {
                    findings.append(
                        DoctorFinding(
                            .endpointPortMismatch, .error, interface: s.id, peer: p.publicKey,
                            evidence: [
                                Evidence("\(s.host): wg show all dump", "\(s.wg.name) endpoint \(endpoint)"),
                                Evidence("\(o.host): wg show all dump", "\(o.wg.name) listens on \(o.wg.listenPort)"),
                            ],
                            cause: "the Endpoint reaches \(o.host) on a port \(o.wg.name) does not listen on",
                            fix: "set Endpoint = \(endpoint.dropLast(String(port).count))\(o.wg.listenPort)"))
                }
                if let back, s.id < o.id, back.presharedKeyHash != p.presharedKeyHash {
                    let one = (p.presharedKeyHash == nil) != (back.presharedKeyHash == nil)
                    findings.append(
                        DoctorFinding(
                            .pskMismatch, .error, interface: s.id, peer: p.publicKey,
                            evidence: [
                                Evidence(
                                    "\(s.host): wg show all dump",
                                    "\(s.wg.name) PSK hash \(p.presharedKeyHash?.prefix(12).description ?? "(none)")"),
                                Evidence(
                                    "\(o.host): wg show all dump",
                                    "\(o.wg.name) PSK hash \(back.presharedKeyHash?.prefix(12).description ?? "(none)")"
                                ),
                            ],
                            cause: one
                                ? "a PresharedKey on one side only: the handshake's keys differ, it never completes"
                                : "the two sides' PresharedKeys differ: handshakes never complete",
                            fix: "give \(s.id) and \(o.id) the same PresharedKey (wg genpsk), or remove it from both"))
                }
            }
        }
        // Relayed traffic: when s sends to q through host H, q must accept s's addresses from H.
        func addresses(_ x: Side) -> [IPAddress] {
            (x.snapshot.link(x.wg.name)?.addresses ?? []).compactMap { IPPrefix($0) }
                .filter { !Doctor.linkLocal($0) }.map(\.address)
        }
        func covers(_ allowed: [String], _ a: IPAddress) -> Bool {
            allowed.contains { IPPrefix($0)?.contains(a) == true }
        }
        for s in all {
            for p in s.wg.peers {
                guard let o = owner(p.publicKey), o.host != s.host else { continue }
                for q in all where q.host != s.host && q.host != o.host {
                    // q is a peer of some interface of o's host, and q lists that interface back.
                    guard
                        let relayIface = all.first(where: { r in
                            r.host == o.host && r.wg.peers.contains { $0.publicKey == q.wg.publicKey }
                        }), let back = q.wg.peers.first(where: { $0.publicKey == relayIface.wg.publicKey })
                    else { continue }
                    let target = addresses(q)
                    guard !target.isEmpty, target.allSatisfy({ covers(p.allowedIPs, $0) }) else { continue }
                    let missing = addresses(s).filter { !covers(back.allowedIPs, $0) }
                    guard !missing.isEmpty else { continue }
                    findings.append(
                        DoctorFinding(
                            .asymmetricAllowedIPs, .error, interface: q.id, peer: back.publicKey,
                            evidence: [
                                Evidence(
                                    "\(s.host): wg show all dump",
                                    "\(s.wg.name) sends \(target.map(\.description).joined(separator: ", ")) to \(o.id)"
                                ),
                                Evidence(
                                    "\(q.host): wg show all dump",
                                    "\(q.wg.name) allows \(back.allowedIPs.joined(separator: ", "))"
                                        + " from \(relayIface.id)"
                                ),
                            ],
                            cause: "\(q.id) drops \(s.id)'s packets relayed by \(o.host): their source"
                                + " \(missing.map(\.description).joined(separator: ", ")) is not in its AllowedIPs for"
                                + " \(relayIface.id)",
                            fix: "add \(missing.map { "\($0)/\($0.bitWidth)" }.joined(separator: ", ")) (or \(s.id)'s"
                                + " subnet) to AllowedIPs of \(q.id)'s peer \(relayIface.id)"))
                }
            }
        }
        // An internet gateway: a peer sends 0.0.0.0/0 to it, so it must forward and masquerade on its uplink.
        var gateways = Set<String>()
        for s in all {
            for p in s.wg.peers where p.allowedIPs.contains("0.0.0.0/0") {
                guard let o = owner(p.publicKey), o.id != s.id, gateways.insert(o.id).inserted else { continue }
                let doctor = Doctor(snapshot: o.snapshot)
                let reason = Evidence("\(s.host): wg show all dump", "\(s.wg.name) sends 0.0.0.0/0 to \(o.id)")
                if o.snapshot.sysctl["net.ipv4.ip_forward"] == "0" {
                    findings.append(
                        DoctorFinding(
                            .forwardingDisabled, .error, interface: o.id,
                            evidence: [reason, Evidence("\(o.host): /proc/sys/net/ipv4/ip_forward", "0")],
                            cause:
                                "\(s.id) uses \(o.host) as its internet gateway, but \(o.host) does not forward IPv4",
                            fix:
                                "on \(o.host): sysctl -w net.ipv4.ip_forward=1 (and PostUp or /etc/sysctl.d to keep it)"
                        ))
                }
                guard let uplink = doctor.uplink() else { continue }
                if Masquerade.rules(in: o.snapshot, uplink: uplink.name).isEmpty {
                    findings.append(
                        DoctorFinding(
                            .masqueradeMissing, .error, interface: o.id,
                            evidence: [
                                reason,
                                Evidence(
                                    "\(o.host): iptables-save, nft -j list ruleset",
                                    "no MASQUERADE or SNAT out of \(uplink.name)"),
                            ],
                            cause: "\(s.id)'s internet traffic leaves \(o.host) with its tunnel source address, which"
                                + " nothing routes back",
                            fix: "on \(o.host): iptables -t nat -A POSTROUTING -o \(uplink.name) -j MASQUERADE"
                                + " (as a PostUp line)"))
                }
            }
        }
        // One tunnel address on two interfaces.
        var seen: [IPAddress: String] = [:]
        for s in all {
            for a in s.snapshot.link(s.wg.name)?.addresses ?? [] {
                guard let prefix = IPPrefix(a), !Doctor.linkLocal(prefix) else { continue }
                if let first = seen[prefix.address], first != s.id {
                    findings.append(
                        DoctorFinding(
                            .duplicateAddress, .error, interface: s.id,
                            evidence: [
                                Evidence("\(s.host): ip -j -d addr show", "\(s.wg.name) \(a)"),
                                Evidence("ip -j -d addr show", "\(first) has \(prefix.address) too"),
                            ],
                            cause: "two interfaces share one tunnel address: replies go to either",
                            fix: "give \(s.id) an address of its own, and update the peers' AllowedIPs"))
                } else {
                    seen[prefix.address] = s.id
                }
            }
        }
        return findings
    }

    /// Key rotation advice when the key a peer lacks is a hub's (an interface with several peers): every peer must
    /// learn the hub's new key before it switches, so spokes go first and the hub last.
    static func rotationAdvice(_ m: Side) -> String {
        guard m.wg.peers.count > 1 else { return "" }
        return "; if \(m.id) is rotating its key, its \(m.wg.peers.count) peers must all learn the new one first:"
            + " rotate spokes first and the hub last (`wiresmith rotate` prints the order, each step a `wg set`)"
    }

    static func split(_ endpoint: String) -> (IPAddress, Int)? {
        guard let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: colon)...])
        else { return nil }
        let host = endpoint[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard let ip = IPAddress(host) else { return nil }
        return (ip, port)
    }

    /// The findings as a report: one step per interface (`HOST/IFACE`), named `across hosts`.
    public func report() -> DoctorReport {
        let f = findings()
        let steps = sides.map { s in
            let mine = f.filter { $0.interface == s.id }
            return DoctorStep(
                interface: s.id, name: "across hosts",
                detail: mine.isEmpty
                    ? "\(s.wg.peers.count) peer(s) agree with the other snapshots" : "\(mine.count) problem(s)",
                findings: mine)
        }
        return DoctorReport(
            host: hosts.map(\.name).joined(separator: ","), takenAt: hosts.map(\.snapshot.takenAt).max() ?? 0,
            steps: steps, errors: [:])
    }
}
