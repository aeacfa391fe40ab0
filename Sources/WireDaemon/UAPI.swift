import WireConfig
import WireProtocol

/// The cross-platform configuration protocol (wireguard.com/xplatform, "Configuration Protocol") over one
/// interface's state: `get=1` prints it, `set=1` changes it line by line, exactly as wireguard-go's
/// device/uapi.go does: lines are applied as they are read, the first bad line stops the request with its errno
/// (earlier lines stay applied), and a peer's settings are completed (keepalive sent) at the next `public_key`
/// or at the end.
public enum UAPI {
    /// The body of a `get=1` answer (without the final `errno=0` and blank line).
    public static func get(_ state: InterfaceState) -> String {
        var out = ""
        out.reserveCapacity(256 + state.order.count * 400)
        if let key = state.privateKey { out += "private_key=\(key.hex)\n" }
        if state.listenPort != 0 { out += "listen_port=\(state.listenPort)\n" }
        if state.fwmark != 0 { out += "fwmark=\(state.fwmark)\n" }
        for publicKey in state.order {
            let record = state.records[publicKey]!
            let tunnel = state.device?.tunnels[record.index]
            out += "public_key=\(publicKey.hex)\n"
            out += "preshared_key=\(record.presharedKey.hex)\n"
            out += "protocol_version=1\n"
            if let endpoint = tunnel?.endpoint ?? record.endpoint { out += "endpoint=\(format(endpoint))\n" }
            var seconds: Int64 = 0
            var nanoseconds: Int64 = 0
            if let last = tunnel?.statistics.lastHandshake {
                let (s, atto) = (state.wallClockAtOrigin + last.duration(since: .zero)).components
                seconds = s
                nanoseconds = atto / 1_000_000_000
            }
            out += "last_handshake_time_sec=\(seconds)\n"
            out += "last_handshake_time_nsec=\(nanoseconds)\n"
            out += "tx_bytes=\(tunnel?.statistics.txBytes ?? 0)\n"
            out += "rx_bytes=\(tunnel?.statistics.rxBytes ?? 0)\n"
            out += "persistent_keepalive_interval=\(record.persistentKeepalive)\n"
            for prefix in record.allowedIPs { out += "allowed_ip=\(prefix)\n" }
        }
        return out
    }

    /// `1.2.3.4:51820` or `[fd00::1]:51820`, as wireguard-go's `DstToString` prints an endpoint.
    public static func format(_ endpoint: UDPEndpoint) -> String {
        let address = endpoint.address
        return address.isIPv6 ? "[\(address)]:\(endpoint.port)" : "\(address):\(endpoint.port)"
    }

    /// Parses an endpoint as wireguard-go's `ParseEndpoint` (netip.ParseAddrPort): a literal address and a port.
    public static func parseEndpoint(_ text: Substring) -> UDPEndpoint? {
        guard case .success(let endpoint) = Endpoint.parse(text), let address = endpoint.address else { return nil }
        return UDPEndpoint(address: address, port: endpoint.port)
    }

    /// Applies the lines of a `set=1` request (the lines after `set=1`, without the blank line).
    ///
    /// Packets to send (keepalives turned on) are appended to `actions`. Throws the first error; what came before
    /// it stays applied, as in wireguard-go.
    public static func set(
        _ lines: [Substring], on state: InterfaceState, now: Instant,
        random: inout some RandomNumberGenerator, into actions: inout [TunnelAction]
    ) throws(UAPIError) {
        var session = SetSession()
        for (offset, line) in lines.enumerated() {
            let number = offset + 2
            guard let equals = line.firstIndex(of: "=") else {
                throw UAPIError(.protocolError, line: number, key: String(line.prefix(32)), "no '=' in line")
            }
            let key = line[..<equals]
            let value = line[line.index(after: equals)...]
            if key == "public_key" {
                session.finishPeer(state, now: now, random: &random, into: &actions)
                guard let publicKey = WireKey(hex: String(value)) else {
                    throw UAPIError(.invalid, line: number, key: "public_key", "not 64 hex digits")
                }
                session.begin(publicKey, state)
            } else if session.isDeviceSection {
                try deviceLine(key, value, number, state)
            } else {
                try session.peerLine(key, value, number, state)
            }
        }
        session.finishPeer(state, now: now, random: &random, into: &actions)
    }

