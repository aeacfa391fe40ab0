/// A private key never prints itself: `description` and the mirror (`dump`, debugger) show only the public key's
/// first bytes, so string interpolation cannot leak it into a log.
extension X25519.PrivateKey: CustomStringConvertible, CustomReflectable {
    /// "X25519.PrivateKey(public 1a2b3c4d…)".
    public var description: String {
        "X25519.PrivateKey(public \(publicKey.prefix(4).map { String(format2: $0) }.joined())…)"
    }

    /// A mirror without children: nothing secret is reachable through reflection.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension String {
    /// Two lowercase hex digits of `byte`.
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self.init([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }
}
