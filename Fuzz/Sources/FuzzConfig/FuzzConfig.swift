import CFuzzDriver
import WireConfig

/// libFuzzer target: a wg or wg-quick config, through every step `lint` and `showconf` take with outside text.
///
/// Parses in both dialects, applies the result as `wg setconf` would, prints it as `wg showconf` does, and checks
/// what must always hold: no diagnostic echoes a key-shaped value, and the printed config parses again.
/// The program's entry: SwiftPM links `main` to this symbol; libFuzzer's driver runs from here.
@_cdecl("FuzzConfig_main")
public func fuzzConfigMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzConfig(data, size) }
}

/// One input.
func fuzzConfig(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data = pointer else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = InputFile.text(bytes)
    for dialect in [ConfigParser.Dialect.wgQuick, .wg] {
        let result = ConfigParser(dialect: dialect).parse(text, file: "fuzz.conf")
        let device = result.config.asSetByWg
        let printed = ConfigPrinter.showconf(device)  // applies asSetByWg again: idempotent
        if result.isValid {
            let again = ConfigParser(dialect: .wg).parse(printed, file: "printed.conf")
            if !again.isValid { fatalError("showconf output does not parse: \(again.errors)") }
        }
        for d in result.diagnostics where d.kind != .invalidKey {
            // A key is never echoed whole: 44 base64 characters in a row never reach a message.
            if d.message.utf8.count >= 44, Redaction.scrubbed(d.message).contains("[key redacted]"),
                d.kind != .ownPublicKey
            {
                fatalError("a key-shaped run reached a message: \(d.kind)")
            }
        }
    }
    return 0
}
