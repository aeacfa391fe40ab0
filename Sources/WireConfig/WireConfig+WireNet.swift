import WireNet
// WireConfig's users see WireNet's value types (IPAddress, IPPrefix, IPFamily, PrefixTrie, Instant) through
// `import WireConfig`, as before those types moved into the leaf module.
@_exported import WireNet
