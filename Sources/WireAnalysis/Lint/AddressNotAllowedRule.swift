import WireConfig

/// Finds a peer whose own tunnel Address is not inside the AllowedIPs this side keeps for it. Its packets carry
/// that address as source, and the receiver's cryptokey source check drops every one of them on arrival: the
/// handshake completes, nothing else passes from it.
struct AddressNotAllowedRule: LintRule {
    var codes: [FindingCode] { [.addressNotAllowed] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for link in context.links where link.reverse != nil && !link.peer.allowedIPs.isEmpty {
            guard let remote = link.remote,
                context.hostAddresses(remote).contains(where: { !link.peer.allowedIPs.covers($0) }),
                let r = context.interface(remote)
            else { continue }
            for a in r.config.interface.addresses where !link.peer.allowedIPs.covers(a.address) {
                let at = context.location(link, .allowedIPs)
                let addrAt = r.config.interface.origin?.location(of: a, key: .address) ?? r.location(of: .address)
                out.append(
                    Finding(
                        .addressNotAllowed, .error, hosts: [link.local.host, remote.host],
                        interfaces: [link.local, remote], locations: [at, addrAt],
                        message: "\(remote)'s Address \(a.address) (\(addrAt.fileLine)) is not in the AllowedIPs "
                            + "\(link.local) keeps for it (\(link.peer.allowedIPs.listed)): packets from "
                            + "\(a.address) are dropped on arrival at \(link.local)",
                        fix: "add \(IPPrefix.host(a.address)) to AllowedIPs at \(at.fileLine) (or correct "
                            + "\(remote)'s Address)"))
            }
        }
        return out
    }
}
