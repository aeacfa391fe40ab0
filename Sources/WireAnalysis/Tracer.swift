import Foundation
import WireConfig

/// Walks one packet through a network, hop by hop, and its reply back (`wiresmith trace FROM TO`).
///
/// The model is Linux with wg-quick(8) and a WireGuard implementation (kernel or wireguard-go, which agree here):
/// at each host the kernel's route lookup (see `RoutingTable`), on a relay IP forwarding, the FORWARD chain and
/// POSTROUTING MASQUERADE (see `EffectiveFacts`); on a WireGuard interface cryptokey routing (the longest AllowedIPs
/// of the interface's peers, the last peer listed owning a prefix claimed twice; whitepaper section 2), the
/// handshake (the receiver must have a [Peer] with the sender's key, and the preshared keys must agree), whether the
/// sender knows or can learn the peer's endpoint, and the receiver's source check (the packet's source must map
/// to the sending peer in the receiver's AllowedIPs). The packet is an ICMP echo (what `ping` sends); the reply is
/// conntrack ESTABLISHED and has MASQUERADE undone on the way back. Build once per network; `trace` is cheap
/// (hash lookups, no scans over peers) and the value is Sendable, so traces can run concurrently.
public struct Tracer: Sendable {
    /// The network traced.
    public let network: Network
    /// Effective facts and routing tables by host index (the order of `network.hosts`).
    public let facts: [EffectiveFacts]
    /// Routing tables by host index.
    public let tables: [RoutingTable]
    let hostIndex: [String: Int]
    /// Cryptokey routing per interface: [host][interface] -> peer index by AllowedIPs.
    let peerMaps: [[PrefixTrie<Int>]]
    /// Interface by public key (several when a key is reused).
    let byKey: [WireKey: [IfaceRef]]
    /// Each interface's public key ([host][interface]), derived once (X25519 is not free).
    let publicKeys: [[WireKey?]]
    /// Per interface: [Peer] index by public key (the first section with the key).
    let peerByKey: [[[WireKey: Int]]]
    /// Tunnel address -> interface owning it (interfaces that come up only).
    let addressOwners: [IPAddress: IfaceRef]
    /// Every address a host owns: tunnel addresses of its interfaces that come up, LAN addresses, public ones.
    let localAddresses: [Set<IPAddress>]
    let publicOwners: [IPAddress: Int]
    /// Lowercased names an Endpoint may use for a host (its `names` facts: what its DNS or /etc/hosts says) -> host
    /// index. Any other name does not resolve.
    let endpointNames: [String: Int]
    /// Hosts some peer dials: an Endpoint reaches them (by public address or name), or names their key.
    let dialed: Set<Int>

    /// What the index holds per host, built on every core.
    struct PerHost: Sendable {
        var facts: EffectiveFacts
        var table: RoutingTable
        var maps: [PrefixTrie<Int>]
        var peerKeys: [[WireKey: Int]]
        var local: Set<IPAddress>
    }

    /// Names one interface by indexes into `network.hosts` and `Host.interfaces`.
    struct IfaceRef: Hashable, Sendable {
        var host: Int
        var iface: Int
    }

    /// Interfaces that never come up, with why (ListenPort taken, Endpoint name unresolved, a hook that fails);
    /// they are also marked invalid in `network`, so routes, addresses and hooks of theirs do not count.
    public let down: [Network.InterfaceID: InterfaceDown]
    /// Every tunnel address -> interfaces holding it, including interfaces that do not come up.
    let configuredOwners: [IPAddress: IfaceRef]

    /// Indexes `network` for tracing: first finds the interfaces that never come up (`Tracer+Up.swift`).
    public init(network: Network) {
        let fixed = Self.staticDown(network)
        let first = Tracer(indexing: network.markingDown(fixed), down: fixed)
        let pings = first.failingHooks()
        guard !pings.isEmpty else {
            self = first
            return
        }
        let all = fixed.merging(pings) { a, _ in a }
        self = Tracer(indexing: network.markingDown(all), down: all)
    }

