import CFuzzDriver
import WireAnalysis
import WireConfig

/// libFuzzer target: an intent.yaml, through the guard (aliases, depth, size), the composer and the reader, then
/// printed back and read again.
/// The program's entry: SwiftPM links `main` to this symbol; libFuzzer's driver runs from here.
@_cdecl("FuzzIntent_main")
public func fuzzIntentMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzIntent(data, size) }
}

/// One input.
func fuzzIntent(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = pointer else { return 0 }
    let text = InputFile.text(Array(UnsafeBufferPointer(start: data, count: size)))
    let (intent, diagnostics) = IntentReader.parse(text, file: "intent.yaml")
    if diagnostics.isEmpty {
        _ = IntentReader.parse(IntentPrinter.print(intent), file: "printed.yaml")
    }
    return 0
}
