import WireConfig

/// Finds one tunnel address assigned to two interfaces (a copied config). Peers route it to one of them only, the
/// other's replies come from an address its peers attribute elsewhere, and traffic goes to the wrong host.
struct DuplicateAddressRule: LintRule {
    var codes: [FindingCode] { [.duplicateAddress] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        let entries = context.addressTable.flattened()
        var i = 0
        while i < entries.count {
            var j = i + 1
            while j < entries.count, entries[j].prefix == entries[i].prefix { j += 1 }
            let ids = Array(Set(entries[i..<j].map(\.value))).sorted()
            if ids.count > 1 {
                let a = entries[i].prefix.address
                let locs = ids.compactMap { id in
                    context.interface(id).flatMap { t in
                        t.config.interface.addresses.first { $0.address == a }
                            .map {
                                t.config.interface.origin?.location(of: $0, key: .address) ?? t.location(of: .address)
                            }
                    }
                }
                out.append(
                    Finding(
                        .duplicateAddress, .error, hosts: ids.map(\.host), interfaces: ids, locations: locs,
                        message: "\(a) is the Address of \(ids.map(\.description).joined(separator: " and ")): "
                            + "peers route it to only one of them",
                        fix:
                            "give \(ids.dropFirst().map(\.description).joined(separator: ", ")) an address of its own, "
                            + "and update the AllowedIPs its peers keep for it"))
            }
            i = j
        }
        return out
    }
}
