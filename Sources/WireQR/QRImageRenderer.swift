/// A QR code as a PNG image: black modules on white, `scale` pixels a module, a quiet zone of four modules
/// (ISO/IEC 18004:2015, 6.3.8).
public enum QRImageRenderer {
    /// The PNG file's bytes.
    public static func png(_ code: QRCode, scale: Int = 8, quietZone: Int = 4) -> [UInt8] {
        let side = (code.size + 2 * quietZone) * scale
        var white = [Bool](repeating: true, count: side * side)
        for y in 0..<code.size {
            for x in 0..<code.size where code[x, y] {
                for py in 0..<scale {
                    let row = ((y + quietZone) * scale + py) * side + (x + quietZone) * scale
                    for px in 0..<scale { white[row + px] = false }
                }
            }
        }
        return PNGEncoder.bilevel(width: side, height: side, white: white)
    }
}
