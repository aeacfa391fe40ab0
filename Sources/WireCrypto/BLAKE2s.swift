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

    /// The compression function F (RFC 7693 §3.2), fully unrolled over local variables (generated from the
    /// message schedule sigma of §2.7, so no table is read at run time).
    private static func compress(
        _ h: inout SIMD8<UInt32>, block: UnsafeRawBufferPointer, counter: UInt64, final: Bool
    ) {
        let m0 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        let m1 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let m2 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let m3 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        let m4 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        let m5 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 20, as: UInt32.self))
        let m6 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 24, as: UInt32.self))
        let m7 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 28, as: UInt32.self))
        let m8 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 32, as: UInt32.self))
        let m9 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 36, as: UInt32.self))
        let m10 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 40, as: UInt32.self))
        let m11 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 44, as: UInt32.self))
        let m12 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 48, as: UInt32.self))
        let m13 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 52, as: UInt32.self))
        let m14 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 56, as: UInt32.self))
        let m15 = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 60, as: UInt32.self))
        var v0 = h[0]
        var v1 = h[1]
        var v2 = h[2]
        var v3 = h[3]
        var v4 = h[4]
        var v5 = h[5]
        var v6 = h[6]
        var v7 = h[7]
        var v8 = iv[0]
        var v9 = iv[1]
        var v10 = iv[2]
        var v11 = iv[3]
        var v12 = iv[4] ^ UInt32(truncatingIfNeeded: counter)
        var v13 = iv[5] ^ UInt32(truncatingIfNeeded: counter >> 32)
        var v14 = iv[6] ^ (final ? 0xFFFF_FFFF : 0)
        var v15 = iv[7]
        // Round 0.
        mix(&v0, &v4, &v8, &v12, m0, m1)
        mix(&v1, &v5, &v9, &v13, m2, m3)
        mix(&v2, &v6, &v10, &v14, m4, m5)
        mix(&v3, &v7, &v11, &v15, m6, m7)
        mix(&v0, &v5, &v10, &v15, m8, m9)
        mix(&v1, &v6, &v11, &v12, m10, m11)
        mix(&v2, &v7, &v8, &v13, m12, m13)
        mix(&v3, &v4, &v9, &v14, m14, m15)
        // Round 1.
        mix(&v0, &v4, &v8, &v12, m14, m10)
        mix(&v1, &v5, &v9, &v13, m4, m8)
        mix(&v2, &v6, &v10, &v14, m9, m15)
        mix(&v3, &v7, &v11, &v15, m13, m6)
        mix(&v0, &v5, &v10, &v15, m1, m12)
        mix(&v1, &v6, &v11, &v12, m0, m2)
        mix(&v2, &v7, &v8, &v13, m11, m7)
        mix(&v3, &v4, &v9, &v14, m5, m3)
        // Round 2.
        mix(&v0, &v4, &v8, &v12, m11, m8)
        mix(&v1, &v5, &v9, &v13, m12, m0)
        mix(&v2, &v6, &v10, &v14, m5, m2)
        mix(&v3, &v7, &v11, &v15, m15, m13)
        mix(&v0, &v5, &v10, &v15, m10, m14)
        mix(&v1, &v6, &v11, &v12, m3, m6)
        mix(&v2, &v7, &v8, &v13, m7, m1)
        mix(&v3, &v4, &v9, &v14, m9, m4)
        // Round 3.
        mix(&v0, &v4, &v8, &v12, m7, m9)
        mix(&v1, &v5, &v9, &v13, m3, m1)
        mix(&v2, &v6, &v10, &v14, m13, m12)
        mix(&v3, &v7, &v11, &v15, m11, m14)
        mix(&v0, &v5, &v10, &v15, m2, m6)
        mix(&v1, &v6, &v11, &v12, m5, m10)
        mix(&v2, &v7, &v8, &v13, m4, m0)
        mix(&v3, &v4, &v9, &v14, m15, m8)
        // Round 4.
        mix(&v0, &v4, &v8, &v12, m9, m0)
        mix(&v1, &v5, &v9, &v13, m5, m7)
        mix(&v2, &v6, &v10, &v14, m2, m4)
        mix(&v3, &v7, &v11, &v15, m10, m15)
        mix(&v0, &v5, &v10, &v15, m14, m1)
        mix(&v1, &v6, &v11, &v12, m11, m12)
        mix(&v2, &v7, &v8, &v13, m6, m8)
        mix(&v3, &v4, &v9, &v14, m3, m13)
        // Round 5.
        mix(&v0, &v4, &v8, &v12, m2, m12)
        mix(&v1, &v5, &v9, &v13, m6, m10)
        mix(&v2, &v6, &v10, &v14, m0, m11)
        mix(&v3, &v7, &v11, &v15, m8, m3)
        mix(&v0, &v5, &v10, &v15, m4, m13)
        mix(&v1, &v6, &v11, &v12, m7, m5)
        mix(&v2, &v7, &v8, &v13, m15, m14)
        mix(&v3, &v4, &v9, &v14, m1, m9)
        // Round 6.
        mix(&v0, &v4, &v8, &v12, m12, m5)
        mix(&v1, &v5, &v9, &v13, m1, m15)
        mix(&v2, &v6, &v10, &v14, m14, m13)
        mix(&v3, &v7, &v11, &v15, m4, m10)
        mix(&v0, &v5, &v10, &v15, m0, m7)
        mix(&v1, &v6, &v11, &v12, m6, m3)
        mix(&v2, &v7, &v8, &v13, m9, m2)
        mix(&v3, &v4, &v9, &v14, m8, m11)
        // Round 7.
        mix(&v0, &v4, &v8, &v12, m13, m11)
        mix(&v1, &v5, &v9, &v13, m7, m14)
        mix(&v2, &v6, &v10, &v14, m12, m1)
        mix(&v3, &v7, &v11, &v15, m3, m9)
        mix(&v0, &v5, &v10, &v15, m5, m0)
        mix(&v1, &v6, &v11, &v12, m15, m4)
        mix(&v2, &v7, &v8, &v13, m8, m6)
        mix(&v3, &v4, &v9, &v14, m2, m10)
        // Round 8.
        mix(&v0, &v4, &v8, &v12, m6, m15)
        mix(&v1, &v5, &v9, &v13, m14, m9)
        mix(&v2, &v6, &v10, &v14, m11, m3)
        mix(&v3, &v7, &v11, &v15, m0, m8)
        mix(&v0, &v5, &v10, &v15, m12, m2)
        mix(&v1, &v6, &v11, &v12, m13, m7)
        mix(&v2, &v7, &v8, &v13, m1, m4)
        mix(&v3, &v4, &v9, &v14, m10, m5)
        // Round 9.
        mix(&v0, &v4, &v8, &v12, m10, m2)
        mix(&v1, &v5, &v9, &v13, m8, m4)
        mix(&v2, &v6, &v10, &v14, m7, m6)
        mix(&v3, &v7, &v11, &v15, m1, m5)
        mix(&v0, &v5, &v10, &v15, m15, m11)
        mix(&v1, &v6, &v11, &v12, m9, m14)
        mix(&v2, &v7, &v8, &v13, m3, m12)
        mix(&v3, &v4, &v9, &v14, m13, m0)
        h[0] ^= v0 ^ v8
        h[1] ^= v1 ^ v9
        h[2] ^= v2 ^ v10
        h[3] ^= v3 ^ v11
        h[4] ^= v4 ^ v12
        h[5] ^= v5 ^ v13
        h[6] ^= v6 ^ v14
        h[7] ^= v7 ^ v15
    }

    /// The mixing function G (RFC 7693 §3.1) with rotations 16, 12, 8, 7.
    @inline(__always)
    private static func mix(
        _ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32, _ x: UInt32, _ y: UInt32
    ) {
        a = a &+ b &+ x
        d = (d ^ a).rotatedRight(16)
        c = c &+ d
        b = (b ^ c).rotatedRight(12)
        a = a &+ b &+ y
        d = (d ^ a).rotatedRight(8)
        c = c &+ d
        b = (b ^ c).rotatedRight(7)
    }
}

/// 64 bytes stored inline, so a hasher never touches the heap.
private struct Block: Sendable {
    private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    mutating func withBytes<R>(_ body: (UnsafeMutableRawBufferPointer) -> R) -> R {
        withUnsafeMutableBytes(of: &storage, body)
    }
}

extension UInt32 {
    @inline(__always)
    fileprivate func rotatedRight(_ n: UInt32) -> UInt32 { (self >> n) | (self << (32 - n)) }
}
