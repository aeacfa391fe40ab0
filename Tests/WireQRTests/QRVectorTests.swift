import Testing

@testable import WireQR

/// The worked examples of ISO/IEC 18004:2015 as vectors: Annex C (format information), Annex D (version information),
/// Annex I (the "01234567" symbol, version 1-M: its data and error correction codewords).
struct QRVectorTests {
    @Test func formatInformationOfAnnexC() {
        // Level M (00), mask 101: BCH bits 0010100110111, masked to 100000011001110.
        #expect(QRFormatInformation.bits(level: .medium, mask: 5) == 0b100_0000_1100_1110)
        // Every (level, mask) reads back from a drawn matrix.
        for level in QRErrorCorrectionLevel.allCases {
            for mask in 0..<8 {
                var m = QRMatrix(size: 21)
                QRFormatInformation.draw(bits: QRFormatInformation.bits(level: level, mask: mask), into: &m)
                let read = QRFormatInformation.read { m[$0, $1] }
                #expect(read?.level == level && read?.mask == mask)
            }
        }
    }

    @Test func versionInformationOfAnnexD() {
        // Table D.1: version 7 is 000111110010010100, version 40 is 101000110001101001.
        #expect(QRVersionInformation.bits(QRVersion(7)!) == 0b00_0111_1100_1001_0100)
        #expect(QRVersionInformation.bits(QRVersion(40)!) == 0b10_1000_1100_0110_1001)
    }

    @Test func reedSolomonOfAnnexI() {
        let data: [UInt8] = [
            0b0001_0000, 0b0010_0000, 0b0000_1100, 0b0101_0110, 0b0110_0001, 0b1000_0000, 0xEC, 0x11, 0xEC, 0x11, 0xEC,
            0x11, 0xEC, 0x11, 0xEC, 0x11,
        ]
        let ecc: [UInt8] = [
            0b1010_0101, 0b0010_0100, 0b1101_0100, 0b1100_0001, 0b1110_1101, 0b0011_0110, 0b1100_0111, 0b1000_0111,
            0b0010_1100, 0b0101_0101,
        ]
        #expect(ReedSolomon(degree: 10).remainder(data[...]) == ecc)
        #expect(QRVersion(1)!.errorCorrectionPerBlock(.medium) == 10 && QRVersion(1)!.dataCodewords(.medium) == 16)
    }

    @Test func capacitiesOfTable7() {
        // Byte mode capacities at the corners of Table 7.
        #expect(QRVersion(1)!.byteCapacity(.low) == 17)
        #expect(QRVersion(1)!.byteCapacity(.high) == 7)
        #expect(QRVersion(10)!.byteCapacity(.medium) == 213)
        #expect(QRVersion(40)!.byteCapacity(.low) == 2953)
        #expect(QRVersion(40)!.byteCapacity(.high) == 1273)
        // Table 7's codeword counts: 26 for version 1, 3706 for version 40.
        #expect(QRVersion(1)!.totalCodewords == 26 && QRVersion(40)!.totalCodewords == 3706)
    }

    @Test func tooLargeIsNamed() {
        #expect(throws: QRError.tooLarge(bytes: 2954, capacity: 2953, version: 40, level: .low)) {
            try QRCode(bytes: [UInt8](repeating: 0x41, count: 2954))
        }
        #expect(throws: QRError.badMask(8)) { try QRCode(bytes: [1], mask: 8) }
        let fits = try? QRCode(bytes: [UInt8](repeating: 0x41, count: 2953))
        #expect(fits?.version.number == 40 && fits?.level == .low)
    }

    @Test func levelIsBoostedWhenItFitsTheSameVersion() throws {
        // 10 bytes need version 1 at L (17) and fit version 1 at M (14): M is chosen; 16 bytes stay at L.
        #expect(try QRCode(bytes: [UInt8](repeating: 0x61, count: 10)).level == .medium)
        let sixteen = try QRCode(bytes: [UInt8](repeating: 0x61, count: 16))
        #expect(sixteen.level == .low && sixteen.version.number == 1)
    }

    /// The terminal form read back glyph by glyph gives the symbol's modules, with the quiet zone light.
    @Test func terminalRenderingRoundTrips() throws {
        let code = try QRCode(bytes: Array("[Interface]\nPrivateKey = x\n".utf8))
        let text = QRTerminalRenderer.render(code, quietZone: 4)
        let lines = text.split(separator: "\n").map { line in
            Array(
                line.replacingOccurrences(of: "\u{1B}[40;37;1m", with: "").replacingOccurrences(
                    of: "\u{1B}[0m", with: ""))
        }
        let span = code.size + 8
        #expect(lines.count == (span + 1) / 2)
        for y in 0..<span {
            for x in 0..<span {
                let glyph = lines[y / 2][x]
                let light =
                    y % 2 == 0
                    ? (glyph == "\u{2588}" || glyph == "\u{2580}") : (glyph == "\u{2588}" || glyph == "\u{2584}")
                let inside = (4..<code.size + 4).contains(x) && (4..<code.size + 4).contains(y)
                #expect(light == (inside ? !code[x - 4, y - 4] : true), "module (\(x), \(y))")
            }
        }
    }

    @Test func pngChecksums() {
        // RFC 1950's Adler-32 of "Wikipedia" is 0x11E60398; CRC-32 of "IEND" is 0xAE426082 (every PNG's last bytes).
        #expect(Adler32.checksum(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
        // Stored blocks split at 65535 bytes.
        let big = [UInt8](repeating: 7, count: 70000)
        let z = PNGEncoder.zlibStored(big)
        #expect(z.count == 2 + 5 + 65535 + 5 + (70000 - 65535) + 4)
        #expect(z[2] == 0 && z[2 + 5 + 65535] == 1)
    }
}
