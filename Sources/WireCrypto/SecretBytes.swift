#if canImport(CCryptoBoringSSL)
    import CCryptoBoringSSL
#endif

/// A fixed number of secret bytes (chaining keys, handshake hashes, cipher keys, ephemeral private keys) in one
/// heap block that is zeroed when it is wiped and again when it is freed.
///
/// Swift arrays are values: their buffers are copied on write and freed without being cleared, so a key held in
/// `[UInt8]` leaves copies in freed memory. Handshake state is kept here instead, and the owner wipes it at the
/// events wireguard-go clears it at (device/noise-protocol.go `Handshake.Clear`, `setZero` after
/// `BeginSymmetricSession`): when a handshake completes, is replaced, expires, or its peer is removed. A value type
/// that holds a `SecretBytes` copies it before writing when it is shared (`isKnownUniquelyReferenced`), so value
/// semantics hold. Zeroing uses OPENSSL_cleanse, which the compiler may not drop as a dead store.
public final class SecretBytes: @unchecked Sendable, CustomStringConvertible, CustomReflectable {
    // Written only by its single owner (value types copy before writing when shared).
    private let storage: UnsafeMutableRawBufferPointer

    /// `count` zero bytes.
    public init(count: Int) {
        storage = .allocate(byteCount: count, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
    }

    /// A copy of `other`'s bytes in a block of its own.
    public convenience init(copying other: SecretBytes) {
        self.init(count: other.count)
        storage.copyMemory(from: UnsafeRawBufferPointer(other.storage))
    }

    deinit {
        wipe()
        storage.deallocate()
    }

    /// The number of bytes.
    public var count: Int { storage.count }

    /// Overwrites every byte with zero. The corresponding C function is `OPENSSL_cleanse`.
    public func wipe() {
        Self.cleanse(storage)
    }

    /// Whether every byte is zero (what the wiping tests look at).
    public var isZero: Bool { storage.allSatisfy { $0 == 0 } }

    /// A copy of `range` as an array (for a computation that takes `[UInt8]`).
    public subscript(range: Range<Int>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(rebasing: storage[range]))
    }

    /// Writes `bytes` at `offset`.
    public func write(_ bytes: [UInt8], at offset: Int) {
        precondition(offset >= 0 && offset + bytes.count <= storage.count, "SecretBytes.write out of range")
        bytes.withUnsafeBytes { (storage.baseAddress! + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    /// Runs `body` over `range` without copying it out.
    public func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[range]))
    }

    /// Zeroes a temporary array in place (a derived key copied out for a computation) before it is freed.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { cleanse($0) }
    }

    static func cleanse(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        #if canImport(CCryptoBoringSSL)
            CCryptoBoringSSL_OPENSSL_cleanse(base, buffer.count)
        #else
            for i in 0..<buffer.count { (base + i).storeBytes(of: 0 as UInt8, as: UInt8.self) }
        #endif
    }

    /// Never the bytes.
    public var description: String { "SecretBytes(\(count), redacted)" }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
