import WireConfig

/// A file and line a trace step points at (Codable; `SourceLocation` without the column).
public struct TraceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The file, as the network was loaded (relative paths stay relative).
    public var file: String
    /// 1-based.
    public var line: Int
    /// The setting's JSON path when `file` is a doctor snapshot (`wireguard[0].peers[1].allowedIPs`); nil for
    /// config and facts files.
    public var path: String?

    /// A location.
    public init(file: String, line: Int, path: String? = nil) {
        self.file = file
        self.line = line
        self.path = path
    }

    /// The location without its column.
    public init(_ location: SourceLocation) {
        self.init(file: location.file, line: location.line, path: location.path)
    }

    /// `FILE:LINE`, or `FILE: PATH` in a snapshot.
    public var description: String { path.map { "\(file): \($0)" } ?? "\(file):\(line)" }
}

/// Which way a hop's packet travels: the traced packet, or the reply coming back.
public enum TraceDirection: String, Hashable, Sendable, Codable {
    case forward, reply
}

/// What one step of a hop checks; the raw values are stable (they appear in `--json` output).
public enum TraceCheck: String, Hashable, Sendable, Codable, CaseIterable {
    /// A LAN machine hands the packet to its gateway.
    case gateway
    /// Conntrack reverses a MASQUERADE on the way back.
    case unnat = "un-nat"
    /// The destination address is one of this host's own (delivered here).
    case local
    /// The kernel's route lookup.
    case route
    /// `net.ipv4.ip_forward` / `net.ipv6.conf.all.forwarding` on a relay.
    case forwarding
    /// The FORWARD chain.
    case filter
    /// POSTROUTING MASQUERADE rewrites the source.
    case masquerade
    /// WireGuard's cryptokey routing: which peer of the interface gets the packet (AllowedIPs).
    case peer
    /// The chosen peer's public key belongs to an interface of the network that is up.
    case key
    /// The sender knows (or can learn) the peer's endpoint.
    case endpoint
    /// The receiver knows the sender's key (and the preshared keys agree): the handshake completes.
    case handshake
    /// The receiver's check of the packet's source against the sender's AllowedIPs.
    case source
    /// The packet reaches a machine on a LAN.
    case lan
    /// The interface used comes up (config accepted, ListenPort free, Endpoint names resolve, hooks succeed).
    case up
    /// The INPUT chain accepts (the tunnel packet, or the WireGuard UDP datagram).
    case input
    /// The OUTPUT chain accepts.
    case output
    /// Reverse-path filtering accepts the source on the arrival interface.
    case rpFilter = "rp-filter"
    /// The packet leaves to, or comes back from, the internet through the uplink.
    case internet
    /// The destination owns the address.
    case deliver
}

/// One check on one host, passed or failed, with the line that decided it.
public struct TraceStep: Hashable, Sendable, Codable {
    /// What was checked.
    public var check: TraceCheck
    /// Passed (true) or dropped the packet (false).
    public var ok: Bool
    /// A sentence saying what happened (`10.1.0.0/24 dev wg0 from AllowedIPs`).
    public var detail: String
    /// The setting that decided (`AllowedIPs`, `net.ipv4.ip_forward`, `FORWARD policy`), when one did.
    public var setting: String?
    /// Where that setting is written; nil when it is not set anywhere (see `notSetIn`).
    public var location: TraceLocation?
    /// When the deciding setting is written nowhere: the file where it belongs.
    public var notSetIn: String?
    /// For a failed step: a concrete sentence saying what to change.
    public var fix: String?

    /// A step; `location` loses its column.
    public init(
        _ check: TraceCheck, ok: Bool, _ detail: String, setting: String? = nil,
        location: SourceLocation? = nil, notSetIn: String? = nil, fix: String? = nil
    ) {
        self.check = check
        self.ok = ok
        self.detail = detail
        self.setting = setting
        self.location = location.map(TraceLocation.init)
        self.notSetIn = notSetIn
        self.fix = fix
    }
}

/// A packet's source and destination as a hop sees them on arrival.
public struct TracePacket: Hashable, Sendable, Codable {
    /// The source address as text.
    public var source: String
    /// The destination address as text.
    public var destination: String

    /// The packet's addresses.
    public init(source: IPAddress, destination: IPAddress) {
        self.source = source.description
        self.destination = destination.description
    }
}

/// Everything one machine does with the packet: the host (or LAN machine) and its checks in order.
public struct TraceHop: Hashable, Sendable, Codable {
    /// 1-based, counted across the forward and reply paths.
    public var number: Int
    /// The forward packet or its reply.
    public var direction: TraceDirection
    /// The host's name; for a LAN machine, the host whose LAN it is on.
    public var host: String
    /// `hub`, or `192.168.1.10 (LAN office of site-a)` for a LAN machine.
    public var node: String
    /// The interface the packet came in on; nil where it starts.
    public var arrivedOn: String?
    /// The packet as it arrives (or leaves, at the first hop).
    public var packet: TracePacket
    /// The checks made here, in order; a failed one is the last.
    public var steps: [TraceStep]
}
