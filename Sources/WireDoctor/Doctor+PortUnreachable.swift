extension Doctor {
    /// The peer's host answered this host's datagrams with ICMP "port unreachable" (RFC 792 type 3 code 3, RFC 4443
    /// type 1 code 4) during a capture: no socket is bound on the Endpoint's port there, so the Endpoint names
    /// another port than the peer's WireGuard listens on (lint's `endpoint-port-mismatch`), or its WireGuard is not
    /// running. Nil when no such error was captured.
    func portUnreachableFinding(
        _ wg: WireGuardState, _ t: PeerTraffic, evidence: [Evidence], wire: String
    ) -> DoctorFinding? {
        guard let n = t.portUnreachable, n > 0 else { return nil }
        let port = t.unreachablePort.map(String.init) ?? "?"
        return DoctorFinding(
            .endpointPortMismatch, .error, interface: wg.name, peer: t.publicKey,
            evidence: evidence + [
                Evidence(
                    "tcpdump -i any icmp or icmp6",
                    "\(n) ICMP port unreachable from \(wire) for UDP from port \(wg.listenPort) to port \(port)")
            ],
            cause: "the peer's host answers that nothing listens on UDP port \(port): this [Peer]'s Endpoint names"
                + " another port than the peer's WireGuard listens on (or its WireGuard is not running there)",
            fix: "on the peer, `wg show IFACE listen-port` prints the port; set it here: wg set \(wg.name) peer"
                + " \(t.publicKey) endpoint \(wire.contains(":") ? "[\(wire)]" : wire):PORT, and in the config's"
                + " Endpoint")
    }
}
