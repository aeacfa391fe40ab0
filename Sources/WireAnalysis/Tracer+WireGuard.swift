import WireConfig

/// A packet entering a WireGuard interface: cryptokey routing, keys, endpoints, handshake and source check.
extension Tracer {
    func iface(_ r: IfaceRef) -> TunnelInterface { network.hosts[r.host].interfaces[r.iface] }

    /// The host an Endpoint reaches, by public address or name (as `Network.host(for:)`, indexed).
    func endpointHost(_ e: Endpoint) -> Int? {
        switch e.host {
        case .address(let a): return publicOwners[a]
        case .name(let n):
            return endpointNames[n.lowercased()]
        }
    }

    /// Whether `sender` can send to `receiver` using the Endpoint of its [Peer] entry `entry`, and why not;
    /// `fault` is true when the Endpoint itself is wrong (another host, port, a name that does not resolve), false
    /// when there is none or the receiver is behind NAT.
    func direct(_ sender: IfaceRef, _ entry: PeerConfig, to receiver: IfaceRef, _ w: inout Walk)
        -> (ok: Bool, detail: String, fault: Bool)
    {
        let rName = iface(receiver).qualifiedName
        guard let ep = entry.endpoint else {
            return (false, "\(iface(sender).qualifiedName) has no Endpoint for \(rName)", false)
        }
        guard let target = endpointHost(ep) else {
            if case .name(let n) = ep.host {
                return (
                    false, "Endpoint name \(n) resolves to no host of the network (no host.yaml lists it in `names`)",
                    true
                )
            }
            w.note(
                "Endpoint \(ep) is not a public address or name of a host of the network; it is assumed to "
                    + "reach \(rName)")
            return (true, "Endpoint \(ep) (assumed to reach \(rName))", false)
        }
        let rHost = network.hosts[receiver.host]
        guard target == receiver.host else {
            return (false, "Endpoint \(ep) is \(network.hosts[target].name), not \(rHost.name)", true)
        }
        if facts[receiver.host].behindNAT == true {
            return (
                false, "\(rHost.name) is behind NAT: packets to \(ep) are let in only after \(rName) sent first", false
            )
        }
        guard let port = iface(receiver).config.interface.listenPort else {
            return (false, "\(rName) has no ListenPort, so it listens on a random port, not \(ep.port)", true)
        }
        guard port == ep.port else {
            let other = rHost.interfaces.first { $0.config.interface.listenPort == ep.port }
            return (
                false,
                "Endpoint \(ep) reaches port \(ep.port)"
                    + (other.map { " (\($0.qualifiedName))" } ?? " (nothing listens there)")
                    + ", but \(rName) listens on \(port)",
                true
            )
        }
        return (true, "Endpoint \(ep) reaches \(rName) (ListenPort \(port))", false)
    }

