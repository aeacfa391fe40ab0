import WireNet

/// The fixed part of a captured IP header: the next protocol, both addresses and where the payload starts (RFC 791
/// section 3.1, RFC 8200 section 3; IPv6 extension headers are not followed).
struct IPHeader {
    /// The protocol of the payload (IPv4 Protocol, IPv6 Next Header): 1 ICMP, 17 UDP, 58 ICMPv6.
    var protocolNumber: UInt8
    var source: IPAddress
    var destination: IPAddress
    /// Where the payload starts: after the IPv4 header's IHL words, or the 40 bytes of an IPv6 header.
    var payload: Int

    /// The header at `at` of a packet whose captured bytes end at `end`, of the family `ethertype` names (0x0800
    /// IPv4, 0x86dd IPv6); nil when its fixed part is not all captured or its version is not that family's.
    init?(_ b: [UInt8], at: Int, end: Int, ethertype: Int) {
        func address(_ from: Int, _ count: Int) -> UInt128 {
            (0..<count).reduce(UInt128(0)) { $0 << 8 | UInt128(b[from + $1]) }
        }
        switch ethertype {
        case 0x0800:
            guard at + 20 <= end, b[at] >> 4 == 4 else { return nil }
            protocolNumber = b[at + 9]
            source = .v4(UInt32(address(at + 12, 4)))
            destination = .v4(UInt32(address(at + 16, 4)))
            payload = at + Int(b[at] & 0x0f) * 4
        case 0x86dd:
            guard at + 40 <= end, b[at] >> 4 == 6 else { return nil }
            protocolNumber = b[at + 6]
            source = .v6(address(at + 8, 16))
            destination = .v6(address(at + 24, 16))
            payload = at + 40
        default: return nil
        }
    }
}
