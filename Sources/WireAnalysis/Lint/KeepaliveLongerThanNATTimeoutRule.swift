import WireConfig

/// Finds a peer behind NAT whose PersistentKeepalive is not shorter than its NAT's UDP mapping timeout, towards a
/// peer that cannot reach it first. The mapping then expires between two keepalives (RFC 4787 section 4.3: a NAT
/// drops a mapping that carries nothing for its timeout; REQ-5 asks for at least 120 s, many home routers and Linux
/// conntrack use 30 s), so the other side reaches it only within that timeout after each keepalive. The timeout is
/// host.yaml's `nat_udp_timeout`, else `HostFacts.assumedNATUDPTimeout`. A warning when host.yaml states both the
/// NAT and its timeout; info when either is inferred or assumed.
struct KeepaliveLongerThanNATTimeoutRule: LintRule {
    var codes: [FindingCode] { [.keepaliveLongerThanNATTimeout] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for link in context.links {
            guard let remote = link.remote, let reverse = link.reverse, link.peer.endpoint != nil,
                let interval = link.peer.persistentKeepalive, interval > 0, reverse.endpoint == nil
            else { continue }
            let facts = context.facts(link.local.host)
            // Stated in host.yaml, not inferred from a snapshot's private uplink.
            let behindNAT = facts.behindNAT == true && !facts.facts.behindNATInferred
            guard facts.behindNAT == true || (facts.behindNAT == nil && facts.publicAddresses.isEmpty) else { continue }
            let timeout = facts.facts.effectiveNATUDPTimeout
            guard Int(interval) >= timeout else { continue }
            let stated = facts.facts.natUDPTimeout != nil
            let at = context.location(link, .persistentKeepalive)
            let source =
                stated
                ? "nat_udp_timeout\(facts.facts.location(of: "nat_udp_timeout").map { " at \($0.fileLine)" } ?? "")"
                : "assumed: host.yaml states no nat_udp_timeout"
            out.append(
                Finding(
                    .keepaliveLongerThanNATTimeout, behindNAT && stated ? .warning : .info,
                    hosts: [link.local.host, remote.host], interfaces: [link.local, remote], locations: [at],
                    message: "\(link.local.host) is \(behindNAT ? "behind NAT" : "probably behind NAT") and sends "
                        + "PersistentKeepalive every \(interval) s to \(remote), which has no Endpoint for it, but "
                        + "its NAT forgets an idle UDP mapping after \(timeout) s (\(source)). Pairs it breaks: "
                        + context.pairsBrokenByNAT(link, remote: remote)
                        + ": reachable right after up and after each keepalive, but only for \(timeout) s of every "
                        + "\(interval) s (idle)",
                    fix: "set `PersistentKeepalive = \(Tracer.keepalive(under: timeout))` at \(at.fileLine)"))
        }
        return out
    }
}
