/// A QR code drawn for a terminal: two module rows per text line with the Unicode half blocks, white on black set
/// by ANSI escapes so that the symbol reads the same in light and dark themes, and a light quiet zone around it.
///
/// Light modules are drawn as glyphs (bright white foreground) and dark ones as the black background, the way
/// `qrencode -t ANSIUTF8` draws them. ISO/IEC 18004:2015, 6.3.8: the quiet zone is four modules wide.
public enum QRTerminalRenderer {
    /// The lines of `code`, each ending in a newline; `quietZone` light modules on every side.
    public static func render(_ code: QRCode, quietZone: Int = 4) -> String {
        let span = code.size + 2 * quietZone
        func light(_ x: Int, _ y: Int) -> Bool {
            let cx = x - quietZone
            let cy = y - quietZone
            guard (0..<code.size).contains(cx), (0..<code.size).contains(cy) else { return true }
            return !code[cx, cy]
        }
        var out = ""
        for y in stride(from: 0, to: span, by: 2) {
            out += "\u{1B}[40;37;1m"
            for x in 0..<span {
                // The row below the last is outside the symbol: light, like the quiet zone.
                switch (light(x, y), y + 1 < span ? light(x, y + 1) : true) {
                case (true, true): out += "\u{2588}"
                case (true, false): out += "\u{2580}"
                case (false, true): out += "\u{2584}"
                case (false, false): out += " "
                }
            }
            out += "\u{1B}[0m\n"
        }
        return out
    }
}
