import Testing
import WireCrypto

@testable import WireProtocol

/// An in-memory network between two devices that loses, delays (and so reorders) and duplicates datagrams.
/// Time is in milliseconds; a datagram sent at t arrives at t + 1 + extra delay, through a ring of slots.
struct LossyWire {
    var slots: [[(toA: Bool, datagram: [UInt8])]] = Array(repeating: [], count: 128)
    var random: SeededRandom
    var lossPercent: UInt64 = 2, duplicatePercent: UInt64 = 2, reorderPercent: UInt64 = 5
    var lost = 0, duplicated = 0, reordered = 0

    mutating func send(_ datagram: [UInt8], toA: Bool, at ms: Int) {
        if random.next() % 100 < lossPercent {
            lost += 1
            return
        }
        var copies = 1
        if random.next() % 100 < duplicatePercent {
            copies = 2
            duplicated += 1
        }
        for _ in 0..<copies {
            var delay = 1
            if random.next() % 100 < reorderPercent {
                delay += Int(random.next() % 60)
                reordered += 1
            }
            slots[(ms + delay) % slots.count].append((toA, datagram))
        }
    }

    mutating func take(at ms: Int) -> [(toA: Bool, datagram: [UInt8])] {
        defer { slots[ms % slots.count].removeAll(keepingCapacity: true) }
        return slots[ms % slots.count]
    }
}

@Suite("Two devices over a lossy, reordering, duplicating wire")
struct LossyWireTests {
    static let addressA: UInt32 = 0x0a00_0001, addressB: UInt32 = 0x0a00_0002, spoofed: UInt32 = 0x0a00_0063

    /// Carries `total` packets between the devices of `NoiseDevices`, alternating directions, one
    /// per simulated millisecond, through a lossy wire. Every 50th packet from A has a source outside A's
    /// AllowedIPs at B.
    static func soak(total: Int, seed: UInt64, devices: (Device, Device)) throws {
        let endpointA = UDPEndpoint(address: .v4(0xc000_0201), port: 1)
        let endpointB = UDPEndpoint(address: .v4(0xc000_0202), port: 2)
        var (a, b) = devices
        var random = SeededRandom(seed: seed)
        var wire = LossyWire(random: SeededRandom(seed: seed ^ 0xffff))
        var actions: [TunnelAction] = []
        var acceptedAtA = Set<UInt64>()
        var acceptedAtB = Set<UInt64>()
        var duplicatesAccepted = 0
        var spoofAccepted = 0
        var spoofDropped = 0
        var replayDrops = 0
        var handshakesA: [Instant] = []
        var packet = ipv4Packet(from: addressA, to: addressB, payload: 12)

        func route(_ actions: [TunnelAction], fromA: Bool, at ms: Int) {
            for action in actions {
                switch action {
                case .writeToNetwork(let d, _):
                    wire.send(d, toA: !fromA, at: ms)
                case .writeToTunnel(let p, let source):
                    var id: UInt64 = 0
                    for i in 0..<8 { id = id << 8 | UInt64(p[20 + i]) }
                    if source == .v4(spoofed) { spoofAccepted += 1 }
                    let fresh = fromA ? acceptedAtA.insert(id).inserted : acceptedAtB.insert(id).inserted
                    if !fresh { duplicatesAccepted += 1 }
                case .dropped(.sourceNotAllowed(.v4(spoofed))):
                    spoofDropped += 1
                case .dropped(.replayed):
                    replayDrops += 1
                default:
                    break
                }
            }
        }

        for ms in 0..<total {
            let now = Instant.zero + .milliseconds(ms)
            for (toA, datagram) in wire.take(at: ms) {
                actions.removeAll(keepingCapacity: true)
                let before = a.tunnels[7]!.statistics.lastHandshake
                if toA {
                    a.decapsulate(datagram, from: endpointB, now: now, random: &random, into: &actions)
                } else {
                    b.decapsulate(datagram, from: endpointA, now: now, random: &random, into: &actions)
                }
                if let after = a.tunnels[7]!.statistics.lastHandshake, after != before { handshakesA.append(after) }
                route(actions, fromA: toA, at: ms)
            }
            actions.removeAll(keepingCapacity: true)
            a.tick(now: now, random: &random, into: &actions)
            route(actions, fromA: true, at: ms)
            actions.removeAll(keepingCapacity: true)
            b.tick(now: now, random: &random, into: &actions)
            route(actions, fromA: false, at: ms)

            // The next packet: a unique id in the first payload bytes; every 50th from A is spoofed.
            let fromA = ms % 2 == 0
            let spoof = fromA && ms % 100 == 0
            let source = spoof ? spoofed : (fromA ? addressA : addressB)
            let destination = fromA ? addressB : addressA
            for i in 0..<4 {
                packet[12 + i] = UInt8(truncatingIfNeeded: source >> (24 - 8 * UInt32(i)))
                packet[16 + i] = UInt8(truncatingIfNeeded: destination >> (24 - 8 * UInt32(i)))
            }
            for i in 0..<8 { packet[20 + i] = UInt8(truncatingIfNeeded: UInt64(ms) >> (56 - 8 * UInt64(i))) }
            actions.removeAll(keepingCapacity: true)
            if fromA {
                a.encapsulate(packet, now: now, random: &random, into: &actions)
            } else {
                b.encapsulate(packet, now: now, random: &random, into: &actions)
            }
            route(actions, fromA: fromA, at: ms)
        }

        let delivered = acceptedAtA.count + acceptedAtB.count
        #expect(duplicatesAccepted == 0, "a packet was accepted twice")
        #expect(spoofAccepted == 0, "a packet from outside the peer's AllowedIPs was accepted")
        #expect(spoofDropped > 0)
        #expect(wire.duplicated > 0 && wire.reordered > 0 && wire.lost > 0)
        #expect(replayDrops > 0, "duplicates on the wire must be caught by the replay window")
        // Most packets arrive: only the wire's loss and packets staged behind a lost handshake go missing.
        #expect(delivered > total * 90 / 100, "delivered \(delivered) of \(total)")
        // Sessions rekey on time. Both sides may initiate at once (the responder initiates when it has data and
        // no confirmed session): handshakes within one Rekey-Timeout count as one rekey.
        var rekeys: [Instant] = []
        for time in handshakesA where rekeys.last.map({ time - $0 > ProtocolConstants.rekeyTimeout }) ?? true {
            rekeys.append(time)
        }
        let simulated = Duration.milliseconds(total)
        let expectedRekeys = Int(simulated / ProtocolConstants.rekeyAfterTime) + 1
        #expect(rekeys.count == expectedRekeys, "handshakes at \(handshakesA)")
        for (earlier, later) in zip(rekeys, rekeys.dropFirst()) {
            #expect(later - earlier >= ProtocolConstants.rekeyAfterTime, "rekeyed early: \(earlier) -> \(later)")
            #expect(
                later - earlier < ProtocolConstants.rejectAfterTime - .seconds(15),
                "rekeyed late: \(earlier) -> \(later)")
        }
    }

    @Test("1,000,000 packets with loss, reordering and duplication over the Noise handshake")
    func millionPackets() throws {
        let devices = try NoiseDevices(seed: 5, endpointB: UDPEndpoint(address: .v4(0xc000_0202), port: 2))
        try Self.soak(total: 1_000_000, seed: 1, devices: (devices.a, devices.b))
    }
}
