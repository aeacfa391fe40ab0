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
            if let ip = IPHeader(bytes, at: record.network, end: record.end, ethertype: record.ethertype) {
                out.append(ip.source)
            }
        }
        return out
    }
}
