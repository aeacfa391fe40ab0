/// Comparisons whose running time does not depend on the bytes compared (whitepaper §5.4: MACs and keys are
/// compared without leaking where they first differ).
public enum ConstantTime {
    /// True when `a` and `b` hold the same bytes. Lengths are not secret; contents are.
    @inline(never)
    public static func equal<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a, b) { diff |= x ^ y }
        return diff == 0
    }

    /// True when every byte is zero, without an early exit.
    @inline(never)
    public static func isZero<A: Collection<UInt8>>(_ a: A) -> Bool {
        var acc: UInt8 = 0
        for x in a { acc |= x }
        return acc == 0
    }
}
