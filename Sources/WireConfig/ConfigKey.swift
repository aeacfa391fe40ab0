/// Every key a wg(8) or wg-quick(8) config may hold, with the section it belongs to.
public enum ConfigKey: String, CaseIterable, Hashable, Sendable {
    // [Interface], wg(8)
    case privateKey = "PrivateKey"
    case listenPort = "ListenPort"
    case fwMark = "FwMark"
    // [Interface], wg-quick(8) only
    case address = "Address"
    case dns = "DNS"
    case mtu = "MTU"
    case table = "Table"
    case preUp = "PreUp"
    case postUp = "PostUp"
    case preDown = "PreDown"
    case postDown = "PostDown"
    case saveConfig = "SaveConfig"
    // [Peer]
    case publicKey = "PublicKey"
    case presharedKey = "PresharedKey"
    case allowedIPs = "AllowedIPs"
    case endpoint = "Endpoint"
    case persistentKeepalive = "PersistentKeepalive"

    /// The section a key belongs to.
    public enum Section: String, Sendable {
        case interface = "Interface"
        case peer = "Peer"
    }

    /// The section the key is valid in.
    public var section: Section {
        switch self {
        case .publicKey, .presharedKey, .allowedIPs, .endpoint, .persistentKeepalive: return .peer
        default: return .interface
        }
    }

    /// True for the keys only wg-quick understands; `wg setconf` rejects them and `wg-quick strip` removes them.
    public var isWgQuickOnly: Bool {
        switch self {
        case .address, .dns, .mtu, .table, .preUp, .postUp, .preDown, .postDown, .saveConfig: return true
        default: return false
        }
    }

    /// Looks a key up case-insensitively, as wg and wg-quick do.
    public init?(caseInsensitive name: some StringProtocol) {
        guard let key = ConfigKey.byLowercasedName[name.lowercased()] else { return nil }
        self = key
    }

    private static let byLowercasedName: [String: ConfigKey] =
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue.lowercased(), $0) })
}
