import WireConfig

/// Finds two interfaces of one host pinning the same ListenPort. The second `wg-quick up` fails with "Address
/// already in use" and that interface never comes up.
struct ListenPortCollisionRule: LintRule {
    var codes: [FindingCode] { [.listenPortCollision] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for host in context.network.hosts {
            var byPort: [UInt16: [TunnelInterface]] = [:]
            for i in host.interfaces where LintContext.isUsable(i) {
                if let p = i.config.interface.listenPort { byPort[p, default: []].append(i) }
            }
            for (port, ifaces) in byPort.sorted(by: { $0.key < $1.key }) where ifaces.count > 1 {
                out.append(
                    Finding(
                        .listenPortCollision, .error, hosts: [host.name], interfaces: ifaces.map(\.id),
                        locations: ifaces.reversed().map { $0.location(of: .listenPort) },
                        message: "\(ifaces.map(\.qualifiedName).joined(separator: " and ")) "
                            + (ifaces.count == 2 ? "both" : "all") + " listen on UDP \(port): "
                            + "only the first to come up gets it, the other" + (ifaces.count == 2 ? " fails" : "s fail")
                            + " with \"Address already in use\"",
                        fix:
                            "give \(ifaces.dropFirst().map(\.qualifiedName).joined(separator: ", ")) "
                            + "its own ListenPort and update the Endpoint its peers use"))
            }
        }
        return out
    }
}
