import WireAnalysis
import WireConfig

/// Lints a generated network at scale and prints the times: a hub with 10,000 client peers plus a 200-host full
/// mesh (39,800 more `[Peer]` sections), parsed from generated config text as the loader would, then linted.
/// The aim is a lint well under one second in a release build. Call it from main.swift as `runLintBench()`.
func runLintBench(hubPeers: Int = 10_000, meshHosts: Int = 200) {
    let clock = ContinuousClock()
    var keys: [(priv: WireKey, pub: WireKey)] = []
    let keyTime = clock.measure {
        keys = (0..<(1 + hubPeers + meshHosts)).map { _ in
            let k = WireKey.generatePrivate()
            return (k, k.publicKey)
        }
    }
    var texts: [(host: String, iface: String, text: String)] = []
    // The hub: 10.64.0.1/10, one /32 per client; clients route the whole /10 through it.
    func v4(_ base: UInt32, _ n: Int) -> String { IPAddress.v4(base + UInt32(n)).description }
    let hubBase: UInt32 = 10 << 24 | 64 << 16
    var hub = """
        [Interface]
        PrivateKey = \(keys[0].priv.base64)
        Address = 10.64.0.1/10
        ListenPort = 51820
        PostUp = sysctl -w net.ipv4.ip_forward=1

        """
    for i in 0..<hubPeers {
        let k = keys[1 + i]
        hub += "[Peer]\nPublicKey = \(k.pub.base64)\nAllowedIPs = \(v4(hubBase, 2 + i))/32\n\n"
        texts.append(
            (
                "client\(i)", "wg0",
                """
                [Interface]
                PrivateKey = \(k.priv.base64)
                Address = \(v4(hubBase, 2 + i))/32

                [Peer]
                PublicKey = \(keys[0].pub.base64)
                Endpoint = 192.0.2.1:51820
                AllowedIPs = 10.64.0.0/10
                PersistentKeepalive = 25

                """
            ))
    }
    texts.append(("hub", "wg0", hub))
    // The mesh: every host peers with every other, each by its public address.
    let meshBase: UInt32 = 10 << 24 | 200 << 16
    let publicBase: UInt32 = 198 << 24 | 18 << 16
    for i in 0..<meshHosts {
        let k = keys[1 + hubPeers + i]
        var t =
            "[Interface]\nPrivateKey = \(k.priv.base64)\n"
            + "Address = \(v4(meshBase, 1 + i))/16\nListenPort = 51820\n\n"
        for j in 0..<meshHosts where j != i {
            t +=
                "[Peer]\nPublicKey = \(keys[1 + hubPeers + j].pub.base64)\nEndpoint = \(v4(publicBase, 1 + j)):51820\n"
                + "AllowedIPs = \(v4(meshBase, 1 + j))/32\n\n"
        }
        texts.append(("mesh\(i)", "wg0", t))
    }

    var network = Network(hosts: [])
    let parseTime = clock.measure {
        var hosts: [Host] = []
        for t in texts {
            let r = ConfigParser().parse(t.text, file: "\(t.host)/\(t.iface).conf")
            var facts = HostFacts()
            if t.host == "hub" { facts.publicAddresses = [IPAddress("192.0.2.1")!] }
            if t.host.hasPrefix("mesh"), let n = Int(t.host.dropFirst(4)) {
                facts.publicAddresses = [IPAddress(v4(publicBase, 1 + n))!]
            }
            hosts.append(
                Host(
                    name: t.host,
                    interfaces: [
                        TunnelInterface(
                            host: t.host, name: t.iface, file: "\(t.host)/\(t.iface).conf", config: r.config,
                            diagnostics: r.diagnostics)
                    ], facts: facts))
        }
        network = Network(hosts: hosts)
    }
    var report = LintReport(findings: [])
    let lintTime = (0..<3).map { _ in clock.measure { report = Linter().lint(network) } }.min()!
    let sections = network.allInterfaces.reduce(0) { $0 + $1.config.peers.count }
    print(
        "lint: \(network.hosts.count) hosts, \(sections) [Peer] sections "
            + "(hub with \(hubPeers) peers + \(meshHosts)-host mesh)")
    print("  keys generated in \(keyTime), configs parsed in \(parseTime)")
    print(
        "  linted in \(lintTime) (best of 3): \(report.count(.error)) errors, \(report.count(.warning)) warnings, "
            + "\(report.count(.info)) info")
    // Where the time goes: the shared context alone (of it, the hosts' effective facts), then each rule over it.
    let factsTime = clock.measure { _ = network.effectiveFacts() }
    print("  effective facts of every host: \(factsTime)")
    func best(_ body: () -> Void) -> Duration { (0..<3).map { _ in clock.measure(body) }.min()! }
    let contextTime = best { _ = LintContext(network: network) }
    let context = LintContext(network: network)
    var perRule: [(String, Duration)] = []
    for rule in Linter.allRules {
        let t = best { _ = rule.check(context) }
        perRule.append((String(describing: type(of: rule)), t))
    }
    print(
        "  context \(contextTime); slowest rules: "
            + perRule.sorted { $0.1 > $1.1 }.prefix(5)
            .map { "\($0.0) \($0.1)" }.joined(separator: ", "))
}
