import WireNet

extension Doctor {
    /// The peer's data reached this host and WireGuard decrypted it, yet none of it reached the interface: the
    /// inner source addresses are outside this [Peer]'s AllowedIPs, so WireGuard dropped every packet after
    /// decryption (whitepaper §2: "if [the source IP] is not [allowed for that peer], the packet is dropped"). That
    /// is lint's `asymmetric-allowedips` seen from the receiving host: the peer sends or relays from addresses this
    /// host does not accept from it. Told from a capture (`--capture`): data messages from the peer's address on the
    /// UDP side, the peer's rx counter moved by at least their bytes (so they were decrypted: wireguard-go counts a
    /// transport packet before its AllowedIPs check, device/receive.go RoutineSequentialReceiver), and nothing from
    /// the peer's AllowedIPs captured inbound on the interface itself (`tcpdump -i IFACE -Q in`: a packet that
    /// passed the check is seen there even when the firewall drops it afterwards). Linux's kernel WireGuard counts
    /// rx only after the check (receive.c wg_packet_consume_data_done, the drop raises the interface's rx_errors),
    /// so there the same data is not counted and this stays silent. Nil when the window does not show it.
    func allowedIPsDropFinding(
        _ wg: WireGuardState, _ p: PeerState, _ t: PeerTraffic, evidence: [Evidence], wire: String
    ) -> DoctorFinding? {
        guard let data = t.dataIn, data > 0, let bytes = t.dataBytesIn, bytes > 0, let arrived = t.tunnelIn,
            arrived == 0, t.rxBytes >= UInt64(bytes)
        else { return nil }
        let allowed = p.allowedIPs.isEmpty ? "(none)" : p.allowedIPs.joined(separator: ", ")
        return DoctorFinding(
            .asymmetricAllowedIPs, .error, interface: wg.name, peer: p.publicKey,
            evidence: evidence + [
                Evidence(
                    "tcpdump -i \(wg.name) -Q in",
                    "no packet from the peer's AllowedIPs (\(allowed)) reached \(wg.name)"
                        + " while \(data) data message(s) (\(bytes) B) came from \(wire) and rx grew \(t.rxBytes) B")
            ],
            cause: "the peer sends packets that WireGuard here decrypts (rx grows by their size) and then drops: their"
                + " source addresses are outside this [Peer]'s AllowedIPs (\(allowed)), so the peer sends or relays"
                + " from addresses this host does not accept from it (the other side's AllowedIPs route them here)",
            fix: "add the source prefixes the peer sends or relays from (e.g. the subnet behind it, or the other"
                + " clients of a hub) to AllowedIPs of this [Peer]: wg set \(wg.name) peer \(p.publicKey)"
                + " allowed-ips \(p.allowedIPs.joined(separator: ",")),PREFIX, and in the config; or narrow the"
                + " peer's AllowedIPs for this host so it stops sending them here")
    }
}
