import Testing
import WireCrypto

@testable import WireProtocol

/// The obviously-correct model: one dictionary per (family, prefix length), tried longest first.
struct ReferenceRoutes {
    var tables: [Int: [UInt128: Int]] = [:]  // key: family * 1000 + prefix length

    static func mask(_ length: Int) -> UInt128 { length == 0 ? 0 : ~UInt128(0) << (128 - length) }

    mutating func insert(_ address: IPAddress, _ length: Int, _ peer: Int) {
        tables[address.bitWidth * 1000 + length, default: [:]][address.leftAligned & Self.mask(length)] = peer
    }

    mutating func removeAll(of peer: Int) {
        for (k, table) in tables { tables[k] = table.filter { $0.value != peer } }
    }

    func lookup(_ address: IPAddress) -> Int? {
        for length in stride(from: address.bitWidth, through: 0, by: -1) {
            if let table = tables[address.bitWidth * 1000 + length],
                let peer = table[address.leftAligned & Self.mask(length)]
            {
                return peer
            }
        }
        return nil
    }
}

@Suite("AllowedIPs against a reference model")
struct AllowedIPsRandomTests {
    /// A random address near `base`: the first `keep` bits of `base`, the rest random.
    static func mutate(_ base: IPAddress, keep: Int, _ rng: inout SeededRandom) -> IPAddress {
        let m = ReferenceRoutes.mask(keep)
        return base.withLeftAligned((base.leftAligned & m) | (UInt128(rng.next()) << 64 | UInt128(rng.next())) & ~m)
    }

    static func randomAddress(v6: Bool, _ rng: inout SeededRandom) -> IPAddress {
        v6 ? .v6(UInt128(rng.next()) << 64 | UInt128(rng.next())) : .v4(UInt32(truncatingIfNeeded: rng.next()))
    }

    @Test("100,000 routes (kernel-style random and mutated prefixes, 2000 peers), removals, then empty")
    func randomized() throws {
        var rng = SeededRandom(seed: 0x5EED_A11D)
        var trie = AllowedIPs<Int>()
        var model = ReferenceRoutes()
        var bases: [IPAddress] = []
        let peers = 2000
        // 1000 random routes per family, each followed by 49 mutations of it: 100,000 insertions in all.
        for v6 in [false, true] {
            for _ in 0..<1000 {
                let base = Self.randomAddress(v6: v6, &rng)
                bases.append(base)
                for j in 0..<50 {
                    let width = base.bitWidth
                    let address = j == 0 ? base : Self.mutate(base, keep: Int.random(in: 0..<width, using: &rng), &rng)
                    let length = Int.random(in: 0..<width, using: &rng) + 1
                    let peer = Int.random(in: 0..<peers, using: &rng)
                    try trie.insert(address, prefixLength: length, peer: peer)
                    model.insert(address, length, peer)
                }
            }
        }
        func compare(_ queries: Int) {
            var mismatches = 0
            var routed = 0
            for i in 0..<queries {
                let base = bases[Int.random(in: 0..<bases.count, using: &rng)]
                let address =
                    i % 4 == 0
                    ? Self.randomAddress(v6: base.bitWidth == 128, &rng)
                    : Self.mutate(base, keep: Int.random(in: 0...base.bitWidth, using: &rng), &rng)
                let expected = model.lookup(address)
                if trie.lookup(address) != expected { mismatches += 1 }
                if expected != nil { routed += 1 }
            }
            #expect(mismatches == 0)
            #expect(routed > queries / 4, "queries must mostly land on routes to test anything")
        }
        compare(5000)
        // Remove a quarter of the peers, compare again; then the rest, and the trie must be empty.
        for peer in stride(from: 0, to: peers, by: 4) {
            trie.removeAll(of: peer)
            model.removeAll(of: peer)
        }
        compare(5000)
        for peer in 0..<peers { trie.removeAll(of: peer) }
        #expect(trie.isEmpty)
        #expect(trie.lookup(.v4(0x0a00_0001)) == nil)
        #expect(trie.lookup(.v6(1)) == nil)
    }
}
