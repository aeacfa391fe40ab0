extension LintContext {
    /// The pairs a host behind NAT loses while its mapping is gone, in the words of a finding: `remote` (the peer
    /// with no Endpoint for it), the hosts that reach it only through `remote` (the first three), then the NAT'd
    /// host of `link` with its tunnel addresses, e.g. "hub (and through it alice, bob) -> lap (10.0.0.5)".
    func pairsBrokenByNAT(_ link: PeerLink, remote: Network.InterfaceID) -> String {
        let addresses = hostAddresses(link.local).map(\.description)
        let via = (linksByInterface[remote] ?? []).compactMap { links[$0].remote }
            .filter { $0.host != link.local.host && $0.host != remote.host }.map(\.host)
        let through =
            via.isEmpty
            ? "" : " (and through it " + via.prefix(3).joined(separator: ", ") + (via.count > 3 ? ", ..." : "") + ")"
        return "\(remote.host)\(through) -> \(link.local.host)"
            + (addresses.isEmpty ? "" : " (" + addresses.joined(separator: ", ") + ")")
    }
}
