import WireConfig

/// Finds what the config parser and the facts reader reported: `config-invalid` for each error in a config (wg-quick
/// refuses the whole file, so the interface never comes up), `facts-invalid` for each bad host.yaml field (that
/// fact is then unknown), and `allowedips-host-bits` for AllowedIPs written with host bits (wg masks them, so
/// `10.0.0.5/24` silently means all of 10.0.0.0/24, usually not what was meant).
///
/// What other rules explain better is left to them: a second PublicKey in one section (`missing-peer-header`), a
/// peer naming the interface's own key (`key-mismatch`), a peer listed twice (`duplicate-peer`) and a prefix two
/// peers claim (`allowedips-overlap`).
struct ConfigInvalidRule: LintRule {
    var codes: [FindingCode] { [.configInvalid, .factsInvalid, .allowedIPsHostBits] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for i in context.network.allInterfaces {
            for d in i.diagnostics {
                switch (d.severity, d.kind) {
                case (_, .duplicatePublicKey), (_, .ownPublicKey), (_, .duplicatePeer), (_, .duplicateAllowedIP):
                    continue
                case (.warning, .hostBitsSet):
                    out.append(
                        Finding(
                            .allowedIPsHostBits, .warning, hosts: [i.host], interfaces: [i.id],
                            locations: [d.location], message: "\(d.key ?? "AllowedIPs") \(d.message)",
                            fix: "write the network address with its length (or a /32 for one host) so the config says "
                                + "what wg does"))
                case (.warning, _):
                    out.append(
                        Finding(
                            .configInvalid, .warning, hosts: [i.host], interfaces: [i.id], locations: [d.location],
                            message: Self.text(d), fix: "correct the setting at \(d.location.fileLine)"))
                case (.error, _):
                    out.append(
                        Finding(
                            .configInvalid, .error, hosts: [i.host], interfaces: [i.id], locations: [d.location],
                            message: Self.text(d)
                                + "; wg-quick refuses the file, so \(i.qualifiedName) does not come up",
                            fix: "correct the setting at \(d.location.fileLine); the rest of this interface is not "
                                + "checked until it parses"))
                }
            }
        }
        for d in context.network.diagnostics {
            let host =
                context.network.hosts.first { $0.facts.file == d.location.file }?.name
                ?? context.network.allInterfaces.first { $0.file == d.location.file }?.host ?? ""
            let isFacts = context.network.hosts.contains { $0.facts.file == d.location.file }
            if d.location.file == context.network.intent.file {
                out.append(
                    Finding(
                        .intentInvalid, d.severity == .error ? .error : .warning,
                        hosts: [context.network.hosts.first?.name ?? ""], locations: [d.location],
                        message: Self.text(d), fix: "correct the field at \(d.location.fileLine) (docs/intent.md)"))
                continue
            }
            out.append(
                Finding(
                    isFacts ? .factsInvalid : .configInvalid, d.severity == .error ? .error : .warning,
                    hosts: host.isEmpty ? [] : [host], locations: [d.location], message: Self.text(d),
                    fix: isFacts
                        ? "correct the fact at \(d.location.fileLine); until then it counts as unknown"
                        : d.kind == .unreadable
                            ? "make the file readable" : "correct \(d.location.fileLine) as the message says"))
        }
        return out
    }

    /// The diagnostic's text without its location (the finding prints that).
    static func text(_ d: ConfigDiagnostic) -> String {
        if let key = d.key { return "\(key): \(d.message)" }
        return d.message
    }
}