    /// Indexes `network`, whose interfaces in `down` are already marked invalid.
    init(indexing network: Network, down: [Network.InterfaceID: InterfaceDown]) {
        self.network = network
        self.down = down
        var configured: [IPAddress: IfaceRef] = [:]
        var hostIndex: [String: Int] = [:]
        var keyOf: [Network.InterfaceID: WireKey] = [:]
        for (k, ids) in network.interfacesByKey { for id in ids { keyOf[id] = k } }
        var byKey: [WireKey: [IfaceRef]] = [:]
        var publicKeys: [[WireKey?]] = []
        var owners: [IPAddress: IfaceRef] = [:]
        var publicOwners: [IPAddress: Int] = [:]
        // Per host (effective facts, routing table, cryptokey maps, own addresses) on every core; then the
        // cross-host indexes in one pass.
        let per = concurrentMap(network.hosts) { host -> PerHost in
            let f = EffectiveFacts(host: host)
            var maps: [PrefixTrie<Int>] = []
            var peerKeys: [[WireKey: Int]] = []
            var local = Set<IPAddress>()
            for iface in host.interfaces {
                var map = PrefixTrie<Int>()
                var byPeerKey: [WireKey: Int] = [:]
                for (p, peer) in iface.config.peers.enumerated() {
                    for a in peer.allowedIPs { map.insert(a, p) }
                    if byPeerKey[peer.publicKey] == nil { byPeerKey[peer.publicKey] = p }
                }
                maps.append(map)
                peerKeys.append(byPeerKey)
                if iface.isValid { for a in iface.config.interface.addresses { local.insert(a.address) } }
            }
            for lan in f.lans { local.insert(lan.hostAddress) }
            for a in f.publicAddresses { local.insert(a) }
            return PerHost(
                facts: f, table: RoutingTable(host: host, facts: f), maps: maps, peerKeys: peerKeys, local: local)
        }
        for (h, host) in network.hosts.enumerated() {
            hostIndex[host.name] = h
            var keys: [WireKey?] = []
            for (i, iface) in host.interfaces.enumerated() {
                let ref = IfaceRef(host: h, iface: i)
                // The network derived every public key once already.
                let key = keyOf[Network.InterfaceID(host: host.name, interface: iface.name)]
                keys.append(key)
                if let k = key { byKey[k, default: []].append(ref) }
                for a in iface.config.interface.addresses where configured[a.address] == nil {
                    configured[a.address] = ref
                }
                guard iface.isValid else { continue }
                for a in iface.config.interface.addresses where owners[a.address] == nil { owners[a.address] = ref }
            }
            for a in per[h].facts.publicAddresses { publicOwners[a] = h }
            publicKeys.append(keys)
        }
        let facts = per.map(\.facts)
        let tables = per.map(\.table)
        let peerMaps = per.map(\.maps)
        let peerByKey = per.map(\.peerKeys)
        let locals = per.map(\.local)
        self.hostIndex = hostIndex
        self.configuredOwners = configured
        self.facts = facts
        self.tables = tables
        self.peerMaps = peerMaps
        self.byKey = byKey
        self.publicKeys = publicKeys
        self.peerByKey = peerByKey
        self.addressOwners = owners
        self.localAddresses = locals
        self.publicOwners = publicOwners
        var names: [String: Int] = [:]
        for (h, host) in network.hosts.enumerated() {
            for n in host.facts.names where names[n.lowercased()] == nil { names[n.lowercased()] = h }
        }
        self.endpointNames = names
        var dialed = Set<Int>()
        for host in network.hosts {
            for iface in host.interfaces {
                for peer in iface.config.peers {
                    guard let ep = peer.endpoint else { continue }
                    switch ep.host {
                    case .address(let a):
                        if let h = publicOwners[a] {
                            dialed.insert(h)
                        } else if let o = byKey[peer.publicKey], o.count == 1 {
                            dialed.insert(o[0].host)
                        }
                    case .name(let n):
                        if let h = names[n.lowercased()] { dialed.insert(h) }
                    }
                }
            }
        }
        for (h, f) in facts.enumerated() where !f.publicAddresses.isEmpty { dialed.insert(h) }
        self.dialed = dialed
    }

