import CWireDaemon
import WireConfig
import WireProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The running daemon: one event-loop thread that owns the TUN device, the UDP sockets, the UAPI socket and the
/// interface's whole state, and drives the pure protocol core with the real clock and random source.
///
/// One thread and no locks: every packet, timer and UAPI request is handled in turn by the thread that owns the
/// state, so the core (a value type) is never shared. Reads are batched (recvmmsg, up to 64 datagrams; up to 64
/// TUN packets a turn) and sends are collected into one arena and sent with sendmmsg per family; buffers are
/// allocated once. docs/daemon.md says why, and what a second thread would buy.
public final class Daemon {
    enum Tag: UInt64 {
        case tun = 1
        case udp4 = 2
        case udp6 = 3
        case uapi = 4
        case signal = 5
        case inotify = 6
        case netlink = 7
    }

    /// The TUN device.
    public let tun: TunDevice
    /// The UAPI socket.
    public let uapi: UAPISocket
    /// The interface's configuration and protocol state.
    public let state: InterfaceState
    let log: DaemonLog
    let sockets: UDPSockets
    let epfd: Int32
    var signalFD: Int32 = -1
    var inotifyFD: Int32 = -1
    var netlinkFD: Int32 = -1
    var clients: [UInt64: UAPIClient] = [:]
    var lastLinkUp: Bool?
    /// The TUN device was moved to another network namespace and could not be followed there: it stays up.
    var movedAway = false
    /// The interface index in the namespace the link sockets watch (looked up again when the device moves).
    var ifindex: Int32
    /// An AF_INET socket in the namespace the TUN device moved to, for its flags and MTU; -1 while the device is
    /// in the daemon's own namespace.
    var controlFD: Int32 = -1
    /// Handshake initiations received in the current 100 ms window, and when load ends (whitepaper §5.4.7).
    var initiationsInWindow = 0
    var windowStart = Instant.zero
    var underLoadUntil = Instant.zero
    /// Initiations received in 100 ms beyond which the daemon is under load: wireguard-go's threshold is a
    /// handshake queue 1/8 full (128 waiting); here a batch of received initiations is the queue.
    static let loadThreshold = 32
    var nextClientTag: UInt64 = 1000
    var actions: [TunnelAction] = []
    var random = SystemRandomNumberGenerator()
    /// Why the loop stopped; nil while it runs.
    public private(set) var exitReason: String?

    // Buffers, allocated once.
    static let batch = 64
    static let stride = 65_536
    let receiveArena: UnsafeMutableRawPointer
    var lengths = [Int](repeating: 0, count: Daemon.batch)
    var sources = [wsd_endpoint](repeating: wsd_endpoint(), count: Daemon.batch)
    var locals = [wsd_endpoint](repeating: wsd_endpoint(), count: Daemon.batch)
    /// Sticky source addresses (wireguard-go's conn/sticky_linux.go): the local address each remote endpoint last
    /// reached us at, used as the source of what we send it, so a multi-homed host answers from the address its
    /// peer knows. Bounded: cleared past 4,096 endpoints (a flood from many sources).
    var stickySource: [UDPEndpoint: wsd_endpoint] = [:]
    let tunBuffer: UnsafeMutableRawPointer
    var outgoing: SendQueue

