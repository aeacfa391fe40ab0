/// The four WireGuard message types (whitepaper §5.4): the first byte of every message, followed by three zero
/// bytes (the kernel and wireguard-go read the first four bytes as one little-endian 32-bit type).
public enum MessageType: UInt8, Sendable, CaseIterable {
    /// Handshake initiation (§5.4.2), 148 bytes.
    case handshakeInitiation = 1
    /// Handshake response (§5.4.3), 92 bytes.
    case handshakeResponse = 2
    /// Cookie reply (§5.4.7), 64 bytes.
    case cookieReply = 3
    /// Transport data (§5.4.6): a 16-byte header, then the sealed packet (at least the 16-byte tag).
    case transportData = 4

    /// The exact length of a handshake message, or the minimum length of a transport message.
    public var length: Int {
        switch self {
        case .handshakeInitiation: return 148
        case .handshakeResponse: return 92
        case .cookieReply: return 64
        case .transportData: return TransportHeader.length + 16
        }
    }

    /// The type of a datagram, read from its first four bytes; throws `.truncatedType`/`.unknownType` otherwise.
    public init(of datagram: some Collection<UInt8>) throws(MessageDropReason) {
        guard datagram.count >= 4 else { throw .truncatedType(datagram.count) }
        var raw: UInt32 = 0
        for (i, byte) in datagram.prefix(4).enumerated() { raw |= UInt32(byte) << (8 * UInt32(i)) }
        guard raw <= UInt32(UInt8.max), let type = MessageType(rawValue: UInt8(raw)) else {
            throw .unknownType(raw)
        }
        self = type
    }
}

/// Why a datagram was dropped before any cryptography: the message is not well formed.
public enum MessageDropReason: Error, Equatable, Sendable {
    /// Fewer than the four bytes of a message type.
    case truncatedType(Int)
    /// The first four bytes are not 1, 2, 3 or 4 little-endian (reserved bytes must be zero).
    case unknownType(UInt32)
    /// A handshake message or cookie reply not of its exact length.
    case wrongLength(MessageType, expected: Int, actual: Int)
    /// A transport message shorter than its header and tag (32 bytes).
    case tooShort(MessageType, minimum: Int, actual: Int)
    /// The message decoded is not of the type the caller asked for.
    case unexpectedType(MessageType, expected: MessageType)
}

/// Little-endian field access for the message codecs.
enum MessageBytes {
    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        return value
    }

    static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return value
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    /// Checks the type and exact length, and returns the bytes as an array.
    static func check(
        _ datagram: some Collection<UInt8>, is type: MessageType
    ) throws(MessageDropReason) -> [UInt8] {
        let actual = try MessageType(of: datagram)
        guard actual == type else { throw .unexpectedType(actual, expected: type) }
        guard datagram.count == type.length else {
            throw .wrongLength(type, expected: type.length, actual: datagram.count)
        }
        return Array(datagram)
    }
}
