import WireCrypto
import WireProtocol

/// Measures complete WireGuard handshakes per second in memory (issue 3: "handshakes/s"), and the BLAKE2s rate
/// the handshake leans on. Prints one line per figure; returns the handshakes per second.
///
/// One handshake = createInitiation + addMACs + checkMAC1 + consumeInitiation + accept + createResponse + addMACs +
/// checkMAC1 + consumeResponse + deriveSessionKeys on both sides: everything but the sockets, on one core.
@discardableResult
func runHandshakeBenchmark(duration: Duration = .seconds(3)) -> Double {
    var generator = SystemRandomNumberGenerator()
    let clock = ContinuousClock()

    // BLAKE2s over 1 KiB, the hash behind HASH, MAC, HMAC and KDF.
    let block = [UInt8](repeating: 0xAB, count: 1024)
    var hashed = 0
    var sink: UInt8 = 0
    let hashStart = clock.now
    while clock.now - hashStart < duration / 3 {
        for _ in 0..<256 { sink ^= BLAKE2s.hash(block)[0] }
        hashed += 256 * block.count
    }
    let hashSeconds = seconds(clock.now - hashStart)
    print("blake2s-256 1KiB: \(format(Double(hashed) / hashSeconds / 1_000_000)) MB/s (sink \(sink))")

    // X25519 through swift-crypto: a handshake does 7 of these plus 2 key loads (base-point multiplications).
    do {
        let ours = try X25519.PrivateKey(rawRepresentation: X25519.generatePrivateKey(using: &generator))
        let theirs = try X25519.publicKey(privateKey: X25519.generatePrivateKey(using: &generator))
        var agreed = 0
        let dhStart = clock.now
        while clock.now - dhStart < duration / 3 {
            for _ in 0..<64 { sink ^= try ours.sharedSecret(with: theirs)[0] }
            agreed += 64
        }
        let rate = Double(agreed) / seconds(clock.now - dhStart)
        print("x25519 shared secrets: \(format(rate))/s (\(format(1_000_000 / rate)) us each)")
    } catch {
        print("x25519 benchmark failed: \(error)")
    }

    do {
        let initiatorIdentity = try HandshakeIdentity(privateKey: X25519.generatePrivateKey(using: &generator))
        let responderIdentity = try HandshakeIdentity(privateKey: X25519.generatePrivateKey(using: &generator))
        let psk = RandomBytes.make(count: 32, using: &generator)
        var initiator = try PeerHandshake(
            identity: initiatorIdentity, remotePublicKey: responderIdentity.publicKey, presharedKey: psk)
        var responder = try PeerHandshake(
            identity: responderIdentity, remotePublicKey: initiatorIdentity.publicKey, presharedKey: psk)
        var initiatorCookies = CookieGenerator(remotePublicKey: responderIdentity.publicKey)
        var responderCookies = CookieGenerator(remotePublicKey: initiatorIdentity.publicKey)
        let initiatorChecker = CookieChecker(localPublicKey: initiatorIdentity.publicKey)
        let responderChecker = CookieChecker(localPublicKey: responderIdentity.publicKey)

        var count = 0
        var index: UInt32 = 0
        let start = clock.now
        var elapsed = Duration.zero
        while elapsed < duration {
            count += 1
            index &+= 2
            // Virtual times 21 ms apart keep every initiation above the rate limit and the replay check.
            let now = Instant.zero + .milliseconds(21 * count)
            let stamp = TAI64N(sinceUnixEpoch: .seconds(1_795_000_000) + (now - .zero), whitened: false)
            var initiation = try initiator.createInitiation(senderIndex: index, timestamp: stamp, using: &generator)
            initiatorCookies.addMACs(to: &initiation, now: now)
            guard responderChecker.checkMAC1(initiation) else { fatalError("mac1 of initiation") }
            try responder.accept(try responderIdentity.consumeInitiation(initiation), now: now)
            var response = try responder.createResponse(senderIndex: index + 1, using: &generator)
            responderCookies.addMACs(to: &response, now: now)
            guard initiatorChecker.checkMAC1(response) else { fatalError("mac1 of response") }
            try initiator.consumeResponse(response)
            let a = try initiator.deriveSessionKeys()
            let b = try responder.deriveSessionKeys()
            guard a.sendingKey == b.receivingKey else { fatalError("keys differ") }
            elapsed = clock.now - start
        }
        let rate = Double(count) / seconds(elapsed)
        print(
            "handshakes: \(count) in \(format(seconds(elapsed))) s = \(format(rate)) handshakes/s "
                + "(both sides on one core, \(format(1_000_000 / rate)) us each)")
        return rate
    } catch {
        print("handshake benchmark failed: \(error)")
        return 0
    }
}

private func seconds(_ d: Duration) -> Double {
    let (s, a) = d.components
    return Double(s) + Double(a) / 1e18
}

private func format(_ x: Double) -> String {
    let rounded = (x * 10).rounded() / 10
    return String(describing: rounded)
}
