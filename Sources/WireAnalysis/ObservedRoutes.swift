import WireConfig

/// The routing table seen on a running host (a doctor snapshot, `ip -j route show table all` and `ip -j rule`), so
/// the analysis looks routes up as the kernel there does instead of rebuilding them as wg-quick(8) would from the
/// configs: a `Table = off`, a route deleted or moved to another table, a PostUp `ip route add` are all in it.
///
/// `RoutingTable` consults `main` and, for every packet WireGuard itself did not mark, the default routes of
/// `tunnelDefaults` behind `main` without its default (wg-quick's rules `not fwmark T table T` and `table main
/// suppress_prefixlength 0`). Other policy rules (fwmark, source, iif selectors) are not modelled: the routes of
/// the tables they name are kept in `other`, never consulted.
public struct ObservedRoutes: Hashable, Sendable {
    /// The main table's unicast routes, in the order listed.
    public var main: [Route]
    /// Default routes into a tunnel in a table wg-quick's `not fwmark T` rule looks up (AllowedIPs 0/0 with
    /// `Table = auto`); `table` is T.
    public var tunnelDefaults: [Route]
    /// Routes of every other table except `local`: kept for messages ("a route exists but is never consulted").
    public var other: [Route]

    /// Observed routes.
    public init(main: [Route], tunnelDefaults: [Route] = [], other: [Route] = []) {
        self.main = main
        self.tunnelDefaults = tunnelDefaults
        self.other = other
    }
}
