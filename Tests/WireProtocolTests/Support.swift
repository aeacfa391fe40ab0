import WireCrypto

@testable import WireProtocol

/// A stand-in for the Noise handshake with the same message sizes and index handling but no cryptography, so
/// the session and timer rules can be tested on their own. Keys are derived from both sides' random
/// "ephemerals", so each handshake yields fresh keys and both sides agree on them.
struct FakeHandshake: TunnelHandshake {
    struct Rejected: Error, Equatable { let why: String }

    var pending: (index: UInt32, ephemeral: UInt64)?
    var initiationsCreated = 0

    static func write(_ value: UInt64, _ count: Int, into message: inout [UInt8], at offset: Int) {
        for i in 0..<count { message[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }

    static func read(_ message: [UInt8], at offset: Int, _ count: Int) -> UInt64 {
        (0..<count).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64(message[offset + $1]) }
    }

    static func key(_ a: UInt64, _ b: UInt64, direction: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: a &* 31 &+ b &* 17 &+ direction)
        return (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    mutating func createInitiation(
        localIndex: UInt32, now: Instant,
        random: inout some RandomNumberGenerator
    ) throws -> [UInt8] {
        let ephemeral = random.next()
        pending = (localIndex, ephemeral)
        initiationsCreated += 1
        var m = [UInt8](repeating: 0, count: 148)
        m[0] = 1
        Self.write(UInt64(localIndex), 4, into: &m, at: 4)
        Self.write(ephemeral, 8, into: &m, at: 8)
        return m
    }

    mutating func consumeResponse(_ message: [UInt8], now: Instant) throws -> SessionKeys {
        let receiver = UInt32(Self.read(message, at: 8, 4))
        guard let pending, pending.index == receiver else { throw Rejected(why: "no initiation \(receiver)") }
        self.pending = nil
        let theirs = Self.read(message, at: 12, 8)
        return SessionKeys(
            sendingKey: Self.key(pending.ephemeral, theirs, direction: 0),
            receivingKey: Self.key(pending.ephemeral, theirs, direction: 1),
            localIndex: pending.index, remoteIndex: UInt32(Self.read(message, at: 4, 4)),
            isInitiator: true, handshakeHash: [])
    }

    mutating func respond(
        toInitiation message: [UInt8], consumed: ConsumedInitiation?, localIndex: UInt32,
        now: Instant, random: inout some RandomNumberGenerator
    )
        throws -> (response: [UInt8], keys: SessionKeys)
    {
        let theirIndex = UInt32(Self.read(message, at: 4, 4))
        let theirs = Self.read(message, at: 8, 8)
        let ours = random.next()
        var m = [UInt8](repeating: 0, count: 92)
        m[0] = 2
        Self.write(UInt64(localIndex), 4, into: &m, at: 4)
        Self.write(UInt64(theirIndex), 4, into: &m, at: 8)
        Self.write(ours, 8, into: &m, at: 12)
        let keys = SessionKeys(
            sendingKey: Self.key(theirs, ours, direction: 1),
            receivingKey: Self.key(theirs, ours, direction: 0),
            localIndex: localIndex, remoteIndex: theirIndex, isInitiator: false,
            handshakeHash: [])
        return (m, keys)
    }

    mutating func consumeCookieReply(_ message: [UInt8], now: Instant) throws {}

    mutating func clear() { pending = nil }
}

/// Builds IPv4 packets for tests: a 20-byte header with the given addresses, then `payload` bytes.
func ipv4Packet(from source: UInt32, to destination: UInt32, payload: Int, fill: UInt8 = 0xab) -> [UInt8] {
    let length = 20 + payload
    var p = [UInt8](repeating: fill, count: length)
    p[0] = 0x45
    p[1] = 0
    p[2] = UInt8(length >> 8)
    p[3] = UInt8(length & 0xff)
    for i in 0..<4 {
        p[12 + i] = UInt8(truncatingIfNeeded: source >> (24 - 8 * UInt32(i)))
        p[16 + i] = UInt8(truncatingIfNeeded: destination >> (24 - 8 * UInt32(i)))
    }
    return p
}

/// Two tunnels, A (which knows B's endpoint and so initiates) and B, a manual clock and a lossless wire.
struct TunnelPair {
    enum Side { case a, b }

    var clock = ManualClock()
    var random = SeededRandom(seed: 42)
    var a: Tunnel
    var b: Tunnel
    let endpointA = UDPEndpoint(address: .v4(0xc000_0201), port: 51820)
    let endpointB = UDPEndpoint(address: .v4(0xc000_0202), port: 51821)
    /// Everything either side was told to do, in order, for inspection.
    var log: [(time: Instant, side: Side, action: TunnelAction)] = []

    init(configurationA: Tunnel.Configuration = .init(), configurationB: Tunnel.Configuration = .init()) {
        a = Tunnel(peerIndex: 1, handshake: FakeHandshake(), endpoint: endpointB, configuration: configurationA)
        b = Tunnel(peerIndex: 2, handshake: FakeHandshake(), endpoint: nil, configuration: configurationB)
    }

    var now: Instant { clock.now }

    /// A packet from `side`'s TUN device; returns the actions (datagrams are not delivered).
    mutating func send(_ side: Side, _ packet: [UInt8]) -> [TunnelAction] {
        var actions: [TunnelAction] = []
        if side == .a {
            a.encapsulate(packet, now: now, random: &random, into: &actions)
        } else {
            b.encapsulate(packet, now: now, random: &random, into: &actions)
        }
        record(side, actions)
        return actions
    }

    /// A datagram arriving at `side` from the other side's endpoint.
    mutating func receive(_ side: Side, _ datagram: [UInt8]) -> [TunnelAction] {
        var actions: [TunnelAction] = []
        if side == .a {
            a.decapsulate(datagram, from: endpointB, now: now, random: &random, into: &actions)
        } else {
            b.decapsulate(datagram, from: endpointA, now: now, random: &random, into: &actions)
        }
        record(side, actions)
        return actions
    }

    /// Fires `side`'s due timers.
    mutating func tick(_ side: Side) -> [TunnelAction] {
        var actions: [TunnelAction] = []
        if side == .a {
            a.tick(now: now, random: &random, into: &actions)
        } else {
            b.tick(now: now, random: &random, into: &actions)
        }
        record(side, actions)
        return actions
    }

    /// Delivers every datagram in `actions` (sent by `side`) to the other side, and their answers back, until
    /// nothing more is sent. Returns everything that happened, with the side that did it.
    @discardableResult
    mutating func deliver(_ actions: [TunnelAction], from side: Side) -> [(Side, TunnelAction)] {
        var queue: [(Side, [UInt8])] = actions.compactMap {
            if case .writeToNetwork(let d, _) = $0 { return (side == .a ? .b : .a, d) }
            return nil
        }
        var all: [(Side, TunnelAction)] = []
        while !queue.isEmpty {
            let (to, datagram) = queue.removeFirst()
            for action in receive(to, datagram) {
                all.append((to, action))
                if case .writeToNetwork(let d, _) = action { queue.append((to == .a ? .b : .a, d)) }
            }
        }
        return all
    }

    /// A sends one packet to B and everything is delivered: completes a handshake when there is none.
    @discardableResult
    mutating func exchange(_ side: Side = .a, payload: Int = 32) -> [(Side, TunnelAction)] {
        let packet =
            side == .a
            ? ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: payload)
            : ipv4Packet(from: 0x0a00_0002, to: 0x0a00_0001, payload: payload)
        return deliver(send(side, packet), from: side)
    }

    /// Lets time pass until `end`: both sides' timers fire at their deadlines and everything sent is delivered.
    mutating func run(until end: Instant) {
        while true {
            let next = [a.nextDeadline, b.nextDeadline].compactMap { $0 }.min()
            guard let next, next <= end else { break }
            clock.advance(to: next)
            deliver(tick(.a), from: .a)
            deliver(tick(.b), from: .b)
        }
        clock.advance(to: end)
    }

    /// Datagrams `side` sent at or after `start`, with their times.
    func sent(by side: Side, since start: Instant) -> [(time: Instant, datagram: [UInt8])] {
        log.compactMap { entry in
            guard entry.side == side, entry.time >= start, case .writeToNetwork(let d, _) = entry.action
            else { return nil }
            return (entry.time, d)
        }
    }

    mutating func record(_ side: Side, _ actions: [TunnelAction]) {
        for action in actions { log.append((now, side, action)) }
    }
}
