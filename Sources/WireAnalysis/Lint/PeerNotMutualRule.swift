import WireConfig

/// Finds one-sided peerings: interface A has a `[Peer]` for B's key, but B has no `[Peer]` for A's key. B drops
/// A's handshake initiations (it does not know A's key) and can never send to A, so nothing passes either way.
///
/// When A's own key was probably mistyped on the other side (a `key-mismatch` there explains it), this rule stays
/// silent to report the cause once.
struct PeerNotMutualRule: LintRule {
    var codes: [FindingCode] { [.peerNotMutual] }

    func check(_ context: LintContext) -> [Finding] {
        // Sections whose key is wrong, by the interface they were probably meant for.
        var explained = Set<[Network.InterfaceID]>()
        for link in context.links where link.remote == nil || link.reverse == nil {
            if let t = context.probableTarget(for: link) { explained.insert([link.local, t.id]) }
        }
        var out: [Finding] = []
        for link in context.links {
            guard let remote = link.remote, link.reverse == nil, link.remoteUsable, let localKey = link.localKey,
                let r = context.interface(remote), let local = context.interface(link.local),
                context.owners(of: localKey).count == 1
            else { continue }
            if explained.contains([remote, link.local]) { continue }  // remote's wrong key says it
            if let t = context.probableTarget(for: link), t.reasons.contains(where: { $0.hasPrefix("it lists") }) {
                continue  // key-mismatch on this section says it
            }
            let at = context.location(link, .publicKey)
            out.append(
                Finding(
                    .peerNotMutual, .error, hosts: [remote.host, link.local.host], interfaces: [remote, link.local],
                    locations: [r.location(of: .privateKey), at],
                    message:
                        "\(link.local) lists \(remote) as a peer (\(at.fileLine)), but \(remote) has no [Peer] for "
                        + "\(link.local)'s key \(localKey.base64): \(remote) drops its handshakes, nothing passes",
                    fix: "add to \(r.file): [Peer] PublicKey = \(localKey.base64) with AllowedIPs = "
                        + (context.hostAddresses(link.local).map { IPPrefix.host($0).description }
                            .joined(separator: ", ").nonEmpty ?? "its tunnel address")
                        + " (or remove the section from \(local.file) if the peering is gone)"))
        }
        return out
    }
}

extension String {
    /// Nil for the empty string, to chain a default.
    var nonEmpty: String? { isEmpty ? nil : self }
}
