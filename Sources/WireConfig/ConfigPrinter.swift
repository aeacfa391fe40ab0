/// Prints the model back as config text.
public enum ConfigPrinter {
    /// The text `wg showconf` prints for an interface set from this config (wireguard-tools showconf.c).
    ///
    /// The config is first applied as `wg setconf` applies it (`asSetByWg`: duplicate peers merged, each AllowedIPs
    /// prefix with its last peer, zero keys cleared). Peers print in the order they were first written, as the kernel
    /// keeps them; wireguard-go lists them in hash-map order, so compare with its output peer by peer. Endpoint names
    /// print as written: use `showconf(_:resolver:)` for the address wg would show.
    public static func showconf(_ config: WireGuardConfig) -> String {
        render(config.asSetByWg)
    }

    /// `showconf`, with each Endpoint name resolved as `wg setconf` resolves it; throws every name that fails, each
    /// located at its Endpoint line.
    ///
    /// Like wg, every Endpoint line is resolved, also one that a later line or a later [Peer] section for the same key
    /// replaces: a name that does not resolve fails the whole config, as it fails `wg setconf`.
    public static func showconf(_ config: WireGuardConfig, resolver: EndpointResolver) throws(ConfigError) -> String {
        var resolved: [Endpoint: Endpoint] = [:]
        var failed: [Endpoint: EndpointResolver.Failure] = [:]
        var failures: [ConfigDiagnostic] = []
        for section in config.peers {
            var written: [(Endpoint, SourceLocation)] = []
            if let origin = section.origin {
                for (line, endpoint) in origin.replacedEndpoints.sorted(by: { $0.key < $1.key }) {
                    written.append((endpoint, SourceLocation(file: origin.file, line: line)))
                }
            }
            if let endpoint = section.endpoint {
                let location = section.origin?.location(of: .endpoint) ?? SourceLocation(file: "-", line: 0)
                written.append((endpoint, location))
            }
            for (endpoint, location) in written {
                guard case .name(let name) = endpoint.host, resolved[endpoint] == nil else { continue }
                let failure: EndpointResolver.Failure
                if let known = failed[endpoint] {
                    failure = known
                } else {
                    switch resolver.resolve(name, endpoint.port) {
                    case .success(let address):
                        resolved[endpoint] = Endpoint(host: .address(address), port: endpoint.port)
                        continue
                    case .failure(let f):
                        failure = f
                        failed[endpoint] = f
                    }
                }
                failures.append(
                    ConfigDiagnostic(
                        .error, .unresolvableEndpoint, at: location, key: "Endpoint",
                        failure.description))
            }
        }
        guard failures.isEmpty else { throw ConfigError(diagnostics: failures) }
        var device = config.asSetByWg
        for i in device.peers.indices {
            if let endpoint = device.peers[i].endpoint, let address = resolved[endpoint] {
                device.peers[i].endpoint = address
            }
        }
        return render(device)
    }

    /// showconf.c's layout: the interface, an empty line, then peers separated by empty lines.
    static func render(_ device: WireGuardConfig) -> String {
        var out = "[Interface]\n"
        let i = device.interface
        if let port = i.listenPort, port != 0 { out += "ListenPort = \(port)\n" }
        if let mark = i.fwMark, mark != 0 { out += "FwMark = 0x\(String(mark, radix: 16))\n" }
        if let key = i.privateKey, !key.isZero { out += "PrivateKey = \(key.base64)\n" }
        out += "\n"
        let blocks = device.peers.map { p in
            var block = "[Peer]\nPublicKey = \(p.publicKey.base64)\n"
            if let psk = p.presharedKey, !psk.isZero { block += "PresharedKey = \(psk.base64)\n" }
            if !p.allowedIPs.isEmpty {
                block += "AllowedIPs = \(p.allowedIPs.map(\.description).joined(separator: ", "))\n"
            }
            if let e = p.endpoint { block += "Endpoint = \(e)\n" }
            if let k = p.persistentKeepalive, k != 0 { block += "PersistentKeepalive = \(k)\n" }
            return block
        }
        return out + blocks.joined(separator: "\n")
    }

    /// A wg-quick(8) config holding every setting of the model.
    public static func wgQuick(_ config: WireGuardConfig) -> String {
        var out = "[Interface]\n"
        let i = config.interface
        if let key = i.privateKey { out += "PrivateKey = \(key.base64)\n" }
        if !i.addresses.isEmpty { out += "Address = \(i.addresses.map(\.description).joined(separator: ", "))\n" }
        if let port = i.listenPort { out += "ListenPort = \(port)\n" }
        if let mark = i.fwMark { out += "FwMark = 0x\(String(mark, radix: 16))\n" }
        if !i.dns.isEmpty { out += "DNS = \(i.dns.joined(separator: ", "))\n" }
        if let mtu = i.mtu { out += "MTU = \(mtu)\n" }
        if let table = i.table { out += "Table = \(table)\n" }
        for c in i.preUp { out += "PreUp = \(c)\n" }
        for c in i.postUp { out += "PostUp = \(c)\n" }
        for c in i.preDown { out += "PreDown = \(c)\n" }
        for c in i.postDown { out += "PostDown = \(c)\n" }
        if i.saveConfig { out += "SaveConfig = true\n" }
        for p in config.peers {
            out += "\n[Peer]\n"
            out += "PublicKey = \(p.publicKey.base64)\n"
            if let psk = p.presharedKey { out += "PresharedKey = \(psk.base64)\n" }
            if !p.allowedIPs.isEmpty {
                out += "AllowedIPs = \(p.allowedIPs.map(\.description).joined(separator: ", "))\n"
            }
            if let e = p.endpoint { out += "Endpoint = \(e)\n" }
            if let k = p.persistentKeepalive { out += "PersistentKeepalive = \(k)\n" }
        }
        return out
    }
}
