import Foundation
import WireConfig

/// What decides the host's state after a reboot or `wg-quick up` (issue #17 steps 5 and 7): the forwarding and
/// rp_filter settings in the sysctl files, in the order `sysctl --system` applies them (sysctl.d(5)), and per
/// WireGuard interface what its wg-quick config (`DIR/IFACE.conf`) sets that doctor judges. Holds no key: only
/// `DNS =` values and the hook lines that set forwarding are kept from a config.
public struct BootFacts: Codable, Sendable, Equatable {
    /// Forwarding and rp_filter assignments in sysctl files, in the order they are applied (the last one wins).
    public var sysctlSettings: [SysctlSetting]
    /// The wg-quick configs found for this namespace's WireGuard interfaces.
    public var wgQuick: [WGQuickFacts]
    /// Where the wg-quick configs were looked for (`/etc/wireguard`).
    public var configDirectory: String
    /// The `resolvconf` program wg-quick would run for `DNS =`, or nil when none is in the search path.
    public var resolvconf: String?

    /// Boot facts.
    public init(
        sysctlSettings: [SysctlSetting] = [], wgQuick: [WGQuickFacts] = [], configDirectory: String = "/etc/wireguard",
        resolvconf: String? = nil
    ) {
        self.sysctlSettings = sysctlSettings
        self.wgQuick = wgQuick
        self.configDirectory = configDirectory
        self.resolvconf = resolvconf
    }

    /// The value the sysctl files leave `key` at after boot (the last assignment), with where it was set.
    public func bootValue(_ key: String) -> SysctlSetting? { sysctlSettings.last { $0.key == key } }

    /// The wg-quick config of `interface`, when one was found.
    public func config(_ interface: String) -> WGQuickFacts? { wgQuick.first { $0.interface == interface } }
}

/// One `key = value` line of a sysctl file.
public struct SysctlSetting: Codable, Sendable, Equatable {
    /// The file.
    public var file: String
    /// The 1-based line.
    public var line: Int
    /// The key, dotted (`net.ipv4.ip_forward`; slashes are turned into dots).
    public var key: String
    /// The value as written.
    public var value: String

    /// A setting.
    public init(file: String, line: Int, key: String, value: String) {
        self.file = file
        self.line = line
        self.key = key
        self.value = value
    }
}

/// What doctor reads from one wg-quick config: its DNS servers, the hook lines that set forwarding, and each
/// peer's configured Endpoint.
public struct WGQuickFacts: Codable, Sendable, Equatable {
    /// The interface (the file name without `.conf`).
    public var interface: String
    /// The file read.
    public var path: String
    /// `DNS =` values, with their 1-based lines.
    public var dns: [String]
    /// The line of the first `DNS =`, when there is one.
    public var dnsLine: Int?
    /// PreUp/PostUp lines that turn forwarding on (`sysctl -w net.ipv4.ip_forward=1` and the like), as written.
    public var forwardingHooks: [String]
    /// Every `[Peer]` of the config with its public key and the Endpoint it configures (nil: none, so whatever
    /// endpoint wg shows for it was learned from the peer's own packets, wg(8) "Endpoint"). Optional (added after
    /// `wiresmith-snapshot/1` was released); nil in older snapshots.
    public var peers: [ConfiguredPeer]?

    /// wg-quick facts.
    public init(
        interface: String, path: String, dns: [String] = [], dnsLine: Int? = nil, forwardingHooks: [String] = [],
        peers: [ConfiguredPeer]? = nil
    ) {
        self.interface = interface
        self.path = path
        self.dns = dns
        self.dnsLine = dnsLine
        self.forwardingHooks = forwardingHooks
        self.peers = peers
    }

    /// The configured peer whose public key is `key` (base64, compared as 32 bytes), when the config lists it.
    public func peer(_ key: String) -> ConfiguredPeer? {
        guard let want = WireKey(base64: key) else { return nil }
        return peers?.first { WireKey(base64: $0.publicKey) == want }
    }
}

/// One `[Peer]` of a wg-quick config, as doctor keeps it: its public key and configured Endpoint, nothing secret
/// (no PresharedKey).
public struct ConfiguredPeer: Codable, Sendable, Equatable {
    /// `PublicKey =` as written (base64).
    public var publicKey: String
    /// `Endpoint =` as written (`HOST:PORT`, a name or an address), or nil when the section sets none.
    public var endpoint: String?
    /// The 1-based line of `Endpoint =`, or of `[Peer]` when there is none.
    public var line: Int

