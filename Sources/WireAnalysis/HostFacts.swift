import WireConfig

/// What the configs cannot say about a host: forwarding, NAT and filter rules, LANs, where it sits on the internet.
///
/// Read from `HOST/host.yaml` (or `HOST.host.yaml` in the flat layout). Every field is optional: a missing one is
/// unknown, and the analysis then lets the interfaces' PostUp/PostDown lines speak (see `EffectiveFacts`).
///
/// ```yaml
/// forwarding: { ipv4: true, ipv6: false }   # net.ipv4.ip_forward / net.ipv6.conf.all.forwarding
/// behind_nat: true                          # reaches the internet through a NAT router
/// nat_udp_timeout: 30                       # seconds that NAT keeps an idle UDP mapping (default 30)
/// public_addresses: [198.51.100.1]          # where other hosts' Endpoint lines reach it
/// names: [vpn.example.com]                  # hostnames other hosts' Endpoint lines use for it
/// uplink: eth0                              # the internet-facing interface (default eth0)
/// lans:
///   - { name: office, prefix: 192.168.10.0/24, interface: eth1, address: 192.168.10.1, gateway: true }
/// masquerade:
///   - { out: eth0, source: 10.0.0.0/24 }    # iptables -t nat -A POSTROUTING [-s SRC] -o OUT -j MASQUERADE
/// forward_policy: accept                    # the FORWARD chain's policy: accept or drop
/// forward_rules:
///   - { in: wg0, out: wg1, action: accept } # iptables -A FORWARD [-i IN] [-o OUT] [-s SRC] [-d DST] -j ACTION
/// ```
public struct HostFacts: Hashable, Sendable {
    /// IP forwarding per family; nil when not stated.
    public var ipv4Forwarding: Bool?
    public var ipv6Forwarding: Bool?
    /// True when the host reaches the internet through NAT; nil when not stated.
    public var behindNAT: Bool?
    /// Seconds the NAT in front of the host keeps a UDP mapping that carries no traffic; nil when not stated (then
    /// `assumedNATUDPTimeout`). A PersistentKeepalive this long or longer does not keep the mapping.
    public var natUDPTimeout: Int?
    /// True when `behindNAT` was inferred (a doctor snapshot whose uplink has only private addresses), not stated:
    /// other hosts' Endpoints for it may overturn it (`NetworkLoader.reachedDirectly`).
    public var behindNATInferred = false
    /// Addresses on the simulated internet where this host is reachable.
    public var publicAddresses: [IPAddress]
    /// DNS names other hosts use for it in Endpoint lines.
    public var names: [String]
    /// The internet-facing interface name; `eth0` when not stated.
    public var uplink: String?
    /// Networks attached to the host besides its tunnels.
    public var lans: [LAN]
    /// Source NAT rules in POSTROUTING.
    public var masquerade: [MasqueradeRule]
    /// The FORWARD chain's policy; nil when not stated (Linux's default is accept).
    public var forwardPolicy: FilterAction?
    /// FORWARD chain rules, in order.
    public var forwardRules: [ForwardRule]
    /// `net.ipv4.conf.X.rp_filter` by X (`all`, an interface name); YAML `rp_filter: {all: 1}` or `rp_filter: 1`.
    public var rpFilter: [String: Int] = [:]
    /// State seen in force on the running host (a doctor snapshot), applied before any hook; empty for host.yaml.
    public var observed: [ObservedEffect] = []
    /// WireGuard interfaces seen not UP on the running host (a doctor snapshot), with where that was read.
    public var downInterfaces: [String: SourceLocation] = [:]
    /// The routing table seen on the running host (a doctor snapshot); nil for host.yaml, whose host's routes are
    /// built from its addresses, LANs, uplink and the configs (`RoutingTable`).
    public var observedRoutes: ObservedRoutes?
    /// Where the facts were read from, for findings that point at them.
    public var file: String?
    /// The line of each top-level field in `file`.
    public var lines: [String: Int]

    public init(
        ipv4Forwarding: Bool? = nil, ipv6Forwarding: Bool? = nil, behindNAT: Bool? = nil,
        publicAddresses: [IPAddress] = [], names: [String] = [], uplink: String? = nil, lans: [LAN] = [],
        masquerade: [MasqueradeRule] = [], forwardPolicy: FilterAction? = nil, forwardRules: [ForwardRule] = [],
        file: String? = nil, lines: [String: Int] = [:]
    ) {
        self.ipv4Forwarding = ipv4Forwarding
        self.ipv6Forwarding = ipv6Forwarding
        self.behindNAT = behindNAT
        self.publicAddresses = publicAddresses
        self.names = names
        self.uplink = uplink
        self.lans = lans
        self.masquerade = masquerade
        self.forwardPolicy = forwardPolicy
        self.forwardRules = forwardRules
        self.file = file
        self.lines = lines
    }

    /// The NAT UDP mapping timeout assumed when host.yaml states none: 30 s, Linux conntrack's
    /// `nf_conntrack_udp_timeout` and a common home-router value, the one WireGuard's recommended 25 s keepalive
    /// stays under (wg(8), PersistentKeepalive). RFC 4787 REQ-5 asks NATs for at least 120 s, but many use less.
    public static let assumedNATUDPTimeout = 30

    /// The NAT UDP mapping timeout in seconds: stated, else `assumedNATUDPTimeout`.
    public var effectiveNATUDPTimeout: Int { natUDPTimeout ?? Self.assumedNATUDPTimeout }

