import Foundation
import Testing
import WireCrypto
@testable import WireProtocol

/// The cacophony Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s vector, run through the same NoiseIKpsk2 core the
/// WireGuard handshake uses.
@Suite("Noise IKpsk2 vector (cacophony)")
struct HandshakeNoiseVectorTests {
    struct VectorFile: Decodable {
        struct Vector: Decodable {
            struct Message: Decodable {
                let payload: String
                let ciphertext: String
            }
            let protocol_name: String
            let init_prologue: String
            let init_psks: [String]
            let init_static: String
            let init_ephemeral: String
            let init_remote_static: String
            let resp_prologue: String
            let resp_psks: [String]
            let resp_static: String
            let resp_ephemeral: String
            let handshake_hash: String
            let messages: [Message]
        }
        let vectors: [Vector]
    }

    @Test("both sides reproduce all six messages and the handshake hash")
    func cacophony() throws {
        let url = HandshakeTestSupport.vectors.appendingPathComponent("noise-ikpsk2-25519-chachapoly-blake2s.json")
        let file = try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: url))
        #expect(!file.vectors.isEmpty)
        for v in file.vectors {
            let hex = HandshakeTestSupport.hex
            #expect(v.protocol_name == ProtocolConstants.construction)
            var initiator = try NoiseIKpsk2(
                initiatorStatic: hex(v.init_static), remoteStatic: hex(v.init_remote_static),
                presharedKey: hex(v.init_psks[0]), prologue: hex(v.init_prologue), protocolName: v.protocol_name
            )
            var responder = try NoiseIKpsk2(
                responderStatic: hex(v.resp_static), presharedKey: hex(v.resp_psks[0]),
                prologue: hex(v.resp_prologue), protocolName: v.protocol_name
            )
            let m = v.messages
            let message1 = try initiator.writeMessage1(
                ephemeralPrivate: hex(v.init_ephemeral), payload: hex(m[0].payload))
            #expect(message1 == hex(m[0].ciphertext))
            #expect(try responder.readMessage1(message1) == hex(m[0].payload))
            #expect(responder.remoteStatic == (try X25519.publicKey(privateKey: hex(v.init_static))))

            let message2 = try responder.writeMessage2(
                ephemeralPrivate: hex(v.resp_ephemeral), payload: hex(m[1].payload))
            #expect(message2 == hex(m[1].ciphertext))
            #expect(try initiator.readMessage2(message2) == hex(m[1].payload))

            #expect(initiator.handshakeHash == hex(v.handshake_hash))
            #expect(responder.handshakeHash == hex(v.handshake_hash))

            // Transport: initiator and responder alternate, each side's nonce counting from zero.
            let initiatorKeys = try #require(initiator.transportKeys())
            let responderKeys = try #require(responder.transportKeys())
            #expect(initiatorKeys.sending == responderKeys.receiving)
            #expect(initiatorKeys.receiving == responderKeys.sending)
            for (i, message) in m.dropFirst(2).enumerated() {
                let key = i % 2 == 0 ? initiatorKeys.sending : responderKeys.sending
                let counter = UInt64(i / 2)
                let sealed = try ChaChaPolyAEAD.seal(key: key, counter: counter, plaintext: hex(message.payload))
                #expect(sealed == hex(message.ciphertext), "transport message \(i + 2)")
            }
        }
    }
}
