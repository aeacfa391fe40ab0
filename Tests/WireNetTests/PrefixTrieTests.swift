import Testing
import WireNet

/// PrefixTrie's answers against a list searched exhaustively: the obviously-correct model.
@Suite("PrefixTrie against an exhaustive list")
struct PrefixTrieTests {
    /// Prefixes drawn from a narrow space (10.0.0.0/16, lengths 8...32) so that they nest and collide often.
    static func randomPrefix(_ rng: inout SeededRandom, v6: Bool = false) -> IPPrefix {
        let length = Int.random(in: 8...(v6 ? 128 : 32), using: &rng)
        if v6 {
            let low = UInt128(UInt16.random(in: 0...0xff, using: &rng)) << 104
            return IPPrefix(address: .v6(UInt128(0xfd00) << 112 | low), length: length)!.network
        }
        let address = IPAddress.v4(0x0a00_0000 | UInt32(UInt16.random(in: 0...0xffff, using: &rng)))
        return IPPrefix(address: address, length: length)!.network
    }

    @Test("insert, replace and remove agree with the list on every question, in address order")
    func randomized() {
        var rng = SeededRandom(seed: 12)
        var trie = PrefixTrie<Int>()
        var model: [IPPrefix: Int] = [:]
        for step in 0..<3000 {
            let p = Self.randomPrefix(&rng, v6: step % 5 == 0)
            if Int.random(in: 0..<4, using: &rng) == 0 {
                #expect(trie.remove(p) == model.removeValue(forKey: p))
            } else {
                #expect(trie.insert(p, step) == model.updateValue(step, forKey: p))
            }
        }
        #expect(trie.count == model.count)
        let sorted = model.sorted { ($0.key.address.isIPv6 ? 1 : 0, $0.key) < ($1.key.address.isIPv6 ? 1 : 0, $1.key) }
        #expect(trie.entries.map(\.prefix) == sorted.map(\.key))
        for _ in 0..<500 {
            let q = Self.randomPrefix(&rng, v6: Bool.random(using: &rng))
            let within = sorted.filter { q.contains($0.key) }
            #expect(trie.count(within: q) == within.count)
            #expect(trie.entries(within: q).map(\.prefix) == within.map(\.key))
            #expect(trie.entries(within: q, limit: 3).map(\.prefix) == Array(within.map(\.key).prefix(3)))
            let containing = sorted.filter { $0.key.contains(q) }.sorted { $0.key.length < $1.key.length }
            #expect(trie.matches(containing: q).map(\.prefix) == containing.map(\.key))
            #expect(trie.exact(q) == model[q])
            let longest = sorted.filter { $0.key.contains(q.address) }.max { $0.key.length < $1.key.length }
            #expect(trie.longestMatch(q.address) == longest?.value)
            #expect(trie.lookup(q.address)?.length == longest?.key.length)
            let suppressed = sorted.filter { $0.key.contains(q.address) && $0.key.length >= 1 }
                .max { $0.key.length < $1.key.length }
            #expect(trie.lookup(q.address, minLength: 1)?.value == suppressed?.value)
        }
        for p in model.keys { trie.remove(p) }
        #expect(trie.isEmpty && trie.entries.isEmpty)
    }

    @Test("host bits are ignored, and IPv4 never matches IPv6")
    func hostBitsAndFamilies() {
        var trie = PrefixTrie<String>()
        trie.insert(IPPrefix("10.1.2.3/24")!, "lan")
        trie.insert(IPPrefix("0.0.0.0/0")!, "default4")
        #expect(trie.exact(IPPrefix("10.1.2.0/24")!) == "lan")
        #expect(trie.longestMatch(IPAddress("10.1.2.200")!) == "lan")
        #expect(trie.longestMatch(IPAddress("10.1.3.1")!) == "default4")
        #expect(trie.longestMatch(IPAddress("::1")!) == nil)
        #expect(trie.lookup(IPAddress("10.1.3.1")!, minLength: 1) == nil)
    }

    @Test("modify builds lists in insertion order")
    func lists() {
        var trie = PrefixTrie<[Int]>()
        for (i, text) in ["10.0.0.0/8", "10.0.0.0/8", "10.1.0.0/16", "10.0.0.0/8"].enumerated() {
            trie.modify(IPPrefix(text)!, default: []) { $0.append(i) }
        }
        #expect(trie.exact(IPPrefix("10.0.0.0/8")!) == [0, 1, 3])
        #expect(trie.count == 2)
    }
}
