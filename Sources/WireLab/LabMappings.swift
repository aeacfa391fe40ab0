import Foundation

/// The NAT mappings of the lab's NAT routers: made to expire now, as they would after minutes of silence.
///
/// In life a host behind NAT that stops sending loses its mapping after the router's UDP timeout (Linux: 30 s,
/// 120 s once replies were seen); only PersistentKeepalive, sent more often than that, keeps it. The check cannot
/// wait minutes, and shortening the routers' timeouts to seconds would also expire the mappings a 25 s keepalive
/// keeps, which is false to life. So the check deletes, in each NAT router, exactly the mappings that no keepalive
/// refreshes: those towards a peer endpoint whose PersistentKeepalive is off on the host (conntrack -D). This is
/// what "after the mappings expired" means, reached at once and by observation, not by waiting.
enum LabMappings {
    /// Deletes every UDP mapping in the NAT routers that no PersistentKeepalive refreshes; returns how many
    /// mapping filters were applied.
    @discardableResult
    static func expire(plan: LabPlan, shell: Shell, enters: [String: [String]]) -> Int {
        let natted = plan.hosts.filter { $0.nat != nil && enters[$0.name] != nil }
        let dumps = shell.runAll(
            natted.map { enters[$0.name]! + ["wg", "show", "all", "dump"] }, width: 8, timeout: 10)
        var commands: [[String]] = []
        for (h, dump) in zip(natted, dumps) {
            let nat = h.nat!.namespace
            let peers = WgDump(dump.output).peers
            for p in peers where p.keepalive == nil {
                guard let e = p.endpoint, let (address, port) = WgDump.split(endpoint: e) else { continue }
                // Another peer with keepalive towards the same endpoint keeps the mapping alive.
                if peers.contains(where: { $0.endpoint == e && $0.keepalive != nil }) { continue }
                let family = address.contains(":") ? ["-f", "ipv6"] : []
                commands.append(
                    ["ip", "netns", "exec", nat, "conntrack", "-D"] + family
                        + ["-p", "udp", "--orig-dst", address, "--dport", port])
            }
        }
        // conntrack -D exits 1 when nothing matched: not an error here.
        _ = shell.runAll(commands, width: 8, timeout: 10)
        return commands.count
    }
}
