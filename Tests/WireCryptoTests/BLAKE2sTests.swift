import Foundation
import Testing
import WireCrypto

@Suite("BLAKE2s (RFC 7693)")
struct BLAKE2sTests {
    @Test("RFC 7693 Appendix B: BLAKE2s-256(\"abc\")")
    func appendixB() {
        #expect(
            BLAKE2s.hash(Array("abc".utf8))
                == cryptoHex(
                    "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"))
    }

    @Test("unkeyed digests of the empty input")
    func emptyInput() {
        #expect(BLAKE2s.hash([]) == cryptoHex("69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9"))
        #expect(BLAKE2s.hash([], outputLength: 16) == cryptoHex("64550d6ffe2c0a01a14aba1eade0200c"))
    }

    /// The 256 keyed known answers of the BLAKE2 reference (inputs 00, 0001, ... of lengths 0...255).
    @Test("keyed KAT: blake2s-kat.txt")
    func keyedKAT() throws {
        let text = String(decoding: try CryptoVectorFiles.data("blake2s-kat.txt"), as: UTF8.self)
        var input: [UInt8]?
        var key: [UInt8]?
        var checked = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count >= 1 else { continue }
            let value = parts.count > 1 ? String(parts[1]) : ""
            switch parts[0] {
            case "in:": input = cryptoHex(value)
            case "key:": key = cryptoHex(value)
            case "hash:":
                let expected = cryptoHex(value)
                #expect(BLAKE2s.hash(try #require(input), key: try #require(key)) == expected)
                checked += 1
            default: continue
            }
        }
        #expect(checked == 256)
    }

    @Test("streaming in any split equals one-shot hashing")
    func streaming() {
        let data = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let key = Array(0..<32).map(UInt8.init)
        let expected = BLAKE2s.hash(data, key: key)
        for split in [0, 1, 63, 64, 65, 127, 128, 129, 200] {
            var hasher = BLAKE2s(key: key)
            hasher.update(data[..<split])
            hasher.update(data[split...])
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
        var byteByByte = BLAKE2s(key: key)
        for byte in data { byteByByte.update([byte]) }
        #expect(byteByByte.finalize() == expected)
    }
}
