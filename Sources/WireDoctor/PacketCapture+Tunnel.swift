import WireNet

extension PacketCapture {
    /// The source addresses of the IP packets in a pcap file captured on a WireGuard interface itself (`tcpdump -i
    /// wg0 -Q in`: raw IP, link type 12 or 101, or LINUX_SLL/SLL2), one entry per packet, in capture order. A packet
    /// there is one WireGuard decrypted and let through: its inner source is inside the AllowedIPs of the peer it
    /// came from (whitepaper §2, cryptokey routing), so a peer's data that arrives on the UDP side and never shows
    /// here was dropped by that check. Nil when `bytes` is not a pcap file doctor reads.
    public static func sources(_ bytes: [UInt8]) -> [IPAddress]? {
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
        var out: [IPAddress] = []
        var at = 24
        while at + 16 <= bytes.count {
            let length = u32(at + 8)
            let start = at + 16
            guard start + length <= bytes.count else { break }
            let end = start + length
            if let (network, ethertype) = payload(bytes, start, length, linkType: linkType) {
                switch ethertype {
                case 0x0800 where network + 20 <= end && bytes[network] >> 4 == 4:
                    let v = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[network + 12 + $1]) }
                    out.append(.v4(v))
                case 0x86dd where network + 40 <= end && bytes[network] >> 4 == 6:
                    let v = (0..<16).reduce(UInt128(0)) { $0 << 8 | UInt128(bytes[network + 8 + $1]) }
                    out.append(.v6(v))
                default: break
                }
            }
            at = end
        }
        return out
    }
}
