import WireConfig

/// Finds internet gateways without source NAT. When peers route a default route (0.0.0.0/0 or ::/0) into a host,
/// their packets leave its uplink with private tunnel source addresses unless a MASQUERADE rule on the uplink
/// rewrites them; replies never come back. `masquerade-missing` when there is no such rule;
/// `masquerade-wrong-interface` when MASQUERADE names another interface (often `-o %i`, the tunnel itself), or,
/// with the uplink stated in host.yaml, an interface the host does not have. Rules come from host.yaml and the
/// PostUp lines (`EffectiveFacts`).
struct MasqueradeCheckRule: LintRule {
    var codes: [FindingCode] { [.masqueradeMissing, .masqueradeWrongInterface] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for host in context.network.hosts {
            let facts = context.facts(host.name)
            var reportedRules = Set<SourceLocation>()
            var clients: [IPFamily: [(IPAddress, Int)]] = [:]
            for li in context.incoming[host.name] ?? [] {
                let link = context.links[li]
                for q in link.peer.allowedIPs where q.isDefaultRoute {
                    let f = IPFamily(q.address)
                    for a in context.hostAddresses(link.local) where IPFamily(a) == f && Self.isPrivate(a) {
                        clients[f, default: []].append((a, li))
                    }
                }
            }
            for (family, list) in clients.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                let unmasked = list.filter {
                    facts.masqueradeRule(family: family, outInterface: facts.uplink, source: $0.0) == nil
                }
                guard let (addr, li) = unmasked.first else { continue }
                let link = context.links[li]
                let others = facts.masquerade.filter {
                    ($0.family == nil || $0.family == family)
                        && !EffectiveFacts.interface($0.outInterface, matches: facts.uplink)
                }
                let first = host.interfaces.first { LintContext.isUsable($0) } ?? host.interfaces.first
                let cmd =
                    (family == .ipv4 ? "iptables" : "ip6tables")
                    + " -t nat -A POSTROUTING -o \(facts.uplink) -j MASQUERADE"
                let clientText =
                    "\(link.local) (\(addr))"
                    + (unmasked.count > 1 ? " and \(unmasked.count - 1) more" : "")
                if let wrong = others.first {
                    if let l = wrong.location { reportedRules.insert(l) }
                    out.append(
                        Finding(
                            .masqueradeWrongInterface, .error, hosts: [host.name, link.local.host],
                            interfaces: [link.remote, link.local].compactMap { $0 },
                            locations: [wrong.location].compactMap { $0 } + [context.location(link, .allowedIPs)],
                            message: "\(host.name) is the internet gateway of \(clientText), but its MASQUERADE rule "
                                + "names -o \(wrong.outInterface ?? "?"), not the uplink \(facts.uplink): their "
                                + "packets "
                                + "leave \(facts.uplink) with private source addresses and replies never return",
                            fix: "use `-o \(facts.uplink)` in the rule"
                                + (wrong.location.map { " at \($0.fileLine)" } ?? "")
                                + " (set `uplink:` in host.yaml if \(facts.uplink) is not the internet-facing "
                                + "interface)"
                        ))
                } else {
                    out.append(
                        Finding(
                            .masqueradeMissing, .error, hosts: [host.name, link.local.host],
                            interfaces: [link.remote, link.local].compactMap { $0 },
                            locations: (first.map {
                                [
                                    SourceLocation(
                                        file: $0.file,
                                        line: $0.config.interface.origin?.line
                                            ?? 1)
                                ]
                            } ?? []) + [context.location(link, .allowedIPs)],
                            message:
                                "\(host.name) is the internet gateway of \(clientText) (a default route into it) but "
                                + "has no MASQUERADE on its uplink \(facts.uplink): their packets leave with private "
                                + "source "
                                + "addresses and replies never return",
                            fix: "add `PostUp = \(cmd)` (and the matching PostDown with -D) to "
                                + (first?.file ?? host.name)))
                }
            }
            // A MASQUERADE out of an interface the host does not have, when the host's interfaces are stated.
            guard facts.facts.uplink != nil else { continue }
            let known = Set([facts.uplink] + facts.lans.map(\.interface) + host.interfaces.map(\.name))
            for rule in facts.masquerade {
                guard let o = rule.outInterface, !o.hasSuffix("+"), !known.contains(o) else { continue }
                if let l = rule.location, reportedRules.contains(l) { continue }
                out.append(
                    Finding(
                        .masqueradeWrongInterface, .error, hosts: [host.name],
                        locations: [rule.location].compactMap { $0 },
                        message: "MASQUERADE names -o \(o), which \(host.name) does not have (uplink \(facts.uplink), "
                            + "LANs and tunnels: "
                            + "\(known.subtracting([facts.uplink]).sorted().joined(separator: ", "))): "
                            + "the rule never matches",
                        fix: "use the uplink: -o \(facts.uplink)"))
            }
        }
        return out
    }

    /// RFC 1918, shared address space (RFC 6598) and unique local (RFC 4193) addresses: not routable on the internet.
    static func isPrivate(_ a: IPAddress) -> Bool {
        ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"]
            .compactMap { IPPrefix($0) }.contains { $0.contains(a) }
    }
}
