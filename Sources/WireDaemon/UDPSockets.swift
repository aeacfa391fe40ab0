import CWireDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// The interface's two UDP sockets, IPv4 and IPv6 (IPV6_V6ONLY), on one port, as wireguard-go's
/// conn/bind_std.go binds them: port 0 picks a free IPv4 port and the IPv6 socket takes the same one (retrying
/// when it is taken on IPv6). A host without IPv6 runs on IPv4 alone.
public final class UDPSockets: SocketBinder {
    /// The IPv4 socket, or -1.
    public private(set) var fd4: Int32 = -1
    /// The IPv6 socket, or -1.
    public private(set) var fd6: Int32 = -1
    /// Called after the sockets change (the event loop re-registers them).
    public var onChange: (_ old: [Int32], _ new: [Int32]) -> Void = { _, _ in }

    /// No sockets yet.
    public init() {}

    public func bind(port: UInt16, fwmark: UInt32) throws -> UInt16 {
        let old = [fd4, fd6].filter { $0 >= 0 }
        for fd in old { Glibc.close(fd) }
        fd4 = -1
        fd6 = -1
        var attempts = 0
        while true {
            attempts += 1
            let v4 = wsd_udp_open(4, port, fwmark)
            if v4 < 0 {
                onChange(old, [])
                throw DaemonError("bind udp4", "port \(port)", errno: -v4)
            }
            let bound = UInt16(wsd_udp_port(v4))
            let v6 = wsd_udp_open(6, bound, fwmark)
            if v6 == -EADDRINUSE && port == 0 && attempts < 100 {
                Glibc.close(v4)
                continue
            }
            if v6 < 0 && v6 != -EAFNOSUPPORT && v6 != -EADDRNOTAVAIL {
                Glibc.close(v4)
                onChange(old, [])
                throw DaemonError("bind udp6", "port \(bound)", errno: -v6)
            }
            fd4 = v4
            fd6 = v6 >= 0 ? v6 : -1
            onChange(old, [fd4, fd6].filter { $0 >= 0 })
            return bound
        }
    }

    public func setMark(_ fwmark: UInt32) throws {
        for fd in [fd4, fd6] where fd >= 0 {
            try check(wsd_set_mark(fd, fwmark), "setsockopt SO_MARK", "\(fwmark)")
        }
    }

    public func close() {
        let old = [fd4, fd6].filter { $0 >= 0 }
        for fd in old { Glibc.close(fd) }
        fd4 = -1
        fd6 = -1
        onChange(old, [])
    }
}
