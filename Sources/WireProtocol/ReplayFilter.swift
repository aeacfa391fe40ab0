/// The anti-replay window for received transport counters: RFC 6479 with the kernel's sizes (whitepaper §5.4.6).
///
/// A bitmap of 8192 bits in 128 words of 64 bits; one word is kept redundant so the window that can always be
/// judged is 8128 packets (`ProtocolConstants.replayWindowSize`). This is the kernel's `counter_validate`
/// (drivers/net/wireguard/receive.c) and wireguard-go's `replay.Filter`: a counter is accepted once, when it is
/// newer than the window's lower edge and below `ProtocolConstants.rejectAfterMessages`. Call it only after the
/// packet authenticated, or an attacker could move the window.
public struct ReplayFilter: Sendable, Equatable {
    static let bitsPerWord = 64
    static let wordCount = 8192 / bitsPerWord
    /// The number of counters behind the newest one that are still judged: 8128.
    public static let windowSize = 8192 - bitsPerWord

    /// One more than the greatest counter accepted so far (0 before any).
    private var next: UInt64 = 0
    private var bitmap: [UInt64] = Array(repeating: 0, count: wordCount)

    /// An empty window: every counter below the limit is acceptable.
    public init() {}

    /// Accepts `counter` if it was not seen before and is not too old; records it. Returns false to drop.
    ///
    /// `limit` is Reject-After-Messages (§6.1): a counter at or beyond it is never accepted, and once the window
    /// has passed it nothing more is.
    public mutating func accept(_ counter: UInt64, limit: UInt64 = ProtocolConstants.rejectAfterMessages) -> Bool {
        if next >= limit &+ 1 || counter >= limit { return false }
        let c = counter &+ 1
        if UInt64(Self.windowSize) &+ c < next { return false }
        let wordMask = UInt64(Self.wordCount - 1)
        let index = c >> 6
        if c > next {
            let current = next >> 6
            let top = min(index - current, UInt64(Self.wordCount))
            var i: UInt64 = 1
            while i <= top {
                bitmap[Int((i &+ current) & wordMask)] = 0
                i += 1
            }
            next = c
        }
        let word = Int(index & wordMask)
        let bit: UInt64 = 1 << (c & 63)
        if bitmap[word] & bit != 0 { return false }
        bitmap[word] |= bit
        return true
    }

    /// Whether no counter can be accepted any more: the window has passed Reject-After-Messages.
    public var isExhausted: Bool { next >= ProtocolConstants.rejectAfterMessages }

    /// Forgets every counter seen.
    public mutating func reset() {
        self = ReplayFilter()
    }
}
