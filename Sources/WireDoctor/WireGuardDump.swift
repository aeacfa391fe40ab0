import WireConfig

/// Reads `wg show all dump` (wg(8) "show ... dump": tab-separated, one interface line of 5 fields followed by its
/// peer lines of 9 fields, each prefixed with the interface name) into `WireGuardState` values.
///
/// The private key and preshared keys are read, used (public key derivation, `PresharedKeyHash`) and dropped:
/// nothing this returns holds them.
public enum WireGuardDump {
    /// One line that is not what wg prints.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// 1-based line number in the dump.
        public var line: Int
        /// What was wrong (never the line itself: it may hold a key).
        public var reason: String

        public var description: String { "wg show all dump, line \(line): \(reason)" }
    }

    /// The interfaces in `text`, in the order printed.
    public static func parse(_ text: String) throws(ParseError) -> [WireGuardState] {
        var interfaces: [WireGuardState] = []
        var ownKeys: [String: WireKey] = [:]
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let f = raw.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if f.count == 5 {
                let priv = WireKey(base64: f[1])
                let pub = priv?.publicKey
                ownKeys[f[0]] = pub
                interfaces.append(
                    WireGuardState(
                        name: f[0], publicKey: f[2] == "(none)" ? nil : f[2], derivedPublicKey: pub?.base64,
                        hasPrivateKey: priv != nil, listenPort: Int(f[3]) ?? 0,
                        fwmark: f[4] == "off" || f[4] == "0" ? nil : f[4]))
            } else if f.count == 9 {
                guard let idx = interfaces.lastIndex(where: { $0.name == f[0] }) else {
                    throw ParseError(line: i + 1, reason: "a peer of \(f[0]) before its interface line")
                }
                var psk: String?
                if f[2] != "(none)", let key = WireKey(base64: f[2]), !key.isZero {
                    if let ours = ownKeys[f[0]], let theirs = WireKey(base64: f[1]) {
                        psk = PresharedKeyHash.of(key, between: ours, and: theirs)
                    } else {
                        psk = "unhashed"
                    }
                }
                let allowed = f[4] == "(none)" ? [] : f[4].split(separator: ",").map(String.init)
                interfaces[idx].peers.append(
                    PeerState(
                        publicKey: f[1], presharedKeyHash: psk, endpoint: f[3] == "(none)" ? nil : f[3],
                        allowedIPs: allowed, latestHandshake: Int(f[5]) ?? 0, rxBytes: UInt64(f[6]) ?? 0,
                        txBytes: UInt64(f[7]) ?? 0, persistentKeepalive: f[8] == "off" ? nil : Int(f[8])))
            } else {
                throw ParseError(line: i + 1, reason: "\(f.count) fields, expected 5 (interface) or 9 (peer)")
            }
        }
        return interfaces
    }
}
