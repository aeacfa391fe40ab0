import WireNet

extension Doctor {
    /// The fewest bytes an echo reply adds to wg's rx counter: 84 bytes of IPv4 ping padded to 96, plus 32 bytes of
    /// transport header and tag (whitepaper §5.4.6). Keepalives (32 B) and handshake responses (92 B) are less.
    static let echoReplyBytes: UInt64 = 128

    /// What moved during the sampling window (issue #17 step 6), for one peer: counters moving one way only mean the
    /// reply path is filtered; sent but no handshake means keys or UDP; with a capture, "nothing arrives from the
    /// peer's address" (blocked upstream or at the peer) is told from "it arrives and WireGuard never gets it" (this
    /// host drops it) and "it arrives and nothing goes back" (this host drops the reply).
    func trafficStep(_ wg: WireGuardState, _ p: PeerState, _ t: PeerTraffic, captureError: String?) -> DoctorStep {
        var parts = ["sent \(t.txBytes) B, received \(t.rxBytes) B in \(snapshot.traffic?.seconds ?? 0) s"]
        if let probe = t.probe {
            parts.append(
                "ping \(probe.address): \(probe.received)/\(probe.sent) answered"
                    + (probe.error.map { " (\($0))" } ?? ""))
        }
        let wire = TrafficSampler.endpointAddress(t.endpoint ?? "")
        if let i = t.packetsIn, let o = t.packetsOut {
            parts.append(
                "on the wire: \(i) in from \(wire ?? "?") (\(t.dataIn ?? 0) data), \(o) out (\(t.dataOut ?? 0) data)"
                    + (t.tunnelIn.map { ", \($0) from its AllowedIPs reached \(wg.name)" } ?? ""))
            if let ii = t.initiationsIn, let ro = t.responsesOut {
                parts.append(
                    "handshakes: \(ii) initiation(s) in, \(ro) answered, \(t.initiationsOut ?? 0) out,"
                        + " \(t.responsesIn ?? 0) response(s) in")
            }
        } else if let captureError {
            parts.append("no capture: \(captureError)")
        }
        let detail = parts.joined(separator: ", ")
        func step(_ findings: [DoctorFinding]) -> DoctorStep {
            DoctorStep(interface: wg.name, peer: p.publicKey, name: "traffic", detail: detail, findings: findings)
        }
        let source = "wg show all dump (twice, \(snapshot.traffic?.seconds ?? 0) s apart)"
        var evidence = [Evidence(source, "\(Doctor.label(p)): sent \(t.txBytes) B, received \(t.rxBytes) B")]
        if let probe = t.probe {
            evidence.append(
                Evidence("ping -c 3 \(probe.address)", "\(probe.sent) sent, \(probe.received) answered"))
        }
        if let i = t.packetsIn, let o = t.packetsOut, let wire {
            evidence.append(
                Evidence(
                    "tcpdump -i any udp port \(wg.listenPort)",
                    "\(i) datagram(s) from \(wire) to port \(wg.listenPort) (\(t.dataIn ?? 0) carrying data),"
                        + " \(o) from port \(wg.listenPort) to \(wire) (\(t.dataOut ?? 0) carrying data)"
                        + (t.initiationsIn.map {
                            "; \($0) handshake initiation(s) in, \(t.responsesOut ?? 0) response(s) out"
                        } ?? "")))
        }
        if firewallDrops(wg) {
            // The firewall step names the drop; what the window shows follows from it.
            return DoctorStep(
                interface: wg.name, peer: p.publicKey, name: "traffic",
                detail: detail + " (explained by the drop the firewall step names)", findings: [])
        }
        if let wire, let closed = portUnreachableFinding(wg, t, evidence: evidence, wire: wire) {
            return step([closed])
        }
        if let verdict = Doctor.handshakeVerdict(t), let wire {
            return step([handshakeFinding(verdict, wg, t, evidence: evidence, wire: wire)])
        }
        if let wire, let dropped = allowedIPsDropFinding(wg, p, t, evidence: evidence, wire: wire) {
            return step([dropped])
        }
        if t.handshakeAfter == 0 {
            // The handshake step already failed a peer that was sent to and never answered before the window.
            let alreadyFailed = p.endpoint != nil && !(p.txBytes == 0 && p.persistentKeepalive == nil)
            guard t.txBytes > 0, t.endpoint != nil, !alreadyFailed else { return step([]) }
            return step([
                DoctorFinding(
                    .handshakeNever, .error, interface: wg.name, peer: p.publicKey, evidence: evidence,
                    cause: "this host sent to the peer during the window and no handshake completed: its [Peer] for"
                        + " this host has another key (or this PublicKey is not the peer's), or UDP to"
                        + " \(t.endpoint!) is dropped on the way",
                    fix: "compare keys: `wg show \(wg.name) public-key` here must be a PublicKey in the peer's config;"
                        + " run `wiresmith doctor --capture` on the peer while this host sends: initiations arriving"
                        + " there unanswered are a key mismatch (it names it), none arriving means the path drops them")
            ])
        }
        let probed = t.probe.map { $0.sent > 0 } ?? false
        if probed && t.probe!.received > 0 { return step([]) }
        // One way: data left, and nothing reply-sized came back (keepalives and handshakes do not count).
        let oneWay =
            probed
            ? t.txBytes > 0 && t.rxBytes < Doctor.echoReplyBytes : t.txBytes >= Doctor.echoReplyBytes && t.rxBytes == 0
        if let i = t.packetsIn, let o = t.packetsOut, let wire, probed || oneWay {
            if i > 0 && t.rxBytes == 0 {
                return step([
                    DoctorFinding(
                        .inputBlocked, .error, interface: wg.name, peer: p.publicKey, evidence: evidence,
                        cause: "the peer's datagrams arrive on the wire (\(i) from \(wire)) but WireGuard never"
                            + " receives them: this host drops them on the way in (an INPUT rule on the address,"
                            + " conntrack, rp_filter on the uplink)",
                        fix: "find the rule: iptables -L INPUT -v -n and nft list ruleset, look for \(wire);"
                            + " accept UDP to port \(wg.listenPort) from it")
                ])
            }
            if o > 0 && (t.dataIn ?? 0) == 0 && t.rxBytes < Doctor.echoReplyBytes {
                return step([
                    DoctorFinding(
                        .nothingArrives, .error, interface: wg.name, peer: p.publicKey, evidence: evidence,
                        cause: "this host sends to \(wire) and nothing carrying data comes back from it"
                            + (i > 0 ? " (only keepalives or handshakes)" : "") + ": the path drops it"
                            + " (NAT, ISP, security group) or the peer drops or does not answer what it receives"
                            + " (its filter, its FORWARD chain, its AllowedIPs for this host)",
                        fix: "run doctor --capture on the peer: if nothing arrives there either, the path blocks it;"
                            + " if it arrives, the peer's own findings name the drop")
                ])
            }
            if i > 0 && o == 0 {
                return step([
                    DoctorFinding(
                        .replyNotSent, .error, interface: wg.name, peer: p.publicKey, evidence: evidence,
                        cause: "datagrams from \(wire) arrive and nothing goes back: this host drops the reply"
                            + " (OUTPUT, an address rule doctor does not judge)",
                        fix: "find the rule: iptables -L OUTPUT -v -n and nft list ruleset; accept UDP from port"
                            + " \(wg.listenPort) to \(wire)")
                ])
            }
        }
        if oneWay {
            return step([
                DoctorFinding(
                    .trafficOneWay, probed ? .error : .warning, interface: wg.name, peer: p.publicKey,
                    evidence: evidence,
                    cause: "the session is up but the counters moved one way only: what this host sends reaches"
                        + " nothing that answers, so the reply path is filtered (the peer's or a relay's FORWARD"
                        + " chain or firewall, or AllowedIPs on the way back that lack this host's address)",
                    fix: "run doctor on the peer (and on the relay); doctor --capture here tells whether anything"
                        + " comes back on the wire")
            ])
        }
        if probed {
            let routedIn =
                IPAddress(t.probe!.address).flatMap {
                    IPPrefix(address: $0, length: $0.isIPv6 ? 128 : 32)
                }.map { routed($0, into: wg.name) } ?? false
            return step([
                DoctorFinding(
                    .probeUnanswered, .warning, interface: wg.name, peer: p.publicKey, evidence: evidence,
                    cause: t.txBytes == 0
                        ? (routedIn
                            ? "the ping was routed into \(wg.name) and WireGuard sent nothing (its tx did not move):"
                                + " its datagrams are refused on the way out (an OUTPUT rule doctor does not judge,"
                                + " e.g. on the peer's address)"
                            : "the ping never entered the tunnel: no route sends \(t.probe!.address) into \(wg.name)")
                        : "packets come back from the peer but no echo reply: \(t.probe!.address) does not answer"
                            + " ping (its firewall, or the address is not the peer's)",
                    fix: t.txBytes == 0
                        ? (routedIn
                            ? "find the rule: iptables -L OUTPUT -v -n and nft list ruleset; doctor --capture here"
                                + " shows what leaves" : "ip route get \(t.probe!.address) must say dev \(wg.name)")
                        : "probe an address the peer answers on: doctor --probe-to ADDRESS")
            ])
        }
        return step([])
    }
}
