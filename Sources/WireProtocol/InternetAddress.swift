/// An IPv4 or IPv6 address as the protocol core sees it: in packet headers, in AllowedIPs and in endpoints.
///
/// WireProtocol does not depend on WireConfig; the daemon converts `WireConfig.IPAddress` (same shape) to this.
public enum InternetAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt128)

    /// The family's width in bits: 32 or 128.
    public var bitWidth: Int {
        switch self {
        case .v4: return 32
        case .v6: return 128
        }
    }

    /// The address left-aligned in 128 bits (IPv4 in the top 32), so prefix code is shared by both families.
    public var leftAligned: UInt128 {
        switch self {
        case .v4(let v): return UInt128(v) << 96
        case .v6(let v): return v
        }
    }

    /// The address of the same family as `self` whose left-aligned form is `value`.
    func withLeftAligned(_ value: UInt128) -> InternetAddress {
        switch self {
        case .v4: return .v4(UInt32(truncatingIfNeeded: value >> 96))
        case .v6: return .v6(value)
        }
    }

    /// Dotted quad, or eight groups of hex (no zero compression; for messages and tests only).
    public var description: String {
        switch self {
        case .v4(let v):
            return "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
        case .v6(let v):
            return (0..<8).map { String(UInt16(truncatingIfNeeded: v >> UInt128(112 - 16 * $0)), radix: 16) }
                .joined(separator: ":")
        }
    }
}

/// A UDP endpoint: where a peer's datagrams come from and go to (whitepaper §2, roaming).
public struct UDPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The IP address.
    public var address: InternetAddress
    /// The UDP port.
    public var port: UInt16

    /// An endpoint at `address`:`port`.
    public init(address: InternetAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String {
        if case .v6 = address { return "[\(address)]:\(port)" }
        return "\(address):\(port)"
    }
}