    /// Traces a ping from FROM to TO and its reply.
    ///
    /// FROM and TO are host names or tunnel/LAN addresses: an address resolves to the host owning it, and an
    /// address inside a host's LAN (other than the host's own) to a machine on that LAN. A host named as FROM
    /// sends from the address Linux would pick (the outgoing interface's first address of the family); a host
    /// named as TO is reached at its tunnel address on an interface that peers with FROM, else its first one.
    public func trace(from: String, to: String) throws(TraceError) -> TraceResult {
        try trace(from: from, to: to, phases: TracePhase.allCases)
    }

    /// Traces a ping from FROM to address TO meant for host `owner`: when several hosts hold TO (a reused tunnel
    /// address), the plain `trace(from:to:)` means the first of them in name order; this one means `owner`, so an
    /// answer from another holder counts as not reaching it (what `lab check` asks per target).
    public func trace(from: String, to: String, reaching owner: String) throws(TraceError) -> TraceResult {
        try trace(from: from, to: to, phases: TracePhase.allCases, owner: owner)
    }

    /// Traces in the given phases only (`phases` in time order, not empty).
    func trace(from: String, to: String, phases wanted: [TracePhase], owner: String? = nil) throws(TraceError)
        -> TraceResult
    {
        guard let src = resolve(from), src.node.host >= 0 else { throw .unknownNode(from) }
        guard var dst = resolve(to) else { throw .unknownNode(to) }
        if let owner, let h = hostIndex[owner], h != dst.node.host, let a = dst.address,
            network.hosts[h].interfaces.contains(where: { $0.config.interface.addresses.contains { $0.address == a } })
        {
            dst = Resolved(node: .host(h), address: a)
        }
        // A reused address: FROM holds it too, so TO means the other host that holds it.
        if src.node == dst.node, let a = dst.address,
            let other = network.hosts.indices.first(where: { h in
                h != src.node.host
                    && network.hosts[h].interfaces.contains {
                        $0.config.interface.addresses.contains { $0.address == a }
                    }
            })
        {
            dst = Resolved(node: .host(other), address: a)
        }
        if src.node == dst.node && (src.address == dst.address || src.address == nil || dst.address == nil) {
            throw .sameNode(to)
        }
        let dstAddress = try destinationAddress(dst, from: src)
        if let a = src.address, IPFamily(a) != IPFamily(dstAddress) { throw .familyMismatch(from: from, to: to) }
        let srcAddress = try sourceAddress(src, to: dstAddress)
        var phases: [PhaseVerdict] = []
        var notes: [String] = []
        var visited = Set<Int>()
        var depends: [TracePhase: [String]] = [:]
        for phase in wanted {
            var walk = Walk(phase: phase)
            let verdict = walkBothWays(&walk, src: src, dst: dst, from: srcAddress, to: dstAddress)
            for n in walk.notes where !notes.contains(n) { notes.append(n) }
            visited.formUnion(walk.visited)
            depends[phase] = walk.dependsOn
            let extra =
                verdict.delivered && !walk.dependsOn.isEmpty ? " (" + walk.dependsOn.joined(separator: "; ") + ")" : ""
            phases.append(
                PhaseVerdict(phase: phase, condition: phase.condition + extra, verdict: verdict, hops: walk.hops))
        }
        for h in visited.sorted() {
            for c in tables[h].conflicts where c.origin == .allowedIPs || c.origin == .hook {
                let at = c.location.map { " (\($0.fileLine))" } ?? ""
                notes.append(
                    "on \(network.hosts[h].name), `ip route add \(c)`\(at) fails with File exists: "
                        + "\(c.prefix) is already routed; wg-quick up \(c.device) would then fail and remove "
                        + "the interface, which this trace does not assume")
            }
            for u in facts[h].unknownEffects {
                notes.append(
                    "\(u.location.fileLine): `\(u.command)` on \(network.hosts[h].name) "
                        + "was not understood (\(u.reason)); its effect is not modelled")
            }
        }
        let headline = phases.first { !$0.delivered } ?? phases[0]
        let expectation = network.expectation(
            from: IntentParty(host: network.hosts[src.node.host].name, address: srcAddress),
            to: IntentParty(
                host: dst.node.host >= 0 ? network.hosts[dst.node.host].name : "internet", address: dstAddress))
        return TraceResult(
            from: from, to: to, source: srcAddress.description, destination: dstAddress.description,
            hops: headline.hops, verdict: headline.verdict, phases: phases,
            condition: Self.condition(phases, depends: depends),
            intent: TraceIntent(expectation, phases: phases), notes: notes)
    }

