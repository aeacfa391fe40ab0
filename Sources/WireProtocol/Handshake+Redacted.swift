import WireCrypto

// Values holding keys or handshake secrets print only non-secret facts (indices, state, role), and their mirrors
// have no children, so neither string interpolation nor `dump` can leak a key into a log.

extension HandshakeIdentity: CustomStringConvertible, CustomReflectable {
    /// "HandshakeIdentity(public …)" with the first public-key bytes only.
    public var description: String { "HandshakeIdentity(\(privateKey))" }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension SessionKeys: CustomStringConvertible, CustomReflectable {
    /// The indices and direction; never the keys.
    public var description: String {
        "SessionKeys(local \(localIndex), remote \(remoteIndex), \(isInitiator ? "initiator" : "responder"))"
    }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension PeerHandshake: CustomStringConvertible, CustomReflectable {
    /// The state and indices; never the keys or the chaining key.
    public var description: String { "PeerHandshake(\(state), local \(localIndex), remote \(remoteIndex))" }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension ConsumedInitiation: CustomStringConvertible, CustomReflectable {
    /// The sender index only.
    public var description: String { "ConsumedInitiation(sender \(senderIndex))" }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension NoiseIKpsk2: CustomStringConvertible, CustomReflectable {
    /// The role only.
    public var description: String { "NoiseIKpsk2(\(role))" }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension NoiseSymmetricState: CustomStringConvertible, CustomReflectable {
    /// Nothing about the state: every field is secret.
    public var description: String { "NoiseSymmetricState(…)" }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension CookieGenerator: CustomStringConvertible, CustomReflectable {
    /// Nothing about the cookie.
    public var description: String { "CookieGenerator(…)" }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension CookieChecker: CustomStringConvertible, CustomReflectable {
    /// Nothing about the secret.
    public var description: String { "CookieChecker(…)" }
    /// A mirror without children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
