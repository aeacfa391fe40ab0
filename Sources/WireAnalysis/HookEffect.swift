import WireConfig

/// What one hook command does to the host's packet handling, as far as the analysis understands it.
///
/// Only forms with a sure meaning are recognized (sysctl forwarding, iptables/ip6tables FORWARD and nat
/// POSTROUTING MASQUERADE, the common `nft add rule` forms, `ip route add ... dev`); anything else is `.unknown`
/// with the reason, never a guess.
public enum HookEffect: Hashable, Sendable {
    /// `sysctl -w net.ipv4.ip_forward=1`, `echo 1 > /proc/sys/net/ipv4/ip_forward`, and the IPv6 forms.
    case forwarding(IPFamily, Bool)
    /// `-A FORWARD ...` (or nft `add rule ... forward`).
    case appendForwardRule(ForwardRule)
    /// `-I FORWARD [N] ...` (or nft `insert rule`): inserted at 1-based position N.
    case insertForwardRule(ForwardRule, position: Int)
    /// `-D FORWARD ...`: removes the first identical rule.
    case deleteForwardRule(ForwardRule)
    /// `-P FORWARD DROP` (nil family: nft `inet` chain policy).
    case forwardPolicy(IPFamily?, FilterAction, SourceLocation)
    /// `-P INPUT DROP`, `-P OUTPUT DROP` (nil family: nft `inet` chain policy). INPUT and OUTPUT rules travel as
    /// `appendForwardRule` etc. with their `chain` set.
    case chainPolicy(FilterChain, IPFamily?, FilterAction, SourceLocation)
    /// `-t nat -A POSTROUTING [-s S] [-o X] -j MASQUERADE` (or nft `... postrouting ... masquerade`).
    case masquerade(MasqueradeRule)
    /// `-t nat -D POSTROUTING ... -j MASQUERADE`.
    case deleteMasquerade(MasqueradeRule)
    /// `ip route add PREFIX dev X [table T]`.
    case route(HookRoute)
    /// `sysctl -w net.ipv4.conf.IFACE.rp_filter=N` (IFACE `all`, `default` or an interface): reverse-path
    /// filtering, 0 off, 1 strict, 2 loose.
    case rpFilter(interface: String, value: Int)
    /// `ping [-c N] ... ADDRESS` (and `ping6`): sends a packet at up, so the peer it goes to learns this host's
    /// endpoint (the classic fix for a client behind NAT); the command fails when no reply comes.
    case sends(to: IPAddress)
    /// Understood and without effect on forwarding (`logger`, `echo` to the terminal, `-j LOG`, mangle TCPMSS).
    case none
    /// Not understood: the command is kept, with why, and nothing is guessed about it.
    case unknown(String)
}

/// A route a hook adds: `ip route add PREFIX dev DEVICE [table TABLE]`.
public struct HookRoute: Hashable, Sendable {
    /// The destination.
    public var prefix: IPPrefix
    /// The outgoing interface (`dev`).
    public var device: String
    /// The routing table; nil is `main`.
    public var table: String?
    /// The hook line.
    public var location: SourceLocation

    /// A hook route.
    public init(prefix: IPPrefix, device: String, table: String? = nil, location: SourceLocation) {
        self.prefix = prefix
        self.device = device
        self.table = table
        self.location = location
    }
}

extension HookCommand {
    /// What this command does, each effect located at the hook line.
    public var effects: [HookEffect] {
        var w = words[...]
        while let first = w.first, ["sudo", "command", "exec", "/usr/bin/env", "env"].contains(first) {
            w = w.dropFirst()
        }
        guard let name = w.first?.split(separator: "/").last.map(String.init) else { return [.none] }
        let args = Array(w.dropFirst())
        switch name {
        case "iptables", "iptables-legacy", "iptables-nft":
            return IptablesCommand.effects(args, family: .ipv4, location: location)
        case "ip6tables", "ip6tables-legacy", "ip6tables-nft":
            return IptablesCommand.effects(args, family: .ipv6, location: location)
        case "sysctl":
            return sysctlEffects(args)
        case "echo", "printf":
            return echoEffects(args)
        case "nft":
            return NftCommand.effects(args, location: location)
        case "ip":
            return [ipRouteEffect(args)]
        case "ping", "ping6", "ping4":
            return [pingEffect(args, six: name == "ping6")]
        case "logger", "true", ":", "sleep":
            return [.none]
        default:
            return [.unknown("`\(name)` is not a command the analysis models")]
        }
    }

