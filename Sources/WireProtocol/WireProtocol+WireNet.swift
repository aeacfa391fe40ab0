import WireNet
// WireProtocol's users see WireNet's value types (IPAddress, UDPEndpoint, Instant, ManualClock) through
// `import WireProtocol`: they are in its public API.
@_exported import WireNet
