/// Runs the crypto branch's handshake benchmark once it is merged; until then says so.
func runHandshakeBenchIfAvailable(seconds: Double) {
    print("handshake (crypto benchmark): not merged yet")
}