    /// Walks the packet to TO and, when it arrives, the reply back; the verdict of the two.
    func walkBothWays(
        _ walk: inout Walk, src: Resolved, dst: Resolved, from srcAddress: IPAddress, to dstAddress: IPAddress
    )
        -> TraceVerdict
    {
        let forward = self.walk(
            &walk, from: src.node, to: dst.node, packet: Packet(source: srcAddress, destination: dstAddress),
            direction: .forward)
        switch forward {
        case .dropped(let v):
            return v
        case .delivered(let seen):
            let back = self.walk(
                &walk, from: dst.node, to: src.node, packet: Packet(source: seen.destination, destination: seen.source),
                direction: .reply)
            switch back {
            case .dropped(let v): return v
            case .delivered: return .deliveredBothWays("\(srcAddress) reaches \(dstAddress) and the reply comes back")
            }
        }
    }

    /// One sentence for when the packet gets through, from the phases' verdicts and what each depended on.
    static func condition(_ phases: [PhaseVerdict], depends: [TracePhase: [String]]) -> String {
        let ok = Dictionary(uniqueKeysWithValues: phases.map { ($0.phase, $0.delivered) })
        func deps(_ p: TracePhase) -> String {
            let d = depends[p] ?? []
            return d.isEmpty ? "" : " (" + d.joined(separator: "; ") + ")"
        }
        switch (ok[.cold] ?? false, ok[.warm] ?? false, ok[.idle] ?? false) {
        case (true, true, true): return "always" + deps(.idle)
        case (false, false, false): return "never"
        case (false, true, false):
            return "only after the far side has sent" + deps(.warm) + ", until its NAT mapping expires"
        case (false, true, true): return "once the far side has sent" + deps(.warm) + "; then always"
        case (true, true, false): return "from up" + deps(.cold) + " until the NAT mapping expires"
        default:
            let yes = phases.filter(\.delivered).map(\.phase.rawValue).joined(separator: ", ")
            return "only in phase " + yes
        }
    }

    /// A machine a packet can be at: a host of the network, or a machine on a host's LAN.
    enum Node: Hashable {
        case host(Int)
        case lanMachine(host: Int, lan: Int, address: IPAddress)
        /// A globally routed address outside the network (`8.8.8.8`, the lab's test address 203.0.113.254).
        case internet(IPAddress)

        /// The host index; -1 for the internet.
        var host: Int {
            switch self {
            case .host(let h), .lanMachine(let h, _, _): return h
            case .internet: return -1
            }
        }
    }

    struct Resolved {
        var node: Node
        /// The address given, or nil for a host name.
        var address: IPAddress?
    }

    /// A host name or an address, as the CLI takes FROM and TO.
    func resolve(_ text: String) -> Resolved? {
        if let h = hostIndex[text] { return Resolved(node: .host(h), address: nil) }
        guard let a = IPAddress(text) else { return nil }
        if let ref = addressOwners[a] ?? configuredOwners[a] { return Resolved(node: .host(ref.host), address: a) }
        for (h, f) in facts.enumerated() {
            for (l, lan) in f.lans.enumerated() where lan.prefix.contains(a) {
                if a == lan.hostAddress { return Resolved(node: .host(h), address: a) }
                return Resolved(node: .lanMachine(host: h, lan: l, address: a), address: a)
            }
        }
        if let owner = publicOwners[a] { return Resolved(node: .host(owner), address: a) }
        if Self.isGlobal(a) { return Resolved(node: .internet(a), address: a) }
        return nil
    }

