import WireConfig

/// Finds `[Peer]` PublicKeys that name the wrong interface: a key no interface of the network holds (mistyped,
/// pasted from a private key, or an old key), the interface's own key, or another interface's key while the
/// interface that lists this one back is left without a section (keys swapped between two peers, or wg0's key
/// where wg1's was meant). Handshakes then go to nobody and every packet is dropped. Says which key was probably
/// meant, from the interface that lists this one as a peer, the Endpoint's host and port, and the Address inside
/// AllowedIPs.
///
/// A key the network does not hold and no evidence points elsewhere is `unknown-peer` (info): the peer's config
/// is probably just not in the directory.
struct KeyMismatchRule: LintRule {
    var codes: [FindingCode] { [.keyMismatch, .unknownPeer] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for link in context.links {
            guard let own = link.localKey, context.owners(of: own).count == 1
            else { continue }  // duplicate-key explains everything about a shared key
            let key = link.peer.publicKey
            let isOwn = key == own
            let owners = context.owners(of: key)
            if !isOwn, owners.count > 1 { continue }  // duplicate-key says it
            let what: String
            if isOwn {
                what = "PublicKey \(key.base64) is \(link.local)'s own key; a peer must name another interface"
            } else if owners.isEmpty {
                what = "PublicKey \(key.base64) matches no interface in the network"
            } else if let remote = link.remote, link.reverse == nil, link.remoteUsable {
                what = "PublicKey \(key.base64) is \(remote)'s key, but \(remote) has no [Peer] for \(link.local)"
            } else {
                continue
            }
            // Only for a section that gets a finding: a 100,000-peer hub's sections mostly get none.
            let at = context.location(link, .publicKey)
            let target = context.probableTarget(for: link)
            if let target, isOwn || owners.isEmpty || target.reasons.contains(where: { $0.hasPrefix("it lists") }) {
                let targetFile = context.interface(target.id).map {
                    SourceLocation(file: $0.file, line: $0.config.interface.origin?.line ?? 1)
                }
                out.append(
                    Finding(
                        .keyMismatch, .error, hosts: [link.local.host, target.id.host],
                        interfaces: [link.local, target.id] + (link.remote.map { [$0] } ?? []),
                        locations: [at] + (targetFile.map { [$0] } ?? []),
                        message: what + "; it was probably meant to be \(target.id)'s key ("
                            + target.reasons.joined(separator: "; ") + "). Handshakes with \(target.id) never complete",
                        fix: "set PublicKey = \(target.key.base64) (\(target.id)'s public key) at \(at.fileLine)"))
            } else if isOwn {
                out.append(
                    Finding(
                        .keyMismatch, .error, hosts: [link.local.host], interfaces: [link.local], locations: [at],
                        message: what + "; no interface of the network looks like the intended peer",
                        fix: "set PublicKey to the peer's public key (`wg pubkey < its private key`) at \(at.fileLine)")
                )
            } else if owners.isEmpty && !context.network.allInterfaces.contains(where: { $0.publicKey == nil }) {
                // (When some interface's PrivateKey is unusable, the key may well be its: config-invalid says so.)
                out.append(
                    Finding(
                        .unknownPeer, .info, hosts: [link.local.host], interfaces: [link.local], locations: [at],
                        message: "PublicKey \(key.base64) matches no interface in the network; its config is not in "
                            + "the directory, so links to it are not checked",
                        fix:
                            "add that peer's config to the directory to check both sides (or remove the section if the "
                            + "peer is gone)"))
            }
        }
        return out
    }
}
