import WireAnalysis
import WireConfig
import WireNet

/// The IPv6 router solicitations a host's kernel sends into a WireGuard interface by itself, replayed as at `up`.
///
/// A WireGuard device (wireguard-go's TUN, like the kernel's own device, is `ARPHRD_NONE`) gets a random IPv6
/// link-local address when it comes up, and the kernel, as a host that accepts router advertisements, sends a router
/// solicitation to ff02::2 at once, then again with an exponential backoff (RFC 4861 section 6.3.7, RFC 7559:
/// `router_solicitation_interval` 4 s doubling up to `router_solicitation_max_interval` 3600 s, for ever with
/// `router_solicitations = -1`). Measured on this kernel (6.18) with wireguard-go: solicitations at about 0, 4, 15,
/// 34 s... after up; no MLD report and no DAD probe, as the device is `NOARP` (RFC 4862 section 5.4 lets DAD be
/// skipped there, and the kernel joins no solicited-node group on it). A peer whose AllowedIPs cover ff02::2 (e.g.
/// `::/0`) gets each of them through the tunnel, so it learns the host's endpoint right after `up` without any
/// PersistentKeepalive - and, behind NAT, the mapping lives on only while the backoff is shorter than its timeout.
///
/// A session reset (see `LabSessions`) undoes what the first solicitation taught the peer, and the kernel does not
/// send it again for a while. Removing the link-local address and adding it back makes the kernel do what it does
/// at `up`: one solicitation at once and the backoff restarted. Nothing else of the interface changes (its other
/// addresses, routes and WireGuard state stay).
enum LabRouterSolicitations {
    /// True when a peer with these AllowedIPs receives the interface's router solicitations (the analysis's
    /// `Tracer.routerSolicitationEntry`, so the lab replays what trace models).
    static func reaches(_ allowedIPs: [IPPrefix]) -> Bool { Tracer.routerSolicitationEntry(allowedIPs) != nil }

    /// The same, for AllowedIPs as `wg show dump` prints them.
    static func reaches(dumped allowedIPs: [String]) -> Bool { reaches(allowedIPs.compactMap { IPPrefix($0) }) }

    /// True when some peer of `config` receives the interface's router solicitations.
    static func sent(by config: WireGuardConfig) -> Bool { config.peers.contains { reaches($0.allowedIPs) } }

    /// The shell script that makes the kernel solicit routers on `interface` as at `up`: every link-local address
    /// removed and added back. It prints each address it replayed, so an interface without one (IPv6 off) prints
    /// nothing.
    static func replayScript(interface: String) -> String {
        "ip -6 -o addr show dev '\(interface)' scope link | while read -r _ _ _ a _; do "
            + "ip -6 addr del \"$a\" dev '\(interface)' && ip -6 addr add \"$a\" dev '\(interface)' && echo \"$a\"; "
            + "done"
    }
}
