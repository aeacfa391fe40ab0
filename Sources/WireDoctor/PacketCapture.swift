import WireNet

/// Reads a pcap file (the classic format tcpdump writes with `-w`, pcap-savefile(5)) and counts UDP datagrams to and
/// from given ports by remote address: what `doctor --capture` uses to tell "nothing arrives from the peer" from
/// "it arrives and nothing goes back". Link types: LINUX_SLL (113, `tcpdump -i any` before libpcap 1.10),
/// LINUX_SLL2 (276), Ethernet (1) and raw IP (12, 101); IPv4 and IPv6 without extension headers.
public enum PacketCapture {
    /// Datagrams per direction for one remote address.
    public struct Counts: Equatable, Sendable {
        /// From the remote address to one of the ports.
        public var inbound = 0
        /// From one of the ports to the remote address.
        public var outbound = 0
        /// Inbound WireGuard transport data messages carrying a packet (type 4, longer than a 32-byte keepalive).
        public var inboundData = 0
        /// Outbound transport data messages carrying a packet.
        public var outboundData = 0
    }

    /// Counts by remote address (its text form) of UDP datagrams whose destination (inbound) or source (outbound)
    /// port is one of `ports`; nil when `bytes` is not a pcap file doctor reads.
    public static func count(_ bytes: [UInt8], ports: Set<Int>) -> [String: Counts]? {
        guard bytes.count >= 24 else { return nil }
        let magic = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        let little: Bool
        switch magic {
        case 0xa1b2_c3d4, 0xa1b2_3c4d: little = true
        case 0xd4c3_b2a1, 0x4d3c_b2a1: little = false
        default: return nil
        }
        func u32(_ at: Int) -> Int {
            let b = (0..<4).map { UInt32(bytes[at + $0]) }
            return Int(little ? b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24 : b[3] | b[2] << 8 | b[1] << 16 | b[0] << 24)
        }
        let linkType = u32(20) & 0xffff
        var out: [String: Counts] = [:]
        var at = 24
        while at + 16 <= bytes.count {
            let length = u32(at + 8)
            let start = at + 16
            guard start + length <= bytes.count else { break }
            if let (network, protocolType) = payload(bytes, start, length, linkType: linkType),
                let (src, dst, sport, dport, data) = udp(bytes, network, start + length, ethertype: protocolType)
            {
                if ports.contains(dport) {
                    out[src, default: Counts()].inbound += 1
                    if data { out[src, default: Counts()].inboundData += 1 }
                }
                if ports.contains(sport) {
                    out[dst, default: Counts()].outbound += 1
                    if data { out[dst, default: Counts()].outboundData += 1 }
                }
            }
            at = start + length
        }
        return out
    }

    /// Where the network-layer packet starts and its ethertype, after the link-layer header.
    static func payload(_ b: [UInt8], _ start: Int, _ length: Int, linkType: Int) -> (Int, Int)? {
        func be16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        switch linkType {
        case 113 where length >= 16: return (start + 16, be16(start + 14))
        case 276 where length >= 20: return (start + 20, be16(start))
        case 1 where length >= 14: return (start + 14, be16(start + 12))
        case 12, 101:
            guard length >= 1 else { return nil }
            return (start, b[start] >> 4 == 6 ? 0x86dd : 0x0800)
        default: return nil
        }
    }

    /// Source and destination address and ports of a UDP datagram at `at`, and whether it is a WireGuard transport
    /// data message carrying a packet (type 4 and longer than 32 bytes, whitepaper §5.4.6), or nil when it is not
    /// UDP.
    static func udp(_ b: [UInt8], _ at: Int, _ end: Int, ethertype: Int) -> (String, String, Int, Int, Bool)? {
        func be16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        func data(_ udp: Int) -> Bool { udp + 8 < end && b[udp + 8] == 4 && be16(udp + 4) - 8 > 32 }
        switch ethertype {
        case 0x0800:
            guard at + 20 <= end, b[at] >> 4 == 4, b[at + 9] == 17 else { return nil }
            let header = Int(b[at] & 0x0f) * 4
            guard at + header + 4 <= end else { return nil }
            let src = (0..<4).map { String(b[at + 12 + $0]) }.joined(separator: ".")
            let dst = (0..<4).map { String(b[at + 16 + $0]) }.joined(separator: ".")
            return (src, dst, be16(at + header), be16(at + header + 2), data(at + header))
        case 0x86dd:
            guard at + 44 <= end, b[at] >> 4 == 6, b[at + 6] == 17 else { return nil }
            func v6(_ o: Int) -> String {
                var value: UInt128 = 0
                for i in 0..<16 { value = value << 8 | UInt128(b[o + i]) }
                return IPAddress.v6(value).description
            }
            return (v6(at + 8), v6(at + 24), be16(at + 40), be16(at + 42), data(at + 40))
        default: return nil
        }
    }
}
