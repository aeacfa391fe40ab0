import WireConfig

extension LintContext {
    /// The interface a `[Peer]` section was probably meant for, and the evidence.
    struct ProbableTarget {
        var id: Network.InterfaceID
        var key: WireKey
        var reasons: [String]
    }

    /// Guesses which interface a section whose key is wrong was meant for: the one that lists this interface as a
    /// peer (strongest evidence), the one its Endpoint reaches (host and ListenPort), and those whose Address lies
    /// inside its AllowedIPs. Interfaces this one already has a section for are never suggested. Nil when the
    /// evidence names no single interface.
    func probableTarget(for link: PeerLink) -> ProbableTarget? {
        guard let localKey = publicKeys[link.local] else { return nil }
        var scores: [Network.InterfaceID: (score: Int, reasons: [String])] = [:]
        func eligible(_ id: Network.InterfaceID) -> WireKey? {
            guard id != link.local, id != link.remote, let k = publicKeys[id],
                owners(of: k).count == 1, sectionByKey[link.local]?[FastKey(k)] == nil
            else { return nil }
            return k
        }
        func add(_ id: Network.InterfaceID, _ score: Int, _ reason: String) {
            guard eligible(id) != nil else { return }
            scores[id, default: (0, [])].score += score
            scores[id, default: (0, [])].reasons.append(reason)
        }
        for id in sections(listing: localKey) {
            add(id, 4, "it lists \(link.local) as a peer")
        }
        if let e = link.peer.endpoint, let name = host(for: e), let h = network.host(name) {
            for i in h.interfaces {
                if i.config.interface.listenPort == e.port {
                    add(i.id, 3, "the Endpoint \(e) reaches its ListenPort")
                } else {
                    add(i.id, 1, "the Endpoint \(e) reaches its host")
                }
            }
        }
        for p in link.peer.allowedIPs where !p.isDefaultRoute {
            for entry in addressTable.containing(p) + addressTable.inside(p, limit: 64) {
                add(
                    entry.value, 2,
                    "its Address \(entry.prefix.address) is inside the AllowedIPs")
            }
        }
        let ranked = scores.sorted { ($0.value.score, $1.key) > ($1.value.score, $0.key) }
        guard let best = ranked.first, best.value.score >= 2 else { return nil }
        if ranked.count > 1, ranked[1].value.score == best.value.score { return nil }
        guard let key = publicKeys[best.key] else { return nil }
        var seen = Set<String>()
        return ProbableTarget(id: best.key, key: key, reasons: best.value.reasons.filter { seen.insert($0).inserted })
    }
}
