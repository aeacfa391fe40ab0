import Foundation
import WireProtocol

/// Measures the per-packet cost of the protocol core: one 1420-byte IP packet sealed by one keypair and opened,
/// replay-checked and header-parsed by the other (`Keypair.seal` / `open` / `acceptCounter`), which is what
/// `Tunnel.encapsulate` and `decapsulate` do per transport message.
func runProtocolBench(_ arguments: [String]) {
    let seconds = arguments.first.flatMap(Double.init) ?? 2.0
    let keys = (0..<2).map { k in (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ k) } }
    var sender = Keypair(SessionKeys(sendingKey: keys[0], receivingKey: keys[1], localIndex: 1, remoteIndex: 2,
                                     isInitiator: true), now: .zero)
    var receiver = Keypair(SessionKeys(sendingKey: keys[1], receivingKey: keys[0], localIndex: 2, remoteIndex: 1,
                                       isInitiator: false), now: .zero)
    var packet = [UInt8](repeating: 0x5a, count: 1420)
    packet[0] = 0x45
    packet[2] = UInt8(1420 >> 8)
    packet[3] = UInt8(1420 & 0xff)

    let clock = ContinuousClock()
    var count = 0
    var bytes = 0
    let start = clock.now
    let deadline = start + .seconds(seconds)
    while clock.now < deadline {
        for _ in 0..<1000 {
            guard let datagram = sender.seal(packet, mtu: 1420),
                  let (counter, plain) = receiver.open(datagram),
                  receiver.acceptCounter(counter),
                  let header = try? IPPacket.header(of: plain)
            else { fatalError("transport round trip failed") }
            bytes += header.length
            count += 1
        }
    }
    let elapsed = clock.now - start
    let perSecond = Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    print(String(format: "transport: %.0f packets/s (1420-byte packets, seal+open+replay+header, one core)", perSecond))
    print(String(format: "           %.2f Gbit/s of payload, %.2f us per packet", perSecond * 1420 * 8 / 1e9,
                 1e6 / perSecond))
    runHandshakeBenchIfAvailable(seconds: seconds)
}
