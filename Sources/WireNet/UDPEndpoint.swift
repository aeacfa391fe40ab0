/// A UDP endpoint: where a peer's datagrams come from and go to (whitepaper §2, roaming).
public struct UDPEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The IP address.
    public var address: IPAddress
    /// The UDP port.
    public var port: UInt16

    /// An endpoint at `address`:`port`.
    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// `ADDRESS:PORT`, or `[ADDRESS]:PORT` for IPv6, the address as `inet_ntop` prints it.
    public var description: String {
        if case .v6 = address { return "[\(address)]:\(port)" }
        return "\(address):\(port)"
    }
}
