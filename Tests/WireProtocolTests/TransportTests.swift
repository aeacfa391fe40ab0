import Crypto
import Foundation
import Testing

@testable import WireProtocol

/// Transport messages (whitepaper §5.4.6) checked against swift-crypto's ChaChaPoly as an independent reference.
@Suite("Transport messages: layout, nonce, padding")
struct TransportTests {
    static let sendKey: [UInt8] = (0..<32).map { UInt8($0) }
    static let receiveKey: [UInt8] = (0..<32).map { UInt8(255 - $0) }

    static func keypair(counter: UInt64 = 0) -> Keypair {
        var k = Keypair(
            SessionKeys(
                sendingKey: sendKey, receivingKey: receiveKey, localIndex: 0x0102_0304,
                remoteIndex: 0xa1b2_c3d4, isInitiator: true, handshakeHash: []), now: .zero)
        k.sendCounter = counter
        return k
    }

    @Test(
        "header is type 4, zeros, receiver index and counter little-endian; body opens with the reference AEAD",
        arguments: [(UInt64(0), 0), (1, 1), (0x0102_0304_0506_0708, 13), (UInt64(1) << 40, 1420)])
    func layoutAgainstReference(counter: UInt64, length: Int) throws {
        var k = Self.keypair(counter: counter)
        let packet = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 3) }
        let sealed = k.seal(packet)
        let message = try #require(sealed)
        #expect(Array(message[0..<8]) == [4, 0, 0, 0, 0xd4, 0xc3, 0xb2, 0xa1])
        #expect(Keypair.readLittleEndian(message, at: 8, bytes: 8) == counter)
        var nonce = [UInt8](repeating: 0, count: 4)
        for i in 0..<8 { nonce.append(UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i)))) }
        let box = try ChaChaPoly.SealedBox(
            nonce: ChaChaPoly.Nonce(data: nonce),
            ciphertext: message[16..<(message.count - 16)],
            tag: message[(message.count - 16)...])
        let plain = try ChaChaPoly.open(box, using: SymmetricKey(data: Self.sendKey))
        let padded = (length + 15) / 16 * 16
        #expect([UInt8](plain) == packet + [UInt8](repeating: 0, count: padded - length))
    }

    @Test("a message sealed by the reference AEAD opens, counter included")
    func openReference() throws {
        let k = Self.keypair()
        let counter: UInt64 = 77
        var nonce = [UInt8](repeating: 0, count: 4)
        for i in 0..<8 { nonce.append(UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i)))) }
        let body = [UInt8](repeating: 0x42, count: 32)
        let box = try ChaChaPoly.seal(
            body, using: SymmetricKey(data: Self.receiveKey),
            nonce: ChaChaPoly.Nonce(data: nonce))
        var message: [UInt8] = [4, 0, 0, 0, 4, 3, 2, 1, 77, 0, 0, 0, 0, 0, 0, 0]
        message += box.ciphertext
        message += box.tag
        let opened = try #require(k.open(message))
        #expect(opened.counter == 77 && opened.plaintext == body)
        message[message.count - 1] ^= 1
        #expect(k.open(message) == nil)
    }

    @Test("the send counter stops at Reject-After-Messages")
    func counterLimit() {
        var k = Self.keypair(counter: ProtocolConstants.rejectAfterMessages - 1)
        let last = k.seal([])
        let beyond = k.seal([])
        #expect(last != nil)
        #expect(beyond == nil)
        #expect(!k.canSend(now: .zero))
    }
}

@Suite("Transport keys never print")
struct RedactionTests {
    @Test("description and dump of a keypair and a tunnel hold no key bytes")
    func redacted() {
        var pair = TunnelPair()
        pair.exchange()
        let keypair = pair.a.keypairs.current!
        var dumped = ""
        dump(keypair, to: &dumped)
        dump(pair.a, to: &dumped)
        let text = "\(keypair) \(pair.a) " + dumped
        #expect(!text.contains("TransportAEAD(") || text.contains("redacted"))
        #expect(!text.contains("context"))
        #expect(!text.contains("fallbackKey"))
        #expect(text.contains("local \(keypair.localIndex)"))
    }
}