    /// The endpoint step: the sender knows the receiver's endpoint, or learned it from the receiver's traffic
    /// (keepalives, traffic sent at up, or any traffic in the warm phase; see `TracePhase`).
    func endpointStep(
        _ sender: IfaceRef, _ entry: PeerConfig, to receiver: IfaceRef, back: PeerConfig?,
        _ w: inout Walk
    ) -> TraceStep {
        let s = iface(sender)
        let r = iface(receiver)
        if w.sessions.contains([sender, receiver].sorted { ($0.host, $0.iface) < ($1.host, $1.iface) }) {
            return TraceStep(
                .endpoint, ok: true,
                "the session from the earlier packet is up: \(s.qualifiedName) "
                    + "knows \(r.qualifiedName)'s endpoint")
        }
        let epLoc = entry.origin?.location(of: .endpoint)
        let d = direct(sender, entry, to: receiver, &w)
        if d.ok { return TraceStep(.endpoint, ok: true, d.detail, setting: "Endpoint", location: epLoc) }
        if let wrong = wrongInterfaceKey(sender, entry, receiver) { return wrong }
        var reverse: (ok: Bool, detail: String, fault: Bool)? = nil
        if let back { reverse = direct(receiver, back, to: sender, &w) }
        if let back, reverse?.ok == true {
            if let keepalive = back.persistentKeepalive, keepalive > 0 {
                let outlived = natTimeout(outlivedBy: Int(keepalive), receiver: receiver.host)
                let at = back.origin?.location(of: .persistentKeepalive)
                if let t = outlived, w.phase == .idle {
                    return TraceStep(
                        .endpoint, ok: false,
                        "\(d.detail); \(r.qualifiedName) sends keepalives every \(keepalive) s, but its NAT forgets "
                            + "the mapping after \(t.seconds) s \(t.stated ? "(nat_udp_timeout)" : "(assumed)"), so "
                            + "\(s.qualifiedName) can reach it only within \(t.seconds) s after each keepalive",
                        setting: "PersistentKeepalive", location: at,
                        fix: "set `PersistentKeepalive = \(Tracer.keepalive(under: t.seconds))` at "
                            + (at?.fileLine ?? r.file)
                            + (t.stated ? "" : ", or state the NAT's timeout as `nat_udp_timeout` in host.yaml"))
                }
                w.depend(
                    "\(r.qualifiedName) sends PersistentKeepalive every \(keepalive) s"
                        + (outlived.map { "; its NAT keeps the mapping only \($0.seconds) s after each" } ?? ""))
                return TraceStep(
                    .endpoint, ok: true,
                    "\(d.detail); but \(r.qualifiedName) sends keepalives every "
                        + "\(keepalive) s, so \(s.qualifiedName) learns its endpoint",
                    setting: "PersistentKeepalive", location: at)
            }
            if let learned = learnedEndpoint(of: receiver, by: sender, phase: w.phase) {
                w.depend(learned.condition)
                return TraceStep(
                    .endpoint, ok: true, "\(d.detail); but \(learned.detail), so \(s.qualifiedName) knows its endpoint",
                    setting: learned.setting, location: learned.location)
            }
        }
        // Dropped: say which setting would fix it.
        let recvHost = network.hosts[receiver.host]
        let listen = r.config.interface.listenPort
        let publicAddr = facts[receiver.host].publicAddresses.first
        let suggested = publicAddr.flatMap { a in listen.map { Endpoint(host: .address(a), port: $0).description } }
        let header = entry.origin?.location(of: .publicKey) ?? s.location(of: .publicKey)
        let why = reverse.map { "; nor can \(r.qualifiedName) initiate: \($0.detail)" } ?? ""
        // The other side's Endpoint is wrong (port, host, name): that is what to fix, not this side.
        if let back, let reverse, reverse.fault, !(entry.endpoint != nil && d.fault),
            let backLoc = back.origin?.location(of: .endpoint)
        {
            let listenHere = s.config.interface.listenPort
            let here = facts[sender.host].publicAddresses.first
            let right = here.flatMap { a in listenHere.map { Endpoint(host: .address(a), port: $0).description } }
            return TraceStep(
                .endpoint, ok: false, "\(d.detail), and \(r.qualifiedName) cannot initiate: \(reverse.detail)",
                setting: "Endpoint", location: backLoc,
                fix: right.map { "set `Endpoint = \($0)` at \(backLoc.fileLine)" }
                    ?? "point Endpoint at \(backLoc.fileLine) to \(network.hosts[sender.host].name)'s "
                    + "public address and \(s.qualifiedName)'s ListenPort")
        }
        if let epLoc, entry.endpoint != nil, d.fault {
            let portOnly = entry.endpoint.map { e in endpointHost(e) == receiver.host } ?? false
            return TraceStep(
                .endpoint, ok: false, d.detail + (reverse?.ok == true ? "" : why), setting: "Endpoint", location: epLoc,
                fix: suggested.map { "set `Endpoint = \($0)` at \(epLoc.fileLine)" }
                    ?? (portOnly && listen != nil
                        ? "set the Endpoint's port at \(epLoc.fileLine) to \(listen!) "
                            + "(\(r.qualifiedName)'s ListenPort)"
                        : "point Endpoint at \(epLoc.fileLine) to \(recvHost.name)'s public "
                            + "address and \(r.qualifiedName)'s ListenPort"))
        }
        if let back, reverse?.ok == true {
            let at = back.origin?.location(of: .publicKey) ?? r.location(of: .publicKey)
            // A host whose kernel solicits routers through this peer sends again, but backed off to an hour.
            let solicits = sentAtUp(from: receiver, to: sender)?.setting == "AllowedIPs"
            let detail =
                w.phase == .idle
                ? "\(d.detail); \(r.qualifiedName) is behind NAT and sends no PersistentKeepalive: once its NAT "
                    + "mapping expires, \(s.qualifiedName) cannot reach it until it sends again"
                    + (solicits ? " (its kernel's router solicitations back off to one an hour)" : "")
                : "\(d.detail); \(r.qualifiedName) knows \(s.qualifiedName)'s "
                    + "endpoint but sends only when it has traffic (no PersistentKeepalive), so "
                    + "\(s.qualifiedName) cannot reach it until it does"
            return TraceStep(
                .endpoint, ok: false, detail,
                setting: "PersistentKeepalive", notSetIn: r.file,
                fix: "add `PersistentKeepalive = 25` to [Peer] \(s.qualifiedName) at \(at.fileLine)"
                    + (suggested.map { ", or set `Endpoint = \($0)` in \(s.file)" } ?? ""))
        }
        // The receiver dials this interface's endpoint, but with another key: its [Peer] is meant for us.
        if back == nil, let senderKey = publicKeys[sender.host][sender.iface],
            let meant = r.config.peers.first(where: { p in
                guard let e = p.endpoint, p.publicKey != senderKey, endpointHost(e) == sender.host else { return false }
                return e.port == s.config.interface.listenPort
            })
        {
            let at = meant.origin?.location(of: .publicKey) ?? r.location(of: .publicKey)
            return TraceStep(
                .key, ok: false,
                "\(r.qualifiedName) has no [Peer] for \(s.qualifiedName): its [Peer] with Endpoint "
                    + "\(meant.endpoint!) dials \(s.qualifiedName) but holds \(peerName(meant))'s PublicKey, so "
                    + "\(s.qualifiedName) cannot decrypt its handshakes",
                setting: "PublicKey", location: at,
                fix: "set `PublicKey = \(senderKey.base64)` (\(s.qualifiedName)'s) at \(at.fileLine)")
        }
        if let epLoc, entry.endpoint != nil {
            return TraceStep(
                .endpoint, ok: false, d.detail + why, setting: "Endpoint", location: epLoc,
                fix: suggested.map { "set `Endpoint = \($0)` at \(epLoc.fileLine)" }
                    ?? "point Endpoint at \(epLoc.fileLine) to \(recvHost.name)'s public "
                    + "address and \(r.qualifiedName)'s ListenPort")
        }
        return TraceStep(
            .endpoint, ok: false, d.detail + why + ": neither side can start the handshake",
            setting: "Endpoint", notSetIn: s.file,
            fix: suggested.map { "add `Endpoint = \($0)` to [Peer] at \(header.fileLine)" }
                ?? "give \(r.qualifiedName) a ListenPort and a reachable address, then add it as "
                + "Endpoint to [Peer] at \(header.fileLine)")
    }

