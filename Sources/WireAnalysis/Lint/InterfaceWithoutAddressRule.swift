import WireConfig

/// Finds a wg-quick config without an Address. The interface comes up with no IP: the host has no source address
/// to send from and its peers' AllowedIPs for it cannot match anything it sends.
struct InterfaceWithoutAddressRule: LintRule {
    var codes: [FindingCode] { [.interfaceWithoutAddress] }

    func check(_ context: LintContext) -> [Finding] {
        context.usable.filter { $0.config.interface.addresses.isEmpty }.map { i in
            let addrs = suggestion(context, i)
            return Finding(
                .interfaceWithoutAddress, .warning, hosts: [i.host], interfaces: [i.id],
                locations: [SourceLocation(file: i.file, line: i.config.interface.origin?.line ?? 1)],
                message: "\(i.qualifiedName) has no Address: it comes up without an IP and cannot source tunnel "
                    + "traffic",
                fix: "add `Address = \(addrs ?? "ADDRESS/LEN")` to [Interface] (the address its peers allow for it)")
        }
    }

    /// The address peers allow for this interface, when one of them names a single host.
    func suggestion(_ context: LintContext, _ i: TunnelInterface) -> String? {
        guard let key = context.publicKeys[i.id] else { return nil }
        for id in context.sections(listing: key) {
            let allowed = context.section(of: id, for: key)?.allowedIPs ?? []
            if let p = allowed.first(where: { $0.length == $0.address.bitWidth }) {
                return p.description
            }
        }
        return nil
    }
}
