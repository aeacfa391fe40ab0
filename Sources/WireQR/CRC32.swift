/// CRC-32 as PNG chunks use it: polynomial 0xEDB88320 (reflected), initial value and final XOR 0xFFFFFFFF.
///
/// PNG specification (ISO/IEC 15948:2004 / W3C PNG, second edition), 5.5 "Cyclic Redundancy Code algorithm" and
/// Annex D.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC of `bytes`.
    static func checksum<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