    /// A daemon for `tun` and `uapi`, logging to `log`. Sockets open when the interface comes up.
    public init(tun: TunDevice, uapi: UAPISocket, log: DaemonLog) throws(DaemonError) {
        self.tun = tun
        self.uapi = uapi
        self.log = log
        sockets = UDPSockets()
        state = InterfaceState(
            binder: sockets, wallClockAtOrigin: DaemonClock.wallClockAtOrigin(), mtu: tun.mtu ?? 1420)
        ifindex = tun.index
        epfd = try check(wsd_epoll_create(), "epoll_create1", "")
        receiveArena = .allocate(byteCount: Self.batch * Self.stride, alignment: 64)
        tunBuffer = .allocate(byteCount: Self.stride, alignment: 64)
        outgoing = SendQueue()
        sockets.onChange = { [unowned self] _, new in
            for fd in new {
                let tag: Tag = fd == sockets.fd6 ? .udp6 : .udp4
                _ = wsd_epoll_set(epfd, fd, tag.rawValue, 0, 0)
            }
        }
        try check(wsd_epoll_set(epfd, tun.fd, Tag.tun.rawValue, 0, 0), "epoll_ctl", "TUN")
        try check(wsd_epoll_set(epfd, uapi.fd, Tag.uapi.rawValue, 0, 0), "epoll_ctl", "UAPI socket")
        signalFD = try check(wsd_signalfd(), "signalfd", "SIGTERM, SIGINT")
        try check(wsd_epoll_set(epfd, signalFD, Tag.signal.rawValue, 0, 0), "epoll_ctl", "signalfd")
        inotifyFD = wsd_inotify_watch(uapi.path)
        if inotifyFD >= 0 { _ = wsd_epoll_set(epfd, inotifyFD, Tag.inotify.rawValue, 0, 0) }
        netlinkFD = wsd_netlink_open()
        if netlinkFD >= 0 { _ = wsd_epoll_set(epfd, netlinkFD, Tag.netlink.rawValue, 0, 0) }
    }

    deinit {
        receiveArena.deallocate()
        tunBuffer.deallocate()
        outgoing.deallocate()
    }

    /// Runs until a signal, the interface's deletion or the socket's removal; then removes the socket, closes
    /// everything, and returns why it stopped.
    public func run() -> String {
        log.verbose("Device started")
        if !uapi.isInPlace { exitReason = "UAPI socket \(uapi.path) was removed" }
        linkChanged()
        var tags = [UInt64](repeating: 0, count: 64)
        var events = [UInt32](repeating: 0, count: 64)
        var nextTick = DaemonClock.now() + .seconds(1)
        var lastDeadlineCheck = DaemonClock.now()
        while exitReason == nil {
            let now = DaemonClock.now()
            let wait = max(0, min(1000, DaemonClock.realMilliseconds(until: nextTick, from: now) + 1))
            let n = wsd_epoll_wait(epfd, &tags, &events, 64, Int32(wait))
            if n < 0 {
                exitReason = "epoll_wait failed: errno \(-n)"
                break
            }
            for i in 0..<Int(n) { handle(tag: tags[i], events: events[i]) }
            flush()
            let after = DaemonClock.now()
            if after >= nextTick || after - lastDeadlineCheck >= .milliseconds(10 * DaemonClock.scale) {
                lastDeadlineCheck = after
                if let deadline = state.device?.nextDeadline, deadline <= after {
                    state.device!.tick(now: after, random: &random, into: &actions)
                    perform()
                    flush()
                }
                let second = Duration.seconds(DaemonClock.scale)
                nextTick = state.device?.nextDeadline ?? after + second
                if nextTick > after + second { nextTick = after + second }
            }
        }
        shutdown()
        return exitReason ?? "stopped"
    }

    func shutdown() {
        log.verbose("Device closing: \(exitReason ?? "")")
        for client in clients.values { close(client.fd) }
        clients = [:]
        uapi.close()
        sockets.close()
        close(tun.fd)
        for fd in [signalFD, inotifyFD, netlinkFD, controlFD, epfd] where fd >= 0 { close(fd) }
    }

    func handle(tag: UInt64, events: UInt32) {
        switch Tag(rawValue: tag) {
        case .tun:
            if events & UInt32(WSD_EVENT_IN) != 0 { readTun() }
            if events & UInt32(WSD_EVENT_ERR | WSD_EVENT_HUP) != 0, !tun.exists {
                exitReason = "interface \(tun.name) was deleted"
            }
        case .udp4: readUDP(sockets.fd4)
        case .udp6: readUDP(sockets.fd6)
        case .uapi: acceptClients()
        case .signal:
            let signal = wsd_signalfd_read(signalFD)
            if signal > 0 { exitReason = "received signal \(signal)" }
        case .inotify:
            _ = wsd_inotify_drain(inotifyFD)
            if !uapi.isInPlace { exitReason = "UAPI socket \(uapi.path) was removed" }
        case .netlink: linkChanged()
        case nil: clientEvent(tag: tag, events: events)
        }
    }

