import WireCrypto

@testable import WireProtocol

/// Two devices with real identities and the Noise handshake (`NoiseTunnelHandshake`, `NoiseInitiationRouter`).
struct NoiseDevices {
    static let wallClock = Duration.seconds(1_800_000_000)
    let identityA: HandshakeIdentity
    let identityB: HandshakeIdentity
    var a: Device
    var b: Device

    /// A's peer 7 is B (10.0.0.2/32, endpoint known); B's peer 9 is A (10.0.0.1/32, endpoint learned).
    init(seed: UInt64, endpointB: UDPEndpoint) throws {
        var keys = SeededRandom(seed: seed)
        identityA = try HandshakeIdentity(privateKey: (0..<32).map { _ in UInt8.random(in: 0...255, using: &keys) })
        identityB = try HandshakeIdentity(privateKey: (0..<32).map { _ in UInt8.random(in: 0...255, using: &keys) })
        var routerA = NoiseInitiationRouter(identity: identityA)
        var routerB = NoiseInitiationRouter(identity: identityB)
        routerA.register(publicKey: identityB.publicKey, peerIndex: 7)
        routerB.register(publicKey: identityA.publicKey, peerIndex: 9)
        a = Device(router: routerA)
        b = Device(router: routerB)
        try a.addPeer(
            Tunnel(
                peerIndex: 7,
                handshake: NoiseTunnelHandshake(
                    identity: identityA, peerPublicKey: identityB.publicKey, wallClockAtOrigin: Self.wallClock),
                endpoint: endpointB), allowedIPs: [(.v4(0x0a00_0002), 32)])
        try b.addPeer(
            Tunnel(
                peerIndex: 9,
                handshake: NoiseTunnelHandshake(
                    identity: identityB, peerPublicKey: identityA.publicKey, wallClockAtOrigin: Self.wallClock),
                endpoint: nil), allowedIPs: [(.v4(0x0a00_0001), 32)])
    }
}
