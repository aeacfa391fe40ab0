import WireConfig

/// One route a host has after `wg-quick up` of all its interfaces.
public struct Route: Hashable, Sendable, CustomStringConvertible {
    /// What put the route there.
    public enum Origin: String, Hashable, Sendable, Codable {
        /// The connected route of an interface `Address` (the kernel adds it with the address).
        case address
        /// wg-quick's route for a peer's AllowedIPs entry.
        case allowedIPs
        /// A LAN's connected route (host facts).
        case lan
        /// `ip route add` in a PreUp/PostUp line.
        case hook
        /// The default route through the uplink.
        case uplink
        /// A route seen in the running host's table (a doctor snapshot), whatever put it there.
        case observed
    }

    /// The destination prefix, host bits cleared.
    public var prefix: IPPrefix
    /// The outgoing interface.
    public var device: String
    /// What added the route.
    public var origin: Origin
    /// The routing table; nil for `main`. A 0/0 AllowedIPs with `Table = auto` lives in wg-quick's fwmark table
    /// (51820 or the interface's FwMark).
    public var table: String?
    /// The config or facts line that caused the route; nil for the uplink default when no facts file says so.
    public var location: SourceLocation?
    /// The next hop (`via`), when known (a route seen running); nil for a route straight out of `device`.
    public var via: IPAddress?

    /// A route; host bits of `prefix` are cleared.
    public init(
        prefix: IPPrefix, device: String, origin: Origin, table: String? = nil,
        location: SourceLocation? = nil, via: IPAddress? = nil
    ) {
        self.prefix = prefix.network
        self.device = device
        self.origin = origin
        self.table = table
        self.location = location
        self.via = via
    }

    /// `10.1.0.0/24 dev wg0` (plus ` table N` outside main).
    public var description: String {
        "\(prefix) dev \(device)" + (table.map { " table \($0)" } ?? "")
    }
}

/// A host's routes and the lookup Linux does for a packet, with the policy rules wg-quick adds.
///
/// Built as wg-quick(8)'s linux.bash builds it: the uplink default route and LAN routes exist first; then, for
/// each interface in name order, the connected route of each Address, then one route per AllowedIPs entry,
/// longest first: in `main` when `Table = auto` (skipped when a route on the same interface already covers it,
/// as `ip route show dev IF match P` does), in table N when `Table = N`, none when `Table = off`. A 0/0 entry
/// with `Table = auto` instead goes to table 51820 (or the FwMark) with the rules `not fwmark T table T` and
/// `table main suppress_prefixlength 0`: every lookup first tries `main` ignoring default routes, then the
/// tunnel's default; WireGuard's own UDP packets carry the mark and keep using the uplink. Interfaces whose
/// config has errors do not come up and add nothing. A second route for the same prefix in one table fails in
/// the real `ip route add` (File exists) and is kept only in `conflicts`.
public struct RoutingTable: Sendable {
    /// Every route, in the order added (routes in tables other than main and the fwmark table are kept for
    /// messages but never consulted).
    public private(set) var routes: [Route] = []
    /// Routes `ip route add` would refuse because the prefix is already in the table.
    public private(set) var conflicts: [Route] = []
    private var main = PrefixTrie<Int>()
    /// Default routes into tunnels (0/0 AllowedIPs with Table = auto), last brought up first.
    private var tunnelDefaults: [Int] = []

    /// Builds the table of `host` with its effective facts; a host seen running (`HostFacts.observedRoutes`) gets
    /// the routes seen instead.
    public init(host: Host, facts: EffectiveFacts) {
        if let seen = facts.facts.observedRoutes {
            for r in seen.main { add(r) }
            for r in seen.tunnelDefaults {
                routes.append(r)
                tunnelDefaults.append(routes.count - 1)
            }
            routes += seen.other
            return
        }
        for p in ["0.0.0.0/0", "::/0"] {
            add(
                Route(
                    prefix: IPPrefix(p)!, device: facts.uplink, origin: .uplink,
                    location: facts.facts.location(of: "uplink")))
        }
        for lan in facts.lans {
            add(
                Route(
                    prefix: lan.prefix, device: lan.interface, origin: .lan,
                    location: facts.facts.location(of: "lans")))
        }
        for iface in host.interfaces where iface.isValid {
            let cfg = iface.config
            for a in cfg.interface.addresses where a.length < a.address.bitWidth {
                add(
                    Route(
                        prefix: a, device: iface.name, origin: .address,
                        location: cfg.interface.origin?.location(of: a, key: .address)
                            ?? iface.location(of: .address)))
            }
            let table = cfg.interface.table?.lowercased()
            if table == "off" { continue }
            var entries: [(IPPrefix, SourceLocation)] = []
            for peer in cfg.peers {
                for p in peer.allowedIPs {
                    let loc = peer.origin?.location(of: p, key: .allowedIPs) ?? iface.location(of: .publicKey)
                    entries.append((p, loc))
                }
            }
            entries.sort { $0.0.length > $1.0.length }
            let fwTable = cfg.interface.fwMark.map(String.init) ?? "51820"
            for (p, loc) in entries {
                var r = Route(prefix: p, device: iface.name, origin: .allowedIPs, location: loc)
                if let t = table, t != "auto" {
                    r.table = t == "main" ? nil : t
                } else if p.length == 0 {
                    r.table = fwTable
                    routes.append(r)
                    tunnelDefaults.insert(routes.count - 1, at: 0)
                    continue
                } else if let hit = main.lookup(p.address), routes[hit.value].device == iface.name,
                    routes[hit.value].prefix.contains(p), routes[hit.value].origin != .uplink
                {
                    continue  // `ip route show dev IF match P` finds a covering route: wg-quick adds none
                }
                add(r)
            }
        }
        for route in facts.routes { add(hook: route) }  // PostUp runs after the interface's own routes
    }

    private mutating func add(hook: HookRoute) {
        add(
            Route(
                prefix: hook.prefix, device: hook.device, origin: .hook, table: hook.table,
                location: hook.location))
    }

    private mutating func add(_ route: Route) {
        guard route.table == nil else {
            routes.append(route)
            return
        }
        if main.exact(route.prefix) != nil {
            conflicts.append(route)
            return
        }
        routes.append(route)
        main.insert(route.prefix, routes.count - 1)
    }

    /// The route Linux picks for `destination` with wg-quick's rules (see the type's summary); nil when none.
    public func lookup(_ destination: IPAddress) -> Route? {
        let family = IPFamily(destination)
        if let t = tunnelDefaults.first(where: { IPFamily(routes[$0].prefix.address) == family }) {
            if let hit = main.lookup(destination, minLength: 1) { return routes[hit.value] }
            return routes[t]
        }
        return main.lookup(destination).map { routes[$0.value] }
    }

    /// Routes for `destination` that exist but are never consulted (a `Table = N` other than main).
    public func unconsultedRoutes(for destination: IPAddress) -> [Route] {
        routes.filter { r in
            r.table != nil && r.prefix.contains(destination)
                && !(r.origin == .allowedIPs && r.prefix.length == 0
                    && tunnelDefaults.contains { routes[$0] == r })
        }
    }
}