    /// When the Endpoint reaches another interface of the receiver's host, one that has a [Peer] for the sender,
    /// the PublicKey is the wrong interface's (a hub's wg0 and wg1 keys swapped): that interface cannot decrypt
    /// the initiation. Returns the failed key step then, else nil.
    func wrongInterfaceKey(_ sender: IfaceRef, _ entry: PeerConfig, _ receiver: IfaceRef) -> TraceStep? {
        guard let ep = entry.endpoint, endpointHost(ep) == receiver.host,
            let senderKey = publicKeys[sender.host][sender.iface]
        else { return nil }
        let host = network.hosts[receiver.host]
        guard let o = host.interfaces.firstIndex(where: { $0.config.interface.listenPort == ep.port }),
            o != receiver.iface, peerByKey[receiver.host][o][senderKey] != nil,
            let meant = publicKeys[receiver.host][o]
        else { return nil }
        let other = host.interfaces[o].qualifiedName
        let at = entry.origin?.location(of: .publicKey) ?? iface(sender).location(of: .publicKey)
        return TraceStep(
            .key, ok: false,
            "Endpoint \(ep) reaches \(other), which has [Peer] "
                + "\(iface(sender).qualifiedName), but PublicKey is \(iface(receiver).qualifiedName)'s: "
                + "\(other) cannot decrypt the handshake", setting: "PublicKey", location: at,
            fix: "set `PublicKey = \(meant.base64)` (\(other)'s) at \(at.fileLine)")
    }

