import CFuzzDriver
import WireDaemon
import WireNet
import WireProtocol

/// libFuzzer target: the UAPI text protocol's `set=1` body (wireguard-go's ipc-uapi contract, see
/// ../shared/FIELD-NOTES.md) applied to a fresh interface, then `get=1` printed from what was applied.
/// The program's entry: SwiftPM links `main` to this symbol; libFuzzer's driver runs from here.
@_cdecl("FuzzUAPI_main")
public func fuzzUAPIMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzUAPI(data, size) }
}

/// One input: the lines after `set=1`.
func fuzzUAPI(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = pointer else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let state = InterfaceState(binder: FakeBinder(), wallClockAtOrigin: .seconds(1_800_000_000))
    var random = UAPIRandom(state: 7)
    var actions: [TunnelAction] = []
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    try? UAPI.set(Array(lines), on: state, now: Instant(nanoseconds: 0), random: &random, into: &actions)
    _ = UAPI.get(state)
    return 0
}

/// Sockets that bind nothing: the port asked for (or 51820 for any).
final class FakeBinder: SocketBinder {
    func bind(port: UInt16, fwmark: UInt32) throws -> UInt16 { port == 0 ? 51820 : port }
    func setMark(_ fwmark: UInt32) throws {}
    func close() {}
}

/// A deterministic generator, so a crash reproduces from its input alone.
struct UAPIRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        return z ^ (z >> 31)
    }
}
