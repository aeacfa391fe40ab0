import WireConfig

/// Finds a pair of peers whose PresharedKey differs, or where only one side sets one. The PSK is mixed into the
/// handshake (whitepaper §5.4.2, IKpsk2), so a mismatch fails every handshake with no message in either log.
/// PSK values are secret: findings never print them.
struct PSKMismatchRule: LintRule {
    var codes: [FindingCode] { [.pskMismatch] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for link in context.links {
            guard let remote = link.remote, let reverse = link.reverse, link.local < remote,
                link.peer.presharedKey != reverse.presharedKey
            else { continue }
            let at = context.location(link, .presharedKey)
            let rat = reverse.origin?.location(of: .presharedKey) ?? SourceLocation(file: "", line: 1)
            let what: String
            switch (link.peer.presharedKey, reverse.presharedKey) {
            case (.some, nil): what = "\(link.local) sets a PresharedKey for \(remote) but \(remote) sets none"
            case (nil, .some): what = "\(remote) sets a PresharedKey for \(link.local) but \(link.local) sets none"
            default: what = "\(link.local) and \(remote) set different PresharedKeys for each other"
            }
            out.append(
                Finding(
                    .pskMismatch, .error, hosts: [link.local.host, remote.host], interfaces: [link.local, remote],
                    locations: [at, rat], message: what + ": every handshake between them fails",
                    fix: "use one PresharedKey (`wg genpsk`) in both sections (\(at.fileLine), \(rat.fileLine)), or "
                        + "remove it from both"))
        }
        return out
    }
}
