import Testing
import WireConfig
import WireCrypto

#if canImport(Glibc)
    import Glibc
#endif

/// IPAddress against glibc's own `inet_pton`/`inet_ntop`, called directly: the live oracle behind the forms
/// IPAddressTests copied from `wg showconf` once.
@Suite struct IPAddressGlibcTests {
    /// What glibc's inet_pton makes of `text`: the address, or nil when it rejects it.
    static func glibcParse(_ text: String) -> IPAddress? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return .v4(UInt32(bigEndian: v4.s_addr)) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        return .v6(bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) })
    }

    /// What glibc's inet_ntop prints for `address`.
    static func glibcPrint(_ address: IPAddress) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch address {
        case .v4(let value):
            var raw = in_addr(s_addr: value.bigEndian)
            _ = inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count))
        case .v6(let value):
            var raw = in6_addr()
            withUnsafeMutableBytes(of: &raw) { bytes in
                for i in 0..<16 { bytes[i] = UInt8(truncatingIfNeeded: value >> UInt128(120 - 8 * i)) }
            }
            _ = inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
        }
        return String(cString: buffer)
    }

    /// A random IPv6 address whose words are zero half the time (so runs of zeros, and the IPv4 tails of
    /// `::a.b.c.d` and `::ffff:a.b.c.d`, come up often).
    static func randomV6(_ rng: inout SeededRandom) -> IPAddress {
        var value: UInt128 = 0
        let shape = Int.random(in: 0..<8, using: &rng)
        for word in 0..<8 {
            var w = UInt16.random(in: 0...UInt16.max, using: &rng)
            if Bool.random(using: &rng) { w = 0 }
            if shape == 0 && word < 6 { w = 0 }  // ::a.b.c.d
            if shape == 1 && word < 6 { w = word == 5 ? 0xffff : 0 }  // ::ffff:a.b.c.d
            value = value << 16 | UInt128(w)
        }
        return .v6(value)
    }

    @Test("20,000 random addresses print as inet_ntop prints them and parse back as inet_pton parses them")
    func randomAddressesAgreeWithGlibc() {
        var rng = SeededRandom(seed: 0x1_0e7_0a)
        var mismatches: [String] = []
        for i in 0..<20_000 {
            let address =
                i % 4 == 0 ? IPAddress.v4(UInt32.random(in: 0...UInt32.max, using: &rng)) : Self.randomV6(&rng)
            let printed = Self.glibcPrint(address)
            if address.description != printed { mismatches.append("\(address) vs glibc \(printed)") }
            if IPAddress(printed) != Self.glibcParse(printed) { mismatches.append("parse \(printed)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    /// The hand-written forms of IPAddressTests, and its rejections, through glibc too.
    @Test(arguments: [
        "10.0.0.1", "::", "::1", "FD00:0:0:0:0:0:0:1", "2001:db8:0:0:1:0:0:1", "::ffff:1.2.3.4", "::1.2.3.4",
        "1:0:0:2:0:0:0:3", "::ffff:0:0", "1:0:0:1:0:0:0:1", "0:0:1::", "::2", "::0.1.0.0", "::fffe:1.2.3.4",
        "::1:2:3:4:5:6:7", "01.2.3.4", "1.2.3", "256.1.1.1", "1.2.3.4.5", ":::", "1::2::3", "fd00::1:", "12345::", "",
        "1.2.3.04", "0x1.2.3.4", "::ffff:1.2.3", "1:2:3:4:5:6:7:8:9", "::1.2.3.4:5",
    ])
    func handWrittenFormsAgreeWithGlibc(text: String) {
        let glibc = Self.glibcParse(text)
        #expect(IPAddress(text) == glibc)
        if let glibc { #expect(glibc.description == Self.glibcPrint(glibc)) }
    }
}
