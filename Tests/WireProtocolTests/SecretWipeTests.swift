import Testing
import WireCrypto

@testable import WireProtocol

/// Handshake state and session keys are zeroed at the events wireguard-go clears them at (device/noise-protocol.go
/// `Handshake.Clear` and the `setZero` calls after `BeginSymmetricSession`; the kernel's `wg_noise_keypair_put`):
/// a handshake completes, is superseded, expires, or its peer is removed; a keypair leaves its slots.
///
/// Each test keeps a reference to the secret block (or key context) before the event. That reference keeps it
/// alive, so only an explicit wipe at the event can make it read zero: freeing alone would not pass.
@Suite("Secrets are zeroed when a handshake or session ends")
struct SecretWipeTests {
    static func noise(_ device: Device, _ peer: UInt32) -> NoiseIKpsk2? {
        (device.tunnels[peer]?.handshake as? NoiseTunnelHandshake)?.peer.noise
    }

    /// Ticks `device` through every deadline up to `target`.
    static func advance(_ device: inout Device, from start: Instant, to target: Instant, random: inout SeededRandom) {
        var now = start
        var actions: [TunnelAction] = []
        for _ in 0..<10_000 {
            guard let deadline = device.nextDeadline, deadline <= target else { break }
            now = max(now, deadline)
            device.tick(now: now, random: &random, into: &actions)
            actions.removeAll()
        }
        device.tick(now: target, random: &random, into: &actions)
    }

