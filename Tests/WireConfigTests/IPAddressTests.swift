import Testing

@testable import WireConfig

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("10.0.0.1", "10.0.0.1"), ("::", "::"), ("::1", "::1"), ("fd00::1", "fd00::1"),
        ("FD00:0:0:0:0:0:0:1", "fd00::1"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("::ffff:1.2.3.4", "::ffff:1.2.3.4"), ("::1.2.3.4", "::1.2.3.4"), ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("2001:db8::", "2001:db8::"), ("0:0:1::", "0:0:1::"),
    ])
    func parsesAndPrintsLikeInetNtop(input: String, printed: String) throws {
        let a = try #require(IPAddress(input))
        #expect(a.description == printed)
    }

    /// Printed by `wg showconf` (glibc inet_ntop) on this machine for these AllowedIPs: an IPv4 tail only for
    /// `::a.b.c.d` (six zero words) and `::ffff:a.b.c.d`, never for `::2` (seven zero words), and a single zero word
    /// is never compressed.
    @Test(arguments: [
        ("::ffff:0:0", "::ffff:0.0.0.0"), ("1:0:0:1:0:0:0:1", "1:0:0:1::1"), ("0:0:1::", "0:0:1::"), ("::2", "::2"),
        ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"), ("0:0:0:0:0:0:0:1", "::1"), ("::0.1.0.0", "::0.1.0.0"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("0:1::", "0:1::"), ("::fffe:1.2.3.4", "::fffe:102:304"),
        ("0:0:0:0:0:1:0:0", "::1:0:0"), ("::0:1:0:0:0", "::1:0:0:0"), ("1:0::", "1::"),
        ("::1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7"), ("0:0:0:0:0:ffff:102:304", "::ffff:1.2.3.4"),
    ])
    func printsWhatWgShowconfPrints(input: String, printed: String) throws {
        let a = try #require(IPAddress(input))
        #expect(a.description == printed)
    }

    @Test(arguments: ["01.2.3.4", "1.2.3", "256.1.1.1", "1.2.3.4.5", ":::", "1::2::3", "fd00::1:", "12345::", ""])
    func rejectsWhatInetPtonRejects(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func prefixMasksHostBits() throws {
        let p = try #require(IPPrefix("10.1.2.3/24"))
        #expect(p.network.description == "10.1.2.0/24")
        #expect(!p.isCanonical)
        #expect(try #require(IPPrefix("10.0.0.0/8")).contains(try #require(IPPrefix("10.9.0.0/16"))))
        #expect(IPPrefix("10.0.0.0/33") == nil)
    }
}