    /// True for an address routed on the internet: not RFC 1918, RFC 6598 (CGNAT), loopback, link-local, ULA or
    /// multicast. Documentation ranges count as global (labs use them as the internet).
    static func isGlobal(_ a: IPAddress) -> Bool {
        let local = [
            "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
            "0.0.0.0/8", "224.0.0.0/3", "fc00::/7", "fe80::/10", "::1/128", "::/128", "ff00::/8",
        ].compactMap { IPPrefix($0) }
        return !local.contains { $0.contains(a) }
    }

    /// The address TO is reached at.
    func destinationAddress(_ dst: Resolved, from src: Resolved) throws(TraceError) -> IPAddress {
        if let a = dst.address { return a }
        let host = network.hosts[dst.node.host]
        let family = src.address.map(IPFamily.init)
        let fromKeys = publicKeys[src.node.host].compactMap { $0 }
        var candidates: [(score: Int, address: IPAddress)] = []
        for (i, iface) in host.interfaces.enumerated() {
            let peers = fromKeys.contains { peerByKey[dst.node.host][i][$0] != nil }
            for a in iface.config.interface.addresses where family == nil || IPFamily(a.address) == family {
                candidates.append(((iface.isValid ? 0 : 4) + (peers ? 0 : 2) + (a.address.isIPv4 ? 0 : 1), a.address))
            }
        }
        guard let best = candidates.min(by: { $0.score < $1.score }) else {
            throw .noAddress(host: host.name, family: family ?? .ipv4)
        }
        return best.address
    }

    /// The address FROM sends from: as given, or what Linux picks for the route to `destination`.
    func sourceAddress(_ src: Resolved, to destination: IPAddress) throws(TraceError) -> IPAddress {
        if let a = src.address { return a }
        let h = src.node.host
        let family = IPFamily(destination)
        let device = tables[h].lookup(destination)?.device
        if let device, let a = address(of: h, device: device, family: family) { return a }
        // Linux falls back to any global address of the host.
        for iface in network.hosts[h].interfaces where iface.isValid {
            if let a = iface.config.interface.addresses.first(where: { IPFamily($0.address) == family }) {
                return a.address
            }
        }
        if let lan = facts[h].lans.first(where: { IPFamily($0.prefix.address) == family }) { return lan.hostAddress }
        // An interface that does not come up still names the address its host would have had.
        for iface in network.hosts[h].interfaces {
            if let a = iface.config.interface.addresses.first(where: { IPFamily($0.address) == family }) {
                return a.address
            }
        }
        throw .noAddress(host: network.hosts[h].name, family: family)
    }

    /// The first address of `family` on a device of host `h` (tunnel interface, LAN or uplink).
    func address(of h: Int, device: String, family: IPFamily) -> IPAddress? {
        if let iface = network.hosts[h].interface(device) {
            return iface.config.interface.addresses.first { IPFamily($0.address) == family }?.address
        }
        if let lan = facts[h].lans.first(where: { $0.interface == device && IPFamily($0.prefix.address) == family }) {
            return lan.hostAddress
        }
        if device == facts[h].uplink { return facts[h].publicAddresses.first { IPFamily($0) == family } }
        return nil
    }
}

/// `items.map(transform)` on every core (`DispatchQueue.concurrentPerform`), in order.
func concurrentMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    let slots = ConcurrentSlots<R>(items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { n in
        let r = transform(items[n])
        slots.lock.lock()
        slots.items[n] = r
        slots.lock.unlock()
    }
    return slots.items.map { $0! }
}

/// One result slot per iteration of a `concurrentPerform`, each written once under a lock.
final class ConcurrentSlots<R>: @unchecked Sendable {
    var items: [R?]
    let lock = NSLock()
    init(_ n: Int) { items = Array(repeating: nil, count: n) }
}
