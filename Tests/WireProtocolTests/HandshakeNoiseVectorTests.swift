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
            let protocolName: String
            let initPrologue: String
            let initPsks: [String]
            let initStatic: String
            let initEphemeral: String
            let initRemoteStatic: String
            let respPrologue: String
            let respPsks: [String]
            let respStatic: String
            let respEphemeral: String
            let handshakeHash: String
            let messages: [Message]

            enum CodingKeys: String, CodingKey {
                case protocolName = "protocol_name"
                case initPrologue = "init_prologue"
                case initPsks = "init_psks"
                case initStatic = "init_static"
                case initEphemeral = "init_ephemeral"
                case initRemoteStatic = "init_remote_static"
                case respPrologue = "resp_prologue"
                case respPsks = "resp_psks"
                case respStatic = "resp_static"
                case respEphemeral = "resp_ephemeral"
                case handshakeHash = "handshake_hash"
                case messages
            }
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
            #expect(v.protocolName == ProtocolConstants.construction)
            var initiator = try NoiseIKpsk2(
                initiatorStatic: hex(v.initStatic), remoteStatic: hex(v.initRemoteStatic),
                presharedKey: hex(v.initPsks[0]), prologue: hex(v.initPrologue), protocolName: v.protocolName
            )
            var responder = try NoiseIKpsk2(
                responderStatic: hex(v.respStatic), presharedKey: hex(v.respPsks[0]),
                prologue: hex(v.respPrologue), protocolName: v.protocolName
            )
            let m = v.messages
            let message1 = try initiator.writeMessage1(
                ephemeralPrivate: hex(v.initEphemeral), payload: hex(m[0].payload))
            #expect(message1 == hex(m[0].ciphertext))
            #expect(try responder.readMessage1(message1) == hex(m[0].payload))
            #expect(responder.remoteStatic == (try X25519.publicKey(privateKey: hex(v.initStatic))))

            let message2 = try responder.writeMessage2(
                ephemeralPrivate: hex(v.respEphemeral), payload: hex(m[1].payload))
            #expect(message2 == hex(m[1].ciphertext))
            #expect(try initiator.readMessage2(message2) == hex(m[1].payload))

            #expect(initiator.handshakeHash == hex(v.handshakeHash))
            #expect(responder.handshakeHash == hex(v.handshakeHash))

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
