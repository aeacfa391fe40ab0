import Foundation
import WireCrypto
import WireProtocol

/// Two devices with real identities and the Noise handshake, wired back to back in memory.
struct BenchPair {
    var a: Device
    var b: Device
    var random = SeededRandom(seed: 7)
    let endpointA = UDPEndpoint(address: .v4(0xc000_0201), port: 1)
    let endpointB = UDPEndpoint(address: .v4(0xc000_0202), port: 2)

    init() throws {
        var keys = SeededRandom(seed: 99)
        let identityA = try HandshakeIdentity(privateKey: (0..<32).map { _ in UInt8.random(in: 0...255, using: &keys) })
        let identityB = try HandshakeIdentity(privateKey: (0..<32).map { _ in UInt8.random(in: 0...255, using: &keys) })
        let wall = Duration.seconds(1_800_000_000)
        var routerA = NoiseInitiationRouter(identity: identityA)
        var routerB = NoiseInitiationRouter(identity: identityB)
        routerA.register(publicKey: identityB.publicKey, peerIndex: 1)
        routerB.register(publicKey: identityA.publicKey, peerIndex: 2)
        a = Device(router: routerA)
        b = Device(router: routerB)
        try a.addPeer(
            Tunnel(
                peerIndex: 1,
                handshake: NoiseTunnelHandshake(
                    identity: identityA, peerPublicKey: identityB.publicKey, wallClockAtOrigin: wall),
                endpoint: endpointB,
                configuration: .init(mtu: 1420)), allowedIPs: [(.v4(0x0a00_0002), 32)])
        try b.addPeer(
            Tunnel(
                peerIndex: 2,
                handshake: NoiseTunnelHandshake(
                    identity: identityB, peerPublicKey: identityA.publicKey, wallClockAtOrigin: wall), endpoint: nil,
                configuration: .init(mtu: 1420)), allowedIPs: [(.v4(0x0a00_0001), 32)])
    }

    /// Sends `packet` from A and delivers everything until quiet; returns the packets B wrote to its TUN.
    mutating func send(_ packet: [UInt8], now: Instant, actions: inout [TunnelAction]) -> Int {
        actions.removeAll(keepingCapacity: true)
        a.encapsulate(packet, now: now, random: &random, into: &actions)
        var delivered = 0
        var pending: [(toB: Bool, datagram: [UInt8])] = actions.compactMap {
            if case .writeToNetwork(let d, _) = $0 { return (true, d) } else { return nil }
        }
        while !pending.isEmpty {
            let (toB, datagram) = pending.removeFirst()
            actions.removeAll(keepingCapacity: true)
            if toB {
                b.decapsulate(datagram, from: endpointA, now: now, random: &random, into: &actions)
            } else {
                a.decapsulate(datagram, from: endpointB, now: now, random: &random, into: &actions)
            }
            for action in actions {
                switch action {
                case .writeToNetwork(let d, _): pending.append((!toB, d))
                case .writeToTunnel: delivered += 1
                default: break
                }
            }
        }
        return delivered
    }
}

func ipv4Packet(length: Int) -> [UInt8] {
    var packet = [UInt8](repeating: 0x5a, count: length)
    packet[0] = 0x45
    packet[2] = UInt8(length >> 8)
    packet[3] = UInt8(length & 0xff)
    for (i, b) in [10, 0, 0, 1, 10, 0, 0, 2].enumerated() { packet[12 + i] = UInt8(b) }
    return packet
}

func rate(_ count: Int, _ elapsed: Duration) -> Double {
    Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// `wiresmith-bench protocol [seconds] [transport]` ("transport" skips the handshake figures): packets/s
/// through `Device.encapsulate` on one side and `Device.decapsulate` on the other (1420-byte packets,
/// AllowedIPs both ways, replay window, one core), and full handshakes/s through two devices.
func runProtocolBench(_ arguments: [String]) {
    let seconds = arguments.first.flatMap(Double.init) ?? 2.0
    do {
        var pair = try BenchPair()
        var actions: [TunnelAction] = []
        let packet = ipv4Packet(length: 1420)
        let now = Instant.zero + .seconds(1)
        guard pair.send(packet, now: now, actions: &actions) == 1 else { fatalError("handshake failed") }

        let clock = ContinuousClock()
        var count = 0
        let start = clock.now
        while clock.now - start < .seconds(seconds) {
            for _ in 0..<1000 {
                actions.removeAll(keepingCapacity: true)
                pair.a.encapsulate(packet, now: now, random: &pair.random, into: &actions)
                guard case .writeToNetwork(let datagram, _) = actions[0] else { fatalError("not sent") }
                actions.removeAll(keepingCapacity: true)
                pair.b.decapsulate(datagram, from: pair.endpointA, now: now, random: &pair.random, into: &actions)
                guard case .writeToTunnel = actions[0] else { fatalError("not delivered: \(actions)") }
                count += 1
            }
        }
        let perSecond = rate(count, clock.now - start)
        print(
            String(
                format: "transport:  %.0f packets/s (1420-byte packets, Device.encapsulate + decapsulate, "
                    + "one core)", perSecond))
        print(
            String(
                format: "            %.2f Gbit/s of payload, %.2f us per packet", perSecond * 1420 * 8 / 1e9,
                1e6 / perSecond))

        // The same packets through the session keys alone (seal, open, replay window, header), side by side.
        var sender = pair.a.tunnels[1]!.keypairs.current!
        var receiver = pair.b.tunnels[2]!.keypairs.current!
        var sealedCount = 0
        let keypairStart = clock.now
        while clock.now - keypairStart < .seconds(seconds) {
            for _ in 0..<1000 {
                guard let datagram = sender.seal(packet, mtu: 1420), let (counter, plain) = receiver.open(datagram),
                    receiver.acceptCounter(counter), (try? IPPacket.header(of: plain)) != nil
                else { fatalError("transport round trip failed") }
                sealedCount += 1
            }
        }
        let keypairRate = rate(sealedCount, clock.now - keypairStart)
        print(
            String(
                format: "            %.0f packets/s through Keypair.seal + open alone (%.2f us per packet)",
                keypairRate, 1e6 / keypairRate))

        if arguments.contains("transport") { return }

        // Handshakes: each round a fresh pair of devices completes one handshake and delivers one packet.
        var handshakes = 0
        let small = ipv4Packet(length: 60)
        let hsStart = clock.now
        while clock.now - hsStart < .seconds(seconds) {
            var fresh = try BenchPair()
            guard fresh.send(small, now: now, actions: &actions) == 1 else { fatalError("handshake failed") }
            handshakes += 1
        }
        print(
            String(
                format: "handshakes: %.0f/s through two devices (initiation, response, first packet; one core)",
                rate(handshakes, clock.now - hsStart)))
    } catch {
        print("protocol benchmark failed: \(error)")
        exit(1)
    }
    // The crypto branch's measurement of the handshake alone (no devices), with BLAKE2s and X25519 for scale.
    runHandshakeBenchmark(duration: .milliseconds(Int64(seconds * 1000)))
}
