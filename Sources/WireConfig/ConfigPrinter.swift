/// Prints the model back as config text.
public enum ConfigPrinter {
    /// The text `wg showconf` prints for an interface set from this config: wg(8) keys only, in wg's order.
    public static func showconf(_ config: WireGuardConfig) -> String {
        var out = "[Interface]\n"
        let i = config.interface
        if let port = i.listenPort { out += "ListenPort = \(port)\n" }
        if let mark = i.fwMark { out += "FwMark = 0x\(String(mark, radix: 16))\n" }
        if let key = i.privateKey { out += "PrivateKey = \(key.base64)\n" }
        for p in config.peers {
            out += "\n[Peer]\n"
            out += "PublicKey = \(p.publicKey.base64)\n"
            if let psk = p.presharedKey { out += "PresharedKey = \(psk.base64)\n" }
            if !p.allowedIPs.isEmpty { out += "AllowedIPs = \(p.allowedIPs.map(\.description).joined(separator: ", "))\n" }
            if let e = p.endpoint { out += "Endpoint = \(e)\n" }
            if let k = p.persistentKeepalive { out += "PersistentKeepalive = \(k)\n" }
        }
        return out
    }

    /// A wg-quick(8) config holding every setting of the model.
    public static func wgQuick(_ config: WireGuardConfig) -> String {
        var out = "[Interface]\n"
        let i = config.interface
        if let key = i.privateKey { out += "PrivateKey = \(key.base64)\n" }
        if !i.addresses.isEmpty { out += "Address = \(i.addresses.map(\.description).joined(separator: ", "))\n" }
        if let port = i.listenPort { out += "ListenPort = \(port)\n" }
        if let mark = i.fwMark { out += "FwMark = 0x\(String(mark, radix: 16))\n" }
        if !i.dns.isEmpty { out += "DNS = \(i.dns.joined(separator: ", "))\n" }
        if let mtu = i.mtu { out += "MTU = \(mtu)\n" }
        if let table = i.table { out += "Table = \(table)\n" }
        for c in i.preUp { out += "PreUp = \(c)\n" }
        for c in i.postUp { out += "PostUp = \(c)\n" }
        for c in i.preDown { out += "PreDown = \(c)\n" }
        for c in i.postDown { out += "PostDown = \(c)\n" }
        if i.saveConfig { out += "SaveConfig = true\n" }
        for p in config.peers {
            out += "\n[Peer]\n"
            out += "PublicKey = \(p.publicKey.base64)\n"
            if let psk = p.presharedKey { out += "PresharedKey = \(psk.base64)\n" }
            if !p.allowedIPs.isEmpty { out += "AllowedIPs = \(p.allowedIPs.map(\.description).joined(separator: ", "))\n" }
            if let e = p.endpoint { out += "Endpoint = \(e)\n" }
            if let k = p.persistentKeepalive { out += "PersistentKeepalive = \(k)\n" }
        }
        return out
    }
}
