/// Why a cookie reply was not taken (whitepaper §5.4.7).
public enum CookieError: Error, Equatable, Sendable {
    /// We have sent no handshake message since the last cookie, so there is no mac1 the reply could answer.
    case noOutstandingMAC1
    /// The cookie did not open under our last mac1 and the peer's cookie key: forged, stale or not for us.
    case decryptionFailed
}

/// What the responder's MAC check says about a handshake message (whitepaper §5.4.4, §5.4.7).
public enum MACVerdict: Equatable, Sendable {
    /// mac1 is right, and under load mac2 is too: process the message.
    case valid
    /// mac1 is wrong: drop the message silently.
    case invalidMAC1
    /// Under load and mac2 is missing or stale: answer with a cookie reply instead of processing.
    case cookieRequired
}
