import CWireDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// A Linux TUN device opened as IFF_TUN | IFF_NO_PI (raw IP packets, no 4-byte packet-information header), as
/// wireguard-go's tun/tun_linux.go opens it; non-blocking, read and written by the event loop.
public struct TunDevice: Sendable {
    /// The device's descriptor.
    public let fd: Int32
    /// The interface name the kernel gave it.
    public let name: String

    /// wireguard-go's default MTU for a new device (device.DefaultMTU).
    public static let defaultMTU: Int32 = 1420

    /// Creates (or attaches to) the TUN device `name` and sets its MTU to 1420.
    /// The corresponding C calls are `open("/dev/net/tun")` and `ioctl(TUNSETIFF)`.
    public static func create(name: String) throws(DaemonError) -> TunDevice {
        var actual = [CChar](repeating: 0, count: 16)
        let fd = try check(wsd_tun_open(name, &actual), "create TUN device", name)
        let device = TunDevice(fd: fd, name: String(cString: actual))
        _ = wsd_set_mtu(device.name, defaultMTU)
        return device
    }

    /// A TUN device already open as `fd` (handed over by the parent process).
    public static func adopt(fd: Int32) throws(DaemonError) -> TunDevice {
        var actual = [CChar](repeating: 0, count: 16)
        try check(wsd_tun_name(fd, &actual), "TUNGETIFF on descriptor", "\(fd)")
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return TunDevice(fd: fd, name: String(cString: actual))
    }

    /// Whether the device still exists (TUNGETIFF fails once it is deleted).
    public var exists: Bool {
        var actual = [CChar](repeating: 0, count: 16)
        return wsd_tun_name(fd, &actual) == 0
    }

    /// The current MTU, or nil if it cannot be read.
    public var mtu: Int? {
        let m = wsd_get_mtu(name)
        return m > 0 ? Int(m) : nil
    }

    /// Whether the interface is administratively up (IFF_UP).
    public var isUp: Bool {
        let flags = wsd_get_flags(name)
        return flags >= 0 && flags & 1 != 0  // IFF_UP
    }

    /// The interface index.
    public var index: Int32 { Int32(if_nametoindex(name)) }
}
