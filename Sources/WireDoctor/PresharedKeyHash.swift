import WireConfig
import WireCrypto

/// A keyed hash of a preshared key, so two hosts' snapshots can be compared without either holding the key.
///
/// BLAKE2s-256 (RFC 7693) of the PSK, keyed with BLAKE2s-256 of a label and the two peers' public keys in sorted
/// order: both ends of a peering compute the same value for the same PSK, and the value means nothing for any
/// other pair. A PSK is 256 random bits (wg(8) `genpsk`), so the hash cannot be searched back to the key.
public enum PresharedKeyHash {
    /// The hash of `psk` shared by `ours` and `theirs`, as 64 lowercase hex digits.
    public static func of(_ psk: WireKey, between ours: WireKey, and theirs: WireKey) -> String {
        let pair = [ours.bytes, theirs.bytes].sorted { $0.lexicographicallyPrecedes($1) }
        let key = BLAKE2s.hash(Array("wiresmith psk hash v1".utf8), pair[0], pair[1])
        return BLAKE2s.hash(psk.bytes, key: key).map { hexDigit($0 >> 4) + hexDigit($0 & 15) }.joined()
    }

    private static func hexDigit(_ v: UInt8) -> String { String(v, radix: 16) }
}
