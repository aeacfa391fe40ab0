extension Doctor {
    /// What the capture says of the handshakes a peer started with this host during the window (whitepaper §5.4.2,
    /// §5.4.3): WireGuard answers every initiation it accepts at once with a response (or, under load, a cookie
    /// reply, §5.4.7) and counts the 148 bytes in the peer's rx; it drops one silently when mac1 was not made with
    /// this interface's public key (§5.4.4) or the sender's static key is none of its peers (or its timestamp is not
    /// newer than the last one accepted, §5.1).
    enum HandshakeVerdict: Equatable {
        /// Initiations arrived from the peer's address, none was accepted (rx did not move), none was answered.
        case rejected(initiations: Int, forAnotherKey: Int)
        /// Initiations arrived and were accepted (rx moved), and no answer left: this host drops its own responses.
        case unanswered(initiations: Int)
        /// Responses to this host's initiations arrived, made for this host's key (mac1), and none was accepted (rx
        /// did not move) while nothing else arrived: the one part of the handshake mac1 does not prove, the
        /// preshared key mixed into the response (§5.4.3, Noise IKpsk2), differs.
        case responsesRejected(responses: Int)
    }

    /// The verdict for `t`, or nil when the capture saw no initiation from the peer or every one was answered.
    static func handshakeVerdict(_ t: PeerTraffic) -> HandshakeVerdict? {
        if let initiations = t.initiationsIn, initiations > 0, t.responsesOut == 0 {
            if t.rxBytes == 0 {
                return .rejected(initiations: initiations, forAnotherKey: t.initiationsForAnotherKey ?? 0)
            }
            if t.packetsOut == 0 { return .unanswered(initiations: initiations) }
        }
        if let responses = t.responsesIn, responses > 0, t.rxBytes == 0, (t.responsesForAnotherKey ?? 0) == 0,
            (t.dataIn ?? 0) == 0
        {
            return .responsesRejected(responses: responses)
        }
        return nil
    }

    /// Whether the firewall step names a drop of this interface's UDP: whatever the window shows then is that drop,
    /// named once there.
    func firewallDrops(_ wg: WireGuardState) -> Bool { !firewallStep(wg).findings.isEmpty }

    /// The finding for a handshake verdict: `key-mismatch` (lint's code for the same fault) when this host's
    /// WireGuard rejected the peer's initiations, `reply-not-sent` when it accepted them and no response left,
    /// `psk-mismatch` (lint's code) when it rejected the peer's responses.
    func handshakeFinding(
        _ verdict: HandshakeVerdict, _ wg: WireGuardState, _ p: PeerTraffic, evidence: [Evidence], wire: String
    ) -> DoctorFinding {
        let ours = wg.derivedPublicKey ?? wg.publicKey ?? "?"
        switch verdict {
        case .rejected(let n, let forAnotherKey) where forAnotherKey == n:
            return DoctorFinding(
                .keyMismatch, .error, interface: wg.name, peer: p.publicKey,
                evidence: evidence + [
                    Evidence(
                        "mac1 of the captured initiations (whitepaper §5.4.4)",
                        "made with another public key than \(wg.name)'s \(ours)")
                ],
                cause: "\(n) handshake initiation(s) arrived from \(wire) and WireGuard dropped them unanswered: their"
                    + " mac1 was not made with this interface's public key, so the peer's [Peer] for this host holds"
                    + " another PublicKey (swapped keys, an old key, another interface's)",
                fix: "in the peer's config, the [Peer] for this host must say PublicKey = \(ours)"
                    + " (`wg show \(wg.name) public-key` here)")
        case .rejected(let n, _) where !(p.initiatorKeys ?? []).isEmpty:
            let keys = p.initiatorKeys!
            let elsewhere = snapshot.wireguard.filter { other in
                other.name != wg.name && other.peers.contains { keys.contains($0.publicKey) }
            }.map(\.name)
            let opened = Evidence(
                "initiations opened with \(wg.name)'s private key (whitepaper §5.4.2)",
                "static key " + keys.joined(separator: ", "))
            if keys == [p.publicKey] {
                // The sender is this peer, with the key this host expects: WireGuard never saw the initiations.
                return DoctorFinding(
                    .inputBlocked, .error, interface: wg.name, peer: p.publicKey, evidence: evidence + [opened],
                    cause: "\(n) handshake initiation(s) from \(wire) carry this peer's own key and were never answered"
                        + " or counted: WireGuard did not receive them (a drop before it that the firewall step does"
                        + " not read: raw table, an address rule), or the peer's clock went back (its timestamps must"
                        + " grow, whitepaper §5.1)",
                    fix: "find the rule: iptables -t raw -S and nft list ruleset, look for \(wire); check the peer's"
                        + " clock")
            }
            return DoctorFinding(
                .keyMismatch, .error, interface: wg.name, peer: p.publicKey, evidence: evidence + [opened],
                cause: "\(n) handshake initiation(s) from \(wire) carry the static key \(keys.joined(separator: ", ")),"
                    + " not this [Peer]'s PublicKey \(p.publicKey): WireGuard drops them"
                    + (elsewhere.isEmpty
                        ? " (the peer's private key changed, or this entry holds another host's key)"
                        : "; that key is a peer of \(elsewhere.joined(separator: ", ")) here: keys swapped between"
                            + " interfaces"),
                fix: "if \(wire) is this peer, set its PublicKey here to \(keys[0]) (wg set \(wg.name) peer"
                    + " \(keys[0]) ..., and in the config); else restore the peer's private key")
        case .rejected(let n, _):
            return DoctorFinding(
                .keyMismatch, .error, interface: wg.name, peer: p.publicKey,
                evidence: evidence + [
                    Evidence(
                        "mac1 of the captured initiations (whitepaper §5.4.4)",
                        "made with \(wg.name)'s public key, or not captured whole")
                ],
                cause: "\(n) handshake initiation(s) arrived from \(wire) and WireGuard dropped them unanswered: the"
                    + " sender knows this host's key, but its own static key is not this [Peer]'s PublicKey"
                    + " \(p.publicKey) (the peer's private key changed, or this entry holds another host's key);"
                    + " less likely, the sender's clock went back (timestamps must grow, whitepaper §5.1) or a"
                    + " drop before WireGuard that the firewall step does not read (raw table, an address rule)",
                fix: "on the peer, `wg show IFACE public-key` must print \(p.publicKey); if it prints another key, set"
                    + " this [Peer]'s PublicKey to it (or restore the peer's private key)")
        case .unanswered(let n):
            return DoctorFinding(
                .replyNotSent, .error, interface: wg.name, peer: p.publicKey, evidence: evidence,
                cause: "\(n) handshake initiation(s) from \(wire) were accepted (rx moved) and no response left for"
                    + " it: this host drops its own datagrams on the way out (an OUTPUT rule doctor does not judge,"
                    + " e.g. on the peer's address)",
                fix: "find the rule: iptables -L OUTPUT -v -n and nft list ruleset, look for \(wire); accept UDP"
                    + " from port \(wg.listenPort) to it")
        case .responsesRejected(let n):
            return DoctorFinding(
                .pskMismatch, .error, interface: wg.name, peer: p.publicKey,
                evidence: evidence + [
                    Evidence(
                        "mac1 of the captured responses (whitepaper §5.4.4)",
                        "made with \(wg.name)'s public key: the peer holds this host's key and accepted its initiation")
                ],
                cause: "\(n) handshake response(s) arrived from \(wire) and WireGuard rejected them (rx did not move):"
                    + " the peer accepted this host's initiation, so both public keys are right, and the part of the"
                    + " response mac1 does not prove, the preshared key (whitepaper §5.4.3), differs: a PresharedKey"
                    + " on one side only, or two different ones; less likely, a drop before WireGuard that the firewall"
                    + " step does not read (raw table, an address rule)",
                fix: "give both sides the same PresharedKey for this peering, or neither (to compare them without"
                    + " showing them: doctor --snapshot here and on the peer, then wiresmith lint over both files)")
        }
    }
}
