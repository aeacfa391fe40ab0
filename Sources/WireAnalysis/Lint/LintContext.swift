import Foundation
import WireConfig

/// The network as lint rules read it: every `[Peer]` section resolved to the interface whose key it names, and the
/// indexes rules need to stay linear (by key, by address, by route), built once and shared by every rule.
///
/// An interface whose config has errors wg-quick would refuse is "unusable": it still names keys for others to
/// resolve, but rules do not judge its own peers (its `config-invalid` findings say what to fix first).
public struct LintContext: Sendable {
    /// One `[Peer]` section of one interface, and the interface it points at.
    ///
    /// A class, immutable: rules iterate the links of a 10,000-peer network many times, and copying a struct
    /// holding two `PeerConfig`s cost more than the rules themselves.
    public final class PeerLink: Sendable {
        /// Where the section is.
        public let local: Network.InterfaceID
        /// Index of the section in `local`'s config.
        public let index: Int
        /// The section as parsed.
        public let peer: PeerConfig
        /// The interface holding the private key of `peer.publicKey`, when exactly one does.
        public let remote: Network.InterfaceID?
        /// The remote's section for `local`'s key, when it has one.
        public let reverse: PeerConfig?
        /// `local`'s public key, when its config has a PrivateKey.
        public let localKey: WireKey?
        /// True when the remote's config is usable (see `isUsable`); false when there is no remote.
        public let remoteUsable: Bool

        init(
            local: Network.InterfaceID, index: Int, peer: PeerConfig, remote: Network.InterfaceID?,
            reverse: PeerConfig?, localKey: WireKey?, remoteUsable: Bool
        ) {
            self.local = local
            self.index = index
            self.peer = peer
            self.remote = remote
            self.reverse = reverse
            self.localKey = localKey
            self.remoteUsable = remoteUsable
        }
    }

    /// The network being linted.
    public let network: Network
    /// Every interface by id.
    public let interfaces: [Network.InterfaceID: TunnelInterface]
    /// Every interface's public key, derived once (`TunnelInterface.publicKey` derives it on each call).
    public let publicKeys: [Network.InterfaceID: WireKey]
    /// Interfaces rules judge: those whose config wg-quick would accept (or nearly: see `isUsable`).
    public let usable: [TunnelInterface]
    /// Every `[Peer]` section of every usable interface, in host, interface, file order.
    public let links: [PeerLink]
    /// Link indexes by local interface.
    public let linksByInterface: [Network.InterfaceID: [Int]]
    /// For a local interface, its first section per peer key.
    let sectionByKey: [Network.InterfaceID: [FastKey: Int]]
    /// Interfaces whose usable config lists a key as a peer.
    let listersByKey: [FastKey: [Network.InterfaceID]]
    /// `network.interfacesByKey`, re-indexed for fast lookups.
    let ownersByKey: [FastKey: [Network.InterfaceID]]
    /// Every interface's tunnel addresses (host routes), valued by interface.
    let addressTable: PrefixTrie<[Network.InterfaceID]>
    /// Each host after `wg-quick up`: facts file plus what its PreUp/PostUp lines do.
    public let facts: [String: EffectiveFacts]
    /// `facts[host].lans` of each host that has LANs, so that hot loops need not copy a host's whole facts.
    private let lansByHost: [String: [LAN]]
    /// Per host, every AllowedIPs entry of its usable interfaces (its cryptokey routes), valued by link index.
    let routes: [String: PrefixTrie<[Int]>]
    /// Links into each host: usable sections elsewhere naming a key of one of its interfaces.
    let incoming: [String: [Int]]
    /// Each interface's `Address` host addresses and ListenPort, so hot loops need not copy a whole interface.
    private let addressesByID: [Network.InterfaceID: [IPAddress]]
    let listenPorts: [Network.InterfaceID: UInt16]
    /// Hosts by public address and by lowercased name (facts `names`, then host names), for Endpoint lookups.
    private let hostsByAddress: [IPAddress: String]
    private let hostsByName: [String: String]

