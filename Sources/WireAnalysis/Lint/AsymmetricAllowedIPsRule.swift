import WireConfig

/// Finds one-way relayed traffic: peer A routes prefix Q into host B, B forwards part of Q on to its peer C, but
/// C's AllowedIPs for B do not include A's address, so C drops A's packets on arrival (and A never gets a reply).
/// The classic case: a hub with wg0 and wg1 where bob routes wg0's subnet to the hub but alice's AllowedIPs lack
/// wg1's subnet. (The direct case, B itself not accepting A, is `address-not-allowed`.)
///
/// Linear: sources are grouped by the prefix they route into B, and each group is checked against C's AllowedIPs
/// by counting the source prefixes under each of C's (one walk down the trie), so a hub with 10,000 peers routing
/// one subnet costs 10,000 lookups, not 10^8.
struct AsymmetricAllowedIPsRule: LintRule {
    var codes: [FindingCode] { [.asymmetricAllowedIPs] }

    /// The sources routing one prefix into a relay.
    struct Group {
        var prefix: IPPrefix
        /// Source addresses (host routes), valued by the links (A's sections for B) they route through.
        var sources: PrefixTrie<[Int]>
    }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for host in context.network.hosts {
            guard let incoming = context.incoming[host.name], !incoming.isEmpty else { continue }
            // Q -> (source address, link) for every peer routing Q into this host.
            var byPrefix: [IPPrefix: [(IPPrefix, Int)]] = [:]
            for li in incoming {
                let link = context.links[li]
                let addrs = context.hostAddresses(link.local)
                for q in link.peer.allowedIPs where !context.isOwn(q, of: host.name) {
                    for a in addrs where a.bitWidth == q.address.bitWidth {
                        byPrefix[q, default: []].append((IPPrefix.host(a), li))
                    }
                }
            }
            guard !byPrefix.isEmpty else { continue }
            let groups = PrefixTrie(
                grouping: byPrefix.map { ($0.key, Group(prefix: $0.key, sources: PrefixTrie(grouping: $0.value))) })
            var reported = Set<[Int]>()
            for i in host.interfaces {
                for li in context.linksByInterface[i.id] ?? [] {
                    let out1 = context.links[li]
                    guard let c = out1.remote, let accept = out1.reverse, !accept.allowedIPs.isEmpty else { continue }
                    var cachedOwn: Set<IPAddress>? = nil
                    for d in out1.peer.allowedIPs {
                        for g in groups.overlapping(d, limit: 64) {
                            if cachedOwn == nil { cachedOwn = Set(context.hostAddresses(c)) }
                            let own = cachedOwn ?? []
                            let sources = g.value.sources
                            let maximal = accept.allowedIPs.filter { p in
                                !accept.allowedIPs.contains { $0 != p && $0.contains(p) }
                            }
                            // Distinct source addresses: covered by C, and C's own (which need no cover).
                            var covered = 0
                            for p in maximal { covered += sources.count(within: p) }
                            let ownInGroup = own.filter { sources.exact(IPPrefix.host($0)) != nil }
                            let ownCovered = ownInGroup.filter { accept.allowedIPs.covers($0) }.count
                            guard covered - ownCovered < sources.count - ownInGroup.count else { continue }
                            for s in sources.flattened()
                            where !own.contains(s.prefix.address)
                                && !accept.allowedIPs.covers(s.prefix.address)
                            {
                                guard reported.insert([li, s.value]).inserted, reported.count < 10_000 else { continue }
                                out.append(
                                    finding(
                                        context, relay: host, source: context.links[s.value],
                                        address: s.prefix.address, routed: g.prefix, out: out1, to: c,
                                        accept: accept, dest: d))
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    func finding(
        _ context: LintContext, relay: Host, source: LintContext.PeerLink, address: IPAddress,
        routed: IPPrefix, out: LintContext.PeerLink, to c: Network.InterfaceID, accept: PeerConfig,
        dest: IPPrefix
    ) -> Finding {
        let at = accept.origin?.location(of: .allowedIPs) ?? SourceLocation(file: "", line: 1)
        // Suggest the subnet the source sits in on the relay's interface, else its own address.
        let subnet = source.remote.flatMap { context.interface($0) }?.config.interface.addresses
            .map(\.network).first { $0.contains(address) && $0.length < $0.address.bitWidth && !$0.isDefaultRoute }
        let add = subnet ?? IPPrefix.host(address)
        var finding = Finding(
            .asymmetricAllowedIPs, .error, hosts: [c.host, source.local.host, relay.name],
            interfaces: [c, out.local, source.local] + (source.remote.map { [$0] } ?? []),
            locations: [at, context.location(source, prefix: routed)],
            message: "\(source.local) (\(address)) routes \(routed) through \(source.remote?.description ?? relay.name)"
                + ", and \(relay.name) forwards \(dest) to \(c) over \(out.local), but \(c)'s AllowedIPs for "
                + "\(out.local) (\(accept.allowedIPs.listed)) do not include \(address): \(c) drops those packets, "
                + "traffic between them is one-way at best",
            fix: "add \(add) to AllowedIPs at \(at.fileLine)")
        if !at.file.isEmpty { finding.edits = [.addAllowedIPs(file: at.file, peer: accept.publicKey, prefixes: [add])] }
        return finding
    }
}
