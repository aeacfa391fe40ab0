import WireConfig

/// Finds LANs of different hosts that overlap (two offices both on 192.168.1.0/24), or a LAN overlapping a tunnel
/// subnet. A host can route one range to one place only: at most one of the overlapping networks is reachable
/// through the tunnel, and hosts on the other see their own LAN instead.
struct OverlappingLANsRule: LintRule {
    var codes: [FindingCode] { [.overlappingLANs] }

    func check(_ context: LintContext) -> [Finding] {
        var items: [(IPPrefix, (host: String, name: String, location: SourceLocation?))] = []
        for h in context.network.hosts {
            let f = context.facts(h.name)
            for lan in f.lans { items.append((lan.prefix, (h.name, "LAN \(lan.name)", f.facts.location(of: "lans")))) }
        }
        guard !items.isEmpty else { return [] }
        let lans = PrefixTrie(grouping: items)
        var subnets: [(IPPrefix, (host: String, name: String, location: SourceLocation?))] = []
        for i in context.usable {
            for a in i.config.interface.addresses where a.length < a.address.bitWidth && !a.isDefaultRoute {
                subnets.append(
                    (
                        a.network,
                        (
                            i.host, "tunnel subnet of \(i.qualifiedName)",
                            i.config.interface.origin?.location(of: a, key: .address)
                        )
                    ))
            }
        }
        let tunnels = PrefixTrie(grouping: subnets)
        var out: [Finding] = []
        var seen = Set<[String]>()
        for e in lans.flattened() {
            for o in lans.overlapping(e.prefix, limit: 64) + tunnels.overlapping(e.prefix, limit: 64) {
                guard o.value.host != e.value.host || o.value.name.hasPrefix("tunnel") else { continue }
                let pair = ["\(e.value.host) \(e.prefix)", "\(o.value.host) \(o.prefix) \(o.value.name)"]
                guard seen.insert(pair.sorted()).inserted else { continue }
                out.append(
                    Finding(
                        .overlappingLANs, .warning, hosts: [e.value.host, o.value.host],
                        locations: [e.value.location, o.value.location].compactMap { $0 },
                        message: "\(e.value.host)'s \(e.value.name) \(e.prefix) overlaps \(o.value.host)'s "
                            + "\(o.value.name) \(o.prefix): a host can route that range to one of them only",
                        fix:
                            "renumber one of the two networks (or translate one with NETMAP) so the ranges are disjoint"
                    ))
            }
        }
        return out
    }
}
