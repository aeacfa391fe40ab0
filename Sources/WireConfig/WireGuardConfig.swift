/// A whole config file: one interface and its peers, in either dialect.
///
/// The same model serves `wg setconf` files, wg-quick files, the UAPI (the daemon), and host snapshots (doctor).
public struct WireGuardConfig: Hashable, Sendable {
    /// The [Interface] section (several sections merge, as wg merges them).
    public var interface: InterfaceConfig
    /// One entry per [Peer] section, in file order (see `asSetByWg` for the device's view).
    public var peers: [PeerConfig]
    /// Non-fatal findings of the parse (e.g. AllowedIPs with host bits set), in file order.
    public var warnings: [ConfigDiagnostic]

    /// A config from its parts.
    public init(
        interface: InterfaceConfig = InterfaceConfig(), peers: [PeerConfig] = [], warnings: [ConfigDiagnostic] = []
    ) {
        self.interface = interface
        self.peers = peers
        self.warnings = warnings
    }

    /// The peer with this public key, if any.
    public func peer(_ publicKey: WireKey) -> PeerConfig? {
        peers.first { $0.publicKey == publicKey }
    }
}