    /// The location of a field of the facts file, when there is one.
    public func location(of field: String) -> SourceLocation? {
        guard let file else { return nil }
        return SourceLocation(file: file, line: lines[field] ?? 1)
    }
}

/// A network attached to a host that is not a tunnel: an office LAN, a container bridge.
public struct LAN: Hashable, Sendable {
    public var name: String
    public var prefix: IPPrefix
    /// The host's interface on the LAN (e.g. `eth1`).
    public var interface: String
    /// The host's own address on the LAN; the first usable address of `prefix` when not stated.
    public var address: IPAddress?
    /// True when the LAN's machines send everything off-LAN through this host (it is their gateway, YAML
    /// `gateway`); false when they use another router, so replies to tunnel addresses need MASQUERADE or a
    /// static route. nil when not stated (taken as true, and said so).
    public var gateway: Bool?
    /// Where `gateway` was learned when not from a facts file (a doctor snapshot's LAN probe); nil otherwise.
    public var gatewayEvidence: SourceLocation?

    public init(
        name: String, prefix: IPPrefix, interface: String, address: IPAddress? = nil, gateway: Bool? = nil,
        gatewayEvidence: SourceLocation? = nil
    ) {
        self.name = name
        self.prefix = prefix
        self.interface = interface
        self.address = address
        self.gateway = gateway
        self.gatewayEvidence = gatewayEvidence
    }

    /// The host's address on the LAN, stated or the first after the network address (the network address itself
    /// when the prefix holds no other, such as 255.255.255.255/32; the facts reader reports that case).
    public var hostAddress: IPAddress {
        address ?? prefix.firstHostAddress ?? prefix.network.address
    }
}

/// What a filter rule or chain policy does with a packet.
public enum FilterAction: String, Hashable, Sendable {
    case accept, drop, reject
}

/// `-t nat -A POSTROUTING [-s SOURCE] -o OUT -j MASQUERADE`.
public struct MasqueradeRule: Hashable, Sendable {
    /// The outgoing interface; nil matches any.
    public var outInterface: String?
    /// The source prefix; nil matches any.
    public var source: IPPrefix?
    /// Where the rule was written (a facts file or a PostUp line).
    public var location: SourceLocation?
    /// The address family the rule applies to (`iptables` v4, `ip6tables` v6); nil for both (facts, nft inet).
    public var family: IPFamily?

    public init(
        outInterface: String?, source: IPPrefix? = nil, location: SourceLocation? = nil,
        family: IPFamily? = nil
    ) {
        self.outInterface = outInterface
        self.source = source
        self.location = location
        self.family = family
    }
}

/// One FORWARD chain rule: `[-i IN] [-o OUT] [-s SRC] [-d DST] -j ACTION`.
public struct ForwardRule: Hashable, Sendable {
    public var inInterface: String?
    public var outInterface: String?
    public var source: IPPrefix?
    public var destination: IPPrefix?
    public var action: FilterAction
    public var location: SourceLocation?
    /// The address family the rule applies to (`iptables` v4, `ip6tables` v6); nil for both (facts, nft inet).
    public var family: IPFamily?
    /// Conntrack states matched (`-m conntrack --ctstate`, `-m state --state`, nft `ct state`); nil for any.
    public var states: Set<ConnectionState>?
    /// The protocol matched (`-p icmp`, `-p tcp`); nil for any.
    public var proto: String?
    /// The chain the rule is in: FORWARD (what hosts relay), INPUT (to the host itself), OUTPUT (from it).
    public var chain: FilterChain = .forward
    /// The destination port matched (`-p udp --dport 51820`, nft `udp dport 51820`); nil for any.
    public var dport: UInt16?
    /// The source port matched; nil for any.
    public var sport: UInt16?

    public init(
        inInterface: String? = nil, outInterface: String? = nil, source: IPPrefix? = nil,
        destination: IPPrefix? = nil, action: FilterAction, location: SourceLocation? = nil,
        family: IPFamily? = nil, states: Set<ConnectionState>? = nil, proto: String? = nil
    ) {
        self.inInterface = inInterface
        self.outInterface = outInterface
        self.source = source
        self.destination = destination
        self.action = action
        self.location = location
        self.family = family
        self.states = states
        self.proto = proto
    }

    /// True when the rule matches a packet with these interfaces and addresses.
    public func matches(inInterface i: String, outInterface o: String, source s: IPAddress, destination d: IPAddress)
        -> Bool
    {
        (inInterface == nil || inInterface == i) && (outInterface == nil || outInterface == o)
            && (source?.contains(s) ?? true) && (destination?.contains(d) ?? true)
    }
}

/// A filter chain of the host (iptables' filter table, nft's forward/input/output hooks).
public enum FilterChain: String, Hashable, Sendable, Codable, CaseIterable {
    /// Packets the host relays.
    case forward
    /// Packets addressed to the host itself.
    case input
    /// Packets the host itself sends.
    case output

    /// `FORWARD`, `INPUT`, `OUTPUT`.
    public var name: String { rawValue.uppercased() }
}

/// A conntrack state a filter rule can match (`--ctstate NEW,ESTABLISHED`, nft `ct state new`).
public enum ConnectionState: String, Hashable, Sendable, Codable, CaseIterable {
    case new, established, related, invalid, untracked
}
