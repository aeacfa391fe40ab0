/// Everything `wiresmith doctor` collected on one host, as plain values: what the checks judge, and what
/// `doctor --snapshot` writes (schema `wiresmith-snapshot/1`, docs/doctor.md).
///
/// A snapshot never holds a private key or a preshared key: the collector derives each interface's public key
/// from its private key and keeps a keyed hash of each PSK (`PresharedKeyHash`), then drops both.
public struct HostSnapshot: Codable, Sendable, Equatable {
    /// The schema name; a new major number means an incompatible change.
    public static let currentSchema = "wiresmith-snapshot/1"

    /// `wiresmith-snapshot/1`.
    public var schema: String = HostSnapshot.currentSchema
    /// The host's name (uname nodename) when collected.
    public var hostname: String
    /// When it was collected, in Unix seconds: handshake ages are measured against it.
    public var takenAt: Int
    /// The WireGuard interfaces of this network namespace, from `wg show all dump`.
    public var wireguard: [WireGuardState]
    /// Every link of this namespace with its addresses, from `ip -j -d addr show`.
    public var links: [LinkState]
    /// Every route of every table, both families, from `ip -j [-6] route show table all`.
    public var routes: [RouteState]
    /// The policy routing rules, both families, from `ip -j [-6] rule`: each as its JSON fields, stringified.
    public var rules: [[String: String]]
    /// /proc/sys values by dotted name (`net.ipv4.ip_forward`, `net.ipv4.conf.wg0.rp_filter`, ...).
    public var sysctl: [String: String]
    /// `nft -j list ruleset` as printed, or nil when nft is missing or failed (see `errors`).
    public var nftRuleset: String?
    /// `iptables-save` as printed, or nil.
    public var iptables: String?
    /// `ip6tables-save` as printed, or nil.
    public var ip6tables: String?
    /// The UDP sockets of this namespace, from /proc/net/udp and /proc/net/udp6.
    public var udpSockets: [UDPSocket]
    /// Sources that could not be read, by command or file, and why.
    public var errors: [String: String]
    /// What moved during a sampling window (`--sample`, `--probe`, `--capture`); absent without one. Added after
    /// `wiresmith-snapshot/1` was released: optional, so older snapshots still decode.
    public var traffic: TrafficSample?
    /// The sysctl files' forwarding settings and the wg-quick configs' DNS and forwarding hooks: what the host
    /// comes back as after a reboot. Optional (added after `wiresmith-snapshot/1` was released).
    public var boot: BootFacts?

    /// A snapshot.
    public init(
        hostname: String, takenAt: Int, wireguard: [WireGuardState] = [], links: [LinkState] = [],
        routes: [RouteState] = [], rules: [[String: String]] = [], sysctl: [String: String] = [:],
        nftRuleset: String? = nil, iptables: String? = nil, ip6tables: String? = nil, udpSockets: [UDPSocket] = [],
        errors: [String: String] = [:], traffic: TrafficSample? = nil, boot: BootFacts? = nil
    ) {
        self.hostname = hostname
        self.takenAt = takenAt
        self.wireguard = wireguard
        self.links = links
        self.routes = routes
        self.rules = rules
        self.sysctl = sysctl
        self.nftRuleset = nftRuleset
        self.iptables = iptables
        self.ip6tables = ip6tables
        self.udpSockets = udpSockets
        self.errors = errors
        self.traffic = traffic
        self.boot = boot
    }

    /// The link named `name`.
    public func link(_ name: String) -> LinkState? { links.first { $0.name == name } }

    /// The WireGuard interface named `name`.
    public func wireguard(_ name: String) -> WireGuardState? { wireguard.first { $0.name == name } }
}

/// One WireGuard interface as `wg show all dump` prints it (wg(8) "show ... dump"), without its private key.
public struct WireGuardState: Codable, Sendable, Equatable {
    /// The interface name.
    public var name: String
    /// The public key `wg` printed (base64), or nil when no private key is set.
    public var publicKey: String?
    /// The public key derived here from the private key (X25519, RFC 7748 §6.1); nil when none is set.
    public var derivedPublicKey: String?
    /// Whether a private key is set.
    public var hasPrivateKey: Bool
    /// The UDP port it listens on (0: none yet).
    public var listenPort: Int
    /// The fwmark, or nil when off.
    public var fwmark: String?
    /// Its peers in the order wg lists them.
    public var peers: [PeerState]