    /// Builds the context; linear in the number of `[Peer]` sections.
    ///
    /// The indexes that do not depend on each other are built at the same time in three parts (interfaces and
    /// addresses; sections and listers by key; keys, effective facts and Endpoint lookups), the links in slices
    /// and the per-host route tries on every core: this was the longest stretch of `lint` a single core ran on a
    /// 10,000-host network.
    public init(network: Network) {
        self.network = network
        /// One index built by one of the concurrent parts, read after they are all done.
        final class Part<T>: @unchecked Sendable {
            var value: T
            init(_ value: T) { self.value = value }
        }
        struct Interfaces {
            var byID: [Network.InterfaceID: TunnelInterface] = [:]
            var usable: [TunnelInterface] = []
            var addressesByID: [Network.InterfaceID: [IPAddress]] = [:]
            var peersByID: [Network.InterfaceID: [PeerConfig]] = [:]
            var ports: [Network.InterfaceID: UInt16] = [:]
            var addressTable = PrefixTrie<[Network.InterfaceID]>()
        }
        struct Keys {
            var pubs: [Network.InterfaceID: WireKey] = [:]
            var owners: [FastKey: [Network.InterfaceID]] = [:]
            var facts: [String: EffectiveFacts] = [:]
            var byAddress: [IPAddress: String] = [:]
            var byName: [String: String] = [:]
            var lans: [String: [LAN]] = [:]
        }
        let interfaceCount = network.hosts.reduce(0) { $0 + $1.interfaces.count }
        let sectionCount = network.hosts.reduce(0) { n, h in h.interfaces.reduce(n) { $0 + $1.config.peers.count } }
        let first = Part(Interfaces())
        let second = Part(Keys())
        // Each usable interface's first section per peer key, and who lists each key: a third part, as long as
        // the other two on a 100,000-peer hub, which made the first part the long pole.
        let third = Part(([Network.InterfaceID: [FastKey: Int]](), [FastKey: [Network.InterfaceID]]()))
        DispatchQueue.concurrentPerform(iterations: 3) { part in
            if part == 2 {
                var sections: [Network.InterfaceID: [FastKey: Int]] = [:]
                var listers: [FastKey: [Network.InterfaceID]] = [:]
                sections.reserveCapacity(interfaceCount)
                listers.reserveCapacity(sectionCount)
                for host in network.hosts {
                    for i in host.interfaces where Self.isUsable(i) {
                        let peers = i.config.peers
                        var m: [FastKey: Int] = [:]
                        m.reserveCapacity(peers.count)
                        for (n, p) in peers.enumerated() where m[FastKey(p.publicKey)] == nil {
                            m[FastKey(p.publicKey)] = n
                            listers[FastKey(p.publicKey), default: []].append(i.id)
                        }
                        sections[i.id] = m
                    }
                }
                third.value = (sections, listers)
            } else if part == 0 {
                var x = Interfaces()
                // Every index sized once: growing a 100,000-entry dictionary rehashes each key (two strings for an
                // interface id) at every doubling.
                x.byID.reserveCapacity(interfaceCount)
                x.addressesByID.reserveCapacity(interfaceCount)
                x.peersByID.reserveCapacity(interfaceCount)
                x.ports.reserveCapacity(interfaceCount)
                var addrs: [(IPPrefix, Network.InterfaceID)] = []
                for host in network.hosts {
                    for i in host.interfaces {
                        let id = i.id
                        x.byID[id] = i
                        x.addressesByID[id] = i.config.interface.addresses.map(\.address)
                        x.peersByID[id] = i.config.peers
                        if let port = i.config.interface.listenPort { x.ports[id] = port }
                        if Self.isUsable(i) { x.usable.append(i) }
                        for a in i.config.interface.addresses { addrs.append((IPPrefix.host(a.address), id)) }
                    }
                }
                x.addressTable = PrefixTrie(grouping: addrs)
                first.value = x
            } else {
                var y = Keys()
                y.pubs.reserveCapacity(interfaceCount)
                y.owners.reserveCapacity(network.interfacesByKey.count)
                y.byName.reserveCapacity(network.hosts.count)
                for (k, ids) in network.interfacesByKey {
                    for id in ids { y.pubs[id] = k }
                    y.owners[FastKey(k)] = ids
                }
                y.facts = network.effectiveFacts()
                for h in network.hosts {
                    // EffectiveFacts takes its LANs from the facts file as they are.
                    if !h.facts.lans.isEmpty { y.lans[h.name] = h.facts.lans }
                    for a in h.facts.publicAddresses where y.byAddress[a] == nil { y.byAddress[a] = h.name }
                    for n in h.facts.names where y.byName[n.lowercased()] == nil { y.byName[n.lowercased()] = h.name }
                }
                for h in network.hosts where y.byName[h.name.lowercased()] == nil {
                    y.byName[h.name.lowercased()] = h.name
                }
                second.value = y
            }
        }
        let x = first.value
        let y = second.value
        interfaces = x.byID
        addressesByID = x.addressesByID
        listenPorts = x.ports
        publicKeys = y.pubs
        ownersByKey = y.owners
        usable = x.usable
        addressTable = x.addressTable
        sectionByKey = third.value.0
        listersByKey = third.value.1
        facts = y.facts
        lansByHost = y.lans
        hostsByAddress = y.byAddress
        hostsByName = y.byName
        let sections = third.value.0
        let owners = y.owners
        let peersByID = x.peersByID

        // Each usable interface's links on every core, then numbered in host, interface, file order. A hub's
        // sections are cut into slices of `linkSlice`, so that its 100,000 links are not one job that one core
        // runs alone after the other has built every client's.
        let usableIDs = Set(x.usable.map(\.id))
        let pubs = y.pubs
        let usableList = x.usable
        var slices: [LinkSlice] = []
        for (u, i) in usableList.enumerated() {
            let count = i.config.peers.count
            for start in stride(from: 0, to: count, by: Self.linkSlice) {
                slices.append(LinkSlice(interface: u, sections: start..<min(start + Self.linkSlice, count)))
            }
        }
        let perSlice = concurrentMap(slices) { slice -> [PeerLink] in
            let i = usableList[slice.interface]
            let id = i.id
            let own = pubs[id]
            let peers = i.config.peers
            var mine: [PeerLink] = []
            mine.reserveCapacity(slice.sections.count)
            for n in slice.sections {
                let p = peers[n]
                var remote: Network.InterfaceID? = nil
                var reverse: PeerConfig? = nil
                if let owners = owners[FastKey(p.publicKey)], owners.count == 1, owners[0] != id {
                    remote = owners[0]
                    if let own, let r = sections[owners[0]]?[FastKey(own)] {
                        reverse = peersByID[owners[0]]?[r]
                    }
                }
                mine.append(
                    PeerLink(
                        local: id, index: n, peer: p, remote: remote, reverse: reverse, localKey: own,
                        remoteUsable: remote.map { usableIDs.contains($0) } ?? false))
            }
            return mine
        }
        var links: [PeerLink] = []
        links.reserveCapacity(perSlice.reduce(0) { $0 + $1.count })
        var byIface: [Network.InterfaceID: [Int]] = [:]
        byIface.reserveCapacity(usableList.count)
        // Each host's links, as ranges of `links` in order: found once per interface, not once per link (hashing
        // a host name for each of a hub's 100,000 AllowedIPs entries was a long single-core stretch).
        var rangesByHost: [String: [Range<Int>]] = [:]
        rangesByHost.reserveCapacity(network.hosts.count)
        var hostOrder: [String] = []
        var next = 0
        for (u, i) in usableList.enumerated() {
            let first = links.count
            while next < slices.count && slices[next].interface == u {
                links += perSlice[next]
                next += 1
            }
            let range = first..<links.count
            byIface[i.id] = Array(range)
            if rangesByHost[i.host]?.append(range) == nil {
                rangesByHost[i.host] = [range]
                hostOrder.append(i.host)
            }
        }
        self.links = links
        linksByInterface = byIface
        // One trie per host (its entries in link order, as before) on every core; none for a host without
        // entries. The first job finds the links into each host meanwhile.
        let incomingPart = Part([String: [Int]]())
        let frozen = links
        let hostRanges = hostOrder.map { HostRanges(ranges: rangesByHost[$0]!) }
        // Largest first (a hub's trie after the incoming index, then the clients'): in host order the hub's came
        // last and one core built it alone. Each result goes back to its host's place.
        let sizes: [Int] = [frozen.count] + hostRanges.map { h in h.ranges.reduce(0) { $0 + $1.count } }
        let order: [Int] =
            [0]
            + (1..<sizes.count).sorted { (a: Int, b: Int) -> Bool in
                sizes[a] != sizes[b] ? sizes[a] > sizes[b] : a < b
            }
        let done = concurrentMap(order) { job -> PrefixTrie<[Int]>? in
            guard job > 0 else {
                var incoming: [String: [Int]] = [:]
                incoming.reserveCapacity(hostRanges.count)
                for (n, l) in frozen.enumerated() {
                    if let r = l.remote { incoming[r.host, default: []].append(n) }
                }
                incomingPart.value = incoming
                return nil
            }
            var items: [(IPPrefix, Int)] = []
            for range in hostRanges[job - 1].ranges {
                for n in range { for p in frozen[n].peer.allowedIPs { items.append((p, n)) } }
            }
            return items.isEmpty ? nil : PrefixTrie(grouping: items)
        }
        var jobs = [PrefixTrie<[Int]>?](repeating: nil, count: order.count)
        for (place, job) in order.enumerated() { jobs[job] = done[place] }
        let tries = jobs.dropFirst()
        var routes: [String: PrefixTrie<[Int]>] = [:]
        routes.reserveCapacity(hostOrder.count)
        for (host, trie) in zip(hostOrder, tries) { if let trie { routes[host] = trie } }
        self.routes = routes
        self.incoming = incomingPart.value
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

    /// The host an Endpoint points at, as `Network.host(for:)` decides, by index: a public address, a `names`
    /// entry, the host's name or the name's first label.
    public func host(for endpoint: Endpoint) -> String? {
        switch endpoint.host {
        case .address(let a): return hostsByAddress[a]
        case .name(let n):
            let lower = n.lowercased()
            return hostsByName[lower] ?? lower.split(separator: ".").first.flatMap { hostsByName[String($0)] }
        }
    }

    /// The interface with this id.
    public func interface(_ id: Network.InterfaceID) -> TunnelInterface? { interfaces[id] }

    /// The usable interfaces' links whose remote is `id` (sections naming its key).
    func sections(listing key: WireKey) -> [Network.InterfaceID] { listersByKey[FastKey(key)] ?? [] }

    /// The interfaces holding the private key of `key` (more than one: a shared key).
    func owners(of key: WireKey) -> [Network.InterfaceID] { ownersByKey[FastKey(key)] ?? [] }

    /// The section of `local` for peer `key`, when it has one.
    func section(of local: Network.InterfaceID, for key: WireKey) -> PeerConfig? {
        guard let n = sectionByKey[local]?[FastKey(key)] else { return nil }
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
            || (lansByHost[host]?.contains { $0.hostAddress == prefix.address } ?? false)
    }

    /// The host addresses of an interface (its `Address` lines without prefix lengths).
    func hostAddresses(_ id: Network.InterfaceID) -> [IPAddress] {
        addressesByID[id] ?? []
    }

    /// A short name for a link's target: `HOST/IFACE`, or the key's first characters when it is unknown.
    func name(of link: PeerLink) -> String {
        link.remote?.description ?? "peer \(link.peer.publicKey.shortBase64)"
    }
}

extension LintContext {
    /// The most `[Peer]` sections of one interface whose links one job builds.
    static let linkSlice = 4096
}

/// Consecutive `[Peer]` sections of one usable interface (by its place in `LintContext.usable`), one job of the
/// concurrent link build.
private struct LinkSlice: Sendable {
    var interface: Int
    var sections: Range<Int>
}

/// One host's links (ranges of `LintContext.links`, in order), handed to a concurrent trie build.
private struct HostRanges: Sendable {
    var ranges: [Range<Int>]
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
