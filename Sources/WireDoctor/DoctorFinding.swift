import WireAnalysis

/// The stable code of a doctor finding: lint's code (docs/lint.md) where the fault is the same, else one of
/// doctor's own (docs/doctor.md). Codes never change meaning once released.
public struct DoctorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The lint code for the same fault.
    public init(_ lint: FindingCode) { rawValue = lint.rawValue }
    public var description: String { rawValue }

    /// The link is not up (lint: the interface never comes up).
    public static let interfaceDown = DoctorCode(.interfaceDown)
    /// The interface has no address.
    public static let interfaceWithoutAddress = DoctorCode(.interfaceWithoutAddress)
    /// The MTU leaves no room for WireGuard's 60/80 bytes over the uplink.
    public static let mtuTooLarge = DoctorCode(.mtuTooLarge)
    /// A peer's key is the interface's own, or another local interface lists the same peer key; with a capture, the
    /// peer's handshake initiations arrive and WireGuard drops them unanswered.
    public static let keyMismatch = DoctorCode(.keyMismatch)
    /// INPUT drops the listen port.
    public static let inputBlocked = DoctorCode(.inputBlocked)
    /// OUTPUT drops datagrams from the listen port (or to the peer's endpoint port).
    public static let outputBlocked = DoctorCode(.outputBlocked)
    /// A relaying host with forwarding off.
    public static let forwardingDisabled = DoctorCode(.forwardingDisabled)
    /// A relay whose FORWARD chain drops what it relays (one direction is enough).
    public static let forwardBlocked = DoctorCode(.forwardBlocked)
    /// An internet gateway (a peer routes 0.0.0.0/0 to it) without MASQUERADE on its uplink (comparison), or a LAN
    /// behind the host whose machine answers the host but not its tunnel address (`--probe-to` a LAN machine).
    public static let masqueradeMissing = DoctorCode(.masqueradeMissing)
    /// Source NAT on another interface than the one the traffic leaves by (a LAN behind the host, probed).
    public static let masqueradeWrongInterface = DoctorCode(.masqueradeWrongInterface)
    /// Relayed traffic the far end does not accept from the relay (comparison only).
    public static let asymmetricAllowedIPs = DoctorCode(.asymmetricAllowedIPs)
    /// Strict rp_filter on a link whose peers' addresses are not routed back out of it.
    public static let rpFilter = DoctorCode(.rpFilter)
    /// A peer without Endpoint that never completed a handshake: it must initiate, and does not.
    public static let keepaliveMissing = DoctorCode(.keepaliveMissing)
    /// A peer key no collected snapshot holds (comparison only).
    public static let unknownPeer = DoctorCode(.unknownPeer)
    /// A lists B, B does not list A (comparison only).
    public static let peerNotMutual = DoctorCode(.peerNotMutual)
    /// An Endpoint port that is not the other host's ListenPort (comparison; on one host, with a capture: the
    /// peer's host answers ICMP port unreachable).
    public static let endpointPortMismatch = DoctorCode(.endpointPortMismatch)
    /// The two sides' PSKs differ, or one lacks it (comparison by keyed hash; on one host, with a capture: the
    /// peer's handshake responses arrive and WireGuard rejects them).
    public static let pskMismatch = DoctorCode(.pskMismatch)
    /// One tunnel address on two interfaces (comparison only).
    public static let duplicateAddress = DoctorCode(.duplicateAddress)
    /// No private key is set on the interface.
    public static let privateKeyMissing = DoctorCode(rawValue: "private-key-missing")
    /// The public key wg reports is not the one derived from the private key.
    public static let publicKeyMismatch = DoctorCode(rawValue: "public-key-mismatch")
    /// A peer key that is not 32 bytes of base64.
    public static let peerKeyInvalid = DoctorCode(rawValue: "peer-key-invalid")
    /// A peer with an Endpoint that never answered a handshake.
    public static let handshakeNever = DoctorCode(rawValue: "handshake-never")
    /// A peer with keepalive whose latest handshake is older than Reject-After-Time (180 s).
    public static let handshakeStale = DoctorCode(rawValue: "handshake-stale")
    /// No UDP socket is bound on the ListenPort.
    public static let listenSocketMissing = DoctorCode(rawValue: "listen-socket-missing")
    /// An AllowedIP with no route into the interface.
    public static let allowedIPNotRouted = DoctorCode(rawValue: "allowedip-not-routed")
    /// IPv4 forwarding is on now but nothing turns it on at boot (sysctl files, the wg-quick config's hooks).
    public static let forwardingNotPersistent = DoctorCode(rawValue: "forwarding-not-persistent")
    /// The wg-quick config sets DNS = and no resolvconf is installed: `wg-quick up` fails.
    public static let dnsWithoutResolvconf = DoctorCode(rawValue: "dns-without-resolvconf")
    /// A session is up but during the sampling window the counters moved one way only.
    public static let trafficOneWay = DoctorCode(rawValue: "traffic-one-way")
    /// A ping through the tunnel got no answer, although packets came back (or never entered the tunnel).
    public static let probeUnanswered = DoctorCode(rawValue: "probe-unanswered")
    /// Captured: datagrams leave for the peer's address, none arrive from it.
    public static let nothingArrives = DoctorCode(rawValue: "nothing-arrives")
    /// Captured: datagrams arrive from the peer's address (probed, or initiations WireGuard accepted), none go back.
    public static let replyNotSent = DoctorCode(rawValue: "reply-not-sent")
}

/// What doctor saw: the command or file read, and the value that matters.
public struct Evidence: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The command run or file read (`wg show all dump`, `/proc/sys/net/ipv4/ip_forward`).
    public var source: String
    /// The value seen there.
    public var value: String

    /// Evidence.
    public init(_ source: String, _ value: String) {
        self.source = source
        self.value = value
    }

    public var description: String { "\(source): \(value)" }
}

/// One problem doctor found on a running host, with its evidence, cause and fix. Never holds a private key or PSK.
public struct DoctorFinding: Hashable, Sendable {
    /// The stable code.
    public var code: DoctorCode
    /// How bad (lint's severities: error drops traffic).
    public var severity: Finding.Severity
    /// The interface concerned.
    public var interface: String
    /// The peer concerned (public key, base64), when one is.
    public var peer: String?
    /// What was seen.
    public var evidence: [Evidence]
    /// Why it breaks things.
    public var cause: String
    /// What to do.
    public var fix: String

    /// A finding.
    public init(
        _ code: DoctorCode, _ severity: Finding.Severity, interface: String, peer: String? = nil,
        evidence: [Evidence], cause: String, fix: String
    ) {
        self.code = code
        self.severity = severity
        self.interface = interface
        self.peer = peer
        self.evidence = evidence
        self.cause = cause
        self.fix = fix
    }
}