    /// Sends the packet into interface `out`: picks the peer, checks its key and endpoint, and hands the packet
    /// on with the receiver's handshake and source checks (they belong to the receiver's hop).
    func wireguardEgress(_ out: IfaceRef, _ pkt: Packet, target: Node, _ w: inout Walk, _ steps: inout [TraceStep])
        -> Next
    {
        let s = iface(out)
        guard let hit = peerMaps[out.host][out.iface].lookup(pkt.destination) else {
            let sug = allowedIPsSuggestion(for: pkt.destination, on: out.host)
            let loc = sug.flatMap { $0.iface.name == s.name ? $0.peer.origin?.location(of: .allowedIPs) : nil }
            steps.append(
                TraceStep(
                    .peer, ok: false,
                    "no [Peer] of \(s.qualifiedName) has AllowedIPs covering "
                        + "\(pkt.destination): WireGuard drops it", setting: "AllowedIPs",
                    location: loc, notSetIn: loc == nil ? s.file : nil,
                    fix: sug.map {
                        "add \($0.prefix) to AllowedIPs of [Peer] \(peerName($0.peer))"
                            + (loc.map { " at \($0.fileLine)" } ?? " in \($0.iface.file)")
                    }
                        ?? "add \(pkt.destination) to AllowedIPs of the [Peer] that leads to it in "
                        + s.file))
            return .dropped
        }
        let entry = s.config.peers[hit.value]
        let prefix = IPPrefix(address: pkt.destination, length: hit.length)!.network
        let entryLoc = entry.origin?.location(of: prefix, key: .allowedIPs)
        // The destination's own interface is another peer of this one that also lists it: the overlap sends the
        // packet to the wrong peer (wg gives a prefix listed twice to the later section).
        if let owner = configuredOwners[pkt.destination], let ownerKey = publicKeys[owner.host][owner.iface],
            ownerKey != entry.publicKey, let other = peerByKey[out.host][out.iface][ownerKey],
            !(byKey[entry.publicKey] ?? []).contains(where: { ref in
                iface(ref).config.interface.addresses.contains { $0.address == pkt.destination }
            }),
            s.config.peers[other].allowedIPs.contains(where: { $0.contains(pkt.destination) })
        {
            let mine = s.config.peers[other]
            let theirs = mine.allowedIPs.filter { $0.contains(pkt.destination) }.max { $0.length < $1.length }!
            steps.append(
                TraceStep(
                    .peer, ok: false,
                    "\(pkt.destination) is \(peerName(mine))'s, and [Peer] \(peerName(mine)) lists \(theirs), but "
                        + "[Peer] \(peerName(entry)) claims \(prefix) too and "
                        + (theirs == prefix ? "is listed later, so it takes it" : "its prefix is longer")
                        + ": the packet goes to \(peerName(entry))",
                    setting: "AllowedIPs", location: entryLoc,
                    fix: "remove \(prefix) from AllowedIPs of [Peer] \(peerName(entry))"
                        + (entryLoc.map { " at \($0.fileLine)" } ?? " in \(s.file)")
                        + " (list only its own addresses there)"))
            return .dropped
        }
        steps.append(
            TraceStep(
                .peer, ok: true,
                "cryptokey routing picks [Peer] \(peerName(entry)) (AllowedIPs "
                    + "\(prefix))", setting: "AllowedIPs", location: entryLoc))
        let keyLoc = entry.origin?.location(of: .publicKey) ?? s.location(of: .publicKey)
        guard let owners = byKey[entry.publicKey], owners.count == 1, owners[0] != out,
            iface(owners[0]).isValid
        else {
            steps.append(keyStep(entry, s, owners: byKey[entry.publicKey] ?? [], out: out, at: keyLoc))
            return .dropped
        }
        let receiver = owners[0]
        let r = iface(receiver)
        let backIndex = publicKeys[out.host][out.iface].flatMap { peerByKey[receiver.host][receiver.iface][$0] }
        let back = backIndex.map { r.config.peers[$0] }
        let pairKey = [out, receiver].sorted { ($0.host, $0.iface) < ($1.host, $1.iface) }
        let established = w.sessions.contains(pairKey)
        let ep = endpointStep(out, entry, to: receiver, back: back, &w)
        steps.append(ep)
        guard ep.ok else { return .dropped }
        let udp = datagramSteps(
            out, receiver, family: datagramFamily(entry, back: back, receiver: receiver),
            endpointPort: entry.endpoint?.port, established: established)
        if let o = udp.out {
            steps.append(o)
            if !o.ok { return .dropped }
        }
        steps.append(
            TraceStep(
                .key, ok: true, "PublicKey is \(r.qualifiedName)'s", setting: "PublicKey",
                location: keyLoc))
        var carried: [TraceStep] = []
        if let i = udp.in {
            carried.append(i)
            if !i.ok { return .forward(to: .host(receiver.host), arrivedOn: r.name, carried: carried) }
        }
        guard let back, let backIndex else {
            carried.append(missingBackPeer(sender: out, receiver: receiver, source: pkt.source))
            return .forward(to: .host(receiver.host), arrivedOn: r.name, carried: carried)
        }
        let backLoc = back.origin?.location(of: .publicKey) ?? r.location(of: .publicKey)
        if entry.presharedKey != back.presharedKey {
            let bad = (back.presharedKey != nil ? back.origin : entry.origin)?.location(of: .presharedKey) ?? backLoc
            carried.append(
                TraceStep(
                    .handshake, ok: false,
                    "the PresharedKey of [Peer] \(s.qualifiedName) on "
                        + "\(r.qualifiedName) differs from \(s.qualifiedName)'s for it: the "
                        + "handshake fails", setting: "PresharedKey", location: bad,
                    fix: "use the same PresharedKey on both sides (or none on both)"))
            return .forward(to: .host(receiver.host), arrivedOn: r.name, carried: carried)
        }
        let pair = [out, receiver].sorted { ($0.host, $0.iface) < ($1.host, $1.iface) }
        carried.append(
            TraceStep(
                .handshake, ok: true,
                "\(r.qualifiedName) has [Peer] \(s.qualifiedName): "
                    + (w.sessions.contains(pair) ? "the session is up" : "the handshake completes"),
                setting: "PublicKey", location: backLoc))
        w.sessions.insert(pair)
        let check = peerMaps[receiver.host][receiver.iface].lookup(pkt.source)
        if let check, check.value == backIndex {
            let p = IPPrefix(address: pkt.source, length: check.length)!.network
            carried.append(
                TraceStep(
                    .source, ok: true,
                    "source \(pkt.source) is inside AllowedIPs \(p) of [Peer] "
                        + "\(s.qualifiedName)", setting: "AllowedIPs",
                    location: back.origin?.location(of: p, key: .allowedIPs)))
        } else {
            let at = back.origin?.location(of: .allowedIPs) ?? backLoc
            var other = ""
            if let check {
                let owner = r.config.peers[check.value]
                let p = IPPrefix(address: pkt.source, length: check.length)!.network
                other = " (\(p) belongs to [Peer] \(peerName(owner)))"
            }
            carried.append(
                TraceStep(
                    .source, ok: false,
                    "source \(pkt.source) is not in AllowedIPs of [Peer] "
                        + "\(s.qualifiedName) on \(r.qualifiedName)\(other): dropped on arrival",
                    setting: "AllowedIPs", location: at,
                    fix: "add \(IPPrefix.host(pkt.source)) (or its subnet) to AllowedIPs of [Peer] "
                        + "\(s.qualifiedName) at \(at.fileLine)"))
        }
        return .forward(to: .host(receiver.host), arrivedOn: r.name, carried: carried)
    }

