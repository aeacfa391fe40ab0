import CFuzzDriver
import WireProtocol

/// libFuzzer target: UDP datagrams as a WireGuard device receives them (whitepaper section 5.4: initiation,
/// response, cookie reply, transport data). The first byte picks the sender's address, the rest is the datagram;
/// a device with one configured peer takes every message type's path up to its authentication check.
/// The program's entry: SwiftPM links `main` to this symbol; libFuzzer's driver runs from here.
@_cdecl("FuzzWire_main")
public func fuzzWireMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzWire(data, size) }
}

/// One input.
func fuzzWire(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = pointer else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard var device = FuzzDevice.template else { return 0 }
    var random = SeededRandom(seed: 0x5eed)
    var actions: [TunnelAction] = []
    let source = UDPEndpoint(address: .v4(0xc000_0200 | UInt32(bytes.first ?? 0)), port: 51820)
    // The whole input as one datagram, then split at every 0xFF byte into several, to reach state across messages.
    device.decapsulate(Array(bytes.dropFirst()), from: source, now: .zero, random: &random, into: &actions)
    for piece in bytes.split(separator: 0xFF) {
        device.decapsulate(Array(piece), from: source, now: .zero, random: &random, into: &actions)
    }
    _ = try? MessageType(of: bytes)
    return 0
}

/// A fixed pair: our device (index 7 is the peer, 10.0.0.2/32) and the peer's, which has sent a valid handshake
/// initiation, so the fuzzed datagrams meet a device with a handshake in progress and a session to find.
enum FuzzDevice {
    /// Built once; each input gets a copy (a value type), so inputs never see each other's state.
    nonisolated(unsafe) static let template = make()
    static let ownKey = (0..<32).map { UInt8($0) &* 7 &+ 1 }
    static let peerKey = (0..<32).map { UInt8($0) &* 13 &+ 3 }

    static func device(_ key: [UInt8], peer: [UInt8], address: UInt32, endpoint: UDPEndpoint?) -> Device? {
        guard let own = try? HandshakeIdentity(privateKey: key), let other = try? HandshakeIdentity(privateKey: peer),
            let handshake = try? NoiseTunnelHandshake(
                identity: own, peerPublicKey: other.publicKey, wallClockAtOrigin: .seconds(1_800_000_000))
        else { return nil }
        var router = NoiseInitiationRouter(identity: own)
        router.register(publicKey: other.publicKey, peerIndex: 7)
        var device = Device(router: router)
        let tunnel = Tunnel(peerIndex: 7, handshake: handshake, endpoint: endpoint)
        guard (try? device.addPeer(tunnel, allowedIPs: [(.v4(address), 32)])) != nil else { return nil }
        return device
    }

    static func make() -> Device? {
        guard var ours = device(ownKey, peer: peerKey, address: 0x0a00_0002, endpoint: nil),
            var theirs = device(
                peerKey, peer: ownKey, address: 0x0a00_0001,
                endpoint: UDPEndpoint(address: .v4(0xc000_0201), port: 51820))
        else { return nil }
        var random = SeededRandom(seed: 1)
        var actions: [TunnelAction] = []
        // An IPv4 header from 10.0.0.2 to 10.0.0.1: the peer starts a handshake to send it.
        var packet: [UInt8] = [0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1]
        packet += [UInt8](repeating: 0, count: 8)
        theirs.encapsulate(packet, now: .zero, random: &random, into: &actions)
        let peerSource = UDPEndpoint(address: .v4(0xc000_0202), port: 51820)
        for case .writeToNetwork(let datagram, _) in actions {
            var replies: [TunnelAction] = []
            ours.decapsulate(datagram, from: peerSource, now: .zero, random: &random, into: &replies)
        }
        return ours
    }
}
