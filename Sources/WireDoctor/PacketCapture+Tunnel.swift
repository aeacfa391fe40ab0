import WireNet

extension PacketCapture {
    /// The source addresses of the IP packets in a pcap file captured on a WireGuard interface itself (`tcpdump -i
    /// wg0 -Q in`: raw IP, link type 12 or 101, or LINUX_SLL/SLL2), one entry per packet, in capture order. A packet
    /// there is one WireGuard decrypted and let through: its inner source is inside the AllowedIPs of the peer it
    /// came from (whitepaper §2, cryptokey routing), so a peer's data that arrives on the UDP side and never shows
    /// here was dropped by that check. Nil when `bytes` is not a pcap file doctor reads.
    public static func sources(_ bytes: [UInt8]) -> [IPAddress]? {
        guard let file = PcapFile(bytes) else { return nil }
        var out: [IPAddress] = []
        for record in file.records {
            let (network, end) = (record.network, record.end)
            switch record.ethertype {
            case 0x0800 where network + 20 <= end && bytes[network] >> 4 == 4:
                let v = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[network + 12 + $1]) }
                out.append(.v4(v))
            case 0x86dd where network + 40 <= end && bytes[network] >> 4 == 6:
                let v = (0..<16).reduce(UInt128(0)) { $0 << 8 | UInt128(bytes[network + 8 + $1]) }
                out.append(.v6(v))
            default: break
            }
        }
        return out
    }
}
