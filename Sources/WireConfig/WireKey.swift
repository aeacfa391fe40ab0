import Crypto
import WireCrypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A 32-byte Curve25519 key or preshared key, as WireGuard carries them.
///
/// Configs carry keys as base64 of exactly 32 bytes (wg(8) "CONFIGURATION FILE FORMAT"); the cross-platform UAPI
/// carries them as 64 lowercase hex digits. A `WireKey` never prints itself in `description`, so a private key
/// cannot reach a log by accident: use `base64` or `hex` explicitly.
public struct WireKey: Hashable, Sendable, CustomStringConvertible {
    /// The 32 raw bytes.
    public let bytes: [UInt8]

    /// The all-zero key, which the UAPI uses to clear a private or preshared key.
    public static let zero = WireKey(unchecked: [UInt8](repeating: 0, count: 32))

    /// Wraps 32 raw bytes; returns nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// Parses base64 of exactly 32 bytes: 44 characters ending in `=`, as wg's `key_from_base64` demands.
    public init?(base64: String) {
        // wg accepts exactly 44 characters with one trailing '='; anything else is "Key is not the correct length
        // or format".
        // Decoded here rather than through Foundation (which decodes, then re-encodes to check): a 10,000-host
        // network holds 30,000 keys. 43 characters of the standard alphabet carry 258 bits; the last character's
        // low two bits must be zero, or the encoding is not canonical and wg rejects it.
        var bytes = [UInt8](repeating: 0, count: 32)
        let ok = base64.utf8.withContiguousStorageIfAvailable { chars -> Bool in
            guard chars.count == 44, chars[43] == UInt8(ascii: "=") else { return false }
            var acc: UInt32 = 0
            var bits = 0
            var out = 0
            for i in 0..<43 {
                guard let v = Self.base64Value(chars[i]) else { return false }
                acc = acc << 6 | UInt32(v)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    if out < 32 { bytes[out] = UInt8(truncatingIfNeeded: acc >> UInt32(bits)) }
                    out += 1
                }
            }
            return acc & 0b11 == 0
        }
        if let ok {
            guard ok else { return nil }
            self.bytes = bytes
            return
        }
        let chars = Array(base64.utf8)
        guard chars.count == 44, chars[43] == UInt8(ascii: "="), chars[42] != UInt8(ascii: "=") else { return nil }
        guard let data = Data(base64Encoded: base64), data.count == 32 else { return nil }
        // The last character's low two bits must be zero: wg rejects non-canonical encodings.
        guard Data(data).base64EncodedString() == base64 else { return nil }
        self.bytes = [UInt8](data)
    }

    /// The 6-bit value of a character of the standard base64 alphabet (RFC 4648 §4); nil for any other byte.
    @inline(__always)
    static func base64Value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }

    /// Parses 64 hex digits (either case), the UAPI form.
    public init?(hex: String) {
        guard hex.utf8.count == 64, let bytes = Hex.decode(hex) else { return nil }
        self.bytes = bytes
    }

    /// Standard base64 with padding, as `wg` prints keys.
    public var base64: String { Data(bytes).base64EncodedString() }

    /// 64 lowercase hex digits, as the UAPI carries keys.
    public var hex: String { Hex.encode(bytes) }

    /// Hashes the 32 bytes in one call (the synthesized hashing fed the hasher byte by byte, which showed in every
    /// index of a 10,000-host network's keys). Equality is the bytes', as before.
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func == (a: WireKey, b: WireKey) -> Bool { a.bytes == b.bytes }

    /// True for the all-zero key.
    public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }

    /// A short, non-secret label: the first 8 characters of the base64 form followed by an ellipsis.
    /// Use it for public keys only.
    public var shortBase64: String { String(base64.prefix(8)) + "…" }

    /// Redacted: a key prints as `(key)` so that secrets never reach logs through string interpolation.
    public var description: String { "(key)" }

    /// A new private key: 32 random bytes from the system generator, clamped as Curve25519 demands
    /// (RFC 7748 §5), exactly as `wg genkey` does.
    public static func generatePrivate() -> WireKey {
        generatePreshared().clamped
    }

    /// A new preshared key: 32 random bytes from the system generator, as `wg genpsk` does.
    public static func generatePreshared() -> WireKey {
        var rng = SystemRandomNumberGenerator()
        return WireKey(unchecked: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// This key with Curve25519 clamping applied (RFC 7748 §5): what the kernel and wireguard-go store, and so what
    /// `wg showconf` prints, for a private key given unclamped.
    public var clamped: WireKey {
        var key = bytes
        key[0] &= 248
        key[31] = (key[31] & 127) | 64
        return WireKey(unchecked: key)
    }

    /// The public key of this private key: X25519(clamp(self), 9) (RFC 7748 §6.1), as `wg pubkey` prints it.
    public var publicKey: WireKey {
        // swift-crypto clamps the scalar inside the scalar multiplication, as wg's curve25519_generate_public does.
        let priv = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: bytes)
        return WireKey(unchecked: [UInt8](priv.publicKey.rawRepresentation))
    }
}
