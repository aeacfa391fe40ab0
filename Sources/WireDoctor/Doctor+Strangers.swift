extension Doctor {
    /// Handshake initiations from addresses that are no endpoint of this interface's peers, none answered (issue
    /// #17 step 2, from one host): WireGuard dropped them because their mac1 was made for another public key than
    /// the interface's (§5.4.4), or because the static key they carry, opened with the interface's private key
    /// (§5.4.2), is no [Peer] of it. Named `key-mismatch` (lint's code); an error when a peer of the interface
    /// never completed a handshake (the likely intended sender), else a warning (an old or unknown client).
    func strangersStep(_ wg: WireGuardState, _ strangers: [StrangerInitiations]) -> DoctorStep {
        let ours = wg.derivedPublicKey ?? wg.publicKey ?? "?"
        let silent = wg.peers.filter { $0.latestHandshake == 0 }
        let candidates = silent.map { Doctor.label($0) }.joined(separator: "; ")
        var findings: [DoctorFinding] = []
        for s in strangers where s.answered == 0 && (s.forAnotherKey > 0 || !s.keys.isEmpty) {
            let keyed = s.keys.filter { k in !wg.peers.contains { $0.publicKey == k } }
            guard s.forAnotherKey > 0 || !keyed.isEmpty else { continue }
            var evidence = [
                Evidence(
                    "tcpdump -i any udp port \(wg.listenPort)",
                    "\(s.initiations) handshake initiation(s) from \(s.address), none answered; no peer's endpoint")
            ]
            if s.forAnotherKey > 0 {
                evidence.append(
                    Evidence(
                        "mac1 of the captured initiations (whitepaper §5.4.4)",
                        "\(s.forAnotherKey) made with another public key than \(wg.name)'s \(ours)"))
            }
            if !keyed.isEmpty {
                evidence.append(
                    Evidence(
                        "initiations opened with \(wg.name)'s private key (whitepaper §5.4.2)",
                        "static key \(keyed.joined(separator: ", ")), no [Peer] of \(wg.name)"))
            }
            let cause =
                !keyed.isEmpty
                ? "a host at \(s.address) initiates with the static key \(keyed[0]), which no [Peer] of \(wg.name)"
                    + " has: WireGuard drops its handshakes"
                    + (silent.isEmpty ? "" : "; peers that never completed a handshake here: \(candidates)")
                : "a host at \(s.address) initiates with a mac1 made for another public key than \(wg.name)'s:"
                    + " its [Peer] for this host holds another PublicKey"
            let fix =
                !keyed.isEmpty
                ? "if \(s.address) is one of this interface's peers, its PublicKey here must be \(keyed[0])"
                    + " (wg set \(wg.name) peer \(keyed[0]) allowed-ips ..., then remove the wrong entry)"
                : "the [Peer] for this host at \(s.address) must say PublicKey = \(ours)"
            findings.append(
                DoctorFinding(
                    .keyMismatch, silent.isEmpty ? .warning : .error, interface: wg.name,
                    peer: silent.count == 1 ? silent[0].publicKey : nil, evidence: evidence, cause: cause,
                    fix: fix))
        }
        let detail = "\(strangers.count) address(es) that are no peer's endpoint sent initiations"
        return DoctorStep(interface: wg.name, name: "strangers", detail: detail, findings: findings)
    }

    /// Whether the strangers step names a key mismatch on `wg` that a never-handshaked peer without Endpoint may
    /// be the cause of (its `keepalive-missing` is then left out: the sender does initiate).
    func strangerExplains(_ wg: WireGuardState) -> Bool {
        guard let strangers = snapshot.traffic?.strangers?.filter({ $0.interface == wg.name }), !strangers.isEmpty
        else { return false }
        return !strangersStep(wg, strangers).findings.isEmpty
    }
}
