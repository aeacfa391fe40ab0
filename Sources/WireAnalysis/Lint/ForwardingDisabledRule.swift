import WireConfig

/// Finds a host that relays traffic without IP forwarding. A host relays when a peer routes into it a prefix the
/// host sends on elsewhere: to another peer (a hub between spokes, or between its wg0 and wg1), to one of its LANs
/// (a site gateway), or anywhere (a default route: an internet gateway). Linux drops such packets unless
/// `net.ipv4.ip_forward` (or `net.ipv6.conf.all.forwarding`) is 1. Forwarding is read from host.yaml and from the
/// PreUp/PostUp lines (`EffectiveFacts`); unstated, it is Linux's default, off. A family the routing peer has no
/// address of is not relayed (a full-tunnel client routing `::/0` without IPv6 has nothing to send).
struct ForwardingDisabledRule: LintRule {
    var codes: [FindingCode] { [.forwardingDisabled] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for host in context.network.hosts {
            guard let incoming = context.incoming[host.name] else { continue }
            let facts = context.facts(host.name)
            var evidence: [IPFamily: (link: Int, prefix: IPPrefix, onward: String)] = [:]
            for li in incoming {
                let link = context.links[li]
                for q in link.peer.allowedIPs {
                    // The cheap tests first: on a host that forwards, no entry needs the address lookup.
                    let family = IPFamily(q.address)
                    guard evidence[family] == nil, !facts.forwarding(family).value else { continue }
                    guard !context.isOwn(q, of: host.name) else { continue }
                    // A peer with no address of the family sends nothing of it through (a full-tunnel client's
                    // `::/0` without IPv6 is a leak guard: its packets die at the relay's source check anyway).
                    guard
                        context.hostAddresses(link.local).contains(where: { IPFamily($0) == family })
                            || context.network.host(link.local.host)?.facts.lans.contains(where: {
                                IPFamily($0.prefix.address) == family
                            }) == true
                    else { continue }
                    if let onward = context.onward(host: host.name, from: link, prefix: q) {
                        evidence[family] = (li, q, onward.text)
                    }
                }
            }
            for (family, e) in evidence.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                let link = context.links[e.link]
                let fact = facts.forwarding(family)
                let sysctl = family == .ipv4 ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding"
                let first = host.interfaces.first { LintContext.isUsable($0) } ?? host.interfaces.first
                let setAt = fact.source.location
                let state =
                    setAt.map { "turned off at \($0.fileLine)" }
                    ?? "off (Linux's default; nothing turns it on)"
                var finding = Finding(
                    .forwardingDisabled, .error, hosts: [host.name, link.local.host],
                    interfaces: [link.remote, link.local].compactMap { $0 },
                    locations: (setAt.map { [$0] } ?? [])
                        + (first.map {
                            [
                                SourceLocation(
                                    file: $0.file,
                                    line: $0.config.interface.origin?.line ?? 1)
                            ]
                        } ?? [])
                        + [context.location(link, prefix: e.prefix)],
                    message: "\(host.name) relays traffic but \(sysctl) is \(state): \(link.local) routes "
                        + "\(e.prefix) into \(link.remote?.description ?? host.name) and \(host.name) would send it on "
                        + "\(e.onward); those packets are dropped",
                    fix: "add `PostUp = sysctl -w \(sysctl)=1` to [Interface] of \(first?.file ?? host.name) (or "
                        + "`forwarding: { \(family.rawValue): true }` in host.yaml if it is set elsewhere)")
                // Only a forwarding nobody set is fixed by adding a PostUp; one turned off on purpose is the
                // operator's to change where it was set.
                if fact.source.isDefault, let first {
                    finding.edits = [.addInterfaceLine(file: first.file, key: .postUp, value: "sysctl -w \(sysctl)=1")]
                }
                out.append(finding)
            }
        }
        return out
    }
}
