import WireConfig

/// Finds Endpoints that do not reach the interface whose key the section names: `endpoint-port-mismatch` when the
/// port is not the target's ListenPort (or the target pins none and picks a random port at every start), and
/// `endpoint-host-mismatch` when the address belongs to another host of the network. Handshakes then go to a
/// port nobody listens on, or to an interface that does not know the key. Targets behind NAT are skipped (their
/// public port is the router's business).
struct EndpointMismatchRule: LintRule {
    var codes: [FindingCode] { [.endpointPortMismatch, .endpointHostMismatch] }

    func check(_ context: LintContext) -> [Finding] {
        var out: [Finding] = []
        for link in context.links where link.reverse != nil {
            guard let e = link.peer.endpoint, let remote = link.remote, let targetName = context.host(for: e)
            else { continue }
            if targetName == remote.host && context.listenPorts[remote] == e.port { continue }
            guard let r = context.interface(remote) else { continue }
            guard context.facts(remote.host).behindNAT != true else { continue }
            let at = context.location(link, .endpoint)
            if targetName != remote.host {
                out.append(
                    Finding(
                        .endpointHostMismatch, .error, hosts: [link.local.host, remote.host, targetName],
                        interfaces: [link.local, remote], locations: [at],
                        message: "Endpoint \(e) is \(targetName)'s address, but the section's key is \(remote)'s: "
                            + "handshakes go to a host that does not know that key",
                        fix: "point Endpoint at \(remote.host)"
                            + (context.facts(remote.host).publicAddresses.first.map { " (\($0))" } ?? "")
                            + " at \(at.fileLine), or put \(targetName)'s key in the section"))
                continue
            }
            guard r.config.interface.listenPort != e.port else { continue }
            let other = context.network.host(remote.host)?.interfaces.first { $0.config.interface.listenPort == e.port }
            if let port = r.config.interface.listenPort {
                out.append(
                    Finding(
                        .endpointPortMismatch, .error, hosts: [link.local.host, remote.host],
                        interfaces: [link.local, remote], locations: [at, r.location(of: .listenPort)],
                        message: "Endpoint \(e) uses port \(e.port), but \(remote) listens on \(port)"
                            + (other.map { " (\(e.port) is \($0.qualifiedName)'s port, which does not know this key)" }
                                ?? "")
                            + ": handshakes never reach \(remote)",
                        fix: "set Endpoint = \(Endpoint(host: e.host, port: port)) at \(at.fileLine)"))
            } else {
                out.append(
                    Finding(
                        .endpointPortMismatch, .error, hosts: [remote.host, link.local.host],
                        interfaces: [remote, link.local],
                        locations: [SourceLocation(file: r.file, line: r.config.interface.origin?.line ?? 1), at],
                        message: "Endpoint \(e) (\(at.fileLine)) expects \(remote) on port \(e.port), but \(remote) "
                            + "pins no ListenPort and picks a random port each time it comes up",
                        fix: "add `ListenPort = \(e.port)` to [Interface] in \(r.file)"))
            }
        }
        return out
    }
}
