import Foundation

/// The NAT mappings of the lab's NAT routers: made to expire now, as they would after minutes of silence.
///
/// In life a host behind NAT that stops sending loses its mapping after the router's UDP timeout (Linux: 30 s,
/// 120 s once replies were seen; host.yaml `nat_udp_timeout`); only PersistentKeepalive, sent more often than that,
/// keeps it. The check cannot wait minutes, and shortening the routers' timeouts to seconds would also expire the
/// mappings a 25 s keepalive keeps, which is false to life. So the check deletes, in each NAT router, exactly the
/// mappings that no keepalive keeps: those towards a peer endpoint whose PersistentKeepalive is off on the host, or
/// not shorter than the NAT's timeout (the mapping expires between two keepalives; deleting it stands for a moment
/// after it expired and before the next keepalive). This is what "after the mappings expired" means, reached at once
/// and by observation, not by waiting.
enum LabMappings {
    /// The mappings of one NAT router towards one peer endpoint (a `conntrack` filter).
    struct Filter: Sendable, Hashable {
        /// The host behind the NAT router.
        var host: String
        /// The NAT router's namespace.
        var namespace: String
        var address: String
        var port: String

        /// `conntrack ACTION` of the mappings the filter selects.
        func command(_ action: String) -> [String] {
            ["ip", "netns", "exec", namespace, "conntrack", action] + (address.contains(":") ? ["-f", "ipv6"] : [])
                + ["-p", "udp", "--orig-dst", address, "--dport", port]
        }
    }

    /// The mappings no PersistentKeepalive keeps, host by host: towards peers whose keepalive is off, or not
    /// shorter than `timeout(host)` seconds.
    static func unkept(
        plan: LabPlan, shell: Shell, enters: [String: [String]], timeout: (HostPlan) -> Int
    ) -> [Filter] {
        let natted = plan.hosts.filter { $0.nat != nil && enters[$0.name] != nil }
        let dumps = shell.runAll(
            natted.map { enters[$0.name]! + ["wg", "show", "all", "dump"] }, width: 8, timeout: 10)
        var filters: [Filter] = []
        for (h, dump) in zip(natted, dumps) {
            let limit = timeout(h)
            let peers = WgDump(dump.output).peers
            func keeps(_ p: WgDump.Peer) -> Bool { p.keepalive.map { $0 < limit } ?? false }
            for p in peers where !keeps(p) {
                guard let e = p.endpoint, let (address, port) = WgDump.split(endpoint: e) else { continue }
                // Another peer whose keepalive keeps the mapping towards the same endpoint.
                if peers.contains(where: { $0.endpoint == e && keeps($0) }) { continue }
                let f = Filter(host: h.name, namespace: h.nat!.namespace, address: address, port: port)
                if !filters.contains(f) { filters.append(f) }
            }
        }
        return filters
    }

    /// Deletes the mappings `filters` select (`conntrack -D`).
    static func expire(_ filters: [Filter], shell: Shell) {
        // conntrack -D exits 1 when nothing matched: not an error here.
        _ = shell.runAll(filters.map { $0.command("-D") }, width: 8, timeout: 10)
    }

    /// The filters of `filters` that select a mapping again (`conntrack -L` lists one): the host behind that NAT
    /// router has sent towards that endpoint since its mapping was deleted.
    static func present(_ filters: [Filter], shell: Shell) -> [Filter] {
        let listed = shell.runAll(filters.map { $0.command("-L") }, width: 8, timeout: 10)
        return zip(filters, listed).filter { f, r in
            r.output.split(separator: "\n").contains { $0.hasPrefix("udp ") && $0.contains("dst=\(f.address) ") }
        }.map(\.0)
    }
}
