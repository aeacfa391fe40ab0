import WireConfig

/// Finds one private key used by two or more interfaces (a copied config). Peers then cannot tell them apart:
/// every peer that lists the key talks to whichever copy handshook last, and the others lose their sessions.
struct DuplicateKeyRule: LintRule {
    var codes: [FindingCode] { [.duplicateKey] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for (key, ids) in context.network.interfacesByKey where ids.count > 1 {
            let sorted = ids.sorted()
            let locs = sorted.compactMap { context.interface($0)?.location(of: .privateKey) }
            out.append(
                Finding(
                    .duplicateKey, .error, hosts: sorted.map(\.host), interfaces: sorted, locations: locs,
                    message: "\(sorted.map(\.description).joined(separator: ", ")) share one private key (public key "
                        + "\(key.base64)); peers cannot tell them apart and sessions flap between them",
                    fix: "give each of \(sorted.dropFirst().map(\.description).joined(separator: ", ")) its own key "
                        + "(`wg genkey`) and update the PublicKey its peers list"))
        }
        return out
    }
}
