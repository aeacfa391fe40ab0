/// BLAKE2s (RFC 7693): the hash WireGuard uses for HASH, MAC and HMAC (whitepaper §5.4).
///
/// A streaming hasher with 1...32 bytes of output and an optional key of 0...32 bytes. The state lives inline
/// (no heap allocation per block or per byte), because the handshake hashes about a hundred times per message.
public struct BLAKE2s: Sendable {
    /// The largest digest, and WireGuard's HASHLEN: 32 bytes.
    public static let maxOutputLength = 32
    /// The largest key: 32 bytes.
    public static let maxKeyLength = 32
    /// The compression block: 64 bytes.
    public static let blockLength = 64

    private var h: SIMD8<UInt32>
    private var buffer = Block()
    private var buffered = 0
    private var counter: UInt64 = 0
    private let outputLength: Int

    /// Starts a hash of `outputLength` bytes, keyed when `key` is not empty (RFC 7693 §3.3).
    ///
    /// Lengths outside 1...32 (output) and 0...32 (key) are programming errors and trap: WireGuard only ever uses
    /// fixed lengths of 16 and 32.
    public init(outputLength: Int = 32, key: some Collection<UInt8> = [UInt8]()) {
        precondition((1...Self.maxOutputLength).contains(outputLength), "BLAKE2s output length must be 1...32")
        precondition(key.count <= Self.maxKeyLength, "BLAKE2s key length must be 0...32")
        self.outputLength = outputLength
        h = Self.iv
        h[0] ^= 0x0101_0000 ^ (UInt32(key.count) << 8) ^ UInt32(outputLength)
        if !key.isEmpty {
            // The key, zero-padded to a full block, is the first block of input.
            buffer.withBytes { block in
                for (i, byte) in key.enumerated() { block[i] = byte }
            }
            buffered = Self.blockLength
        }
    }

    /// Absorbs `data`.
    public mutating func update(_ data: some Collection<UInt8>) {
        let done: Void? = data.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            let copy = [UInt8](data)
            copy.withUnsafeBytes { update($0) }
        }
    }

    /// Absorbs `data` (a concrete overload, so callers in other modules avoid the unspecialized generic path).
    public mutating func update(_ data: [UInt8]) {
        data.withUnsafeBytes { update($0) }
    }

    /// Absorbs the bytes at `data`.
    public mutating func update(_ data: UnsafeRawBufferPointer) {
        var input = data[...]
        while !input.isEmpty {
            if buffered == Self.blockLength {
                // Only compress a full buffer once more input arrives: the last block must be compressed
                // with the final flag set.
                counter &+= UInt64(Self.blockLength)
                compressBuffer(final: false)
                buffered = 0
            }
            let take = min(Self.blockLength - buffered, input.count)
            let start = buffered
            buffer.withBytes { block in
                (block.baseAddress! + start).copyMemory(
                    from: input.base.baseAddress! + input.startIndex, byteCount: take)
            }
            buffered += take
            input = input.dropFirst(take)
        }
    }

    /// Finishes the hash and returns the `outputLength`-byte digest.
    public mutating func finalize() -> [UInt8] {
        counter &+= UInt64(buffered)
        let start = buffered
        buffer.withBytes { block in
            for i in start..<Self.blockLength { block[i] = 0 }
        }
        compressBuffer(final: true)
        var out = [UInt8](repeating: 0, count: outputLength)
        for i in 0..<outputLength {
            out[i] = UInt8(truncatingIfNeeded: h[i / 4] >> (8 * UInt32(i % 4)))
        }
        return out
    }

    /// The `outputLength`-byte BLAKE2s of the concatenation of `parts`, keyed when `key` is not empty.
    public static func hash(
        _ parts: [UInt8]..., key: [UInt8] = [], outputLength: Int = 32
    ) -> [UInt8] {
        var hasher = BLAKE2s(outputLength: outputLength, key: key)
        for part in parts { hasher.update(part) }
        return hasher.finalize()
    }

    private mutating func compressBuffer(final: Bool) {
        var state = h
        let t = counter
        buffer.withBytes { block in
            Self.compress(&state, block: UnsafeRawBufferPointer(block), counter: t, final: final)
        }
        h = state
    }

    private static let iv = SIMD8<UInt32>(
        0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A,
        0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19
    )

    /// The message schedule (RFC 7693 §2.7), ten rounds of sixteen word indices.
    private static let sigma: [Int] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    ]

    /// The compression function F (RFC 7693 §3.2).
    private static func compress(
        _ h: inout SIMD8<UInt32>, block: UnsafeRawBufferPointer, counter: UInt64, final: Bool
    ) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 32) { words in
            let v = words.baseAddress!
            let m = v + 16
            for i in 0..<16 {
                m[i] = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
            }
            for i in 0..<8 {
                v[i] = h[i]
                v[i + 8] = iv[i]
            }
            v[12] ^= UInt32(truncatingIfNeeded: counter)
            v[13] ^= UInt32(truncatingIfNeeded: counter >> 32)
            if final { v[14] = ~v[14] }
            sigma.withUnsafeBufferPointer { s in
                for round in 0..<10 {
                    let r = round * 16
                    mix(v, 0, 4, 8, 12, m[s[r + 0]], m[s[r + 1]])
                    mix(v, 1, 5, 9, 13, m[s[r + 2]], m[s[r + 3]])
                    mix(v, 2, 6, 10, 14, m[s[r + 4]], m[s[r + 5]])
                    mix(v, 3, 7, 11, 15, m[s[r + 6]], m[s[r + 7]])
                    mix(v, 0, 5, 10, 15, m[s[r + 8]], m[s[r + 9]])
                    mix(v, 1, 6, 11, 12, m[s[r + 10]], m[s[r + 11]])
                    mix(v, 2, 7, 8, 13, m[s[r + 12]], m[s[r + 13]])
                    mix(v, 3, 4, 9, 14, m[s[r + 14]], m[s[r + 15]])
                }
            }
            for i in 0..<8 { h[i] ^= v[i] ^ v[i + 8] }
        }
    }

    /// The mixing function G (RFC 7693 §3.1) with rotations 16, 12, 8, 7.
    @inline(__always)
    private static func mix(
        _ v: UnsafeMutablePointer<UInt32>, _ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt32, _ y: UInt32
    ) {
        v[a] = v[a] &+ v[b] &+ x
        v[d] = (v[d] ^ v[a]).rotatedRight(16)
        v[c] = v[c] &+ v[d]
        v[b] = (v[b] ^ v[c]).rotatedRight(12)
        v[a] = v[a] &+ v[b] &+ y
        v[d] = (v[d] ^ v[a]).rotatedRight(8)
        v[c] = v[c] &+ v[d]
        v[b] = (v[b] ^ v[c]).rotatedRight(7)
    }
}

/// 64 bytes stored inline, so a hasher never touches the heap.
private struct Block: Sendable {
    private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    mutating func withBytes<R>(_ body: (UnsafeMutableRawBufferPointer) -> R) -> R {
        withUnsafeMutableBytes(of: &storage, body)
    }
}

fileprivate extension UInt32 {
    @inline(__always)
    func rotatedRight(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}
