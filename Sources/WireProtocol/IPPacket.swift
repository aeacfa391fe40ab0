import WireNet

/// Reading the few header fields the protocol core needs from an IP packet (whitepaper §2, cryptokey routing).
///
/// Only the version, the total length (to strip transport padding) and the source and destination addresses are
/// read; nothing else in the packet is trusted or inspected.
public enum IPPacket {
    /// Why a buffer is not an IP packet the tunnel will route.
    public enum Malformed: Error, Hashable, Sendable {
        /// Fewer bytes than the fixed header of the version needs.
        case truncatedHeader(length: Int)
        /// The version nibble is neither 4 nor 6.
        case unknownVersion(UInt8)
        /// The header's length field claims more bytes than the buffer holds.
        case lengthBeyondBuffer(claimed: Int, available: Int)
    }

    /// The header facts of one packet.
    public struct Header: Hashable, Sendable {
        /// Source address.
        public var source: IPAddress
        /// Destination address.
        public var destination: IPAddress
        /// Length of the packet per its header (padding beyond it is not part of the packet).
        public var length: Int
    }

    /// Parses the header of `packet`.
    public static func header(of packet: UnsafeRawBufferPointer) throws(Malformed) -> Header {
        guard packet.count >= 1 else { throw .truncatedHeader(length: 0) }
        let version = packet[0] >> 4
        switch version {
        case 4:
            guard packet.count >= 20 else { throw .truncatedHeader(length: packet.count) }
            let length = Int(packet[2]) << 8 | Int(packet[3])
            guard length <= packet.count else { throw .lengthBeyondBuffer(claimed: length, available: packet.count) }
            guard length >= 20 else { throw .truncatedHeader(length: length) }
            return Header(
                source: .v4(readV4(packet, at: 12)), destination: .v4(readV4(packet, at: 16)),
                length: length)
        case 6:
            guard packet.count >= 40 else { throw .truncatedHeader(length: packet.count) }
            let length = 40 + (Int(packet[4]) << 8 | Int(packet[5]))
            guard length <= packet.count else { throw .lengthBeyondBuffer(claimed: length, available: packet.count) }
            return Header(
                source: .v6(readV6(packet, at: 8)), destination: .v6(readV6(packet, at: 24)),
                length: length)
        default:
            throw .unknownVersion(version)
        }
    }

    /// Parses the header of `packet`.
    public static func header(of packet: [UInt8]) throws(Malformed) -> Header {
        let result = packet.withUnsafeBytes { p in
            Result { () throws(Malformed) -> Header in try header(of: p) }
        }
        return try result.get()
    }

    private static func readV4(_ p: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(p[offset]) << 24 | UInt32(p[offset + 1]) << 16 | UInt32(p[offset + 2]) << 8 | UInt32(p[offset + 3])
    }

    private static func readV6(_ p: UnsafeRawBufferPointer, at offset: Int) -> UInt128 {
        var v: UInt128 = 0
        for i in 0..<16 { v = v << 8 | UInt128(p[offset + i]) }
        return v
    }
}
