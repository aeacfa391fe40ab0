import WireNet

/// One `[Peer]` section (wg(8) "CONFIGURATION FILE FORMAT").
///
/// The fields live in one shared box, copied only when a copy is changed (copy-on-write): a peer holds keys, a list
/// of prefixes, an endpoint and an origin with three dictionaries, so a plain struct copy was eight reference-count
/// operations, and lint copies every section of a 100,000-peer hub several times (links, reverse sections).
/// Equality and hashing are by value, as before.
public struct PeerConfig: Hashable, Sendable {
    /// The fields, shared between copies until one of them changes.
    @usableFromInline
    struct Fields: Hashable, Sendable {
        @usableFromInline var publicKey: WireKey
        @usableFromInline var presharedKey: WireKey?
        @usableFromInline var allowedIPs: [IPPrefix]
        @usableFromInline var endpoint: Endpoint?
        @usableFromInline var persistentKeepalive: UInt16?
        @usableFromInline var origin: SectionOrigin?

        @usableFromInline
        init(
            publicKey: WireKey, presharedKey: WireKey?, allowedIPs: [IPPrefix], endpoint: Endpoint?,
            persistentKeepalive: UInt16?, origin: SectionOrigin?
        ) {
            self.publicKey = publicKey
            self.presharedKey = presharedKey
            self.allowedIPs = allowedIPs
            self.endpoint = endpoint
            self.persistentKeepalive = persistentKeepalive
            self.origin = origin
        }
    }

    @usableFromInline
    var fields: CopyOnWrite<Fields>

    /// The peer's public key, which identifies it.
    @inlinable
    public var publicKey: WireKey {
        get { fields.value.publicKey }
        set { fields.value.publicKey = newValue }
    }
    /// The optional preshared key mixed into the handshake (whitepaper §5.4); nil when none or all zeros.
    @inlinable
    public var presharedKey: WireKey? {
        get { fields.value.presharedKey }
        set { fields.value.presharedKey = newValue }
    }
    /// Cryptokey routing entries, host bits already masked, in the order written; an entry written again keeps only
    /// its last place, as the kernel and wireguard-go move a re-inserted prefix to the end of the peer's list.
    @inlinable
    public var allowedIPs: [IPPrefix] {
        get { fields.value.allowedIPs }
        _modify { yield &fields.value.allowedIPs }
    }
    /// Where to send the first handshake; nil until the peer contacts us.
    @inlinable
    public var endpoint: Endpoint? {
        get { fields.value.endpoint }
        set { fields.value.endpoint = newValue }
    }
    /// Seconds between keepalives; nil when off.
    @inlinable
    public var persistentKeepalive: UInt16? {
        get { fields.value.persistentKeepalive }
        set { fields.value.persistentKeepalive = newValue }
    }

    /// Where the section was written; nil for a model built in code.
    @inlinable
    public var origin: SectionOrigin? {
        get { fields.value.origin }
        _modify { yield &fields.value.origin }
    }

    /// A peer; everything but the key optional, as in a config file.
    public init(
        publicKey: WireKey, presharedKey: WireKey? = nil, allowedIPs: [IPPrefix] = [], endpoint: Endpoint? = nil,
        persistentKeepalive: UInt16? = nil, origin: SectionOrigin? = nil
    ) {
        fields = CopyOnWrite(
            Fields(
                publicKey: publicKey, presharedKey: presharedKey, allowedIPs: allowedIPs, endpoint: endpoint,
                persistentKeepalive: persistentKeepalive, origin: origin))
    }
}
