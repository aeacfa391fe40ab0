import WireConfig

/// Finds a peer behind NAT that sends no PersistentKeepalive to a peer that cannot reach it first. Its NAT mapping
/// expires after a minute or two of silence; from then on the other side cannot reach it (it has no Endpoint, or
/// only a stale one) until the NATed peer happens to send. A warning when host.yaml says `behind_nat: true`; info
/// when it is only inferred (no public address, nobody has an Endpoint for it).
struct KeepaliveMissingRule: LintRule {
    var codes: [FindingCode] { [.keepaliveMissing] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for link in context.links {
            guard let remote = link.remote, let reverse = link.reverse, link.peer.endpoint != nil,
                link.peer.persistentKeepalive == nil, reverse.endpoint == nil
            else { continue }
            let facts = context.facts(link.local.host)
            let stated = facts.behindNAT == true
            let inferred = facts.behindNAT == nil && facts.publicAddresses.isEmpty
            guard stated || inferred else { continue }
            let at = context.location(link, .endpoint)
            // Which pairs it breaks, and when (the phases of docs/trace-json.md).
            let ping = context.facts(link.local.host).sentAtUp.first { $0.interface == link.local.interface }
            let atUp =
                ping.map { "its PostUp `\($0.command)` (\($0.location.fileLine)) sends at up" }
                ?? (Tracer.routerSolicitationEntry(link.peer.allowedIPs) != nil
                    ? "its kernel's IPv6 router solicitations at up reach \(remote) (AllowedIPs cover ff02::2)"
                    : nil)
            let when =
                atUp.map { "reachable from up, as \($0), until the NAT mapping expires (idle)" }
                ?? "unreachable right after up (cold), reachable once \(link.local.host) has sent (warm), unreachable "
                + "again after its NAT mapping expires (idle)"
            out.append(
                Finding(
                    .keepaliveMissing, stated ? .warning : .info, hosts: [link.local.host, remote.host],
                    interfaces: [link.local, remote], locations: [at],
                    message: "\(link.local.host) is "
                        + (stated
                            ? "behind NAT"
                            : "probably behind NAT (no public address, "
                                + "no Endpoint points at it)")
                        + " and sends no keepalive to \(remote), which has no Endpoint "
                        + "for it. Pairs it breaks: " + context.pairsBrokenByNAT(link, remote: remote) + ": " + when,
                    fix: "add `PersistentKeepalive = 25` to the section at \(at.fileLine)"))
        }
        return out
    }
}
