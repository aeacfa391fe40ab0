/// A pcap file as tcpdump writes it with `-w` (the classic savefile format, pcap-savefile(5)): a 24-byte header
/// whose magic number gives the byte order and the timestamp unit, then records of a 16-byte header (seconds,
/// sub-seconds, captured length, original length) and the captured bytes. Link types read: LINUX_SLL (113, `tcpdump
/// -i any` before libpcap 1.10), LINUX_SLL2 (276), Ethernet (1) and raw IP (12, 101).
struct PcapFile {
    /// One captured packet whose link-layer header was understood.
    struct Record {
        /// Seconds since the epoch.
        var time: Double
        /// Where the network-layer packet starts in the file's bytes.
        var network: Int
        /// Its ethertype: 0x0800 for IPv4, 0x86dd for IPv6 (raw IP is told by the version nibble).
        var ethertype: Int
        /// Where the captured bytes of the record end.
        var end: Int
    }

    /// The records in capture order; one with a link type not read, or too short for its link header, is skipped,
    /// and a record cut off by the end of the file ends the list.
    let records: [Record]

    /// Nil when `bytes` does not start with a pcap header (a pcapng file, or nothing written yet).
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 24 else { return nil }
        let magic = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        let little: Bool
        switch magic {
        case 0xa1b2_c3d4, 0xa1b2_3c4d: little = true
        case 0xd4c3_b2a1, 0x4d3c_b2a1: little = false
        default: return nil
        }
        let nanoseconds = magic == 0xa1b2_3c4d || magic == 0x4d3c_b2a1
        func u32(_ at: Int) -> Int {
            let b = (0..<4).map { UInt32(bytes[at + $0]) }
            return Int(little ? b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24 : b[3] | b[2] << 8 | b[1] << 16 | b[0] << 24)
        }
        let linkType = u32(20) & 0xffff
        var records: [Record] = []
        var at = 24
        while at + 16 <= bytes.count {
            let length = u32(at + 8)
            let start = at + 16
            guard start + length <= bytes.count else { break }
            if let (network, ethertype) = Self.networkLayer(bytes, start, length, linkType: linkType) {
                let time = Double(u32(at)) + Double(u32(at + 4)) / (nanoseconds ? 1e9 : 1e6)
                records.append(Record(time: time, network: network, ethertype: ethertype, end: start + length))
            }
            at = start + length
        }
        self.records = records
    }

    /// Where the network-layer packet starts and its ethertype, after the link-layer header.
    static func networkLayer(_ b: [UInt8], _ start: Int, _ length: Int, linkType: Int) -> (Int, Int)? {
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
}