    // MARK: Link state

    /// Reads link messages about our interface: deletion ends the daemon; MTU and up/down are applied.
    func linkChanged() {
        var deleted: Int32 = 0
        var mtu: Int32 = 0
        var flags: UInt32 = 0
        if netlinkFD >= 0 { _ = wsd_netlink_read(netlinkFD, ifindex, &deleted, &mtu, &flags) }
        if deleted != 0 {
            guard tun.exists else {
                exitReason = "interface \(tun.name) was deleted"
                return
            }
            // Gone from this namespace but alive: moved to another one (a container). The UDP sockets stay here,
            // as a WireGuard interface keeps its birthplace namespace; the link is watched where it is now. If that
            // fails, the device stays up from now on (the kernel took it down before moving it).
            if !movedAway, !followMove() {
                log.verbose("Interface moved to another namespace; staying up")
                movedAway = true
            }
        }
        if movedAway {
            if !state.isUp {
                do { try state.setUp(true, now: DaemonClock.now(), random: &random, into: &actions) } catch {
                    log.error("Unable to bring the interface up: \(error)")
                }
                perform()
            }
            return
        }
        if let current = linkMTU { state.setMTU(current) }
        // As wireguard-go on Linux: the device counts as up from the start (its TUN reader posts EventUp at
        // creation), so the port is bound and `wg show` lists it before `ip link set up`; later changes of the
        // link's IFF_UP bring it down and up again.
        let linkUp = linkIsUp
        let up: Bool
        if let last = lastLinkUp {
            guard linkUp != last else { return }
            up = linkUp
        } else {
            up = true
        }
        lastLinkUp = linkUp
        guard up != state.isUp else { return }
        do {
            try state.setUp(up, now: DaemonClock.now(), random: &random, into: &actions)
            log.verbose(up ? "Interface up, listening on port \(state.listenPort)" : "Interface down")
        } catch {
            log.error("Unable to bring the interface up: \(error)")
        }
        perform()
    }

    /// Follows the TUN device into the namespace it was moved to: TUNGETDEVNETNS (Linux 5.2) names it, and the
    /// netlink and ioctl sockets are opened again there on a short-lived thread (`wsd_link_sockets_in`); the
    /// index is looked up there, as a move may change it. The caller then reads the link's state, so a change
    /// made there before the new socket existed is not missed. Returns false, keeping the old sockets, when any
    /// step fails.
    func followMove() -> Bool {
        let netns = wsd_tun_netns(tun.fd)
        guard netns >= 0 else {
            log.error("Unable to find the namespace the interface moved to: TUNGETDEVNETNS: errno \(-netns)")
            return false
        }
        defer { close(netns) }
        var netlink: Int32 = -1
        var control: Int32 = -1
        let opened = wsd_link_sockets_in(netns, &netlink, &control)
        guard opened == 0 else {
            log.error("Unable to watch the interface in its new namespace: errno \(-opened)")
            return false
        }
        let index = wsd_link_index(control, linkName)
        guard index > 0 else {
            log.error("Unable to find the interface in its new namespace: SIOCGIFINDEX: errno \(-index)")
            close(netlink)
            close(control)
            return false
        }
        for fd in [netlinkFD, controlFD] where fd >= 0 { close(fd) }  // closing also leaves the epoll set
        netlinkFD = netlink
        controlFD = control
        ifindex = index
        _ = wsd_epoll_set(epfd, netlinkFD, Tag.netlink.rawValue, 0, 0)
        log.verbose("Interface moved to another namespace; following its link state there (index \(index))")
        return true
    }

