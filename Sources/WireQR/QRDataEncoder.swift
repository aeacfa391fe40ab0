/// The data codewords of a byte-mode QR code: one 8-bit byte segment, terminator, padding.
///
/// ISO/IEC 18004:2015, 7.4.5 (8-bit byte mode: mode indicator 0100, a count of 8 bits in versions 1-9 and 16 bits
/// from version 10, then the bytes), 7.4.9 (terminator: up to four 0 bits) and 7.4.10 (bit stream to codewords: 0
/// bits to a byte boundary, then the pad codewords 11101100 and 00010001 alternately).
enum QRDataEncoder {
    /// The `version.dataCodewords(level)` data codewords carrying `bytes`; the caller checked they fit.
    static func codewords(_ bytes: [UInt8], version: QRVersion, level: QRErrorCorrectionLevel) -> [UInt8] {
        let capacityBits = version.dataCodewords(level) * 8
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version.byteModeCountBits)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        bits.append(0, count: min(4, capacityBits - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var out = bits.bytes
        var pad: UInt8 = 0xEC
        while out.count < capacityBits / 8 {
            out.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return out
    }
}

/// Bits appended most significant first, read back as bytes.
struct BitBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    /// Appends the low `count` bits of `value`, most significant first.
    mutating func append(_ value: Int, count n: Int) {
        for i in stride(from: n - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> i) & 1 == 1 { bytes[count / 8] |= 0x80 >> UInt8(count % 8) }
            count += 1
        }
    }
}
