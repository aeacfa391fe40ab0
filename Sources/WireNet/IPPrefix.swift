/// An address with a prefix length: an AllowedIPs entry, a route, or a wg-quick `Address`.
///
/// The address keeps whatever host bits were written (an `Address = 10.0.0.1/24` needs them); `network` masks
/// them off, as wg does to AllowedIPs (`10.1.2.3/24` becomes `10.1.2.0/24`).
public struct IPPrefix: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address as written (host bits kept; see `network`).
    public var address: IPAddress
    /// The prefix length, 0...32 or 0...128.
    public var length: Int

    /// Creates a prefix; returns nil when `length` exceeds the family's width.
    public init?(address: IPAddress, length: Int) {
        guard length >= 0, length <= address.bitWidth else { return nil }
        self.address = address
        self.length = length
    }

    /// Parses `ADDR/LEN` or a bare `ADDR` (a host route: /32 or /128), as wg parses AllowedIPs.
    public init?(_ text: some StringProtocol) {
        let s = String(text)
        if let slash = s.firstIndex(of: "/") {
            guard let addr = IPAddress(s[..<slash]) else { return nil }
            let lenText = s[s.index(after: slash)...]
            guard !lenText.isEmpty, lenText.count <= 3, lenText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let len = Int(lenText)
            else { return nil }
            self.init(address: addr, length: len)
        } else {
            guard let addr = IPAddress(s) else { return nil }
            self.init(address: addr, length: addr.bitWidth)
        }
    }

    /// A prefix whose length the caller has checked (0...bitWidth); for code that builds prefixes from its own bits.
    @usableFromInline
    init(unchecked address: IPAddress, length: Int) {
        self.address = address
        self.length = length
    }

    /// A host prefix: /32 for IPv4, /128 for IPv6.
    public static func host(_ address: IPAddress) -> IPPrefix {
        IPPrefix(address: address, length: address.bitWidth)!
    }

    /// The mask as a left-aligned 128-bit value.
    public var leftMask: UInt128 { length == 0 ? 0 : ~UInt128(0) << UInt128(128 - length) }

    /// The prefix with host bits cleared.
    public var network: IPPrefix {
        var p = self
        p.address = address.withLeftAligned(address.leftAligned & leftMask)
        return p
    }

    /// True when no host bits are set.
    public var isCanonical: Bool { network.address == address }

    /// True when `address` is of the same family and inside this prefix.
    public func contains(_ other: IPAddress) -> Bool {
        guard other.bitWidth == address.bitWidth else { return false }
        return (other.leftAligned & leftMask) == (address.leftAligned & leftMask)
    }

    /// True when every address of `other` is inside this prefix.
    public func contains(_ other: IPPrefix) -> Bool {
        other.length >= length && contains(other.address)
    }

    /// True when the two prefixes share at least one address.
    public func overlaps(_ other: IPPrefix) -> Bool {
        contains(other) || other.contains(self)
    }

    /// True for 0.0.0.0/0 or ::/0.
    public var isDefaultRoute: Bool { length == 0 }

    /// `ADDRESS/LENGTH`, the address as inet_ntop prints it.
    public var description: String { "\(address)/\(length)" }

    /// Ordered by address, then length.
    public static func < (a: IPPrefix, b: IPPrefix) -> Bool {
        (a.address, a.length) < (b.address, b.length)
    }
}
