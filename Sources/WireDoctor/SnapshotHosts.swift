import Foundation
import WireAnalysis
import WireConfig
import WireNet

/// Reads `wiresmith doctor --snapshot` files as hosts of a network, so `lint` and `trace` judge running hosts with
/// the same rules as configs (docs/doctor.md, "Snapshots as hosts"). A snapshot is recognised by its top-level
/// `"schema": "wiresmith-snapshot/N"`; this reader takes major version 1.
///
/// Each WireGuard interface becomes a `TunnelInterface` holding its public key but no private key, its peers with
/// their keys, endpoints, AllowedIPs, keepalive and PSK hash (compared as the PSK itself is between configs). The
/// facts the configs' hooks and host.yaml would give are read from what runs: forwarding and rp_filter sysctls,
/// filter rules and policies (iptables-save, ip6tables-save, nft), MASQUERADE, links that are down, the uplink
/// and its addresses, the routing table, whether a LAN routes back through the host (its LAN probes), and which
/// Endpoints the wg-quick config sets. Every setting is located as `FILE: JSON-PATH`.
public struct SnapshotHosts: SnapshotReading {
    /// A reader.
    public init() {}

    /// The host of the snapshot in `bytes`, named `host`.
    public func host(named host: String, file: String, bytes: [UInt8]) -> (WireAnalysis.Host?, [ConfigDiagnostic]) {
        let snapshot: HostSnapshot
        do {
            snapshot = try HostSnapshot.decode(Data(bytes))
        } catch {
            return (
                nil,
                [
                    .init(
                        .error, .syntax, at: .init(file: file, line: 1), key: nil, "not a snapshot this reads: \(error)"
                    )
                ]
            )
        }
        guard snapshot.schema == HostSnapshot.currentSchema else {
            return (
                nil,
                [
                    .init(
                        .error, .invalidValue, at: .init(file: file, path: "schema"), key: nil,
                        "schema \(snapshot.schema) is not \(HostSnapshot.currentSchema), the one this wiresmith reads")
                ]
            )
        }
        return snapshot.host(named: host, file: file)
    }

    /// `PresharedKeyHash` of the PSK, as 32 bytes: what snapshots hold in place of each PSK.
    public func presharedKeyHash(_ psk: WireKey, between ours: WireKey, and theirs: WireKey) -> WireKey {
        WireKey(hex: PresharedKeyHash.of(psk, between: ours, and: theirs)) ?? psk
    }
}

extension NetworkLoader {
    /// The loader the CLI uses: configs, host.yaml files and doctor snapshots.
    public static var withSnapshots: NetworkLoader { NetworkLoader(snapshots: SnapshotHosts()) }
}

extension HostSnapshot {
    /// This snapshot as a host of a network named `name`, its settings located in `file`; with the reasons an
    /// interface is not usable (no private key set).
    public func host(named name: String, file: String) -> (WireAnalysis.Host?, [ConfigDiagnostic]) {
        var interfaces: [TunnelInterface] = []
        var facts = self.facts(file: file)
        for (n, wg) in wireguard.enumerated() {
            let base = "wireguard[\(n)]"
            let linkIndex = links.firstIndex { $0.name == wg.name }
            var keyPaths: [ConfigKey: String] = [:]
            if let k = linkIndex {
                keyPaths[.address] = "links[\(k)].addresses"
                keyPaths[.mtu] = "links[\(k)].mtu"
            }
            var own: [ConfigDiagnostic] = []
            let key = (wg.publicKey ?? wg.derivedPublicKey).flatMap { WireKey(base64: $0) }
            if !wg.hasPrivateKey || key == nil {
                own.append(
                    .init(
                        .error, .invalidKey, at: .init(file: file, path: base + ".hasPrivateKey"), key: "PrivateKey",
                        "\(wg.name) runs without a private key: it answers no handshake (wg set \(wg.name) "
                            + "private-key FILE)"))
            }
            var config = WireGuardConfig()
            config.interface.listenPort = wg.listenPort > 0 ? UInt16(clamping: wg.listenPort) : nil
            if let k = linkIndex {
                config.interface.addresses = links[k].addresses.compactMap(IPPrefix.init).filter {
                    !Doctor.linkLocal($0)
                }
                config.interface.mtu = links[k].mtu
                if !links[k].up { facts.downInterfaces[wg.name] = SourceLocation(file: file, path: "links[\(k)].up") }
            } else {
                facts.downInterfaces[wg.name] = SourceLocation(file: file, path: "links")
            }
            config.interface.origin = SectionOrigin(file: file, path: base, keyPaths: keyPaths)
            let wgQuick = boot?.wgQuick.firstIndex { $0.interface == wg.name }
            for (p, peer) in wg.peers.enumerated() {
                let at = "\(base).peers[\(p)]"
                guard let peerKey = WireKey(base64: peer.publicKey) else {
                    own.append(
                        .init(
                            .error, .invalidKey, at: .init(file: file, path: at + ".publicKey"), key: "PublicKey",
                            "not 32 bytes of base64"))
                    continue
                }
                let (endpoint, endpointPath) = self.endpoint(of: peer, interface: wgQuick, at: at)
                config.peers.append(
                    PeerConfig(
                        publicKey: peerKey, presharedKey: peer.presharedKeyHash.flatMap { WireKey(hex: $0) },
                        allowedIPs: peer.allowedIPs.compactMap { IPPrefix($0)?.network }, endpoint: endpoint,
                        persistentKeepalive: peer.persistentKeepalive.map { UInt16(clamping: $0) },
                        origin: SectionOrigin(
                            file: file, path: at, keyPaths: endpointPath.map { [.endpoint: $0] } ?? [:])
                    ))
            }
            interfaces.append(
                TunnelInterface(
                    host: name, name: wg.name, file: file, config: config, diagnostics: own, publicKey: key))
        }
        return (WireAnalysis.Host(name: name, interfaces: interfaces, facts: facts), [])
    }

