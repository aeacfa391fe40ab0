import Foundation

/// Reads the published vector files in Tests/Vectors, located from this source file so no resource bundle is needed.
enum CryptoVectorFiles {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Vectors")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// A Wycheproof AEAD file (testvectors_v1 schema `aead_test_schema`).
    struct AEADFile: Decodable {
        struct Group: Decodable {
            let ivSize: Int
            let keySize: Int
            let tagSize: Int
            let tests: [Case]
        }
        struct Case: Decodable {
            let tcId: Int
            let comment: String
            let key: String
            let iv: String
            let aad: String
            let msg: String
            let ct: String
            let tag: String
            let result: String
        }
        let testGroups: [Group]
    }

    /// A Wycheproof X25519 file (`xdh_comp_schema`).
    struct XDHFile: Decodable {
        struct Group: Decodable { let tests: [Case] }
        struct Case: Decodable {
            let tcId: Int
            let comment: String
            let flags: [String]
            let `public`: String
            let `private`: String
            let shared: String
            let result: String
        }
        let testGroups: [Group]
    }
}

/// Bytes from hex digits (test input only; traps on malformed input).
func cryptoHex(_ string: String) -> [UInt8] {
    let chars = Array(string.utf8)
    precondition(chars.count % 2 == 0, "odd hex length")
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: preconditionFailure("not hex")
        }
    }
    return stride(from: 0, to: chars.count, by: 2).map { nibble(chars[$0]) << 4 | nibble(chars[$0 + 1]) }
}
