import WireConfig

/// Finds a relay whose FORWARD chain drops what it should relay: forwarding is on, but the chain's policy is DROP
/// (Docker sets it, so do hardening guides) or a rule drops the tunnel's traffic, and no earlier rule accepts it.
/// The packet passes the routing decision and dies in the firewall, with no trace in WireGuard. Decided by
/// `EffectiveFacts.forwardDecision` (host.yaml and PreUp/PostUp iptables/nft rules) for a new connection from a
/// peer's address to where the relay sends it on.
struct ForwardBlockedRule: LintRule {
    var codes: [FindingCode] { [.forwardBlocked] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for host in context.network.hosts {
            guard let incoming = context.incoming[host.name] else { continue }
            let facts = context.facts(host.name)
            // Nothing to check when no FORWARD rule or policy is stated: Linux accepts.
            guard
                !facts.forwardRules.isEmpty || !facts.ipv4ForwardPolicy.source.isDefault
                    || !facts.ipv6ForwardPolicy.source.isDefault
            else { continue }
            var reported = Set<[String]>()
            for li in incoming {
                let link = context.links[li]
                guard let inIface = link.remote?.interface else { continue }
                for q in link.peer.allowedIPs where !context.isOwn(q, of: host.name) {
                    let family = IPFamily(q.address)
                    guard facts.forwarding(family).value,
                        let onward = context.onward(host: host.name, from: link, prefix: q),
                        let source = context.hostAddresses(link.local).first(where: { IPFamily($0) == family })
                    else { continue }
                    let pair = IntentPair(
                        from: IntentParty(host: link.local.host, address: source),
                        to: context.network.party(onward.destination.description)
                            ?? IntentParty(host: "", address: onward.destination))
                    // The new connection, then its reply (conntrack ESTABLISHED) back the other way.
                    for reply in [false, true] {
                        let (i, o) = reply ? (onward.outInterface, inIface) : (inIface, onward.outInterface)
                        let d = facts.forwardDecision(
                            family: family, inInterface: i, outInterface: o,
                            source: reply ? onward.destination : source,
                            destination: reply ? source : onward.destination, state: reply ? .established : .new)
                        guard d.action != .accept, reported.insert([i, o]).inserted else { continue }
                        let by =
                            d.rule.map { _ in "a \(d.action.rawValue.uppercased()) rule" }
                            ?? "the chain's policy \(d.action.rawValue.uppercased())"
                        let ipt = family == .ipv4 ? "iptables" : "ip6tables"
                        let ct = reply ? " -m conntrack --ctstate RELATED,ESTABLISHED" : ""
                        let what =
                            reply
                            ? "the replies to what \(link.local) (\(source)) sends through \(inIface) to "
                                + "\(onward.text): they come back in on \(i) and go out of \(o), "
                            : "\(link.local) (\(source)) routes \(q) into \(inIface), \(host.name) sends it on "
                                + "\(onward.text) out of \(onward.outInterface), "
                        var f = Finding(
                            .forwardBlocked, .error, hosts: [host.name, link.local.host],
                            interfaces: [link.remote, link.local].compactMap { $0 },
                            locations: [d.location].compactMap { $0 } + [context.location(link, prefix: q)],
                            message: "\(host.name)'s FORWARD chain drops what it relays: " + what + "and \(by)"
                                + (d.location.map { " (\($0.fileLine))" } ?? "") + " drops "
                                + (reply ? "them" : "it"),
                            fix: "add `PostUp = \(ipt) -I FORWARD -i \(i) -o \(o)\(ct) -j ACCEPT` "
                                + "(and the matching PostDown with -D), or correct the rule that drops it")
                        f.pairs = [pair]
                        out.append(f)
                    }
                }
            }
        }
        return out
    }
}