    /// The failed key step: the peer's key belongs to no interface, to several, to the sender itself, or to an
    /// interface that does not come up.
    func keyStep(_ entry: PeerConfig, _ s: TunnelInterface, owners: [IfaceRef], out: IfaceRef, at: SourceLocation)
        -> TraceStep
    {
        let short = entry.publicKey.shortBase64
        if owners.count > 1 {
            return TraceStep(
                .key, ok: false,
                "PublicKey \(short) is the key of several interfaces ("
                    + owners.map { iface($0).qualifiedName }.joined(separator: ", ") + ")",
                setting: "PublicKey", location: at,
                fix: "give each interface its own PrivateKey (`wg genkey`) and update its peers")
        }
        if owners.first == out {
            return TraceStep(
                .key, ok: false, "PublicKey \(short) is \(s.qualifiedName)'s own key",
                setting: "PublicKey", location: at, fix: likelyKeyFix(entry, s, at: at))
        }
        if let o = owners.first {
            return upStep(o, "the interface PublicKey \(short) at \(at.fileLine) names")
        }
        // The key may be that of an interface whose PrivateKey is unusable: its config names the peer's address.
        for p in entry.allowedIPs.sorted(by: { $0.length > $1.length }) {
            for (a, ref) in configuredOwners where p.contains(a) && ref.host != out.host {
                if publicKeys[ref.host][ref.iface] == nil { return upStep(ref, "its PrivateKey gives no public key") }
            }
        }
        return TraceStep(
            .key, ok: false, "PublicKey \(short) of [Peer] is no interface's key: no handshake",
            setting: "PublicKey", location: at, fix: likelyKeyFix(entry, s, at: at))
    }

