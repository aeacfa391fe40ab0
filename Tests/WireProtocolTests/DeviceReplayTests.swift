import Testing
import WireCrypto

@testable import WireProtocol

/// A seeded run replays exactly: `Device.tick` visits peers in peer-index order, not in the hash order of its
/// dictionary, so the random draws (session indices, ephemeral keys, rekey jitter) land on the same peers every time.
@Suite("Device: a seeded run replays exactly")
struct DeviceReplayTests {
    static let peers: [UInt32] = Array(1...24)

    /// A device with `peers` (each routed 10.0.0.N/32 with a known endpoint), built in `order`. With `detour`,
    /// 300 other peers are added first and removed at the end, so the dictionary of tunnels grows to another
    /// capacity and its hash order differs from a device built without them.
    static func device(order: [UInt32], detour: Bool) throws -> Device {
        var keys = SeededRandom(seed: 99)
        let identity = try HandshakeIdentity(privateKey: (0..<32).map { _ in UInt8.random(in: 0...255, using: &keys) })
        let remote = Dictionary(
            uniqueKeysWithValues: peers.map { p in (p, (0..<32).map { _ in UInt8.random(in: 0...255, using: &keys) }) }
        )
        var router = NoiseInitiationRouter(identity: identity)
        for p in peers { router.register(publicKey: remote[p]!, peerIndex: p) }
        var device = Device(router: router)
        let extras: [UInt32] = detour ? Array(1000..<1300) : []
        func add(_ p: UInt32, key: [UInt8]) throws {
            let handshake = try NoiseTunnelHandshake(
                identity: identity, peerPublicKey: key, wallClockAtOrigin: .seconds(1_800_000_000))
            let endpoint = UDPEndpoint(address: .v4(0xc000_0200 | p), port: 51820)
            try device.addPeer(
                Tunnel(peerIndex: p, handshake: handshake, endpoint: endpoint),
                allowedIPs: [(.v4(0x0a00_0000 | p), 32)])
        }
        for p in extras { try add(p, key: remote[1]!) }
        for p in order { try add(p, key: remote[p]!) }
        for p in extras { device.removePeer(p) }
        return device
    }

    /// Data to every peer at t=0 (each sends an initiation that is never answered), then timers for 40 s:
    /// retransmissions with random jitter and, at the end, gave-up drops.
    static func scenario(_ device: inout Device) -> [TunnelAction] {
        var random = SeededRandom(seed: 7)
        var actions: [TunnelAction] = []
        for p in peers {
            device.encapsulate(
                ipv4Packet(from: 0x0a00_00ff, to: 0x0a00_0000 | p, payload: 20), now: .zero,
                random: &random, into: &actions)
        }
        var clock = ManualClock()
        for _ in 0..<160 {
            clock.advance(by: .milliseconds(250))
            device.tick(now: clock.now, random: &random, into: &actions)
        }
        return actions
    }

    @Test("the same seeded scenario twice, on devices built in different orders, yields identical actions")
    func replay() throws {
        var first = try Self.device(order: Self.peers, detour: false)
        var second = try Self.device(order: Self.peers.reversed(), detour: true)
        #expect(first.peerOrder == Self.peers && second.peerOrder == Self.peers)
        let a = Self.scenario(&first)
        let b = Self.scenario(&second)
        // Each peer retransmits its initiation several times, so the ticks drew random numbers.
        let datagrams = a.filter { if case .writeToNetwork = $0 { true } else { false } }.count
        #expect(datagrams > 2 * Self.peers.count)
        // The first action where the runs part (nil when they agree throughout), not two 300 KB dumps.
        let firstDifference =
            (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? (a.count == b.count ? nil : min(a.count, b.count))
        #expect(firstDifference == nil, "the runs part at action \(firstDifference ?? -1) of \(a.count)")
    }
}
