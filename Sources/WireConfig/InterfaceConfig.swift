import WireNet

/// The `[Interface]` section: wg(8)'s settings plus wg-quick(8)'s.
public struct InterfaceConfig: Hashable, Sendable {
    // wg(8)
    /// The interface's private key; nil when not set (wg then clears it).
    public var privateKey: WireKey?
    /// UDP port to listen on; nil means a random port is chosen when the interface comes up.
    public var listenPort: UInt16?
    /// Firewall mark for outgoing packets; nil (or `off`) means none.
    public var fwMark: UInt32?

    // wg-quick(8)
    /// Addresses assigned to the interface, with their prefix length and host bits as written.
    public var addresses: [IPPrefix]
    /// DNS servers (addresses) and search domains (anything else), in the order written.
    public var dns: [String]
    /// wg-quick's MTU; nil means wg-quick picks one from the route to each endpoint.
    public var mtu: Int?
    /// `off`, `auto` or a routing table name/number; nil means wg-quick's default (`auto`).
    public var table: String?
    /// Commands wg-quick runs before creating the interface, in order (`%i` is the interface name).
    public var preUp: [String]
    /// Commands wg-quick runs after bringing the interface up, in order.
    public var postUp: [String]
    /// Commands wg-quick runs before removing the interface, in order.
    public var preDown: [String]
    /// Commands wg-quick runs after removing the interface, in order.
    public var postDown: [String]
    /// Whether `wg-quick down` writes the running state back to the file.
    public var saveConfig: Bool

    /// Where the section was written; nil for a model built in code.
    public var origin: SectionOrigin?

    /// An interface; every setting optional, as in a config file.
    public init(
        privateKey: WireKey? = nil, listenPort: UInt16? = nil, fwMark: UInt32? = nil, addresses: [IPPrefix] = [],
        dns: [String] = [], mtu: Int? = nil, table: String? = nil, preUp: [String] = [], postUp: [String] = [],
        preDown: [String] = [], postDown: [String] = [], saveConfig: Bool = false, origin: SectionOrigin? = nil
    ) {
        self.privateKey = privateKey
        self.listenPort = listenPort
        self.fwMark = fwMark
        self.addresses = addresses
        self.dns = dns
        self.mtu = mtu
        self.table = table
        self.preUp = preUp
        self.postUp = postUp
        self.preDown = preDown
        self.postDown = postDown
        self.saveConfig = saveConfig
        self.origin = origin
    }

    /// The interface's public key, derived from its private key.
    public var publicKey: WireKey? { privateKey?.publicKey }
}
