import Foundation
import Testing
import WireCrypto

@Suite("X25519 (RFC 7748) with the all-zero result refused")
struct X25519Tests {
    /// Every Wycheproof case: the shared secret matches, except the 31 low-order public keys whose result is all
    /// zeros, which WireGuard must refuse.
    @Test("Wycheproof X25519, low-order points rejected")
    func wycheproof() throws {
        let vectors = try JSONDecoder().decode(
            CryptoVectorFiles.XDHFile.self, from: CryptoVectorFiles.data("wycheproof-x25519.json"))
        var agreed = 0
        var refused = 0
        for t in vectors.testGroups.flatMap(\.tests) {
            let shared = cryptoHex(t.shared)
            if shared.allSatisfy({ $0 == 0 }) {
                #expect(throws: CryptoError.zeroSharedSecret, "tcId \(t.tcId) \(t.comment)") {
                    try X25519.sharedSecret(privateKey: cryptoHex(t.private), publicKey: cryptoHex(t.public))
                }
                refused += 1
            } else {
                let ours = try X25519.sharedSecret(privateKey: cryptoHex(t.private), publicKey: cryptoHex(t.public))
                #expect(ours == shared, "tcId \(t.tcId) \(t.comment)")
                agreed += 1
            }
        }
        #expect(agreed == 487)
        #expect(refused == 31)
    }

    @Test("RFC 7748 §6.1: Alice and Bob")
    func rfc7748() throws {
        let alice = cryptoHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
        let bob = cryptoHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
        #expect(
            try X25519.publicKey(privateKey: alice)
                == cryptoHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"))
        let shared = cryptoHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        #expect(try X25519.sharedSecret(privateKey: alice, publicKey: X25519.publicKey(privateKey: bob)) == shared)
        #expect(try X25519.sharedSecret(privateKey: bob, publicKey: X25519.publicKey(privateKey: alice)) == shared)
    }

    @Test("keys of the wrong length are refused")
    func lengths() {
        #expect(throws: CryptoError.invalidKeyLength(31)) {
            try X25519.sharedSecret(
                privateKey: [UInt8](repeating: 1, count: 31), publicKey: [UInt8](repeating: 9, count: 32))
        }
        #expect(throws: CryptoError.invalidKeyLength(33)) {
            try X25519.publicKey(privateKey: [UInt8](repeating: 1, count: 33))
        }
    }
}