    /// A configured peer.
    public init(publicKey: String, endpoint: String? = nil, line: Int) {
        self.publicKey = publicKey
        self.endpoint = endpoint
        self.line = line
    }
}

extension WGQuickFacts {
    /// Whether a forwarding hook (one of `forwardingHooks`) turns on IPv6 forwarding (`net.ipv6.conf.all.forwarding`,
    /// `/proc/sys/net/ipv6/conf/all/forwarding`) or, with `setsIPv6` false, IPv4 forwarding (`ip_forward`,
    /// `net.ipv4.conf.all.forwarding`). One line may set both.
    static func hook(_ line: String, setsIPv6: Bool) -> Bool {
        let pattern =
            setsIPv6 ? #"ipv6[./]conf[./]all[./]forwarding"# : #"ip_forward|ipv4[./]conf[./]all[./]forwarding"#
        return line.range(of: pattern, options: .regularExpression) != nil
    }
}

extension BootFacts {
    /// The sysctl files in the order `sysctl --system` reads them: every `*.conf` of /etc/sysctl.d, /run/sysctl.d,
    /// /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and /lib/sysctl.d sorted by file name, a name in an earlier
    /// directory hiding the same name in a later one (sysctl.d(5)), then /etc/sysctl.conf.
    static func sysctlFiles(root: String = "") -> [String] {
        let dirs = ["/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"]
        var byName: [String: String] = [:]
        for dir in dirs {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root + dir)) ?? []
            for name in names where name.hasSuffix(".conf") && byName[name] == nil {
                byName[name] = root + dir + "/" + name
            }
        }
        return byName.keys.sorted().map { byName[$0]! } + [root + "/etc/sysctl.conf"]
    }

    /// The forwarding and rp_filter assignments of `text` (a sysctl file).
    static func settings(file: String, text: String) -> [SysctlSetting] {
        var out: [SysctlSetting] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("-") { line.removeFirst() }  // "-key = value": ignore errors setting it
            guard !line.hasPrefix("#"), !line.hasPrefix(";"), let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "/", with: ".")
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard key.hasSuffix("forwarding") || key.hasSuffix("ip_forward") || key.hasSuffix("rp_filter") else {
                continue
            }
            out.append(SysctlSetting(file: file, line: i + 1, key: key, value: value))
        }
        return out
    }

    /// What doctor keeps of a wg-quick config: DNS values, the hooks that set forwarding, and each peer's public key
    /// and Endpoint; nothing else (the file holds the private key and the preshared keys).
    static func wgQuick(interface: String, path: String, text: String) -> WGQuickFacts {
        var facts = WGQuickFacts(interface: interface, path: path, peers: [])
        var section = ""
        var peer: ConfiguredPeer?
        func endPeer() {
            if let p = peer, WireKey(base64: p.publicKey) != nil { facts.peers?.append(p) }
            peer = nil
        }
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                endPeer()
                section = line.lowercased()
                if section == "[peer]" { peer = ConfiguredPeer(publicKey: "", line: i + 1) }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if section == "[peer]" {
                // Only these two keys: the section's PresharedKey is a secret and is never read.
                if key == "publickey" {
                    peer?.publicKey = value
                } else if key == "endpoint", !value.isEmpty {
                    peer?.endpoint = value
                    peer?.line = i + 1
                }
                continue
            }
            guard section == "[interface]" else { continue }
            if key == "dns" {
                facts.dns += value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if facts.dnsLine == nil { facts.dnsLine = i + 1 }
            } else if ["preup", "postup"].contains(key),
                value.contains("ip_forward=1")
                    || value.range(of: #"conf[./]all[./]forwarding=1"#, options: .regularExpression) != nil
                    || value.range(
                        of: #"echo +1 *> *(/proc/sys/)?net/ipv(4/ip_forward|[46]/conf/all/forwarding)"#,
                        options: .regularExpression) != nil
            {
                facts.forwardingHooks.append(value)
            }
        }
        endPeer()
        return facts
    }
}
