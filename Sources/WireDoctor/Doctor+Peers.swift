extension Doctor {
    /// The latest handshake of a peer: never, stale (older than Reject-After-Time, 180 s, whitepaper §6.1), or
    /// fresh. A peer with an Endpoint that never answered points at keys or the path; one without an Endpoint
    /// must initiate itself, which behind NAT takes PersistentKeepalive on its side.
    func handshakeStep(_ wg: WireGuardState, _ p: PeerState) -> DoctorStep {
        let source = "wg show all dump"
        var findings: [DoctorFinding] = []
        let detail: String
        if p.latestHandshake == 0 {
            detail =
                "never" + (p.endpoint.map { ", endpoint \($0)" } ?? ", no endpoint")
                + ", sent \(p.txBytes) B, received \(p.rxBytes) B"
            if p.endpoint != nil, p.txBytes == 0, p.persistentKeepalive == nil {
                // Nothing was ever sent to it: WireGuard handshakes only when there is something to send. When
                // the sampling window sent something, the traffic step judges what came of it instead.
                let sampled = snapshot.traffic?.peer(wg.name, p.publicKey)
                if let sampled, sampled.txBytes > 0 || sampled.handshakeAfter > 0 {
                    return DoctorStep(
                        interface: wg.name, peer: p.publicKey, name: "handshake", detail: detail, findings: [])
                }
                findings.append(
                    DoctorFinding(
                        .handshakeNever, .info, interface: wg.name, peer: p.publicKey,
                        evidence: [Evidence(source, "\(Doctor.label(p)) latest handshake 0 (never), sent 0 B")],
                        cause: "no traffic was sent to this peer yet, so no handshake was tried",
                        fix: "nothing, unless traffic is expected: then send some (ping) and run doctor again"))
            } else if p.endpoint != nil && firewallDrops(wg) {
                // The firewall step names the drop that keeps the handshake from completing.
            } else if let t = snapshot.traffic?.peer(wg.name, p.publicKey),
                Doctor.handshakeVerdict(t) != nil || (t.portUnreachable ?? 0) > 0
            {
                // The capture saw what became of the handshakes (or a closed port): the traffic step names it.
            } else if let endpoint = p.endpoint {
                findings.append(
                    DoctorFinding(
                        .handshakeNever, .error, interface: wg.name, peer: p.publicKey,
                        evidence: [
                            Evidence(source, "\(Doctor.label(p)) latest handshake 0 (never), endpoint \(endpoint)"),
                            Evidence(source, "sent \(p.txBytes) B, received \(p.rxBytes) B"),
                        ],
                        cause: "the peer never answered: its [Peer] for this host has another key (or this PublicKey"
                            + " is not the peer's), or UDP to \(endpoint) is dropped on the way; this host's own"
                            + " socket and filters were checked in the steps above",
                        fix: "compare keys: `wg show \(wg.name) public-key` here must be a PublicKey in the peer's"
                            + " config, and `wg show` there must print \(p.publicKey); run `wiresmith doctor --capture`"
                            + " on the peer while this host sends: initiations arriving there unanswered are a key"
                            + " mismatch (it names it), none arriving means the path drops them"))
            } else if strangerExplains(wg) {
                // The strangers step names the key mismatch that keeps this peer's handshakes from completing.
            } else {
                findings.append(
                    DoctorFinding(
                        .keepaliveMissing, .warning, interface: wg.name, peer: p.publicKey,
                        evidence: [Evidence(source, "\(Doctor.label(p)) latest handshake 0 (never), endpoint (none)")],
                        cause: "this host does not know where the peer is, so only the peer can start: it never did"
                            + " (behind NAT without PersistentKeepalive, down, or its key for this host is wrong)",
                        fix: "on the peer: PersistentKeepalive = 25 and an Endpoint for this host; or give this peer an"
                            + " Endpoint here"))
            }
        } else {
            let age = max(0, snapshot.takenAt - p.latestHandshake)
            detail = "\(age) s ago, sent \(p.txBytes) B, received \(p.rxBytes) B"
            if age > Doctor.rejectAfterTime {
                let keepalive = p.persistentKeepalive != nil
                findings.append(
                    DoctorFinding(
                        .handshakeStale, keepalive ? .warning : .info, interface: wg.name, peer: p.publicKey,
                        evidence: [
                            Evidence(
                                source,
                                "\(Doctor.label(p)) latest handshake \(age) s ago"
                                    + (keepalive ? ", keepalive \(p.persistentKeepalive!) s" : ", no keepalive"))
                        ],
                        cause: keepalive
                            ? "keepalive should renew the session every 2 minutes: the peer stopped answering"
                            : "no session: normal for an idle peer without keepalive, a problem if traffic is expected",
                        fix: keepalive
                            ? "check the peer is up and its UDP port reachable; run doctor on the peer"
                            : "nothing if idle; else send traffic and run doctor again"))
            }
        }
        return DoctorStep(interface: wg.name, peer: p.publicKey, name: "handshake", detail: detail, findings: findings)
    }
}