    /// The forwarding switch a sysctl key or /proc/sys path sets, if it is one.
    static func forwardingFamily(ofKey raw: String) -> IPFamily? {
        var key = raw
        if key.hasPrefix("/proc/sys/") { key = String(key.dropFirst("/proc/sys/".count)) }
        key = key.replacing("/", with: ".")
        switch key {
        case "net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding": return .ipv4
        case "net.ipv6.conf.all.forwarding": return .ipv6
        default: return nil
        }
    }

    /// The interface (`all`, `default`, `wg0`) of an rp_filter sysctl key or /proc/sys path, if it is one.
    static func rpFilterInterface(ofKey raw: String) -> String? {
        var key = raw
        if key.hasPrefix("/proc/sys/") { key = String(key.dropFirst("/proc/sys/".count)).replacing("/", with: ".") }
        let parts = key.split(separator: ".").map(String.init)
        guard parts.count == 5, parts[0] == "net", parts[1] == "ipv4", parts[2] == "conf", parts[4] == "rp_filter"
        else { return nil }
        return parts[3]
    }

    func sysctlEffects(_ args: [String]) -> [HookEffect] {
        var out: [HookEffect] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if ["-p", "--load", "--system", "-f"].contains(a) || a.hasPrefix("-p") && a.count > 2 {
                return [.unknown("`sysctl \(a)` loads settings from files the analysis cannot see")]
            }
            if a.hasPrefix("-") {
                i += 1
                continue
            }
            var key = a
            var value: String? = nil
            if let eq = a.firstIndex(of: "=") {
                key = String(a[..<eq])
                value = String(a[a.index(after: eq)...])
                if value!.isEmpty, i + 1 < args.count {
                    value = args[i + 1]
                    i += 1
                }
            } else if i + 2 < args.count, args[i + 1] == "=" {
                value = args[i + 2]
                i += 2
            }
            i += 1
            guard let value else { continue }  // a read, no effect
            if let iface = Self.rpFilterInterface(ofKey: key) {
                guard let n = Int(value), (0...2).contains(n) else {
                    out.append(.unknown("sysctl `\(key)=\(value)`: expected 0, 1 or 2"))
                    continue
                }
                out.append(.rpFilter(interface: iface, value: n))
                continue
            }
            guard let family = Self.forwardingFamily(ofKey: key) else {
                out.append(.unknown("sysctl `\(key)` is not a setting the analysis models"))
                continue
            }
            guard value == "0" || value == "1" else {
                out.append(.unknown("sysctl `\(key)=\(value)`: expected 0 or 1"))
                continue
            }
            out.append(.forwarding(family, value == "1"))
        }
        return out.isEmpty ? [.none] : out
    }

    func echoEffects(_ args: [String]) -> [HookEffect] {
        // echo V > FILE, echo V >> FILE, echo V | [sudo] tee [-a] FILE
        let values = args.prefix { ![">", ">>", "|"].contains($0) }.filter { !["-n", "-e"].contains($0) }
        let rest = Array(args.drop { ![">", ">>", "|"].contains($0) })
        guard let op = rest.first else { return [.none] }
        var target: String?
        if op == ">" || op == ">>" {
            target = rest.count > 1 ? rest[1] : nil
        } else {
            let tee = rest.dropFirst().drop { $0 == "sudo" }
            if tee.first?.split(separator: "/").last == "tee" {
                target = tee.dropFirst().first { !$0.hasPrefix("-") && $0 != ">" }
            }
        }
        guard let target else { return [.unknown("output redirected to something the analysis does not model")] }
        if target == "/dev/null" || target == "/dev/stderr" || target == "/dev/stdout" { return [.none] }
        if let iface = Self.rpFilterInterface(ofKey: target) {
            guard values.count == 1, let n = Int(values[0]), (0...2).contains(n) else {
                return [.unknown("writes `\(values.joined(separator: " "))` to \(target): expected 0, 1 or 2")]
            }
            return [.rpFilter(interface: iface, value: n)]
        }
        guard let family = Self.forwardingFamily(ofKey: target) else {
            return [.unknown("writes `\(target)`, which the analysis does not model")]
        }
        guard values.count == 1, values[0] == "0" || values[0] == "1" else {
            return [.unknown("writes `\(values.joined(separator: " "))` to \(target): expected 0 or 1")]
        }
        return [.forwarding(family, values[0] == "1")]
    }

    /// The target of a `ping`: the one argument that is not an option or an option's value.
    func pingEffect(_ args: [String], six: Bool) -> HookEffect {
        let withValue: Set<String> = [
            "-c", "-W", "-w", "-i", "-I", "-s", "-t", "-l", "-Q", "-m", "-M", "-p", "-F", "-T",
        ]
        var i = 0
        var targets: [String] = []
        while i < args.count {
            let a = args[i]
            if withValue.contains(a) {
                i += 2
                continue
            }
            if !a.hasPrefix("-") { targets.append(a) }
            i += 1
        }
        guard targets.count == 1 else { return .unknown("`ping` without exactly one target") }
        guard let address = IPAddress(targets[0]) else {
            return .unknown("`ping \(targets[0])`: only address targets are modelled, not names")
        }
        return .sends(to: address)
    }

    func ipRouteEffect(_ args: [String]) -> HookEffect {
        var a = args[...]
        var family: IPFamily? = nil
        while let f = a.first, f.hasPrefix("-") {
            if f == "-4" {
                family = .ipv4
            } else if f == "-6" {
                family = .ipv6
            } else {
                return .unknown("`ip \(f)` is not modelled")
            }
            a = a.dropFirst()
        }
        guard let obj = a.first, ["r", "ro", "rou", "rout", "route"].contains(obj) else {
            return .unknown("`ip \(a.first ?? "")` is not modelled (only `ip route add`)")
        }
        a = a.dropFirst()
        guard let verb = a.first, ["a", "ad", "add", "append", "replace", "change"].contains(verb) else {
            return .unknown("`ip route \(a.first ?? "")` is not modelled (only add/replace)")
        }
        a = a.dropFirst()
        guard let dest = a.first else { return .unknown("`ip route add` without a destination") }
        a = a.dropFirst()
        let prefix: IPPrefix?
        if dest == "default" {
            prefix = family == .ipv6 ? IPPrefix("::/0") : IPPrefix("0.0.0.0/0")
        } else {
            prefix = IPPrefix(dest)
        }
        guard let prefix else { return .unknown("`\(dest)` is not a prefix") }
        var device: String?
        var table: String?
        let words = Array(a)
        var i = 0
        while i < words.count {
            let k = words[i]
            let v = i + 1 < words.count ? words[i + 1] : nil
            switch k {
            case "dev": device = v
            case "table": table = v == "main" ? nil : v
            case "via", "metric", "proto", "scope", "src", "mtu", "onlink", "preference", "realm":
                if k == "onlink" { i -= 1 }
            default: return .unknown("`ip route` option `\(k)` is not modelled")
            }
            i += 2
        }
        guard let device else { return .unknown("`ip route add` without `dev` is not modelled") }
        return .route(HookRoute(prefix: prefix, device: device, table: table, location: location))
    }
}
