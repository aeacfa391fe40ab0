/// Where the protocol core gets random bytes: ephemeral keys, jitter, anything unpredictable.
///
/// WireProtocol never touches global randomness; the daemon passes `SystemRandomSource`, tests pass a
/// `SeededRandomSource` so runs are reproducible.
public protocol RandomSource {
    /// Fills `buffer` with random bytes.
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer)
}

extension RandomSource {
    /// `count` random bytes.
    public mutating func bytes(count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { fill($0) }
        return out
    }

    /// A random 64-bit value.
    public mutating func nextUInt64() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { fill($0) }
        return value
    }

    /// A value uniform in `0..<bound` (`bound` > 0), by rejection sampling.
    public mutating func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let v = nextUInt64()
            if v < limit { return v % bound }
        }
    }
}

/// The operating system's cryptographically secure generator (`SystemRandomNumberGenerator`), for the daemon.
public struct SystemRandomSource: RandomSource, Sendable {
    /// A source backed by the system generator.
    public init() {}

    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var generator = SystemRandomNumberGenerator()
        var i = 0
        while i < buffer.count {
            var word = generator.next()
            let n = Swift.min(8, buffer.count - i)
            withUnsafeBytes(of: &word) { w in
                for j in 0..<n { buffer[i + j] = w[j] }
            }
            i += n
        }
    }
}

/// A deterministic generator (SplitMix64) for tests, labs and benchmarks. Never for keys in production.
public struct SeededRandomSource: RandomSource, RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose whole output is determined by `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64-bit output (SplitMix64).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var i = 0
        while i < buffer.count {
            var word = next()
            let n = Swift.min(8, buffer.count - i)
            withUnsafeBytes(of: &word) { w in
                for j in 0..<n { buffer[i + j] = w[j] }
            }
            i += n
        }
    }
}
