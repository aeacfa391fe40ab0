/// A minimal PNG writer for black-and-white images: signature, IHDR, one IDAT holding a zlib stream of stored
/// (uncompressed) deflate blocks, IEND. One bit a pixel keeps the file small without compressing.
///
/// PNG specification (W3C, second edition): 5.2 (signature), 5.3 (chunk layout: length, type, data, CRC over type
/// and data), 11.2.2 (IHDR: colour type 0, bit depth 1), 7.2 (pixels packed most significant bit first, each
/// scanline padded to a byte) and 9.2 (each scanline led by its filter type, 0 here);
/// RFC 1950 (zlib header 0x78 0x01, Adler-32 trailer) and RFC 1951, 3.2.4 (stored blocks: BFINAL, BTYPE 00, LEN,
/// NLEN, at most 65535 bytes each).
public enum PNGEncoder {
    /// The PNG file of a `width` x `height` image, `white` row by row (true white, false black).
    public static func bilevel(width: Int, height: Int, white: [Bool]) -> [UInt8] {
        precondition(white.count == width * height, "PNGEncoder: \(white.count) pixels for \(width)x\(height)")
        let rowBytes = (width + 7) / 8
        var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        for y in 0..<height {
            let start = y * (rowBytes + 1) + 1
            for x in 0..<width where white[y * width + x] { raw[start + x / 8] |= 0x80 >> UInt8(x % 8) }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [1, 0, 0, 0, 0]
        out += chunk("IHDR", header)
        out += chunk("IDAT", zlibStored(raw))
        out += chunk("IEND", [])
        return out
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(CRC32.checksum(body))
    }

    /// A zlib stream of stored deflate blocks holding `data`.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let length = min(65535, data.count - start)
            let final: UInt8 = start + length == data.count ? 1 : 0
            out.append(final)
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[start..<start + length]
            start += length
        } while start < data.count
        return out + bigEndian(Adler32.checksum(data))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