    /// A and B with a completed handshake (A initiated), at time zero.
    static func connected() throws -> (NoiseDevices, SeededRandom) {
        var devices = try NoiseDevices(seed: 3, endpointB: DeviceTests.endpointB)
        var random = SeededRandom(seed: 4)
        var actions: [TunnelAction] = []
        devices.a.encapsulate(
            ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 40), now: .zero, random: &random, into: &actions)
        _ = DeviceTests.run(&devices, actions, fromA: true, now: .zero, random: &random)
        return (devices, random)
    }

    @Test("a completed handshake zeroes ck, h and k and drops the ephemeral key, on both sides")
    func completedHandshake() throws {
        var pair = try HandshakeTestSupport.Pair()
        let initiation = try pair.initiation()
        let initiatorInFlight = try #require(pair.initiator.noise)
        #expect(!initiatorInFlight.secrets.isZero && initiatorInFlight.holdsEphemeral)

        let consumed = try pair.responderIdentity.consumeInitiation(initiation)
        try pair.responder.accept(consumed, now: .zero)
        let response = try pair.responder.createResponse(senderIndex: 0x2222, using: &pair.rng)
        let responderBlock = try #require(pair.responder.noise).secrets
        #expect(!responderBlock.isZero)
        _ = try pair.responder.deriveSessionKeys()
        #expect(responderBlock.isZero)
        #expect(pair.responder.noise == nil)

        try pair.initiator.consumeResponse(response)
        // The response was consumed into a copy that took over; the state it replaced is zeroed already.
        #expect(initiatorInFlight.secrets.isZero)
        let initiatorBlock = try #require(pair.initiator.noise).secrets
        _ = try pair.initiator.deriveSessionKeys()
        #expect(initiatorBlock.isZero)
        #expect(pair.initiator.noise == nil)
    }

    @Test("a forged response leaves the handshake in flight intact; a new initiation zeroes the one it replaces")
    func failedAndSupersededHandshake() throws {
        var pair = try HandshakeTestSupport.Pair()
        _ = try pair.initiation(index: 0x1111)
        let first = try #require(pair.initiator.noise).secrets
        let forged = HandshakeResponse(
            senderIndex: 9, receiverIndex: 0x1111, ephemeral: [UInt8](repeating: 9, count: 32),
            encryptedNothing: [UInt8](repeating: 0, count: 16))
        var initiator = pair.initiator
        #expect(throws: HandshakeError.self) { try initiator.consumeResponse(forged) }
        pair.initiator = initiator
        #expect(!first.isZero)  // the real response can still complete it
        _ = try pair.initiation(index: 0x3333, at: .seconds(6))
        #expect(first.isZero)
    }

    @Test("an initiation never answered is zeroed when retried and its last state when the keys expire (§6.3)")
    func expiredHandshake() throws {
        var devices = try NoiseDevices(seed: 5, endpointB: DeviceTests.endpointB)
        var random = SeededRandom(seed: 6)
        var actions: [TunnelAction] = []
        devices.a.encapsulate(
            ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 40), now: .zero, random: &random, into: &actions)
        let first = try #require(Self.noise(devices.a, 7)).secrets
        // Rekey-Timeout later the initiation is retried with a new ephemeral: the first one's state is gone.
        Self.advance(&devices.a, from: .zero, to: .zero + .seconds(6), random: &random)
        #expect(first.isZero)
        // Rekey-Attempt-Time ends the retries; the last initiation's state stays (a late response may still
        // complete it, as in wireguard-go) until 3 x Reject-After-Time later, when it is zeroed.
        Self.advance(&devices.a, from: .zero + .seconds(6), to: .zero + .seconds(120), random: &random)
        let timers = try #require(devices.a.tunnels[7]).timers
        #expect(timers.retransmitHandshake == nil)
        let expiry = try #require(timers.zeroKeyMaterial)
        let last = try #require(Self.noise(devices.a, 7)).secrets
        #expect(!last.isZero)
        Self.advance(&devices.a, from: .zero + .seconds(120), to: expiry, random: &random)
        #expect(last.isZero)
        #expect(Self.noise(devices.a, 7) == nil)
    }

    @Test("sessions unused for 3 x Reject-After-Time are dropped with their keys zeroed (§6.3)")
    func expiredSession() throws {
        var (devices, random) = try Self.connected()
        let session = try #require(devices.a.tunnels[7]?.keypairs.current)
        #expect(!session.isWiped)
        Self.advance(&devices.a, from: .zero, to: .zero + .seconds(541), random: &random)
        #expect(session.isWiped)
        #expect(devices.a.tunnels[7]!.keypairs.isEmpty)
    }

    @Test("removing a peer zeroes its sessions and its handshake in flight; a rebuilt device zeroes all")
    func removedPeer() throws {
        var (devices, random) = try Self.connected()
        let sessionA = try #require(devices.a.tunnels[7]?.keypairs.current)
        let sessionB = try #require(devices.b.tunnels[9]?.keypairs.current)
        var actions: [TunnelAction] = []
        devices.a.updateTunnel(7) {
            $0.sendInitiation(isRetry: false, now: .zero + .seconds(6), random: &random, into: &actions)
        }
        let inFlight = try #require(Self.noise(devices.a, 7)).secrets
        #expect(!inFlight.isZero)
        devices.a.removePeer(7)
        #expect(sessionA.isWiped)
        #expect(inFlight.isZero)
        // A device replaced (new private key, interface down) zeroes every peer's sessions.
        devices.b.wipeSecrets()
        #expect(sessionB.isWiped)
        #expect(devices.b.tunnels[9] != nil)
    }

    @Test("a keypair pushed out of its three slots is wiped; one still in a slot is not")
    func droppedKeypair() {
        func keypair(_ n: UInt8, initiator: Bool) -> Keypair {
            Keypair(
                SessionKeys(
                    sendingKey: [UInt8](repeating: n, count: 32), receivingKey: [UInt8](repeating: n &+ 1, count: 32),
                    localIndex: UInt32(n), remoteIndex: UInt32(n) + 100, isInitiator: initiator),
                now: .zero)
        }
        var slots = Keypairs()
        let first = keypair(1, initiator: true)
        let second = keypair(2, initiator: true)
        let third = keypair(3, initiator: true)
        slots.install(first)
        slots.install(second)
        #expect(!first.isWiped)  // previous: packets in flight still decrypt
        slots.install(third)
        #expect(first.isWiped && !second.isWiped && !third.isWiped)
        // A responder's new session waits in next and drops previous; confirming it drops the next previous.
        let answered = keypair(4, initiator: false)
        slots.install(answered)
        #expect(second.isWiped && !third.isWiped)
        let confirmed = slots.confirmNext()
        #expect(confirmed)
        #expect(!third.isWiped && !answered.isWiped)
        slots.clear()
        #expect(third.isWiped && answered.isWiped)
        #expect(third.open([UInt8](repeating: 0, count: 48)) == nil)  // a wiped context refuses, never crashes
    }
}
