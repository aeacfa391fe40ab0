/// A deterministic generator (SplitMix64) for tests, labs and benchmarks. Never for keys in production.
///
/// WireProtocol takes randomness as `inout some RandomNumberGenerator` (the daemon passes
/// `SystemRandomNumberGenerator`); a seeded generator makes every run of a test reproducible. It lives in WireNet,
/// the leaf every module reaches (beside `Instant` and `ManualClock`), so tests, fuzz targets and benchmarks share
/// this one.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose whole output is determined by `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64-bit output.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
