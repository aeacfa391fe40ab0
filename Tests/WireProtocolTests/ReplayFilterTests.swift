import Testing

@testable import WireProtocol

/// The kernel's nonce counter selftest (drivers/net/wireguard/selftest/counter.c), case for case.
/// Runs the filter outside `#expect`, which cannot hold a mutating call.
func accepts(_ filter: inout ReplayFilter, _ counter: UInt64) -> Bool {
    filter.accept(counter)
}

@Suite("ReplayFilter (RFC 6479, kernel counter selftest)")
struct ReplayFilterTests {
    static let window = UInt64(ReplayFilter.windowSize)
    static let lim = window + 1  // T_LIM
    static let reject = ProtocolConstants.rejectAfterMessages  // REJECT_AFTER_MESSAGES

    @Test("window is 8128 packets, as the kernel's 8192 bits less one redundant word")
    func windowSize() {
        #expect(ReplayFilter.windowSize == 8128)
        #expect(ReplayFilter.windowSize == ProtocolConstants.replayWindowSize)
    }

    /// Tests 1-34 of the selftest: (counter, accepted?) in order on one filter.
    static let table: [(UInt64, Bool)] = [
        (0, true), (1, true), (1, false), (9, true), (8, true), (7, true), (7, false),
        (lim, true), (lim - 1, true), (lim - 1, false), (lim - 2, true), (2, true), (2, false),
        (lim + 16, true), (3, false), (lim + 16, false), (lim * 4, true), (lim * 4 - (lim - 1), true),
        (10, false), (lim * 4 - lim, false), (lim * 4 - (lim + 1), false), (lim * 4 - (lim - 2), true),
        (lim * 4 + 1 - lim, false), (0, false),
        (reject, false), (reject - 1, true), (reject, false), (reject - 1, false), (reject - 2, true),
        (reject + 1, false), (reject + 2, false), (reject - 2, false), (reject - 3, true), (0, false),
    ]

    @Test("selftest cases 1-34")
    func kernelTable() {
        var filter = ReplayFilter()
        for (number, (counter, expected)) in Self.table.enumerated() {
            let accepted = filter.accept(counter)
            #expect(accepted == expected, "selftest case \(number + 1): counter \(counter)")
        }
    }

    @Test("ascending 1...window, then 0 once")
    func ascendingThenZero() {
        var f = ReplayFilter()
        for i in 1...Self.window { #expect(accepts(&f, i)) }
        #expect(accepts(&f, 0))
        #expect(!accepts(&f, 0))
    }

    @Test("ascending 2...window+1, then 1 once, 0 is outside")
    func ascendingFromTwo() {
        var f = ReplayFilter()
        for i in 2...(Self.window + 1) { #expect(accepts(&f, i)) }
        #expect(accepts(&f, 1))
        #expect(!accepts(&f, 0))
    }

    @Test("descending window...0: all accepted")
    func descendingFull() {
        var f = ReplayFilter()
        var ok = true
        for i in stride(from: Self.window, through: 0, by: -1) { ok = ok && f.accept(i) }
        #expect(ok)
    }

    @Test("descending window+1...1, then 0 falls outside")
    func descendingThenZero() {
        var f = ReplayFilter()
        var ok = true
        for i in stride(from: Self.window + 1, through: 1, by: -1) { ok = ok && f.accept(i) }
        #expect(ok)
        #expect(!accepts(&f, 0))
    }

    @Test("descending window...1, then window+1, then 0 falls outside")
    func descendingThenTopThenZero() {
        var f = ReplayFilter()
        var ok = true
        for i in stride(from: Self.window, through: 1, by: -1) { ok = ok && f.accept(i) }
        #expect(ok)
        #expect(accepts(&f, Self.window + 1))
        #expect(!accepts(&f, 0))
    }

    @Test("descending window...1, then 0, then window+1")
    func descendingThenZeroThenTop() {
        var f = ReplayFilter()
        var ok = true
        for i in stride(from: Self.window, through: 1, by: -1) { ok = ok && f.accept(i) }
        #expect(ok)
        #expect(accepts(&f, 0))
        #expect(accepts(&f, Self.window + 1))
    }

    @Test("a big jump forward clears the whole bitmap")
    func bigJumpClears() {
        var f = ReplayFilter()
        for i in 0..<100 { #expect(accepts(&f, UInt64(i))) }
        #expect(accepts(&f, 1_000_000))
        // Every counter inside the new window is fresh, including ones that share bitmap slots with old ones.
        for i in (1_000_000 - Self.window + 1)..<1_000_000 where i % 97 == 0 { #expect(accepts(&f, i)) }
    }
}
