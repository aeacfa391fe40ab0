/// The strings and sizes of the WireGuard handshake (whitepaper §5.4).
extension ProtocolConstants {
    /// The Noise construction: "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s" (§5.4.1).
    public static let construction = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
    /// The identifier, used as the Noise prologue: "WireGuard v1 zx2c4 Jason@zx2c4.com" (§5.4.1).
    public static let identifier = "WireGuard v1 zx2c4 Jason@zx2c4.com"
    /// The label hashed with a static public key to make the mac1 key: "mac1----" (§5.4.4).
    public static let labelMAC1 = "mac1----"
    /// The label hashed with a static public key to make the cookie encryption key: "cookie--" (§5.4.7).
    public static let labelCookie = "cookie--"
    /// A received cookie is used for mac2 for this long: 120 s, the same as `cookieRefreshTime` (§5.4.7).
    public static let cookieValidity: Duration = .seconds(120)
}
