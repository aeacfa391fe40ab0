import Foundation
import WireProcess

#if canImport(Glibc)
    import Glibc
#endif

/// Collects a `HostSnapshot` from the running host, through machine formats only: `wg show all dump`,
/// `ip -j`, /proc/sys, `nft -j list ruleset`, `iptables-save`, `ip6tables-save` and /proc/net/udp{,6}.
/// It reads; it changes nothing. Every command runs through WireProcess.
public struct Collector: Sendable {
    /// Why a snapshot could not be taken at all (as opposed to one source missing, which `errors` records).
    public enum CollectError: Error, Equatable, Sendable, CustomStringConvertible {
        /// Not running as root: wg cannot read the keys and peers.
        case notRoot
        /// `wg` is not installed or not in the search path.
        case noWireGuardTools(String)
        /// `wg show all dump` failed or printed something that is not a dump.
        case dumpFailed(String)
        /// `ip -j` failed or printed something else.
        case ipFailed(String)

        public var description: String {
            switch self {
            case .notRoot: return "doctor must run as root (wg show needs it to read keys and peers)"
            case .noWireGuardTools(let why): return "wireguard-tools missing: \(why)"
            case .dumpFailed(let why): return "wg show all dump: \(why)"
            case .ipFailed(let why): return "ip: \(why)"
            }
        }
    }

    /// Where commands are looked up.
    public var searchPath: String
    /// Where /proc is (tests point it elsewhere).
    public var procRoot: String
    /// Where the wg-quick configs (`IFACE.conf`) are read from.
    public var configDirectory: String

    /// A collector.
    public init(
        searchPath: String = Command.defaultSearchPath, procRoot: String = "/proc",
        configDirectory: String = "/etc/wireguard"
    ) {
        self.searchPath = searchPath
        self.procRoot = procRoot
        self.configDirectory = configDirectory
    }

    /// Everything, now. The WireGuard interfaces kept are those that are links of this namespace: the userspace
    /// sockets in /var/run/wireguard are shared by every namespace, so `wg show all` lists other namespaces' too.
    public func collect() throws(CollectError) -> HostSnapshot {
        guard geteuid() == 0 else { throw .notRoot }
        var errors: [String: String] = [:]
        let dump: String
        do {
            dump = try run(["wg", "show", "all", "dump"]).check().stdoutText
        } catch {
            if case .notFound = error { throw .noWireGuardTools("\(error)") }
            throw .dumpFailed("\(error)")
        }
        let links: [LinkState]
        do {
            links = try IPJSON.links(try run(["ip", "-j", "-d", "addr", "show"]).check().stdoutText)
        } catch {
            throw .ipFailed("\(error)")
        }
        let names = Set(links.map(\.name))
        let wireguard: [WireGuardState]
        do {
            wireguard = try WireGuardDump.parse(dump).filter { names.contains($0.name) }.sorted { $0.name < $1.name }
        } catch {
            throw .dumpFailed("\(error)")
        }
        var routes: [RouteState] = []
        var rules: [[String: String]] = []
        for v6 in [false, true] {
            let family = v6 ? ["-6"] : []
            routes +=
                record(&errors, "ip -j route show table all") { () throws -> [RouteState] in
                    try IPJSON.routes(
                        try run(["ip", "-j"] + family + ["route", "show", "table", "all"]).check().stdoutText,
                        v6: v6)
                } ?? []
            rules +=
                record(&errors, "ip -j rule") { () throws -> [[String: String]] in
                    try IPJSON.rules(try run(["ip", "-j"] + family + ["rule"]).check().stdoutText, v6: v6)
                } ?? []
        }
        let nft = record(&errors, "nft -j list ruleset") { () throws -> String in
            try run(["nft", "-j", "list", "ruleset"]).check().stdoutText
        }
        let ipt = record(&errors, "iptables-save") { () throws -> String in
            try run(["iptables-save"]).check().stdoutText
        }
        let ip6t = record(&errors, "ip6tables-save") { () throws -> String in
            try run(["ip6tables-save"]).check().stdoutText
        }
        var sockets: [UDPSocket] = []
        for file in ["udp", "udp6"] {
            let path = "\(procRoot)/net/\(file)"
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                sockets += ProcNetUDP.sockets(text)
            } else {
                errors[path] = "cannot read"
            }
        }
        return HostSnapshot(
            hostname: ProcessInfo.processInfo.hostName, takenAt: Int(Date().timeIntervalSince1970),
            wireguard: wireguard, links: links, routes: routes, rules: rules,
            sysctl: sysctls(links: links.map(\.name)), nftRuleset: nft, iptables: ipt, ip6tables: ip6t,
            udpSockets: Array(Set(sockets)).sorted { ($0.port, $0.address) < ($1.port, $1.address) },
            errors: errors, boot: boot(interfaces: wireguard.map(\.name)))
    }

    /// The sysctl files' forwarding and rp_filter settings, and what each interface's wg-quick config sets.
    func boot(interfaces: [String]) -> BootFacts {
        var settings: [SysctlSetting] = []
        for file in BootFacts.sysctlFiles() {
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                settings += BootFacts.settings(file: file, text: text)
            }
        }
        let configs = interfaces.compactMap { name -> WGQuickFacts? in
            let path = "\(configDirectory)/\(name).conf"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            return BootFacts.wgQuick(interface: name, path: path, text: text)
        }
        return BootFacts(
            sysctlSettings: settings, wgQuick: configs, configDirectory: configDirectory,
            resolvconf: Command.which("resolvconf", searchPath: searchPath))
    }

    /// The /proc/sys values the checks read: forwarding and rp_filter, for all, default and every link.
    func sysctls(links: [String]) -> [String: String] {
        var paths = ["net/ipv4/ip_forward", "net/ipv6/conf/all/forwarding"]
        for conf in ["all", "default"] + links {
            paths += ["net/ipv4/conf/\(conf)/forwarding", "net/ipv4/conf/\(conf)/rp_filter"]
            paths.append("net/ipv6/conf/\(conf)/forwarding")
        }
        var values: [String: String] = [:]
        for p in paths {
            if let v = try? String(contentsOfFile: "\(procRoot)/sys/\(p)", encoding: .utf8) {
                values[p.replacingOccurrences(of: "/", with: ".")] = v.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return values
    }

    private func run(_ arguments: [String]) throws(CommandError) -> CommandOutput {
        try Command(arguments, searchPath: searchPath, timeout: .seconds(20)).run()
    }

    private func record<T>(_ errors: inout [String: String], _ what: String, _ body: () throws -> T) -> T? {
        do { return try body() } catch {
            errors[what] = "\(error)"
            return nil
        }
    }
}
