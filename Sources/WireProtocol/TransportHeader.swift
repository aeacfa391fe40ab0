/// The 16-byte header of a transport data message (whitepaper §5.4.6).
///
/// Layout: type 4 and three zero bytes, receiver index (4), counter (8), both little-endian; then the sealed
/// packet, at least the 16-byte tag. The header codec works on any byte collection so a caller can keep the packet
/// in its own buffer: decode the header from the first 16 bytes and open `datagram[16...]` in place.
public struct TransportHeader: Equatable, Sendable {
    /// The header length: 16 bytes.
    public static let length = 16

    /// The receiver's index for the session (the peer's sender index from the handshake).
    public var receiverIndex: UInt32
    /// The nonce counter of this packet.
    public var counter: UInt64

    /// A header from its fields.
    public init(receiverIndex: UInt32, counter: UInt64) {
        self.receiverIndex = receiverIndex
        self.counter = counter
    }

    /// Decodes the header of a whole transport datagram, which must hold at least 32 bytes (header and tag).
    public init(decoding datagram: some Collection<UInt8>) throws(MessageDropReason) {
        let type = try MessageType(of: datagram)
        guard type == .transportData else { throw .unexpectedType(type, expected: .transportData) }
        guard datagram.count >= MessageType.transportData.length else {
            throw .tooShort(.transportData, minimum: MessageType.transportData.length, actual: datagram.count)
        }
        let b = Array(datagram.prefix(Self.length))
        self.init(receiverIndex: MessageBytes.readUInt32(b, at: 4), counter: MessageBytes.readUInt64(b, at: 8))
    }

    /// The 16-byte wire form.
    public var encoded: [UInt8] {
        var out: [UInt8] = [MessageType.transportData.rawValue, 0, 0, 0]
        out.reserveCapacity(Self.length)
        MessageBytes.append(receiverIndex, to: &out)
        MessageBytes.append(counter, to: &out)
        return out
    }
}
