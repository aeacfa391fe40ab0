/// What moved during a sampling window (`doctor --sample`, `--probe`, `--capture`): per peer, the transfer counters
/// and latest handshake at both ends of the window, the pings sent through the tunnel, and the UDP datagrams seen
/// on the wire to and from the peer's endpoint address. Part of a snapshot (`HostSnapshot.traffic`, absent when
/// no window was sampled), so it holds no key material either.
public struct TrafficSample: Codable, Sendable, Equatable {
    /// How long the window lasted, in seconds (measured, not asked).
    public var seconds: Double
    /// Whether UDP on the listen ports was captured during the window (`--capture`).
    public var captured: Bool
    /// Why the capture could not run (tcpdump missing, failed), when it could not.
    public var captureError: String?
    /// One entry per peer of every interface collected.
    public var peers: [PeerTraffic]
    /// Pings to machines on a LAN behind this host (`--probe-to` an address on a non-WireGuard link); absent when
    /// none was asked for.
    public var lanProbes: [LANProbe]?
    /// Handshake initiations captured from addresses that are no peer's endpoint, per interface and address.
    public var strangers: [StrangerInitiations]?

    /// A sample.
    public init(
        seconds: Double, captured: Bool = false, captureError: String? = nil, peers: [PeerTraffic] = [],
        lanProbes: [LANProbe]? = nil, strangers: [StrangerInitiations]? = nil
    ) {
        self.seconds = seconds
        self.captured = captured
        self.captureError = captureError
        self.peers = peers
        self.lanProbes = lanProbes
        self.strangers = strangers
    }

    /// The entry for `peer` of `interface`.
    public func peer(_ interface: String, _ peer: String) -> PeerTraffic? {
        peers.first { $0.interface == interface && $0.publicKey == peer }
    }
}

/// One peer during the window.
public struct PeerTraffic: Codable, Sendable, Equatable {
    /// The interface.
    public var interface: String
    /// The peer's public key (base64).
    public var publicKey: String
    /// The Endpoint at the end of the window (`IP:PORT`), or nil when unknown.
    public var endpoint: String?
    /// Bytes received from the peer during the window (wg's rx counter, after minus before).
    public var rxBytes: UInt64
    /// Bytes sent to the peer during the window.
    public var txBytes: UInt64
    /// Latest handshake (Unix seconds, 0 never) before and after the window.
    public var handshakeBefore: Int
    /// Latest handshake after the window.
    public var handshakeAfter: Int
    /// The ping through the tunnel, when one was sent to this peer.
    public var probe: ProbeResult?
    /// UDP datagrams from the endpoint's address to the listen port seen on the wire (nil: not captured).
    public var packetsIn: Int?
    /// UDP datagrams from the listen port to the endpoint's address seen on the wire (nil: not captured).
    public var packetsOut: Int?
    /// Of `packetsIn`, the transport data messages that carry a packet (not keepalives or handshakes).
    public var dataIn: Int?
    /// Of `packetsOut`, the transport data messages that carry a packet.
    public var dataOut: Int?
    /// Of `packetsIn`, handshake initiations (type 1, whitepaper §5.4.2).
    public var initiationsIn: Int?
    /// Of `packetsIn`, initiations whose mac1 does not verify with this interface's public key: the peer holds
    /// another public key for this host (§5.4.4).
    public var initiationsForAnotherKey: Int?
    /// Of `packetsOut`, handshake initiations.
    public var initiationsOut: Int?
    /// Of `packetsIn`, handshake responses (type 2, §5.4.3).
    public var responsesIn: Int?
    /// Of `responsesIn`, those whose mac1 does not verify with this interface's public key.
    public var responsesForAnotherKey: Int?
    /// Of `packetsOut`, handshake responses and cookie replies (type 3, §5.4.7): this host's answers to initiations.
    public var responsesOut: Int?
    /// The static public keys decrypted from the initiations that came from the peer's address (whitepaper
    /// §5.4.2), sorted: what the sender really uses as its identity.
    public var initiatorKeys: [String]?
    /// ICMP "port unreachable" errors for datagrams this host sent to the peer's address (RFC 792, RFC 4443).
    public var portUnreachable: Int?
    /// The destination port those errors quote.
    public var unreachablePort: Int?

