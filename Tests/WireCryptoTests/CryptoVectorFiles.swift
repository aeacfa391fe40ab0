import Foundation
import WireCrypto

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
    guard let bytes = Hex.decode(string) else { preconditionFailure("not hex: \(string)") }
    return bytes
}
