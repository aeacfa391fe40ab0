import WireConfig

/// Finds a pair of peers where neither side has an Endpoint for the other. A WireGuard handshake is started by a
/// side that knows where to send it; without an Endpoint on either side no handshake is ever sent and the link
/// stays dead. Reported once per pair.
struct NoInitiatorRule: LintRule {
    var codes: [FindingCode] { [.noInitiator] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for link in context.links {
            guard let remote = link.remote, let reverse = link.reverse, link.local < remote,
                link.peer.endpoint == nil, reverse.endpoint == nil
            else { continue }
            let at = context.location(link, .publicKey)
            let rat = reverse.origin?.location(of: .publicKey) ?? SourceLocation(file: "", line: 1)
            let publicSide = [remote, link.local].first { !context.facts($0.host).publicAddresses.isEmpty }
            let target = publicSide ?? remote
            let port = context.interface(target)?.config.interface.listenPort
            out.append(
                Finding(
                    .noInitiator, .error, hosts: [link.local.host, remote.host], interfaces: [link.local, remote],
                    locations: target == remote ? [at, rat] : [rat, at],
                    message: "neither \(link.local) nor \(remote) has an Endpoint for the other: no handshake is ever "
                        + "sent and the link never comes up",
                    fix: "add `Endpoint = ADDRESS:\(port.map(String.init) ?? "PORT")` for \(target) to the section at "
                        + "\((target == remote ? at : rat).fileLine), pointing at \(target.host)'s reachable address"
                        + (port == nil ? ", and pin a ListenPort on \(target)" : "")))
        }
        return out
    }
}
