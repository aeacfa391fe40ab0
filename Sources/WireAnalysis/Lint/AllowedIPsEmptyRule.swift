import WireConfig

/// Finds peers without AllowedIPs. Nothing is routed to such a peer and every packet it sends is dropped by the
/// source check, so the handshake completes and nothing else ever passes: a confusing half-working state.
struct AllowedIPsEmptyRule: LintRule {
    var codes: [FindingCode] { [.allowedIPsEmpty] }

    func check(_ context: LintContext) -> [Finding] {
        context.links.filter { $0.peer.allowedIPs.isEmpty }.map { link in
            let at = context.location(link, .publicKey)
            let addrs = link.remote.map { context.hostAddresses($0).map { IPPrefix.host($0).description } } ?? []
            return Finding(
                .allowedIPsEmpty, .warning, hosts: [link.local.host], interfaces: [link.local], locations: [at],
                message: "\(context.name(of: link)) has no AllowedIPs: nothing is routed to it and every packet from "
                    + "it is dropped",
                fix: "add `AllowedIPs = \(addrs.isEmpty ? "its tunnel address/32" : addrs.joined(separator: ", "))` "
                    + "to the section at \(at.fileLine)")
        }
    }
}
