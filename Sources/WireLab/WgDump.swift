/// The peer lines of `wg show all dump`, as the lab reads them to observe handshakes and counters.
///
/// wg(8): with `all`, every line starts with the interface name; a peer line then has public key, preshared key,
/// endpoint, allowed ips, latest handshake (seconds since the epoch, 0 for never), rx bytes, tx bytes and
/// persistent keepalive (`off` or seconds). Interface lines have 5 fields and are skipped.
struct WgDump: Sendable {
    /// One peer of one interface.
    struct Peer: Sendable, Hashable {
        var interface: String
        var publicKey: String
        /// `203.0.113.200:51820`, `[2001:db8::1]:51820`, or nil for `(none)`.
        var endpoint: String?
        /// The AllowedIPs as printed (`10.0.0.2/32`, `::/0`); empty for `(none)`.
        var allowedIPs: [String] = []
        var latestHandshake: Int
        var rxBytes: Int
        var txBytes: Int
        /// Seconds, nil when off.
        var keepalive: Int?
    }

    var peers: [Peer]

    init(_ text: String) {
        peers = text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 9 else { return nil }
            return Peer(
                interface: f[0], publicKey: f[1], endpoint: f[3] == "(none)" ? nil : f[3],
                allowedIPs: f[4] == "(none)" ? [] : f[4].split(separator: ",").map(String.init),
                latestHandshake: Int(f[5]) ?? 0, rxBytes: Int(f[6]) ?? 0, txBytes: Int(f[7]) ?? 0,
                keepalive: f[8] == "off" ? nil : Int(f[8]).flatMap { $0 == 0 ? nil : $0 })
        }
    }

    /// The endpoint's address and port (brackets of an IPv6 address removed).
    static func split(endpoint: String) -> (address: String, port: String)? {
        guard let colon = endpoint.lastIndex(of: ":") else { return nil }
        var address = String(endpoint[..<colon])
        if address.hasPrefix("[") && address.hasSuffix("]") { address = String(address.dropFirst().dropLast()) }
        return (address, String(endpoint[endpoint.index(after: colon)...]))
    }
}
