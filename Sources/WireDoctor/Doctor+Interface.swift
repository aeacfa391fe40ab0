import WireConfig
import WireNet

extension Doctor {
    /// The link: it exists here, is up, has an address, and its MTU leaves room for WireGuard's overhead over the
    /// uplink (60 bytes over IPv4, 80 over IPv6: whitepaper §5.4.6 transport header and tag, plus IP and UDP).
    func interfaceStep(_ wg: WireGuardState) -> DoctorStep {
        var findings: [DoctorFinding] = []
        let source = "ip -j -d addr show"
        guard let link = snapshot.link(wg.name) else {
            findings.append(
                DoctorFinding(
                    .interfaceDown, .error, interface: wg.name, evidence: [Evidence(source, "no link \(wg.name)")],
                    cause: "wg lists \(wg.name) but this namespace has no such link",
                    fix: "bring it up: wg-quick up \(wg.name)"))
            return DoctorStep(interface: wg.name, name: "interface", detail: "missing", findings: findings)
        }
        if !link.up {
            findings.append(
                DoctorFinding(
                    .interfaceDown, .error, interface: wg.name,
                    evidence: [Evidence(source, "\(wg.name) flags lack UP (operstate \(link.operstate))")],
                    cause: "the link is down: nothing is routed into the tunnel and nothing comes out of it",
                    fix: "ip link set up dev \(wg.name)"))
        }
        let addresses = link.addresses.filter { !$0.lowercased().hasPrefix("fe80:") }
        if addresses.isEmpty {
            findings.append(
                DoctorFinding(
                    .interfaceWithoutAddress, .warning, interface: wg.name,
                    evidence: [Evidence(source, "\(wg.name) has no address other than link-local")],
                    cause: "without an address the host sends from its uplink address, which the peers' AllowedIPs"
                        + " do not accept",
                    fix: "add Address = to [Interface] (or ip address add ADDRESS dev \(wg.name))"))
        }
        let v6Endpoint = wg.peers.contains { $0.endpoint?.hasPrefix("[") == true }
        let overhead = v6Endpoint ? 80 : 60
        if let uplink = uplink(), uplink.mtu > 0, link.mtu + overhead > uplink.mtu {
            findings.append(
                DoctorFinding(
                    .mtuTooLarge, .warning, interface: wg.name,
                    evidence: [Evidence(source, "\(wg.name) mtu \(link.mtu), uplink \(uplink.name) mtu \(uplink.mtu)")],
                    cause: "a full-size tunnel packet plus \(overhead) bytes of WireGuard, UDP and IP overhead does not"
                        + " fit the uplink: large packets are fragmented or dropped",
                    fix: "set MTU = \(uplink.mtu - overhead) in [Interface] (ip link set mtu \(uplink.mtu - overhead)"
                        + " dev \(wg.name))"))
        }
        let detail =
            "\(link.up ? "up" : "down"), mtu \(link.mtu), "
            + (addresses.isEmpty ? "no address" : addresses.joined(separator: " "))
        return DoctorStep(interface: wg.name, name: "interface", detail: detail, findings: findings)
    }

    /// The link the main table's default route leaves by, when there is one and it is not a WireGuard interface.
    func uplink() -> LinkState? {
        let wgNames = Set(snapshot.wireguard.map(\.name))
        let defaults = snapshot.routes.filter {
            $0.table == "main" && ($0.destination == "0.0.0.0/0" || $0.destination == "::/0")
        }
        for r in defaults {
            if let dev = r.device, !wgNames.contains(dev), let l = snapshot.link(dev) { return l }
        }
        return nil
    }

    /// Keys: a private key is set, the public key wg reports is the one derived from it (X25519, RFC 7748 §6.1),
    /// each peer key is 32 bytes of base64 and not this interface's own, and no other local interface lists it.
    func keysStep(_ wg: WireGuardState) -> DoctorStep {
        var findings: [DoctorFinding] = []
        let source = "wg show all dump"
        if !wg.hasPrivateKey {
            findings.append(
                DoctorFinding(
                    .privateKeyMissing, .error, interface: wg.name, evidence: [Evidence(source, "private key (none)")],
                    cause: "an interface without a private key cannot handshake",
                    fix: "wg set \(wg.name) private-key FILE (or PrivateKey = in the config)"))
        } else if let derived = wg.derivedPublicKey, derived != wg.publicKey {
            findings.append(
                DoctorFinding(
                    .publicKeyMismatch, .error, interface: wg.name,
                    evidence: [Evidence(source, "public key \(wg.publicKey ?? "(none)"), derived \(derived)")],
                    cause: "the implementation reports a public key that is not the private key's",
                    fix: "restart the interface; peers must list \(derived)"))
        }
        for p in wg.peers {
            guard WireKey(base64: p.publicKey) != nil else {
                findings.append(
                    DoctorFinding(
                        .peerKeyInvalid, .error, interface: wg.name, peer: p.publicKey,
                        evidence: [Evidence(source, "peer key \(p.publicKey)")],
                        cause: "not 32 bytes of base64: no handshake can match it",
                        fix: "set the peer's real public key"))
                continue
            }
            if p.publicKey == wg.publicKey {
                findings.append(
                    DoctorFinding(
                        .keyMismatch, .error, interface: wg.name, peer: p.publicKey,
                        evidence: [Evidence(source, "\(Doctor.label(p)) has \(wg.name)'s own public key")],
                        cause: "the peer is this interface itself: handshakes with it never complete",
                        fix: "replace the peer's PublicKey with the other host's public key (wg show there)"))
            }
            let others = snapshot.wireguard.filter {
                $0.name != wg.name && $0.peers.contains { $0.publicKey == p.publicKey }
            }
            if !others.isEmpty {
                findings.append(
                    DoctorFinding(
                        .keyMismatch, .warning, interface: wg.name, peer: p.publicKey,
                        evidence: [
                            Evidence(
                                source,
                                "\(Doctor.label(p)) is also a peer of \(others.map(\.name).joined(separator: ", "))")
                        ],
                        cause: "one key on two interfaces: the peer handshakes with only one of them, usually a key"
                            + " pasted into the wrong config",
                        fix: "keep the peer on the interface its Endpoint and addresses belong to"))
            }
        }
        let detail =
            findings.isEmpty
            ? "public key \(wg.publicKey ?? "(none)") derived from the private key; \(wg.peers.count) peer key(s) fine"
            : "\(findings.count) key problem(s)"
        return DoctorStep(interface: wg.name, name: "keys", detail: detail, findings: findings)
    }
}
