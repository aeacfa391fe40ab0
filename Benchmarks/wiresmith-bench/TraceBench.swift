import WireAnalysis
import WireConfig
import WireCrypto

/// What `traceBench` measured.
struct TraceBenchResult: Sendable {
    var peers: Int
    var traces: Int
    var delivered: Int
    /// Building the network in memory (key derivation included).
    var buildSeconds: Double
    /// `Tracer(network:)`: effective facts, routing tables and cryptokey maps for every host.
    var indexSeconds: Double
    /// All traces together.
    var traceSeconds: Double
}

/// Traces `traces` pings between spokes of a generated hub with `peers` peers, and prints the times.
///
/// The hub has one interface (10.0.0.1/16, ListenPort 51820, forwarding on); each spoke has 10.0.x.y/32, the hub
/// as its only peer with AllowedIPs 10.0.0.0/16, an Endpoint and PersistentKeepalive, so every trace goes
/// spoke -> hub -> spoke and back (6 hops). Pairs are chosen with a fixed-seed generator, so runs compare.
@discardableResult
func traceBench(peers: Int = 10_000, traces: Int = 1_000) -> TraceBenchResult {
    let clock = ContinuousClock()
    var network: Network!
    let build = clock.measure { network = makeHub(peers: peers) }
    var tracer: Tracer!
    let index = clock.measure { tracer = Tracer(network: network) }
    var rng = SeededRandom(seed: 0x5eed)
    var delivered = 0
    let spokes = network.hosts.map(\.name).filter { $0 != "hub" }
    let run = clock.measure {
        for _ in 0..<traces {
            let a = spokes[Int(rng.next() % UInt64(spokes.count))]
            var b = spokes[Int(rng.next() % UInt64(spokes.count))]
            if a == b { b = "hub" }
            if let r = try? tracer.trace(from: a, to: b), r.verdict.delivered { delivered += 1 }
        }
    }
    func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
    let result = TraceBenchResult(
        peers: peers, traces: traces, delivered: delivered,
        buildSeconds: seconds(build), indexSeconds: seconds(index),
        traceSeconds: seconds(run))
    print(
        "trace: hub with \(peers) peers: build \(fmt(result.buildSeconds)) s, index \(fmt(result.indexSeconds)) s, "
            + "\(traces) traces \(fmt(result.traceSeconds)) s (\(fmt(result.traceSeconds / Double(traces) * 1e6)) us "
            + "each), \(delivered) delivered")
    return result
}

private func fmt(_ x: Double) -> String {
    let scaled = (x * 1000).rounded() / 1000
    return "\(scaled)"
}

/// A hub and `peers` spokes, built in memory.
private func makeHub(peers: Int) -> Network {
    let hubKey = WireKey.generatePrivate()
    let hubPublic = hubKey.publicKey
    let hubEndpoint = Endpoint("203.0.113.1:51820")!
    var hubPeers: [PeerConfig] = []
    var hosts: [Host] = []
    for i in 0..<peers {
        let n = i + 2
        let address = IPAddress.v4(0x0A00_0000 | UInt32(n >> 8) << 8 | UInt32(n & 0xff))
        let key = WireKey.generatePrivate()
        hubPeers.append(PeerConfig(publicKey: key.publicKey, allowedIPs: [.host(address)]))
        let config = WireGuardConfig(
            interface: InterfaceConfig(privateKey: key, addresses: [IPPrefix(address: address, length: 32)!]),
            peers: [
                PeerConfig(
                    publicKey: hubPublic, allowedIPs: [IPPrefix("10.0.0.0/16")!], endpoint: hubEndpoint,
                    persistentKeepalive: 25)
            ])
        let name = "spoke\(i)"
        hosts.append(
            Host(
                name: name,
                interfaces: [
                    TunnelInterface(
                        host: name, name: "wg0", file: "\(name)/wg0.conf",
                        config: config, diagnostics: [])
                ]))
    }
    let hubConfig = WireGuardConfig(
        interface: InterfaceConfig(privateKey: hubKey, listenPort: 51820, addresses: [IPPrefix("10.0.0.1/16")!]),
        peers: hubPeers)
    let facts = HostFacts(ipv4Forwarding: true, publicAddresses: [IPAddress("203.0.113.1")!])
    hosts.append(
        Host(
            name: "hub",
            interfaces: [
                TunnelInterface(
                    host: "hub", name: "wg0", file: "hub/wg0.conf",
                    config: hubConfig, diagnostics: [])
            ], facts: facts))
    return Network(hosts: hosts)
}
