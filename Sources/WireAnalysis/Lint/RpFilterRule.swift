import WireConfig

/// Finds a host with strict reverse-path filtering (`net.ipv4.conf.{all,IFACE}.rp_filter`, the mode is
/// max(all, iface)) on a WireGuard interface whose peers' addresses it does not route back out of that interface:
/// the kernel drops their packets on arrival as spoofed (ip-sysctl.rst, rp_filter). Typically `Table = off` or a
/// route that sends the peer's address elsewhere. IPv4 only (IPv6 has no rp_filter).
struct RpFilterRule: LintRule {
    var codes: [FindingCode] { [.rpFilter] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for host in context.network.hosts {
            let facts = context.facts(host.name)
            guard facts.rpFilter.values.contains(where: { $0.value == 1 }),
                let incoming = context.incoming[host.name]
            else { continue }
            let table = RoutingTable(host: host, facts: facts)
            for li in incoming {
                let link = context.links[li]
                guard let inIf = link.remote?.interface else { continue }
                let mode = facts.rpFilter(on: inIf)
                guard mode.value == 1 else { continue }
                for s in context.hostAddresses(link.local) where s.isIPv4 {
                    let device = table.lookup(s)?.device ?? facts.uplink
                    guard device != inIf else { continue }
                    out.append(
                        Finding(
                            .rpFilter, .error, hosts: [host.name, link.local.host],
                            interfaces: [link.remote, link.local].compactMap { $0 },
                            locations: [mode.source.location ?? context.location(link, .allowedIPs)],
                            message: "\(host.name) filters reverse paths strictly (rp_filter 1) on \(inIf), but routes "
                                + "\(link.local)'s address \(s) out of \(device): its packets are dropped on arrival",
                            fix:
                                "route \(s) through \(inIf) on \(host.name) (wg-quick's AllowedIPs routes, or "
                                + "`PostUp = "
                                + "ip route add \(s)/32 dev \(inIf)`), or set rp_filter to 2 (loose)"))
                }
            }
        }
        return out
    }
}
