import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(CCryptoBoringSSL)
    import CCryptoBoringSSL
#elseif os(Linux)
    // The one place that reaches swift-crypto's internal C module. If an update removes it, the build stops here
    // rather than the data plane silently falling back to per-packet allocation.
    #error("swift-crypto no longer exposes CCryptoBoringSSL: TransportAEAD needs another in-place AEAD")
#endif

/// ChaCha20-Poly1305 for transport messages (whitepaper §5.4.6), in place on the caller's buffer.
///
/// swift-crypto's `ChaChaPoly` sets up a new BoringSSL context and allocates `Data` on every call; per packet
/// that costs more than the cipher. Where swift-crypto's BoringSSL module is visible (it is on Linux), one
/// `EVP_AEAD_CTX` is made per key and messages are sealed and opened in place. That module is swift-crypto's
/// implementation detail, not its public API: WireCrypto is the only module that imports it (the one door to
/// crypto), and platforms without it (Apple's) fall back to `ChaChaPoly`. The context is wiped (OPENSSL_cleanse)
/// when the last reference goes, so a dropped keypair leaves no key in memory.
public final class TransportAEAD: @unchecked Sendable, CustomStringConvertible, CustomReflectable {
    // The context is written only in init and wipe (by the owner that drops the keypair); BoringSSL's seal/open
    // read it.
    #if canImport(CCryptoBoringSSL)
        private var context = EVP_AEAD_CTX()
    #endif
    private let fallbackKey: SymmetricKey

    /// A context for the 32-byte `key`.
    public init(key: [UInt8]) {
        fallbackKey = SymmetricKey(data: key)
        #if canImport(CCryptoBoringSSL)
            let rc = key.withUnsafeBufferPointer { k in
                CCryptoBoringSSL_EVP_AEAD_CTX_init(
                    &context, CCryptoBoringSSL_EVP_aead_chacha20_poly1305(),
                    k.baseAddress, k.count, 16, nil)
            }
            precondition(rc == 1, "EVP_AEAD_CTX_init failed for a 32-byte ChaCha20-Poly1305 key")
        #endif
    }

    deinit {
        wipe()
    }

    /// Whether `wipe()` ran: the key is gone and seal/open fail from then on.
    public private(set) var isWiped = false

    /// Zeroes the key now (the keypair was dropped), rather than when the last reference goes: every copy of the
    /// keypair holding this context can no longer seal or open. The corresponding C functions are
    /// `EVP_AEAD_CTX_cleanup` and `OPENSSL_cleanse`.
    public func wipe() {
        guard !isWiped else { return }
        isWiped = true
        #if canImport(CCryptoBoringSSL)
            CCryptoBoringSSL_EVP_AEAD_CTX_cleanup(&context)
            withUnsafeMutableBytes(of: &context) { CCryptoBoringSSL_OPENSSL_cleanse($0.baseAddress, $0.count) }
        #endif
    }

    /// The 12-byte nonce: four zero bytes, then the counter little-endian (a homogeneous tuple is contiguous).
    public static func nonce(_ counter: UInt64) -> (UInt32, UInt32, UInt32) {
        (0, UInt32(truncatingIfNeeded: counter).littleEndian, UInt32(truncatingIfNeeded: counter >> 32).littleEndian)
    }

    /// Encrypts `buffer[range]` in place and writes the 16-byte tag at `range.upperBound`. Returns false on
    /// an internal failure.
    public func seal(_ buffer: UnsafeMutableRawBufferPointer, plaintext range: Range<Int>, counter: UInt64) -> Bool {
        guard !isWiped else { return false }
        var nonce = Self.nonce(counter)
        #if canImport(CCryptoBoringSSL)
            return withUnsafeBytes(of: &nonce) { n in
                let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var tagLength = 0
                return CCryptoBoringSSL_EVP_AEAD_CTX_seal_scatter(
                    &context, base + range.lowerBound, base + range.upperBound, &tagLength, 16,
                    n.baseAddress!.assumingMemoryBound(to: UInt8.self), 12,
                    base + range.lowerBound, range.count, nil, 0, nil, 0) == 1
            }
        #else
            let nonceData = withUnsafeBytes(of: &nonce) { Data($0) }
            guard
                let box = try? ChaChaPoly.seal(
                    UnsafeRawBufferPointer(rebasing: buffer[range]), using: fallbackKey,
                    nonce: ChaChaPoly.Nonce(data: nonceData))
            else { return false }
            box.ciphertext.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: buffer[range]))
            box.tag.copyBytes(
                to: UnsafeMutableRawBufferPointer(rebasing: buffer[range.upperBound..<range.upperBound + 16]))
            return true
        #endif
    }

    /// Decrypts `input` (ciphertext followed by the tag) into `output` (at least `input.count - 16` bytes).
    /// Returns false when authentication fails.
    public func open(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, counter: UInt64)
        -> Bool
    {
        guard !isWiped, input.count >= 16, output.count >= input.count - 16 else { return false }
        var nonce = Self.nonce(counter)
        let length = input.count - 16
        #if canImport(CCryptoBoringSSL)
            if output.baseAddress == nil {
                // An empty plaintext (a keepalive): BoringSSL still wants an output pointer.
                var spare = [UInt8](repeating: 0, count: 1)
                return spare.withUnsafeMutableBytes { open(input, into: $0, counter: counter) }
            }
            return withUnsafeBytes(of: &nonce) { n in
                let inBase = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
                let outBase = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
                return CCryptoBoringSSL_EVP_AEAD_CTX_open_gather(
                    &context, outBase,
                    n.baseAddress!.assumingMemoryBound(to: UInt8.self), 12,
                    inBase, length, inBase + length, 16, nil, 0) == 1
            }
        #else
            let nonceData = withUnsafeBytes(of: &nonce) { Data($0) }
            guard
                let box = try? ChaChaPoly.SealedBox(
                    nonce: ChaChaPoly.Nonce(data: nonceData),
                    ciphertext: UnsafeRawBufferPointer(rebasing: input[..<length]),
                    tag: UnsafeRawBufferPointer(rebasing: input[length...])),
                let plain = try? ChaChaPoly.open(box, using: fallbackKey)
            else { return false }
            plain.copyBytes(to: output)
            return true
        #endif
    }

    /// Never the key.
    public var description: String { "TransportAEAD(redacted)" }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
