/// A peer's three session slots and the rules that move keypairs between them (whitepaper §5.4.5 and §6;
/// the kernel's `add_new_keypair` and `received_with_keypair`).
///
/// - The initiator may use a new keypair at once: it becomes `current`, the old current (or an unconfirmed next)
///   becomes `previous`.
/// - The responder may not send with a new keypair until the initiator has used it: it waits in `next`, and
///   `previous` is dropped. The first authenticated transport message received with `next` confirms it: then
///   previous <- current, current <- next.
/// Sending always uses `current`; receiving accepts any of the three.
public struct Keypairs: Sendable {
    /// The session before `current`, kept so packets in flight during a rekey still decrypt.
    public internal(set) var previous: Keypair?
    /// The session used for sending.
    public internal(set) var current: Keypair?
    /// A responder's session awaiting its first received message.
    public internal(set) var next: Keypair?

    /// No sessions.
    public init() {}

    /// Whether no keypair is held.
    public var isEmpty: Bool { previous == nil && current == nil && next == nil }

    /// Installs a freshly derived keypair according to which side initiated; a keypair that leaves every slot is
    /// wiped.
    public mutating func install(_ keypair: Keypair) {
        dropping { $0.place(keypair) }
    }

    private mutating func place(_ keypair: Keypair) {
        if keypair.isInitiator {
            if let pending = next {
                next = nil
                previous = pending
            } else {
                previous = current
            }
            current = keypair
        } else {
            next = keypair
            previous = nil
        }
    }

    /// Which slot holds the keypair with `localIndex`.
    public enum Slot: Sendable { case previous, current, next }

    /// The slot of the keypair whose local index is `index`, if any.
    public func slot(ofLocalIndex index: UInt32) -> Slot? {
        if current?.localIndex == index { return .current }
        if previous?.localIndex == index { return .previous }
        if next?.localIndex == index { return .next }
        return nil
    }

    /// Reads the keypair in `slot`.
    public subscript(slot: Slot) -> Keypair? {
        get {
            switch slot {
            case .previous: return previous
            case .current: return current
            case .next: return next
            }
        }
        set {
            switch slot {
            case .previous: previous = newValue
            case .current: current = newValue
            case .next: next = newValue
            }
        }
    }

    /// Runs `body` on the keypair in `slot` in place (the slot must be occupied).
    mutating func withKeypair<R>(in slot: Slot, _ body: (inout Keypair) -> R) -> R {
        switch slot {
        case .previous: return body(&previous!)
        case .current: return body(&current!)
        case .next: return body(&next!)
        }
    }

    /// The responder's confirmation: a message authenticated with `next` promotes it. Returns whether it did.
    public mutating func confirmNext() -> Bool {
        guard let confirmed = next else { return false }
        dropping {
            $0.previous = $0.current
            $0.current = confirmed
            $0.next = nil
        }
        return true
    }

    /// Makes `current` and `next` unusable for sending while they still receive until Reject-After-Time: their
    /// send counters jump to Reject-After-Messages, as wireguard-go's `Peer.ExpireCurrentKeypairs`
    /// (device/peer.go) stores `RejectAfterMessages` into `sendNonce`. The next packet sent starts a handshake.
    public mutating func expireForSending() {
        current?.sendCounter = ProtocolConstants.rejectAfterMessages
        next?.sendCounter = ProtocolConstants.rejectAfterMessages
    }

    /// Drops every keypair and zeroes their keys (whitepaper §6.3: zeroed after 3 x Reject-After-Time; also when
    /// the peer is removed or the device goes down).
    public mutating func clear() {
        dropping {
            $0.previous = nil
            $0.current = nil
            $0.next = nil
        }
    }

    /// Runs `change`, then wipes every keypair it took out of all three slots (the kernel's
    /// `wg_noise_keypair_put` of a dropped keypair; wireguard-go lets the garbage collector have it).
    private mutating func dropping(_ change: (inout Keypairs) -> Void) {
        let before = [previous, current, next].compactMap { $0 }
        change(&self)
        let after = [previous, current, next].compactMap { $0 }
        for keypair in before where !after.contains(where: { $0.isSameSession(as: keypair) }) { keypair.wipe() }
    }
}
