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
        // ICMP (protocol 1) type 3 code 3; ICMPv6 (next header 58) type 1 code 4.
        let (protocolNumber, type, code): (UInt8, UInt8, UInt8) = ethertype == 0x86dd ? (58, 1, 4) : (1, 3, 3)
        guard let ip = IPHeader(b, at: at, end: end, ethertype: ethertype), ip.protocolNumber == protocolNumber
        else { return nil }
        let icmp = ip.payload
        guard icmp + 8 <= end, b[icmp] == type, b[icmp + 1] == code,
            let quoted = IPHeader(b, at: icmp + 8, end: end, ethertype: ethertype), quoted.protocolNumber == 17,
            quoted.payload + 4 <= end
        else { return nil }
        return PortUnreachable(
            dst: quoted.destination.description, sport: be16(quoted.payload), dport: be16(quoted.payload + 2))
    }
}
