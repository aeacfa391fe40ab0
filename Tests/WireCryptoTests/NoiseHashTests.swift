import Testing
import WireCrypto

/// Expected values computed with Python's hashlib.blake2s and hmac (an independent implementation).
@Suite("HASH, MAC, HMAC and KDF (whitepaper §5.4)")
struct NoiseHashTests {
    @Test(
        "MAC is keyed BLAKE2s-128",
        arguments: [
            ([UInt8](), [UInt8](), "64550d6ffe2c0a01a14aba1eade0200c"),
            (Array(0..<32).map(UInt8.init), Array("WireGuard".utf8), "c44bc1a201f2ff374d10eda15244ad8a"),
            (Array(0..<16).map(UInt8.init), Array(0..<100).map(UInt8.init), "56301549e674c3b72a0e1dafb7a2c620"),
        ])
    func mac(key: [UInt8], input: [UInt8], expected: String) {
        #expect(NoiseHash.mac(key: key, input) == cryptoHex(expected))
    }

    @Test(
        "HMAC-BLAKE2s (RFC 2104, 64-byte block)",
        arguments: [
            (
                Array("key".utf8), Array("The quick brown fox jumps over the lazy dog".utf8),
                "f93215bb90d4af4c3061cd932fb169fb8bb8a91d0b4022baea1271e1323cd9a0"
            ),
            (
                Array(0..<100).map(UInt8.init), Array("long key".utf8),
                "096d2dec44b647196383c466daf27592cf0c187793f83d1e9f8a19efc137d0d1"
            ),
        ])
    func hmac(key: [UInt8], input: [UInt8], expected: String) {
        #expect(NoiseHash.hmac(key: key, input) == cryptoHex(expected))
    }

    @Test("KDF1/2/3 share their prefix outputs")
    func kdf() {
        let key = Array(0..<32).map(UInt8.init)
        let input = Array(32..<64).map(UInt8.init)
        let expected = [
            "6a96444e20e8d4c1cee974416acae1c10b3c92886010e54ed94dafb2c3b80ea0",
            "57af120b0de7acbe7907ec149c5ae870a2dbb74232b65777ba4123f1f7f888f5",
            "0926c7caabb6e8d73beda759e6f4f0d324ce5b5000bcf8cd784b26db3049faa9",
        ].map(cryptoHex)
        let (a, b, c) = NoiseHash.kdf3(key: key, input: input)
        #expect([a, b, c] == expected)
        let (d, e) = NoiseHash.kdf2(key: key, input: input)
        #expect([d, e] == Array(expected[0..<2]))
        #expect(NoiseHash.kdf1(key: key, input: input) == expected[0])
    }

    @Test("KDF of an empty input under a zero key")
    func kdfEmpty() {
        let (a, b, c) = NoiseHash.kdf3(key: [UInt8](repeating: 0, count: 32), input: [])
        #expect(a == cryptoHex("8387b46bf43eccfcf349552a095d8315c4055beb90208fb1be23b894bc2ed5d0"))
        #expect(b == cryptoHex("58a0e5f6faefccf4807bff1f05fa8a9217945762040bcec2f4b4a62bdfe0e86e"))
        #expect(c == cryptoHex("0ce6ea98ec548f8e281e93e32db65621c45eb18dc6f0a7ad94178610a2f7338e"))
    }

    @Test("WireGuard's initial chaining key and hash (wireguard-go's InitialChainKey, InitialHash)")
    func wireGuardInitialValues() {
        let ck = NoiseHash.hash(Array("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".utf8))
        #expect(ck == cryptoHex("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36"))
        #expect(
            NoiseHash.hash(ck, Array("WireGuard v1 zx2c4 Jason@zx2c4.com".utf8))
                == cryptoHex("2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3"))
    }
}
