import WireNet

extension PacketCapture {
    /// The tcpdump filter for the capture: UDP on `ports`, and the ICMP errors that say a UDP port is closed
    /// (ICMP destination unreachable, type 3, RFC 792; ICMPv6 destination unreachable, type 1, RFC 4443, the type
    /// read where it is without extension headers).
    static func filter(ports: Set<Int>) -> String {
        "(udp and (" + ports.sorted().map { "port \($0)" }.joined(separator: " or ") + "))"
            + " or (icmp and icmp[0] == 3) or (icmp6 and ip6[40] == 1)"
    }

    /// A "port unreachable" answer to a datagram this host sent: ICMP type 3 code 3 (RFC 792) or ICMPv6 type 1
    /// code 4 (RFC 4443), which quote the datagram's IP header and first 8 bytes, so its destination address and
    /// both ports are known.
    struct PortUnreachable: Equatable {
        /// Where the quoted datagram was sent.
        var dst: String
        /// Its source port (this host's).
        var sport: Int
        /// Its destination port, the one nothing listens on.
        var dport: Int
    }

    /// The port-unreachable error in the IP packet at `at`, or nil when it is none.
    static func portUnreachable(_ b: [UInt8], _ at: Int, _ end: Int, ethertype: Int) -> PortUnreachable? {
        func be16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        switch ethertype {
        case 0x0800:
            guard at + 20 <= end, b[at] >> 4 == 4, b[at + 9] == 1 else { return nil }
            let icmp = at + Int(b[at] & 0x0f) * 4
            guard icmp + 8 + 20 <= end, b[icmp] == 3, b[icmp + 1] == 3 else { return nil }
            let quoted = icmp + 8
            guard b[quoted] >> 4 == 4, b[quoted + 9] == 17 else { return nil }
            let udp = quoted + Int(b[quoted] & 0x0f) * 4
            guard udp + 4 <= end else { return nil }
            let dst = (0..<4).map { String(b[quoted + 16 + $0]) }.joined(separator: ".")
            return PortUnreachable(dst: dst, sport: be16(udp), dport: be16(udp + 2))
        case 0x86dd:
            guard at + 40 <= end, b[at] >> 4 == 6, b[at + 6] == 58 else { return nil }
            let icmp = at + 40
            guard icmp + 8 + 40 + 4 <= end, b[icmp] == 1, b[icmp + 1] == 4 else { return nil }
            let quoted = icmp + 8
            guard b[quoted] >> 4 == 6, b[quoted + 6] == 17 else { return nil }
            var value: UInt128 = 0
            for i in 0..<16 { value = value << 8 | UInt128(b[quoted + 24 + i]) }
            return PortUnreachable(
                dst: IPAddress.v6(value).description, sport: be16(quoted + 40), dport: be16(quoted + 42))
        default: return nil
        }
    }
}