    /// A peer's traffic.
    public init(
        interface: String, publicKey: String, endpoint: String? = nil, rxBytes: UInt64 = 0, txBytes: UInt64 = 0,
        handshakeBefore: Int = 0, handshakeAfter: Int = 0, probe: ProbeResult? = nil, packetsIn: Int? = nil,
        packetsOut: Int? = nil, dataIn: Int? = nil, dataOut: Int? = nil
    ) {
        self.interface = interface
        self.publicKey = publicKey
        self.endpoint = endpoint
        self.rxBytes = rxBytes
        self.txBytes = txBytes
        self.handshakeBefore = handshakeBefore
        self.handshakeAfter = handshakeAfter
        self.probe = probe
        self.packetsIn = packetsIn
        self.packetsOut = packetsOut
        self.dataIn = dataIn
        self.dataOut = dataOut
    }

    /// Takes the handshake counts of a capture (`PacketCapture.count`) for the peer's address.
    mutating func handshakes(_ c: PacketCapture.Counts) {
        initiationsIn = c.inboundInitiations
        initiationsForAnotherKey = c.inboundInitiationsForAnotherKey
        initiationsOut = c.outboundInitiations
        responsesIn = c.inboundResponses
        responsesForAnotherKey = c.inboundResponsesForAnotherKey
        initiatorKeys = c.initiatorKeys.keys.sorted()
        portUnreachable = c.portUnreachable
        unreachablePort = c.unreachablePort
        responsesOut = c.outboundResponses + c.outboundCookieReplies
    }
}

/// A ping through the tunnel to an address the peer's AllowedIPs cover.
public struct ProbeResult: Codable, Sendable, Equatable {
    /// The address pinged.
    public var address: String
    /// Echo requests sent.
    public var sent: Int
    /// Echo replies received.
    public var received: Int
    /// Why ping could not run or printed no statistics, when so.
    public var error: String?

    /// A probe result.
    public init(address: String, sent: Int, received: Int, error: String? = nil) {
        self.address = address
        self.sent = sent
        self.received = received
        self.error = error
    }
}

/// A machine on a LAN behind this host, pinged twice: from this host's address on that LAN, and from a WireGuard
/// interface's address, as a peer's packet relayed there would be seen. Answering the first and not the second
/// means the machine has no route back to the tunnel: MASQUERADE out of the LAN link, or a route on it, is missing.
public struct LANProbe: Codable, Sendable, Equatable {
    /// The LAN link (`eth1`).
    public var link: String
    /// The machine pinged.
    public var address: String
    /// The ping from this host's own address on the LAN.
    public var direct: ProbeResult
    /// The WireGuard interface whose address was the source of the second ping.
    public var interface: String
    /// That source address.
    public var source: String
    /// The ping from `source`.
    public var fromTunnel: ProbeResult

    /// A LAN probe.
    public init(
        link: String, address: String, direct: ProbeResult, interface: String, source: String,
        fromTunnel: ProbeResult
    ) {
        self.link = link
        self.address = address
        self.direct = direct
        self.interface = interface
        self.source = source
        self.fromTunnel = fromTunnel
    }
}

/// Handshake initiations from an address that is no endpoint of the receiving interface's peers (a peer this host
/// never heard from, or one whose [Peer] here holds another key): counted and, when mac1 is ours, opened to learn
/// the sender's static key (whitepaper §5.4.2).
public struct StrangerInitiations: Codable, Sendable, Equatable {
    /// The interface whose listen port they were sent to.
    public var interface: String
    /// The sender's address.
    public var address: String
    /// How many arrived.
    public var initiations: Int
    /// Of those, how many had a mac1 made for another public key than the interface's.
    public var forAnotherKey: Int
    /// The senders' static public keys, decrypted (base64, sorted).
    public var keys: [String]
    /// Responses and cookie replies sent back to the address.
    public var answered: Int

    /// Stranger initiations.
    public init(
        interface: String, address: String, initiations: Int, forAnotherKey: Int = 0, keys: [String] = [],
        answered: Int = 0
    ) {
        self.interface = interface
        self.address = address
        self.initiations = initiations
        self.forAnotherKey = forAnotherKey
        self.keys = keys
        self.answered = answered
    }
}
