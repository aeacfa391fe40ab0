import CFuzzDriver
import WireAnalysis
import WireConfig

/// libFuzzer target: a host.yaml facts file, through the guard (aliases, depth, size) and the composer.
/// The program's entry: SwiftPM links `main` to this symbol; libFuzzer's driver runs from here.
@_cdecl("FuzzHostFacts_main")
public func fuzzHostFactsMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzHostFacts(data, size) }
}

/// One input.
func fuzzHostFacts(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = pointer else { return 0 }
    let text = InputFile.text(Array(UnsafeBufferPointer(start: data, count: size)))
    let (facts, _) = HostFactsReader.parse(text, file: "host.yaml")
    // Address arithmetic on whatever the facts hold must never trap.
    for lan in facts.lans {
        _ = lan.hostAddress
        _ = lan.prefix.address(after: 2)
    }
    return 0
}
