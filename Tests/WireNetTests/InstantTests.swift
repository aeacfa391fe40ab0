import Testing
import WireNet

@Suite("Instant and ManualClock")
struct InstantTests {
    @Test("arithmetic with durations, and the kernel's strict expiry")
    func arithmetic() {
        let t = Instant.zero + .seconds(120)
        #expect(t - .zero == .seconds(120))
        #expect(t - .seconds(20) == Instant(nanoseconds: 100_000_000_000))
        #expect(!Instant.zero.hasExpired(after: .seconds(120), now: t))
        #expect(Instant.zero.hasExpired(after: .seconds(120), now: t + .nanoseconds(1)))
        #expect(t.description == "t+120.000s")
    }

    @Test("a manual clock only moves forward, when told")
    func manualClock() {
        var clock = ManualClock()
        clock.advance(by: .milliseconds(1500))
        clock.advance(to: .zero)
        #expect(clock.now == Instant.zero + .milliseconds(1500))
    }
}
