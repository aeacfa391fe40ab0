import Testing

@testable import WireProtocol

/// The kernel's allowedips selftest (drivers/net/wireguard/selftest/allowedips.c) and a randomized comparison.
@Suite("AllowedIPs (cryptokey routing trie)")
struct AllowedIPsTests {
    static func ip4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> IPAddress {
        .v4(a << 24 | b << 16 | c << 8 | d)
    }

    static func ip6(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> IPAddress {
        .v6(UInt128(a) << 96 | UInt128(b) << 64 | UInt128(c) << 32 | UInt128(d))
    }

    /// The selftest's insertions, peers a...h as characters.
    static func kernelTable() throws -> AllowedIPs<Character> {
        var t = AllowedIPs<Character>()
        try t.insert(ip4(192, 168, 4, 0), prefixLength: 24, peer: "a")
        try t.insert(ip4(192, 168, 4, 4), prefixLength: 32, peer: "b")
        try t.insert(ip4(192, 168, 0, 0), prefixLength: 16, peer: "c")
        try t.insert(ip4(192, 95, 5, 64), prefixLength: 27, peer: "d")
        try t.insert(ip4(192, 95, 5, 65), prefixLength: 27, peer: "c")  // replaces, host bits masked
        try t.insert(ip6(0x2607_5300, 0x6000_6b00, 0, 0xc05f_0543), prefixLength: 128, peer: "d")
        try t.insert(ip6(0x2607_5300, 0x6000_6b00, 0, 0), prefixLength: 64, peer: "c")
        try t.insert(ip4(0, 0, 0, 0), prefixLength: 0, peer: "e")
        try t.insert(ip6(0, 0, 0, 0), prefixLength: 0, peer: "e")
        try t.insert(ip6(0, 0, 0, 0), prefixLength: 0, peer: "f")  // replaces
        try t.insert(ip6(0x2404_6800, 0, 0, 0), prefixLength: 32, peer: "g")
        try t.insert(ip6(0x2404_6800, 0x4004_0800, 0xdead_beef, 0xdead_beef), prefixLength: 64, peer: "h")
        try t.insert(ip6(0x2404_6800, 0x4004_0800, 0xdead_beef, 0xdead_beef), prefixLength: 128, peer: "a")
        try t.insert(ip6(0x2444_6800, 0x40e4_0800, 0xdeae_beef, 0xdefbeef), prefixLength: 128, peer: "c")
        try t.insert(ip6(0x2444_6800, 0xf0e4_0800, 0xeeae_beef, 0), prefixLength: 98, peer: "b")
        try t.insert(ip4(64, 15, 112, 0), prefixLength: 20, peer: "g")
        try t.insert(ip4(64, 15, 123, 211), prefixLength: 25, peer: "h")
        try t.insert(ip4(10, 0, 0, 0), prefixLength: 25, peer: "a")
        try t.insert(ip4(10, 0, 0, 128), prefixLength: 25, peer: "b")
        try t.insert(ip4(10, 1, 0, 0), prefixLength: 30, peer: "a")
        try t.insert(ip4(10, 1, 0, 4), prefixLength: 30, peer: "b")
        try t.insert(ip4(10, 1, 0, 8), prefixLength: 29, peer: "c")
        try t.insert(ip4(10, 1, 0, 16), prefixLength: 29, peer: "d")
        return t
    }

    static let lookups: [(IPAddress, Character)] = [
        (ip4(192, 168, 4, 20), "a"), (ip4(192, 168, 4, 0), "a"), (ip4(192, 168, 4, 4), "b"),
        (ip4(192, 168, 200, 182), "c"), (ip4(192, 95, 5, 68), "c"), (ip4(192, 95, 5, 96), "e"),
        (ip6(0x2607_5300, 0x6000_6b00, 0, 0xc05f_0543), "d"), (ip6(0x2607_5300, 0x6000_6b00, 0, 0xc02e_01ee), "c"),
        (ip6(0x2607_5300, 0x6000_6b01, 0, 0), "f"), (ip6(0x2404_6800, 0x4004_0806, 0, 0x1006), "g"),
        (ip6(0x2404_6800, 0x4004_0806, 0x1234, 0x5678), "g"), (ip6(0x2404_67ff, 0x4004_0806, 0x1234, 0x5678), "f"),
        (ip6(0x2404_6801, 0x4004_0806, 0x1234, 0x5678), "f"), (ip6(0x2404_6800, 0x4004_0800, 0x1234, 0x5678), "h"),
        (ip6(0x2404_6800, 0x4004_0800, 0, 0), "h"), (ip6(0x2404_6800, 0x4004_0800, 0x1010_1010, 0x1010_1010), "h"),
        (ip6(0x2404_6800, 0x4004_0800, 0xdead_beef, 0xdead_beef), "a"),
        (ip4(64, 15, 116, 26), "g"), (ip4(64, 15, 127, 3), "g"), (ip4(64, 15, 123, 1), "g"),
        (ip4(64, 15, 123, 128), "h"), (ip4(64, 15, 123, 129), "h"),
        (ip4(10, 0, 0, 52), "a"), (ip4(10, 0, 0, 220), "b"), (ip4(10, 1, 0, 2), "a"),
        (ip4(10, 1, 0, 6), "b"), (ip4(10, 1, 0, 10), "c"), (ip4(10, 1, 0, 20), "d"),
    ]

    @Test("kernel selftest lookups after its insertions")
    func kernelLookups() throws {
        let t = try Self.kernelTable()
        for (address, peer) in Self.lookups {
            #expect(t.lookup(address) == peer, "lookup \(address)")
        }
    }

    @Test("remove by peer takes every prefix of that peer and nothing else")
    func removeByPeer() throws {
        var t = try Self.kernelTable()
        for first in [1, 64, 128, 192, 255] as [UInt32] {
            try t.insert(Self.ip4(first, 0, 0, 0), prefixLength: 32, peer: "a")
        }
        t.removeAll(of: "a")
        for first in [1, 64, 128, 192, 255] as [UInt32] {
            #expect(t.lookup(Self.ip4(first, 0, 0, 0)) != "a")
        }
        #expect(t.prefixes(of: "a").isEmpty)
        // Others keep their routes; what a held now falls to the next shorter prefix.
        #expect(t.lookup(Self.ip4(192, 168, 4, 4)) == "b")
        #expect(t.lookup(Self.ip4(192, 168, 4, 20)) == "c")
        #expect(t.lookup(Self.ip4(10, 1, 0, 20)) == "d")
    }

    @Test("nested prefixes of one peer are all removed")
    func removeNested() throws {
        var t = AllowedIPs<Character>()
        try t.insert(Self.ip4(192, 168, 0, 0), prefixLength: 16, peer: "a")
        try t.insert(Self.ip4(192, 168, 0, 0), prefixLength: 24, peer: "a")
        t.removeAll(of: "a")
        #expect(t.lookup(Self.ip4(192, 168, 0, 1)) == nil)
        #expect(t.isEmpty)
    }

    @Test("128 host routes differing in one bit each, then removed: no node left")
    func singleBitRoutes() throws {
        var t = AllowedIPs<Character>()
        for i in 0..<128 {
            let part = ~(UInt64(1) << UInt64(i % 64))
            let value: UInt128 =
                i < 64
                ? (UInt128(UInt64.max) << 64 | UInt128(part))
                : (UInt128(part) << 64 | UInt128(UInt64.max))
            try t.insert(.v6(value), prefixLength: 128, peer: "a")
        }
        #expect(t.count == 128)
        t.removeAll(of: "a")
        #expect(t.isEmpty)
        #expect(t.lookup(.v6(~UInt128(0) ^ 1)) == nil)
    }

    @Test("prefixes are listed per peer with host bits masked")
    func listing() throws {
        var t = AllowedIPs<Character>()
        try t.insert(Self.ip4(192, 95, 5, 93), prefixLength: 27, peer: "a")
        try t.insert(Self.ip6(0x2607_5300, 0x6000_6b00, 0, 0xc05f_0543), prefixLength: 128, peer: "a")
        try t.insert(Self.ip4(10, 1, 0, 20), prefixLength: 29, peer: "a")
        try t.insert(Self.ip6(0x2607_5300, 0x6d8a_6bf8, 0xdab1_f1df, 0xc05f_1523), prefixLength: 83, peer: "a")
        try t.insert(Self.ip6(0x2607_5300, 0x6d8a_6bf8, 0xdab1_f1df, 0xc05f_1523), prefixLength: 21, peer: "a")
        let listed = Set(t.prefixes(of: "a").map { "\($0.address)/\($0.prefixLength)" })
        let expected: Set<String> = [
            "\(Self.ip4(192, 95, 5, 64))/27",
            "\(Self.ip6(0x2607_5300, 0x6000_6b00, 0, 0xc05f_0543))/128",
            "\(Self.ip4(10, 1, 0, 16))/29",
            "\(Self.ip6(0x2607_5300, 0x6d8a_6bf8, 0xdab1_e000, 0))/83",
            "\(Self.ip6(0x2607_5000, 0, 0, 0))/21",
        ]
        #expect(listed == expected)
    }

    @Test("the same prefix inserted for another peer moves to it (wg's later-peer-wins)")
    func laterInsertionMoves() throws {
        var t = AllowedIPs<Character>()
        try t.insert(Self.ip4(10, 0, 0, 0), prefixLength: 24, peer: "a")
        try t.insert(Self.ip4(10, 0, 0, 0), prefixLength: 25, peer: "a")
        try t.insert(Self.ip4(10, 0, 0, 0), prefixLength: 24, peer: "b")
        #expect(t.prefixes(of: "a").map(\.prefixLength) == [25])
        #expect(t.lookup(Self.ip4(10, 0, 0, 200)) == "b")
        #expect(t.lookup(Self.ip4(10, 0, 0, 1)) == "a")
    }

    @Test("a prefix length beyond the family is a typed error")
    func badPrefixLength() {
        var t = AllowedIPs<Character>()
        #expect(throws: AllowedIPs<Character>.Failure.prefixLengthOutOfRange(length: 33, family: 32)) {
            try t.insert(Self.ip4(10, 0, 0, 0), prefixLength: 33, peer: "a")
        }
        #expect(throws: AllowedIPs<Character>.Failure.prefixLengthOutOfRange(length: -1, family: 128)) {
            try t.insert(.v6(0), prefixLength: -1, peer: "a")
        }
    }

    @Test("remove of one prefix only when it belongs to that peer")
    func removeOne() throws {
        var t = AllowedIPs<Character>()
        try t.insert(Self.ip4(10, 0, 0, 0), prefixLength: 8, peer: "a")
        try t.insert(Self.ip4(10, 1, 0, 0), prefixLength: 16, peer: "b")
        let removedForWrongPeer = t.remove(Self.ip4(10, 1, 0, 0), prefixLength: 16, peer: "a")
        let removedForOwner = t.remove(Self.ip4(10, 1, 0, 0), prefixLength: 16, peer: "b")
        #expect(!removedForWrongPeer)
        #expect(removedForOwner)
        #expect(t.lookup(Self.ip4(10, 1, 2, 3)) == "a")
    }
}
