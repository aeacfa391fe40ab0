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
    final class Storage: @unchecked Sendable {
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

        @usableFromInline
        func copy() -> Storage {
            Storage(
                publicKey: publicKey, presharedKey: presharedKey, allowedIPs: allowedIPs, endpoint: endpoint,
                persistentKeepalive: persistentKeepalive, origin: origin)
        }
    }

    @usableFromInline
    var storage: Storage

    /// The storage, copied first when another value shares it.
    @inlinable
    var unique: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage
        }
    }

    /// The peer's public key, which identifies it.
    @inlinable
    public var publicKey: WireKey {
        get { storage.publicKey }
        set { unique.publicKey = newValue }
    }
    /// The optional preshared key mixed into the handshake (whitepaper §5.4); nil when none or all zeros.
    @inlinable
    public var presharedKey: WireKey? {
        get { storage.presharedKey }
        set { unique.presharedKey = newValue }
    }
    /// Cryptokey routing entries, host bits already masked, in the order written; an entry written again keeps only
    /// its last place, as the kernel and wireguard-go move a re-inserted prefix to the end of the peer's list.
    @inlinable
    public var allowedIPs: [IPPrefix] {
        get { storage.allowedIPs }
        _modify { yield &unique.allowedIPs }
        set { unique.allowedIPs = newValue }
    }
    /// Where to send the first handshake; nil until the peer contacts us.
    @inlinable
    public var endpoint: Endpoint? {
        get { storage.endpoint }
        set { unique.endpoint = newValue }
    }
    /// Seconds between keepalives; nil when off.
    @inlinable
    public var persistentKeepalive: UInt16? {
        get { storage.persistentKeepalive }
        set { unique.persistentKeepalive = newValue }
    }

    /// Where the section was written; nil for a model built in code.
    @inlinable
    public var origin: SectionOrigin? {
        get { storage.origin }
        _modify { yield &unique.origin }
        set { unique.origin = newValue }
    }

    /// A peer; everything but the key optional, as in a config file.
    public init(
        publicKey: WireKey, presharedKey: WireKey? = nil, allowedIPs: [IPPrefix] = [], endpoint: Endpoint? = nil,
        persistentKeepalive: UInt16? = nil, origin: SectionOrigin? = nil
    ) {
        storage = Storage(
            publicKey: publicKey, presharedKey: presharedKey, allowedIPs: allowedIPs, endpoint: endpoint,
            persistentKeepalive: persistentKeepalive, origin: origin)
    }

    public static func == (a: PeerConfig, b: PeerConfig) -> Bool {
        a.storage === b.storage
            || (a.publicKey == b.publicKey && a.presharedKey == b.presharedKey && a.allowedIPs == b.allowedIPs
                && a.endpoint == b.endpoint && a.persistentKeepalive == b.persistentKeepalive && a.origin == b.origin)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(publicKey)
        hasher.combine(presharedKey)
        hasher.combine(allowedIPs)
        hasher.combine(endpoint)
        hasher.combine(persistentKeepalive)
        hasher.combine(origin)
    }
}
