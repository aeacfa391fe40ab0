import WireConfig

/// Finds a second PublicKey inside one `[Peer]` section, almost always a forgotten `[Peer]` header between two
/// peers. wg keeps only the last PublicKey, so the first peer silently disappears and the AllowedIPs and Endpoint
/// of both are merged onto the second.
struct MissingPeerHeaderRule: LintRule {
    var codes: [FindingCode] { [.missingPeerHeader] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for i in context.network.allInterfaces {
            for d in i.diagnostics where d.kind == .duplicatePublicKey {
                out.append(
                    Finding(
                        .missingPeerHeader, .error, hosts: [i.host], interfaces: [i.id], locations: [d.location],
                        message: "a second PublicKey in one [Peer] section: wg keeps only the last one, so the first "
                            + "peer is dropped and both peers' settings are merged",
                        fix: "insert a `[Peer]` line before \(d.location.fileLine) and move the settings of that peer "
                            + "under it"))
            }
        }
        return out
    }
}