    /// The Endpoint the model gives `peer` (located at `at`), with the JSON path that sets it when that is not
    /// `at`. wg shows the endpoint it sends to, configured or learned from the peer's packets (wg(8): "the most
    /// recent source IP address and port of correctly authenticated packets from the peer"); only the wg-quick
    /// config (`boot.wgQuick[i].peers`, interface index `interface`) tells the two apart. A peer the config lists
    /// without `Endpoint =` has none configured: what wg shows was learned and goes when the peer's NAT mapping
    /// does, so the model gives it none (as lint models the config). A peer the config lists with one keeps what
    /// wg shows (the name resolved, or where the peer roamed), or the configured value when wg shows none. A peer
    /// the config does not list (added by `wg set`), or no config read: what wg shows.
    func endpoint(of peer: PeerState, interface: Int?, at: String) -> (Endpoint?, String?) {
        let running = peer.endpoint.flatMap { Endpoint($0) }
        guard let i = interface, let boot, let peers = boot.wgQuick[i].peers,
            let j = peers.firstIndex(where: { WireKey(base64: $0.publicKey) == WireKey(base64: peer.publicKey) })
        else { return (running, nil) }
        let path = "boot.wgQuick[\(i)].peers[\(j)].endpoint"
        guard let configured = peers[j].endpoint else { return (nil, path) }
        return (running ?? Endpoint(configured), running == nil ? path : nil)
    }

    /// The host's facts as seen running: forwarding, rp_filter, filter and NAT rules, down links, the uplink, its
    /// public addresses and whether it is behind NAT, LANs on its other links.
    func facts(file: String) -> HostFacts {
        var facts = HostFacts(file: file)
        func at(_ path: String) -> SourceLocation { SourceLocation(file: file, path: path) }
        for (name, value) in sysctl.sorted(by: { $0.key < $1.key }) {
            let seen = at("sysctl[\"\(name)\"]")
            if name == "net.ipv4.ip_forward" {
                facts.observed.append(ObservedEffect(.forwarding(.ipv4, value == "1"), at: seen))
            } else if name == "net.ipv6.conf.all.forwarding" {
                facts.observed.append(ObservedEffect(.forwarding(.ipv6, value == "1"), at: seen))
            } else if name.hasPrefix("net.ipv4.conf."), name.hasSuffix(".rp_filter"), let v = Int(value) {
                let iface = String(name.dropFirst("net.ipv4.conf.".count).dropLast(".rp_filter".count))
                facts.observed.append(ObservedEffect(.rpFilter(interface: iface, value: v), at: seen))
            }
        }
        facts.observed += SnapshotFilter(snapshot: self, file: file).effects()
        let wgNames = Set(wireguard.map(\.name))
        let uplink = Doctor(snapshot: self).uplink()
        facts.uplink = uplink?.name
        func global(_ link: LinkState) -> [IPPrefix] {
            link.addresses.compactMap(IPPrefix.init).filter {
                !Doctor.linkLocal($0) && !IPPrefix("127.0.0.0/8")!.contains($0.address)
                    && $0.address != IPAddress("::1")
            }
        }
        for link in links where !wgNames.contains(link.name) && link.name != "lo" {
            let addresses = global(link)
            facts.publicAddresses += addresses.map(\.address)
            if link.name != uplink?.name {
                for a in addresses {
                    let (gateway, evidence) = lanGateway(link: link.name, prefix: a.network, file: file)
                    facts.lans.append(
                        LAN(
                            name: link.name, prefix: a.network, interface: link.name, address: a.address,
                            gateway: gateway, gatewayEvidence: evidence))
                }
            }
        }
        facts.observedRoutes = observedRoutes(file: file, uplink: uplink?.name)
        if let uplink {
            let addresses = global(uplink)
            // Only private (RFC 1918, RFC 6598, ULA) addresses on the link to the internet: the host reaches it
            // through NAT, unless another host reaches it at one of them (`NetworkLoader.reachedDirectly`). A
            // host.yaml beside the snapshot says otherwise with `behind_nat: false`.
            if !addresses.isEmpty, addresses.allSatisfy({ Self.isPrivate($0.address) }) {
                facts.behindNAT = true
                facts.behindNATInferred = true
            }
        }
        return facts
    }

    /// RFC 1918, RFC 6598 (carrier-grade NAT) and RFC 4193 (unique local) addresses.
    static func isPrivate(_ a: IPAddress) -> Bool {
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"].contains {
            IPPrefix($0)!.contains(a)
        }
    }
}
