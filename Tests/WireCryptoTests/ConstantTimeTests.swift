import Testing
import WireCrypto

@Suite("Constant-time comparisons")
struct ConstantTimeTests {
    @Test("equal compares contents and lengths")
    func equal() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2]))
        #expect(ConstantTime.isZero([0, 0, 0]))
        #expect(!ConstantTime.isZero([0, 0, 1]))
    }
}
