import WireAnalysis
import WireConfig
import WireNet

extension HostSnapshot {
    /// Whether the machines of the LAN on `link` (`prefix`) send their off-LAN traffic through this host (host.yaml
    /// `lans[].gateway`), as the snapshot's LAN probes (`doctor --probe-to`, `traffic.lanProbes`) show it, with
    /// the probe that shows it. A machine there that answers this host's own LAN address but not its tunnel
    /// address has no route back to the tunnel through this host: `false`. One that answers the tunnel address
    /// although no source NAT rule covers the link routes it back here: `true`. With a source NAT rule out of
    /// the link, or no probe of the LAN, the snapshot cannot tell: nil (the analysis then takes the host as the
    /// gateway, and says so).
    func lanGateway(link: String, prefix: IPPrefix, file: String) -> (Bool?, SourceLocation?) {
        guard let probes = traffic?.lanProbes, !probes.isEmpty else { return (nil, nil) }
        guard !Masquerade.all(in: self).contains(where: { $0.applies(to: link) }) else { return (nil, nil) }
        var answered: Int?
        for (k, p) in probes.enumerated() {
            guard p.link == link, let a = IPAddress(p.address), prefix.contains(a), p.direct.received > 0 else {
                continue
            }
            if p.fromTunnel.received == 0 {
                return (false, SourceLocation(file: file, path: "traffic.lanProbes[\(k)].fromTunnel"))
            }
            answered = answered ?? k
        }
        return answered.map { (true, SourceLocation(file: file, path: "traffic.lanProbes[\($0)].fromTunnel")) }
            ?? (nil, nil)
    }
}
