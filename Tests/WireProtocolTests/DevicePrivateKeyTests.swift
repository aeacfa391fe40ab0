import Testing
import WireCrypto

@testable import WireProtocol

/// A new private key on a live device keeps the sessions it can still receive on, as wireguard-go's
/// `Device.SetPrivateKey` and `Peer.ExpireCurrentKeypairs` (device/device.go, device/peer.go) do.
@Suite("Device: a private key change keeps receiving on old sessions")
struct DevicePrivateKeyTests {
    static let toB = ipv4Packet(from: 0x0a00_0001, to: 0x0a00_0002, payload: 40, fill: 0x11)
    static let toA = ipv4Packet(from: 0x0a00_0002, to: 0x0a00_0001, payload: 40, fill: 0x22)

    /// A and B after a handshake started by A, both sessions confirmed, at `t`.
    static func connected(at t: Instant) throws -> (NoiseDevices, SeededRandom) {
        var devices = try NoiseDevices(seed: 11, endpointB: DeviceTests.endpointB)
        var random = SeededRandom(seed: 12)
        var actions: [TunnelAction] = []
        devices.a.encapsulate(toB, now: t, random: &random, into: &actions)
        let rest = DeviceTests.run(&devices, actions, fromA: true, now: t, random: &random)
        #expect(rest.map(\.action).delivered == [toB])
        return (devices, random)
    }

    static func datagrams(_ actions: [TunnelAction]) -> [[UInt8]] {
        actions.compactMap { if case .writeToNetwork(let d, _) = $0 { d } else { nil } }
    }

    @Test("old sessions still decrypt, cannot send; the next send is an initiation under the new key")
    func keyChangeKeepsReceiving() throws {
        var clock = ManualClock()
        var (devices, random) = try Self.connected(at: clock.now)
        let oldSession = try #require(devices.a.tunnels[7]?.keypairs.current)
        let rxBefore = devices.a.tunnels[7]!.statistics.rxBytes

        // B encrypts a packet under the old session; it is still on the wire when A's key changes.
        clock.advance(by: .seconds(1))
        var fromB: [TunnelAction] = []
        devices.b.encapsulate(Self.toA, now: clock.now, random: &random, into: &fromB)
        let inFlight = try #require(Self.datagrams(fromB).first)
        #expect(fromB.types == [4])

        var keys = SeededRandom(seed: 13)
        let newIdentity = try HandshakeIdentity(
            privateKey: (0..<32).map { _ in UInt8.random(in: 0...255, using: &keys) })
        let removed = devices.a.setPrivateKey(newIdentity)
        #expect(removed.isEmpty)
        #expect(devices.a.tunnels[7]!.endpoint == DeviceTests.endpointB)
        #expect(devices.a.allowedIPs.lookup(.v4(0x0a00_0002)) == 7)

        // The old keypair is the same session, unwiped, and no longer sends.
        let expired = try #require(devices.a.tunnels[7]?.keypairs.current)
        #expect(expired.isSameSession(as: oldSession) && !expired.isWiped)
        #expect(!expired.canSend(now: clock.now) && expired.canReceive(now: clock.now))

        // What B sent under the old session still arrives.
        clock.advance(by: .milliseconds(10))
        var received: [TunnelAction] = []
        devices.a.decapsulate(inFlight, from: DeviceTests.endpointB, now: clock.now, random: &random, into: &received)
        #expect(received.delivered == [Self.toA])
        #expect(devices.a.tunnels[7]!.statistics.rxBytes > rxBefore)

        // A's reply is staged behind a handshake initiation, sent at once (no Rekey-Timeout wait).
        var reply: [TunnelAction] = []
        devices.a.encapsulate(Self.toB, now: clock.now, random: &random, into: &reply)
        #expect(reply.types == [1])
        let initiation = try #require(Self.datagrams(reply).first)

        // B, not yet told, cannot place the initiation: it carries the new static key.
        var refused: [TunnelAction] = []
        devices.b.decapsulate(initiation, from: DeviceTests.endpointA, now: clock.now, random: &random, into: &refused)
        #expect(refused.drops == [.unknownInitiator])

        // B learns A's new public key (its peer entry replaced, as `wg set` does); the same initiation now
        // completes the handshake and A's staged reply reaches B.
        var router = try #require(devices.b.initiationRouter as? NoiseInitiationRouter)
        router.unregister(publicKey: devices.identityA.publicKey)
        router.register(publicKey: newIdentity.publicKey, peerIndex: 9)
        devices.b.initiationRouter = router
        try devices.b.addPeer(
            Tunnel(
                peerIndex: 9,
                handshake: NoiseTunnelHandshake(
                    identity: devices.identityB, peerPublicKey: newIdentity.publicKey,
                    wallClockAtOrigin: NoiseDevices.wallClock),
                endpoint: DeviceTests.endpointA), allowedIPs: [(.v4(0x0a00_0001), 32)])
        let rest = DeviceTests.run(
            &devices, [.writeToNetwork(datagram: initiation, endpoint: DeviceTests.endpointB)],
            fromA: true, now: clock.now, random: &random)
        #expect(rest.map(\.action).types == [2, 4])
        #expect(rest.filter { !$0.atA }.map(\.action).delivered == [Self.toB])

        // A's new session sends; the expired one moved to `previous` and still cannot send.
        let current = try #require(devices.a.tunnels[7]?.keypairs.current)
        #expect(!current.isSameSession(as: oldSession) && current.canSend(now: clock.now))
        let previous = try #require(devices.a.tunnels[7]?.keypairs.previous)
        #expect(previous.isSameSession(as: oldSession) && !previous.canSend(now: clock.now))
    }

    @Test("a peer whose public key is the new public key is removed, its sessions zeroed")
    func ownKeyPeerRemoved() throws {
        var (devices, _) = try Self.connected(at: .zero)
        let session = try #require(devices.a.tunnels[7]?.keypairs.current)
        let removed = devices.a.setPrivateKey(devices.identityB)
        #expect(removed == [7])
        #expect(devices.a.tunnels.isEmpty && devices.a.allowedIPs.lookup(.v4(0x0a00_0002)) == nil)
        #expect(session.isWiped)
        let router = try #require(devices.a.initiationRouter as? NoiseInitiationRouter)
        #expect(router.peers.isEmpty)
    }
}
