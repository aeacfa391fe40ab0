import Foundation
import Testing

/// What the daemon links: nothing from Foundation proper (docs/daemon.md, "Resident memory").
///
/// swift-crypto re-exports Foundation, so one innocent `text.contains("x")` in WireConfig or WireDaemon resolves to
/// Foundation's `StringProtocol` overload and pulls libFoundation (and ICU with its 30 MB of data) into the static
/// daemon: 3.6 MB more resident with 1,000 peers. FoundationEssentials (swift-crypto's `Data`) is fine. The check
/// reads the built binary's undefined dynamic symbols: a reference to a Foundation symbol is mangled with the
/// module name `10Foundation`, and so a regression fails here, naming the symbol, instead of in the benchmark.
@Suite struct DaemonFootprintTests {
    @Test func daemonReferencesNothingFromFoundation() throws {
        guard let wiresmithd = DaemonLabEnvironment.wiresmithd, run(["sh", "-c", "command -v nm"]).ok else {
            try #require(!DaemonLabEnvironment.required, "nm or the built wiresmithd is missing")
            return
        }
        let symbols = run(["nm", "-D", "--undefined-only", wiresmithd], timeout: 300)
        try #require(symbols.ok, "nm failed: \(symbols.output.prefix(400))")
        let foundation = symbols.output.split(separator: "\n").filter {
            $0.contains("10Foundation") || $0.contains(" _CF") || $0.contains(" CF")
        }
        #expect(
            foundation.isEmpty, "wiresmithd references Foundation: \(foundation.prefix(10).joined(separator: "; "))")
    }
}
