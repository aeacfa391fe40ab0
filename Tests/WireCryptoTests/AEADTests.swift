import Foundation
import Testing
import WireCrypto

@Suite("ChaCha20-Poly1305 and XChaCha20-Poly1305 (RFC 8439, draft-irtf-cfrg-xchacha)")
struct AEADTests {
    typealias Seal = ([UInt8], [UInt8], [UInt8], [UInt8]) throws(CryptoError) -> [UInt8]
    typealias Open = ([UInt8], [UInt8], [UInt8], [UInt8]) throws(CryptoError) -> [UInt8]

    /// Runs a Wycheproof AEAD file: valid cases seal to ct || tag and open back; invalid ones never open.
    private func run(file: String, seal: Seal, open: Open) throws -> (valid: Int, invalid: Int) {
        let vectors = try JSONDecoder().decode(CryptoVectorFiles.AEADFile.self, from: CryptoVectorFiles.data(file))
        var counts = (valid: 0, invalid: 0)
        for group in vectors.testGroups {
            for t in group.tests {
                let key = cryptoHex(t.key)
                let iv = cryptoHex(t.iv)
                let aad = cryptoHex(t.aad)
                let msg = cryptoHex(t.msg)
                let sealed = cryptoHex(t.ct) + cryptoHex(t.tag)
                if t.result == "valid" {
                    #expect(try seal(key, iv, msg, aad) == sealed, "tcId \(t.tcId) \(t.comment)")
                    #expect(try open(key, iv, sealed, aad) == msg, "tcId \(t.tcId) \(t.comment)")
                    counts.valid += 1
                } else {
                    #expect(throws: CryptoError.self, "tcId \(t.tcId) \(t.comment)") {
                        try open(key, iv, sealed, aad)
                    }
                    counts.invalid += 1
                }
            }
        }
        return counts
    }

    @Test("Wycheproof ChaCha20-Poly1305")
    func wycheproofChaCha() throws {
        let counts = try run(
            file: "wycheproof-chacha20-poly1305.json",
            seal: { k, n, p, a throws(CryptoError) in try ChaChaPolyAEAD.seal(key: k, nonce: n, plaintext: p, aad: a) },
            open: { k, n, s, a throws(CryptoError) in try ChaChaPolyAEAD.open(key: k, nonce: n, sealed: s, aad: a) }
        )
        #expect(counts.valid == 256)
        #expect(counts.invalid == 69)
    }

    @Test("Wycheproof XChaCha20-Poly1305")
    func wycheproofXChaCha() throws {
        let counts = try run(
            file: "wycheproof-xchacha20-poly1305.json",
            seal: { k, n, p, a throws(CryptoError) in
                try XChaCha20Poly1305.seal(key: k, nonce: n, plaintext: p, aad: a)
            },
            open: { k, n, s, a throws(CryptoError) in
                try XChaCha20Poly1305.open(key: k, nonce: n, sealed: s, aad: a)
            }
        )
        #expect(counts.valid == 246)
        #expect(counts.invalid == 69)
    }

    @Test("HChaCha20: draft-irtf-cfrg-xchacha-03 §2.2.1")
    func hchacha20() throws {
        let key = Array(0..<32).map(UInt8.init)
        let nonce = cryptoHex("000000090000004a0000000031415927")
        #expect(
            try HChaCha20.subkey(key: key, nonce: nonce)
                == cryptoHex("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"))
    }

    @Test("a WireGuard counter nonce is four zero bytes and the counter little-endian")
    func counterNonce() throws {
        #expect(ChaChaPolyAEAD.nonce(counter: 0x0102_0304_0506_0708) == [0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1])
        let key = [UInt8](repeating: 7, count: 32)
        let sealed = try ChaChaPolyAEAD.seal(key: key, counter: 5, plaintext: [1, 2, 3], aad: [9])
        #expect(sealed.count == 3 + 16)
        #expect(try ChaChaPolyAEAD.open(key: key, counter: 5, sealed: sealed, aad: [9]) == [1, 2, 3])
        #expect(throws: CryptoError.authenticationFailed) {
            try ChaChaPolyAEAD.open(key: key, counter: 6, sealed: sealed, aad: [9])
        }
        #expect(throws: CryptoError.ciphertextTooShort(15)) {
            try ChaChaPolyAEAD.open(key: key, counter: 5, sealed: Array(sealed[..<15]))
        }
    }
}