    /// Names the key probably meant: that of the interface owning an address inside the peer's AllowedIPs.
    func likelyKeyFix(_ entry: PeerConfig, _ s: TunnelInterface, at: SourceLocation) -> String {
        for p in entry.allowedIPs.sorted(by: { $0.length > $1.length }) {
            for (a, ref) in addressOwners where p.contains(a) && iface(ref).file != s.file {
                if let k = publicKeys[ref.host][ref.iface] {
                    return "set `PublicKey = \(k.base64)` (\(iface(ref).qualifiedName)'s) at \(at.fileLine)"
                }
            }
        }
        return "replace PublicKey at \(at.fileLine) with the peer's public key (`wg pubkey < its private key`)"
    }

    /// The receiver has no [Peer] with the sender's key: initiations are ignored.
    func missingBackPeer(sender: IfaceRef, receiver: IfaceRef, source: IPAddress) -> TraceStep {
        let r = iface(receiver)
        let s = iface(sender)
        let key = publicKeys[sender.host][sender.iface]?.base64 ?? "?"
        if let idx = peerMaps[receiver.host][receiver.iface].lookup(source)?.value,
            let loc = r.config.peers[idx].origin?.location(of: .publicKey)
        {
            return TraceStep(
                .handshake, ok: false,
                "\(r.qualifiedName) has no [Peer] with \(s.qualifiedName)'s "
                    + "public key; the [Peer] for \(source) has another key, so the handshake is ignored",
                setting: "PublicKey", location: loc,
                fix: "set `PublicKey = \(key)` (\(s.qualifiedName)'s) at \(loc.fileLine)")
        }
        return TraceStep(
            .handshake, ok: false,
            "\(r.qualifiedName) has no [Peer] with \(s.qualifiedName)'s public "
                + "key: the handshake is ignored", setting: "PublicKey", notSetIn: r.file,
            fix: "add a [Peer] with `PublicKey = \(key)` and `AllowedIPs = \(IPPrefix.host(source))` to "
                + r.file)
    }
}
