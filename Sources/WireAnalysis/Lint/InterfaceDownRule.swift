import WireConfig

/// Finds interfaces that never come up although their config parses: a ListenPort another interface of the host
/// took first, an Endpoint name that resolves nowhere (only names a host.yaml lists in `names` resolve), a PreUp or
/// PostUp `ping` that gets no answer at up. wg-quick removes the interface, and every pair through it is dead.
/// The causes are `Tracer`'s (`Tracer+Up.swift`), so lint and trace name the same ones.
struct InterfaceDownRule: LintRule {
    var codes: [FindingCode] { [.interfaceDown] }

    func check(_ context: LintContext) -> [Finding] {
        let network = context.network
        var down = Tracer.staticDown(network)
        let pings = network.hosts.contains { h in
            h.interfaces.contains { i in
                i.config.interface.postUp.contains { $0.contains("ping") }
                    || i.config.interface.preUp.contains { $0.contains("ping") }
            }
        }
        if pings { down = Tracer(network: network).down }
        return down.sorted { $0.key < $1.key }.map { id, d in
            Finding(
                .interfaceDown, .error, hosts: [id.host], interfaces: [id], locations: [d.location],
                message: "\(id) never comes up: \(d.reason)", fix: d.fix)
        }
    }
}