    /// An interface state.
    public init(
        name: String, publicKey: String?, derivedPublicKey: String?, hasPrivateKey: Bool, listenPort: Int,
        fwmark: String? = nil, peers: [PeerState] = []
    ) {
        self.name = name
        self.publicKey = publicKey
        self.derivedPublicKey = derivedPublicKey
        self.hasPrivateKey = hasPrivateKey
        self.listenPort = listenPort
        self.fwmark = fwmark
        self.peers = peers
    }
}

/// One peer of a WireGuard interface, as `wg show all dump` prints it, with its PSK replaced by a keyed hash.
public struct PeerState: Codable, Sendable, Equatable {
    /// The peer's public key, base64, as wg printed it.
    public var publicKey: String
    /// `PresharedKeyHash` of the PSK (the same on both sides when the PSKs agree), or nil when none is set.
    public var presharedKeyHash: String?
    /// `IP:PORT` (`[IPv6]:PORT`), or nil when unknown.
    public var endpoint: String?
    /// The AllowedIPs, as printed (`10.0.0.2/32`).
    public var allowedIPs: [String]
    /// Unix seconds of the latest handshake; 0 means never.
    public var latestHandshake: Int
    /// Bytes received from the peer.
    public var rxBytes: UInt64
    /// Bytes sent to the peer.
    public var txBytes: UInt64
    /// PersistentKeepalive in seconds, or nil when off.
    public var persistentKeepalive: Int?

    /// A peer state.
    public init(
        publicKey: String, presharedKeyHash: String? = nil, endpoint: String? = nil, allowedIPs: [String] = [],
        latestHandshake: Int = 0, rxBytes: UInt64 = 0, txBytes: UInt64 = 0, persistentKeepalive: Int? = nil
    ) {
        self.publicKey = publicKey
        self.presharedKeyHash = presharedKeyHash
        self.endpoint = endpoint
        self.allowedIPs = allowedIPs
        self.latestHandshake = latestHandshake
        self.rxBytes = rxBytes
        self.txBytes = txBytes
        self.persistentKeepalive = persistentKeepalive
    }
}

/// One network link and its addresses, from `ip -j -d addr show`.
public struct LinkState: Codable, Sendable, Equatable {
    /// The link name.
    public var name: String
    /// Whether the UP flag is set (administratively up).
    public var up: Bool
    /// The kernel's operstate (`UP`, `DOWN`, `UNKNOWN`: tun devices say UNKNOWN when up).
    public var operstate: String
    /// The MTU.
    public var mtu: Int
    /// The link kind (`wireguard`, `tun`, `veth`), when ip printed one.
    public var kind: String?
    /// Its addresses as `ADDRESS/LEN`, link-local ones included.
    public var addresses: [String]

    /// A link state.
    public init(
        name: String, up: Bool, operstate: String = "UNKNOWN", mtu: Int, kind: String? = nil,
        addresses: [String] = []
    ) {
        self.name = name
        self.up = up
        self.operstate = operstate
        self.mtu = mtu
        self.kind = kind
        self.addresses = addresses
    }
}

/// One route of one table, from `ip -j route show table all`.
public struct RouteState: Codable, Sendable, Equatable {
    /// The destination prefix, canonical (`0.0.0.0/0` for `default`, `/32` or `/128` added to a host).
    public var destination: String
    /// The output device, when the route has one.
    public var device: String?
    /// The table (`main` when ip printed none).
    public var table: String
    /// The route type (`unicast` when ip printed none, `local`, `broadcast`, `unreachable`, ...).
    public var type: String
    /// The next hop (`via`), when the route has one. Optional (added after `wiresmith-snapshot/1` was released).
    public var gateway: String?

    /// A route.
    public init(
        destination: String, device: String?, table: String = "main", type: String = "unicast",
        gateway: String? = nil
    ) {
        self.destination = destination
        self.device = device
        self.table = table
        self.type = type
        self.gateway = gateway
    }
}

/// One UDP socket of this namespace, from /proc/net/udp or /proc/net/udp6.
public struct UDPSocket: Codable, Sendable, Equatable, Hashable {
    /// The local address (`0.0.0.0`, `::` for any).
    public var address: String
    /// The local port.
    public var port: Int

    /// A socket.
    public init(address: String, port: Int) {
        self.address = address
        self.port = port
    }
}
