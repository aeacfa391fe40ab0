/// Reed-Solomon error correction codewords for one block: the remainder of the data polynomial times x^n divided by
/// the generator polynomial (x - 2^0)(x - 2^1)...(x - 2^(n-1)).
///
/// ISO/IEC 18004:2015, 7.5.2 and Annex A (generator polynomials).
struct ReedSolomon: Sendable {
    /// The generator's coefficients below its leading 1, highest degree first.
    let generator: [UInt8]

    /// The generator for `degree` error correction codewords.
    init(degree: Int) {
        var g = [UInt8](repeating: 0, count: degree)
        g[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            // Multiply by (x - root): shift and add root times the current polynomial.
            for j in 0..<degree {
                g[j] = GaloisField.multiply(g[j], root)
                if j + 1 < degree { g[j] ^= g[j + 1] }
            }
            root = GaloisField.multiply(root, 2)
        }
        generator = g
    }

    /// The error correction codewords of `data`.
    func remainder(_ data: ArraySlice<UInt8>) -> [UInt8] {
        var r = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ r[0]
            r.removeFirst()
            r.append(0)
            for i in r.indices { r[i] ^= GaloisField.multiply(generator[i], factor) }
        }
        return r
    }
}
