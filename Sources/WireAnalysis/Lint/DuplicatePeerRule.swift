import WireConfig

/// Finds two `[Peer]` sections for one key in one config. wg merges them into one peer (the later section's
/// settings win and its AllowedIPs replace the earlier ones), which is rarely what was meant: usually one of them
/// was copied for a new peer whose key was never filled in.
struct DuplicatePeerRule: LintRule {
    var codes: [FindingCode] { [.duplicatePeer] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for i in context.usable {
            // The context already holds each key's first section: fewer keys than sections means a duplicate.
            let peers = i.config.peers
            let firstByKey = context.sectionByKey[i.id] ?? [:]
            guard firstByKey.count < peers.count else { continue }
            for (n, p) in peers.enumerated() {
                guard let e = firstByKey[FastKey(p.publicKey)], e != n else { continue }
                let earlier = peers[e]
                let at = p.origin?.location(of: .publicKey) ?? SourceLocation(file: i.file, line: 1)
                let was = earlier.origin?.location(of: .publicKey) ?? SourceLocation(file: i.file, line: 1)
                let who = context.network.owner(of: p.publicKey)?.id.description ?? p.publicKey.shortBase64
                out.append(
                    Finding(
                        .duplicatePeer, .warning, hosts: [i.host], interfaces: [i.id], locations: [at, was],
                        message:
                            "a second [Peer] section for \(who) (first at \(was.fileLine)); wg merges them into one "
                            + "peer: the later section's settings win and its AllowedIPs replace the earlier ones",
                        fix: "merge the two sections into one, or put the intended peer's key at \(at.fileLine)"))
            }
        }
        return out
    }
}