    /// The TUN device's current name (TUNGETIFF), as a move may rename it.
    var linkName: String {
        var actual = [CChar](repeating: 0, count: 16)
        guard wsd_tun_name(tun.fd, &actual) == 0 else { return tun.name }
        return String(decoding: actual.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether the link is administratively up, asked in the namespace it is in.
    var linkIsUp: Bool {
        guard controlFD >= 0 else { return tun.isUp }
        let flags = wsd_link_flags(controlFD, linkName)
        return flags >= 0 && flags & 1 != 0  // IFF_UP
    }

    /// The link's MTU, asked in the namespace it is in; nil if it cannot be read.
    var linkMTU: Int? {
        guard controlFD >= 0 else { return tun.mtu }
        let mtu = wsd_link_mtu(controlFD, linkName)
        return mtu > 0 ? Int(mtu) : nil
    }

    // MARK: Data plane

    func readTun() {
        for _ in 0..<Self.batch {
            let n = read(tun.fd, tunBuffer, Self.stride)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { break }
                if !tun.exists { exitReason = "interface \(tun.name) was deleted" }
                break
            }
            if n == 0 { break }
            guard state.device != nil, state.isUp else { continue }
            let packet = [UInt8](UnsafeRawBufferPointer(start: tunBuffer, count: n))
            state.device!.encapsulate(packet, now: DaemonClock.now(), random: &random, into: &actions)
            perform()
        }
    }

    func readUDP(_ fd: Int32) {
        guard fd >= 0 else { return }
        for _ in 0..<4 {
            let n = lengths.withUnsafeMutableBufferPointer { l in
                sources.withUnsafeMutableBufferPointer { s in
                    locals.withUnsafeMutableBufferPointer { d in
                        wsd_recv_batch(
                            fd, receiveArena.assumingMemoryBound(to: UInt8.self), Self.stride, Int32(Self.batch),
                            l.baseAddress, s.baseAddress, d.baseAddress)
                    }
                }
            }
            if n <= 0 { break }
            let now = DaemonClock.now()
            guard state.device != nil else { continue }
            // Count the batch's initiations before handling any: a backlog of them is the load (each costs a
            // Diffie-Hellman), and the rate at which they are handled would hide it.
            var initiations = 0
            for i in 0..<Int(n)
            where lengths[i] == 148 && receiveArena.load(fromByteOffset: i * Self.stride, as: UInt8.self) == 1 {
                initiations += 1
            }
            if initiations > 0 || state.device!.underLoad { noteInitiations(initiations, now: now) }
            for i in 0..<Int(n) {
                guard state.device != nil else { continue }
                let datagram = [UInt8](
                    UnsafeRawBufferPointer(start: receiveArena + i * Self.stride, count: lengths[i]))
                let source = Self.endpoint(sources[i])
                let first = actions.count
                state.device!.decapsulate(datagram, from: source, now: now, random: &random, into: &actions)
                // Only a datagram the core accepted (nothing dropped) may move the source we answer from, as only
                // an authenticated one moves the endpoint.
                if !actions[first...].contains(where: { if case .dropped = $0 { true } else { false } }) {
                    remember(locals[i], for: source)
                }
                perform()
            }
            if Int(n) < Self.batch { break }
        }
    }

    /// Counts initiations received; past the threshold the device is under load for one second (wireguard-go's
    /// UnderLoadAfterTime), so initiations then need a valid mac2 and get a cookie reply otherwise.
    func noteInitiations(_ count: Int, now: Instant) {
        if now - windowStart > .milliseconds(100) {
            windowStart = now
            initiationsInWindow = 0
        }
        initiationsInWindow += count
        if initiationsInWindow > Self.loadThreshold { underLoadUntil = now + .seconds(1) }
        let loaded = now < underLoadUntil
        if state.device!.underLoad != loaded {
            state.device!.underLoad = loaded
            log.verbose(loaded ? "Under load: initiations need a cookie" : "Load is over")
        }
    }

    /// Records the local address `source` reached us at.
    func remember(_ local: wsd_endpoint, for source: UDPEndpoint) {
        guard local.family != 0 else { return }
        if let known = stickySource[source], Self.same(known, local) { return }
        if stickySource.count >= 4096 { stickySource.removeAll(keepingCapacity: true) }
        stickySource[source] = local
    }

    static func same(_ a: wsd_endpoint, _ b: wsd_endpoint) -> Bool {
        var a = a
        var b = b
        return a.family == b.family && a.port == b.port
            && withUnsafeBytes(of: &a.address) { x in withUnsafeBytes(of: &b.address) { y in x.elementsEqual(y) } }
    }

    /// Carries out the core's actions: datagrams into the send queue, packets to the TUN device.
    func perform() {
        for action in actions {
            switch action {
            case .writeToNetwork(let datagram, let endpoint):
                let source = stickySource[endpoint] ?? wsd_endpoint()
                if !outgoing.append(datagram, to: endpoint, from: source) {
                    flush()
                    _ = outgoing.append(datagram, to: endpoint, from: source)
                }
            case .writeToTunnel(let packet, _):
                _ = packet.withUnsafeBytes { write(tun.fd, $0.baseAddress, $0.count) }
            case .queued, .dropped:
                break
            }
        }
        actions.removeAll(keepingCapacity: true)
    }

    /// Sends every queued datagram.
    func flush() {
        outgoing.send(fd4: sockets.fd4, fd6: sockets.fd6)
    }

    static func endpoint(_ e: wsd_endpoint) -> UDPEndpoint {
        var e = e
        return withUnsafeBytes(of: &e.address) { bytes in
            if e.family == 6 {
                var v: UInt128 = 0
                for b in bytes { v = v << 8 | UInt128(b) }
                return UDPEndpoint(address: .v6(v), port: e.port)
            }
            let v = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
            return UDPEndpoint(address: .v4(v), port: e.port)
        }
    }

    // MARK: UAPI

    func acceptClients() {
        while true {
            let fd = wsd_unix_accept(uapi.fd)
            if fd < 0 { break }
            let tag = nextClientTag
            nextClientTag += 1
            clients[tag] = UAPIClient(fd: fd)
            _ = wsd_epoll_set(epfd, fd, tag, 0, 0)
        }
    }

    func clientEvent(tag: UInt64, events: UInt32) {
        guard let client = clients[tag] else { return }
        var ended = false
        if events & UInt32(WSD_EVENT_IN | WSD_EVENT_HUP | WSD_EVENT_ERR) != 0 {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(client.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    client.input.append(contentsOf: chunk[0..<n])
                    if client.input.count > UAPIClient.maximumInput { ended = true }
                    continue
                }
                if n < 0 && errno == EINTR { continue }
                if n == 0 || (n < 0 && errno != EAGAIN) { ended = true }
                break
            }
            while !client.closeAfterFlush, let request = client.nextRequest() { answer(request, client) }
            if ended {
                if !client.closeAfterFlush, let rest = client.trailingRequest() { answer(rest, client) }
                client.closeAfterFlush = true
            }
        }
        if !client.flush() {
            drop(tag)
            return
        }
        if client.output.isEmpty {
            if client.closeAfterFlush {
                drop(tag)
                return
            }
            if client.wantsWrite {
                client.wantsWrite = false
                _ = wsd_epoll_set(epfd, client.fd, tag, 0, 1)
            }
        } else if !client.wantsWrite {
            client.wantsWrite = true
            _ = wsd_epoll_set(epfd, client.fd, tag, 1, 1)
        }
    }

    func drop(_ tag: UInt64) {
        guard let client = clients.removeValue(forKey: tag) else { return }
        close(client.fd)
    }

    /// Answers one request, as wireguard-go's `IpcHandle`.
    func answer(_ lines: [Substring], _ client: UAPIClient) {
        switch lines.first {
        case "get=1":
            if lines.count == 1 {
                client.output.append(contentsOf: Array((UAPI.get(state) + "errno=0\n\n").utf8))
            } else {
                log.error("UAPI: trailing characters after get=1")
                client.output.append(contentsOf: Array("errno=\(UAPIError.Code.invalid.rawValue)\n\n".utf8))
                client.closeAfterFlush = true
            }
        case "set=1":
            do {
                try UAPI.set(
                    Array(lines.dropFirst()), on: state, now: DaemonClock.now(), random: &random, into: &actions)
                client.output.append(contentsOf: Array("errno=0\n\n".utf8))
            } catch {
                log.error("\(error)")
                client.output.append(contentsOf: Array("errno=\(error.code.rawValue)\n\n".utf8))
                client.closeAfterFlush = true
            }
            perform()
            flush()
        default:
            log.error("invalid UAPI operation")
            client.closeAfterFlush = true
        }
    }
}
