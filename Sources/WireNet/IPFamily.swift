/// An address family, as `iptables` vs `ip6tables` and `net.ipv4` vs `net.ipv6` split them.
public enum IPFamily: String, Hashable, Sendable, Codable, CaseIterable {
    case ipv4, ipv6

    /// The family of an address.
    @inlinable
    public init(_ address: IPAddress) { self = address.isIPv4 ? .ipv4 : .ipv6 }

    /// The family's width in bits: 32 or 128.
    public var bitWidth: Int { self == .ipv4 ? 32 : 128 }
}
