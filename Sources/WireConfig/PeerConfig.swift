import WireNet

/// One `[Peer]` section (wg(8) "CONFIGURATION FILE FORMAT").
public struct PeerConfig: Hashable, Sendable {
    /// The peer's public key, which identifies it.
    public var publicKey: WireKey
    /// The optional preshared key mixed into the handshake (whitepaper §5.4); nil when none or all zeros.
    public var presharedKey: WireKey?
    /// Cryptokey routing entries, host bits already masked, in the order written; an entry written again keeps only
    /// its last place, as the kernel and wireguard-go move a re-inserted prefix to the end of the peer's list.
    public var allowedIPs: [IPPrefix]
    /// Where to send the first handshake; nil until the peer contacts us.
    public var endpoint: Endpoint?
    /// Seconds between keepalives; nil when off.
    public var persistentKeepalive: UInt16?

    /// Where the section was written; nil for a model built in code.
    public var origin: SectionOrigin?

    /// A peer; everything but the key optional, as in a config file.
    public init(
        publicKey: WireKey, presharedKey: WireKey? = nil, allowedIPs: [IPPrefix] = [], endpoint: Endpoint? = nil,
        persistentKeepalive: UInt16? = nil, origin: SectionOrigin? = nil
    ) {
        self.publicKey = publicKey
        self.presharedKey = presharedKey
        self.allowedIPs = allowedIPs
        self.endpoint = endpoint
        self.persistentKeepalive = persistentKeepalive
        self.origin = origin
    }
}
