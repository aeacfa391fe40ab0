/// Random bytes drawn from an injected generator, so protocol code never reads global randomness and tests can
/// replay a run with a seeded generator.
public enum RandomBytes {
    /// `count` bytes from `generator`, eight at a time, little-endian.
    public static func make(count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(count + 8)
        while out.count < count {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        out.removeLast(out.count - count)
        return out
    }
}
