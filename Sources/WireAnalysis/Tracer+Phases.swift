import WireConfig

/// Time in the trace: which endpoints a sender has learned from its peer's traffic in each phase (`TracePhase`).
///
/// WireGuard sets a peer's endpoint to the source of the last authenticated packet from it (whitepaper section
/// 2.1, roaming). So a sender without a usable Endpoint for a peer can still reach it once the peer has sent: in
/// the cold phase only what is sent at up counts (PersistentKeepalive, a PostUp `ping`, the kernel's IPv6 router
/// solicitations to a peer whose AllowedIPs cover ff02::2); in the warm phase any traffic; in the idle phase only
/// hosts not behind NAT keep a learned endpoint valid (a NAT mapping expires, an address does not).
extension Tracer {
    /// True when the host sits behind NAT: `behind_nat: true`, or unstated and nobody dials it (no public address,
    /// no Endpoint reaches it) - the way the lab builds it.
    func behindNAT(_ h: Int) -> Bool {
        facts[h].behindNAT ?? !dialed.contains(h)
    }

    /// The NAT UDP timeout of `receiver` when it is behind NAT and a PersistentKeepalive of `keepalive` seconds does
    /// not keep its mapping (the interval is not shorter than the timeout: the mapping expires between two
    /// keepalives, RFC 4787 section 4.3); nil when the keepalive keeps it. `stated` when host.yaml gives the timeout.
    func natTimeout(outlivedBy keepalive: Int, receiver: Int) -> (seconds: Int, stated: Bool)? {
        guard behindNAT(receiver) else { return nil }
        let f = facts[receiver].facts
        let t = f.effectiveNATUDPTimeout
        return keepalive >= t ? (t, f.natUDPTimeout != nil) : nil
    }

    /// A PersistentKeepalive that keeps a NAT mapping of `timeout` seconds: 25 s (wg(8)) when that is shorter, else
    /// half the timeout.
    static func keepalive(under timeout: Int) -> Int { timeout > 25 ? 25 : max(1, timeout / 2) }

    /// How `sender` knows `receiver`'s endpoint from traffic the receiver sent, in `phase`; nil when it does not.
    /// The caller has checked that the receiver can send to the sender (it has a working Endpoint for it).
    func learnedEndpoint(of receiver: IfaceRef, by sender: IfaceRef, phase: TracePhase)
        -> (detail: String, condition: String, setting: String?, location: SourceLocation?)?
    {
        let r = iface(receiver)
        let s = iface(sender)
        switch phase {
        case .cold:
            guard let up = sentAtUp(from: receiver, to: sender) else { return nil }
            return (
                "\(r.qualifiedName) sent to it at up (\(up.what))", "\(r.qualifiedName) sent at up (\(up.what))",
                up.setting, up.location
            )
        case .warm:
            return (
                "\(r.qualifiedName) has sent to \(s.qualifiedName)", "after \(r.qualifiedName) has sent", nil, nil
            )
        case .idle:
            if behindNAT(receiver.host) { return nil }
            return (
                "\(r.qualifiedName) has sent, and \(network.hosts[receiver.host].name) is not behind NAT, so the "
                    + "endpoint learned stays valid",
                "after \(r.qualifiedName) has sent (not behind NAT)", nil, nil
            )
        }
    }

    /// Traffic `from` sends to `to` as it comes up: a PostUp `ping` routed to that peer, or the kernel's IPv6 router
    /// solicitations when its AllowedIPs for the peer cover ff02::2, the all-routers group (RFC 4291 section 2.7.1).
    ///
    /// A WireGuard device is `ARPHRD_NONE`, so the kernel gives it a random IPv6 link-local address at up and, as a
    /// host that accepts router advertisements, solicits routers on it at once (RFC 4861 section 6.3.7), again after
    /// 4 s and then with a backoff doubling up to an hour (RFC 7559; `router_solicitation_max_interval` 3600 s).
    /// Measured with wireguard-go on Linux 6.18 (FIELD-NOTES): solicitations at about 0, 4, 15, 34, 73 s after up;
    /// no MLD report and no duplicate address detection, the device being `NOARP`. Behind NAT they keep the mapping
    /// only while the backoff is shorter than its timeout, so they count at up (cold) and not in the idle phase.
    func sentAtUp(from: IfaceRef, to: IfaceRef) -> (what: String, setting: String, location: SourceLocation?)? {
        let f = iface(from)
        guard let toKey = publicKeys[to.host][to.iface] else { return nil }
        for send in facts[from.host].sentAtUp where send.hook == .postUp {
            guard let route = tables[from.host].lookup(send.target), route.device == f.name,
                let hit = peerMaps[from.host][from.iface].lookup(send.target),
                f.config.peers[hit.value].publicKey == toKey
            else { continue }
            return ("PostUp `\(send.command)`", "PostUp", send.location)
        }
        if let p = peerByKey[from.host][from.iface][toKey] {
            let peer = f.config.peers[p]
            if let cover = Tracer.routerSolicitationEntry(peer.allowedIPs) {
                return (
                    "the kernel's IPv6 router solicitations to ff02::2, which AllowedIPs \(cover) covers; they back "
                        + "off to one an hour, too rarely to keep a NAT mapping",
                    "AllowedIPs",
                    peer.origin?.location(of: cover, key: .allowedIPs)
                )
            }
        }
        return nil
    }

    /// The all-routers group the kernel's router solicitations go to (RFC 4291 section 2.7.1).
    public static let allRouters = IPAddress("ff02::2")!

    /// The entry of a peer's AllowedIPs that takes the router solicitations the kernel sends into the interface by
    /// itself from `up` on (those to `allRouters`, e.g. `::/0`); nil when none does.
    public static func routerSolicitationEntry(_ allowedIPs: [IPPrefix]) -> IPPrefix? {
        allowedIPs.first { $0.contains(allRouters) }
    }
}