    static func deviceLine(_ key: Substring, _ value: Substring, _ line: Int, _ state: InterfaceState)
        throws(UAPIError)
    {
        switch key {
        case "private_key":
            guard let privateKey = WireKey(hex: String(value)) else {
                throw UAPIError(.invalid, line: line, key: "private_key", "not 64 hex digits")
            }
            state.setPrivateKey(privateKey)
        case "listen_port":
            guard let port = UInt16(value) else {
                throw UAPIError(.invalid, line: line, key: "listen_port", "not a port number 0-65535")
            }
            do { try state.setListenPort(port) } catch {
                throw UAPIError(.portInUse, line: line, key: "listen_port", "cannot bind: \(error)")
            }
        case "fwmark":
            guard let mark = UInt32(value) else {
                throw UAPIError(.invalid, line: line, key: "fwmark", "not a 32-bit number")
            }
            do { try state.setFwmark(mark) } catch {
                throw UAPIError(.portInUse, line: line, key: "fwmark", "cannot set SO_MARK: \(error)")
            }
        case "replace_peers":
            guard value == "true" else {
                throw UAPIError(.invalid, line: line, key: "replace_peers", "only 'true' is allowed")
            }
            state.removeAllPeers()
        default:
            throw UAPIError(.invalid, line: line, key: String(key.prefix(32)), "not a device key")
        }
    }

    /// The peer a `set=1` request is configuring, as wireguard-go's `ipcSetPeer`.
    struct SetSession {
        var peer: WireKey?
        /// Lines go to a placeholder: the device's own key, a removed peer, or `update_only` of a new one.
        var dummy = false
        var created = false
        var keepaliveTurnedOn = false
        var isDeviceSection = true

        mutating func begin(_ publicKey: WireKey, _ state: InterfaceState) {
            isDeviceSection = false
            peer = publicKey
            keepaliveTurnedOn = false
            dummy = state.privateKey?.publicKey == publicKey
            created = false
            if !dummy { created = state.addPeer(publicKey) }
        }

        mutating func finishPeer(
            _ state: InterfaceState, now: Instant, random: inout some RandomNumberGenerator,
            into actions: inout [TunnelAction]
        ) {
            defer { peer = nil }
            guard let peer, !dummy, keepaliveTurnedOn else { return }
            state.sendKeepalive(to: peer, now: now, random: &random, into: &actions)
        }

        mutating func peerLine(_ key: Substring, _ value: Substring, _ line: Int, _ state: InterfaceState)
            throws(UAPIError)
        {
            let name = String(key.prefix(32))
            func requireTrue() throws(UAPIError) {
                guard value == "true" else {
                    throw UAPIError(.invalid, line: line, key: name, "only 'true' is allowed")
                }
            }
            switch key {
            case "update_only":
                try requireTrue()
                if created, !dummy, let peer {
                    state.removePeer(peer)
                    dummy = true
                }
            case "remove":
                try requireTrue()
                if !dummy, let peer { state.removePeer(peer) }
                dummy = true
            case "preshared_key":
                guard let psk = WireKey(hex: String(value)) else {
                    throw UAPIError(.invalid, line: line, key: name, "not 64 hex digits")
                }
                if !dummy, let peer { state.setPresharedKey(psk, of: peer) }
            case "endpoint":
                guard let endpoint = UAPI.parseEndpoint(value) else {
                    throw UAPIError(.invalid, line: line, key: name, "not ADDRESS:PORT or [ADDRESS]:PORT")
                }
                if !dummy, let peer { state.setEndpoint(endpoint, of: peer) }
            case "persistent_keepalive_interval":
                guard let seconds = UInt16(value) else {
                    throw UAPIError(.invalid, line: line, key: name, "not a number of seconds 0-65535")
                }
                if !dummy, let peer { keepaliveTurnedOn = state.setPersistentKeepalive(seconds, of: peer) }
            case "replace_allowed_ips":
                try requireTrue()
                if !dummy, let peer { state.removeAllowedIPs(of: peer) }
            case "allowed_ip":
                guard value.contains("/" as Character), let prefix = IPPrefix(value) else {
                    throw UAPIError(.invalid, line: line, key: name, "not ADDRESS/LENGTH")
                }
                if !dummy, let peer { state.addAllowedIP(prefix, to: peer) }
            case "protocol_version":
                guard value == "1" else { throw UAPIError(.invalid, line: line, key: name, "only version 1 exists") }
            default:
                throw UAPIError(.invalid, line: line, key: name, "not a peer key")
            }
        }
    }
}
