import WireConfig

/// The network as lint rules read it: every `[Peer]` section resolved to the interface whose key it names, and the
/// indexes rules need to stay linear (by key, by address, by route), built once and shared by every rule.
///
/// An interface whose config has errors wg-quick would refuse is "unusable": it still names keys for others to
/// resolve, but rules do not judge its own peers (its `config-invalid` findings say what to fix first).
public struct LintContext: Sendable {
    /// One `[Peer]` section of one interface, and the interface it points at.
    public struct PeerLink: Sendable {
        /// Where the section is.
        public var local: Network.InterfaceID
        /// Index of the section in `local`'s config.
        public var index: Int
        public var peer: PeerConfig
        /// The interface holding the private key of `peer.publicKey`, when exactly one does.
        public var remote: Network.InterfaceID?
        /// The remote's section for `local`'s key, when it has one.
        public var reverse: PeerConfig?
    }

    public let network: Network
    /// Every interface by id.
    public let interfaces: [Network.InterfaceID: TunnelInterface]
    /// Interfaces rules judge: those whose config wg-quick would accept (or nearly: see `isUsable`).
    public let usable: [TunnelInterface]
    /// Every `[Peer]` section of every usable interface, in host, interface, file order.
    public let links: [PeerLink]
    /// Link indexes by local interface.
    public let linksByInterface: [Network.InterfaceID: [Int]]
    /// For a local interface, its first section per peer key.
    let sectionByKey: [Network.InterfaceID: [WireKey: Int]]
    /// Interfaces whose usable config lists a key as a peer.
    let listersByKey: [WireKey: [Network.InterfaceID]]
    /// Every interface's tunnel addresses (host routes), valued by interface.
    let addressTable: PrefixTable<Network.InterfaceID>
    /// Each host after `wg-quick up`: facts file plus what its PreUp/PostUp lines do.
    public let facts: [String: EffectiveFacts]
    /// Per host, every AllowedIPs entry of its usable interfaces (its cryptokey routes), valued by link index.
    let routes: [String: PrefixTable<Int>]
    /// Links into each host: usable sections elsewhere naming a key of one of its interfaces.
    let incoming: [String: [Int]]

    /// Builds the context; linear in the number of `[Peer]` sections.
    public init(network: Network) {
        self.network = network
        var byID: [Network.InterfaceID: TunnelInterface] = [:]
        var usable: [TunnelInterface] = []
        var addrs: [(IPPrefix, Network.InterfaceID)] = []
        for i in network.allInterfaces {
            let id = i.id
            byID[id] = i
            if Self.isUsable(i) { usable.append(i) }
            for a in i.config.interface.addresses { addrs.append((IPPrefix.host(a.address), id)) }
        }
        interfaces = byID
        self.usable = usable
        addressTable = PrefixTable(addrs)

        var sections: [Network.InterfaceID: [WireKey: Int]] = [:]
        var listers: [WireKey: [Network.InterfaceID]] = [:]
        for i in usable {
            var m: [WireKey: Int] = [:]
            for (n, p) in i.config.peers.enumerated() where m[p.publicKey] == nil {
                m[p.publicKey] = n
                listers[p.publicKey, default: []].append(i.id)
            }
            sections[i.id] = m
        }
        sectionByKey = sections
        listersByKey = listers

        var links: [PeerLink] = []
        var byIface: [Network.InterfaceID: [Int]] = [:]
        for i in usable {
            for (n, p) in i.config.peers.enumerated() {
                var link = PeerLink(local: i.id, index: n, peer: p, remote: nil, reverse: nil)
                if let owners = network.interfacesByKey[p.publicKey], owners.count == 1, owners[0] != i.id {
                    link.remote = owners[0]
                    if let own = i.publicKey, let r = sections[owners[0]]?[own] {
                        link.reverse = byID[owners[0]]?.config.peers[r]
                    }
                }
                byIface[i.id, default: []].append(links.count)
                links.append(link)
            }
        }
        self.links = links
        linksByInterface = byIface
        facts = network.effectiveFacts()
        var routeItems: [String: [(IPPrefix, Int)]] = [:]
        var incoming: [String: [Int]] = [:]
        for (n, l) in links.enumerated() {
            for p in l.peer.allowedIPs { routeItems[l.local.host, default: []].append((p, n)) }
            if let r = l.remote { incoming[r.host, default: []].append(n) }
        }
        routes = routeItems.mapValues { PrefixTable($0) }
        self.incoming = incoming
    }

    /// True when wg-quick would bring the interface up: no parse errors, except the two lint reports itself with a
    /// better message (a second PublicKey in a section, the interface's own key as a peer).
    public static func isUsable(_ i: TunnelInterface) -> Bool {
        !i.diagnostics.contains { $0.severity == .error && $0.kind != .duplicatePublicKey && $0.kind != .ownPublicKey }
    }

    /// The effective facts of a host (Linux defaults for a host the network does not know).
    public func facts(_ host: String) -> EffectiveFacts {
        facts[host] ?? EffectiveFacts(host: Host(name: host, interfaces: []))
    }

    /// The interface with this id.
    public func interface(_ id: Network.InterfaceID) -> TunnelInterface? { interfaces[id] }

    /// The usable interfaces' links whose remote is `id` (sections naming its key).
    func sections(listing key: WireKey) -> [Network.InterfaceID] { listersByKey[key] ?? [] }

    /// The section of `local` for peer `key`, when it has one.
    func section(of local: Network.InterfaceID, for key: WireKey) -> PeerConfig? {
        guard let n = sectionByKey[local]?[key] else { return nil }
        return interfaces[local]?.config.peers[n]
    }

    /// The location of a peer setting (the section header when the key is not written).
    func location(_ link: PeerLink, _ key: ConfigKey) -> SourceLocation {
        link.peer.origin?.location(of: key) ?? SourceLocation(file: interfaces[link.local]?.file ?? "", line: 1)
    }

    /// The location of one AllowedIPs entry of a peer.
    func location(_ link: PeerLink, prefix: IPPrefix) -> SourceLocation {
        link.peer.origin?.location(of: prefix, key: .allowedIPs) ?? location(link, .allowedIPs)
    }

    /// True when every address of `prefix` is one of `host`'s own tunnel addresses: traffic to it is delivered
    /// locally, never forwarded.
    func isOwn(_ prefix: IPPrefix, of host: String) -> Bool {
        guard prefix.length == prefix.address.bitWidth else { return false }
        return addressTable.exactly(prefix).contains { $0.value.host == host }
            || facts(host).lans.contains { $0.hostAddress == prefix.address }
    }

    /// The host addresses of an interface (its `Address` lines without prefix lengths).
    func hostAddresses(_ id: Network.InterfaceID) -> [IPAddress] {
        interfaces[id]?.config.interface.addresses.map(\.address) ?? []
    }

    /// A short name for a link's target: `HOST/IFACE`, or the key's first characters when it is unknown.
    func name(of link: PeerLink) -> String {
        link.remote?.description ?? "peer \(link.peer.publicKey.shortBase64)"
    }
}

extension TunnelInterface {
    /// This interface's id in the network.
    public var id: Network.InterfaceID { Network.InterfaceID(host: host, interface: name) }
}

extension Array where Element == IPPrefix {
    /// True when some prefix of the list contains `address`.
    func covers(_ address: IPAddress) -> Bool { contains { $0.contains(address) } }

    /// True when some prefix of the list contains all of `prefix`.
    func covers(_ prefix: IPPrefix) -> Bool { contains { $0.contains(prefix) } }

    /// `a, b, c` as config files write lists.
    var listed: String { map(\.description).joined(separator: ", ") }
}
