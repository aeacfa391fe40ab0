/// The `[Interface]` section: wg(8)'s settings plus wg-quick(8)'s.
public struct InterfaceConfig: Hashable, Sendable {
    // wg(8)
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
    public var mtu: Int?
    /// `off`, `auto` or a routing table name/number; nil means wg-quick's default (`auto`).
    public var table: String?
    public var preUp: [String]
    public var postUp: [String]
    public var preDown: [String]
    public var postDown: [String]
    public var saveConfig: Bool

    /// Where the section was written; nil for a model built in code.
    public var origin: SectionOrigin?

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
