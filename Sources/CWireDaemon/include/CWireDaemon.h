// CWireDaemon: the few Linux calls whose C structures (struct ifreq, mmsghdr, netlink messages) are clearer and
// cheaper to fill in C than through Swift's imported unions. Every function returns -errno on failure and never
// allocates. Nothing here knows WireGuard; WireDaemon (Swift) owns the logic.
#ifndef CWIREDAEMON_H
#define CWIREDAEMON_H

#include <stddef.h>
#include <stdint.h>

/// A UDP endpoint: family 4 or 6, the address in network byte order (4 or 16 bytes used), the port in host order.
typedef struct wsd_endpoint {
    uint8_t family;
    uint8_t address[16];
    uint16_t port;
} wsd_endpoint;

/// Opens /dev/net/tun as IFF_TUN | IFF_NO_PI named `name` (created if missing), non-blocking and close-on-exec.
/// Writes the kernel's name for it into `actual` (16 bytes). Returns the descriptor or -errno.
int wsd_tun_open(const char *name, char *actual);
/// The name of the TUN device behind `fd` (TUNGETIFF) into `actual` (16 bytes). Returns 0 or -errno.
int wsd_tun_name(int fd, char *actual);
/// Sets the MTU of interface `name` (SIOCSIFMTU). Returns 0 or -errno.
int wsd_set_mtu(const char *name, int mtu);
/// The MTU of interface `name` (SIOCGIFMTU), or -errno.
int wsd_get_mtu(const char *name);
/// The flags of interface `name` (SIOCGIFFLAGS), or -errno.
int wsd_get_flags(const char *name);

/// Opens a non-blocking UDP socket of `family` (4 or 6; IPv6 only for 6) bound to `port` (0 for any), with
/// SO_MARK `mark` when non-zero. Returns the descriptor or -errno.
int wsd_udp_open(int family, uint16_t port, uint32_t mark);
/// The local port of a bound socket, or -errno.
int wsd_udp_port(int fd);
/// Sets SO_MARK on a socket. Returns 0 or -errno.
int wsd_set_mark(int fd, uint32_t mark);

/// Receives up to `count` datagrams with one recvmmsg(2) call, without blocking: datagram i lands at
/// `buffers + i * stride` (at most `stride` bytes), its length in `lengths[i]`, its source in `sources[i]` and
/// the local address it was sent to in `locals[i]` (IP_PKTINFO; family 0 when unknown).
/// Returns the number received (0 when none is waiting) or -errno.
int wsd_recv_batch(int fd, uint8_t *buffers, size_t stride, int count, size_t *lengths, wsd_endpoint *sources,
                   wsd_endpoint *locals);
/// Sends `count` datagrams with sendmmsg(2); datagram i is `datagrams[i]` of `lengths[i]` bytes to `targets[i]`
/// (all of the socket's family), from the local address `sources[i]` when its family is not 0 (sticky source,
/// as wireguard-go's conn/sticky_linux.go; a source the kernel refuses is dropped and the datagram sent without
/// it). Returns the number sent or -errno.
int wsd_send_batch(int fd, const uint8_t *const *datagrams, const size_t *lengths, const wsd_endpoint *targets,
                   const wsd_endpoint *sources, int count);

/// Opens a non-blocking NETLINK_ROUTE socket subscribed to link changes (RTMGRP_LINK). Returns it or -errno.
int wsd_netlink_open(void);
/// A descriptor of the network namespace the TUN device behind `tunfd` is in now (TUNGETDEVNETNS, Linux 5.2).
/// Returns it or -errno.
int wsd_tun_netns(int tunfd);
/// Opens, in the network namespace `netns`, a NETLINK_ROUTE socket subscribed to link changes and an AF_INET
/// socket for interface ioctls, on a short-lived thread (setns there; the caller's thread stays where it is).
/// Returns 0 or -errno.
int wsd_link_sockets_in(int netns, int *netlink, int *control);
/// IFF_* flags (SIOCGIFFLAGS) of `name` in the namespace of the socket `control`, or -errno.
int wsd_link_flags(int control, const char *name);
/// MTU (SIOCGIFMTU) of `name` in the namespace of the socket `control`, or -errno.
int wsd_link_mtu(int control, const char *name);
/// Interface index (SIOCGIFINDEX) of `name` in the namespace of the socket `control`, or -errno.
int wsd_link_index(int control, const char *name);
/// Reads every pending link message about interface `ifindex`: sets `*deleted` to 1 on RTM_DELLINK, `*mtu` and
/// `*flags` to the latest RTM_NEWLINK values (left alone otherwise). Returns messages seen, 0 if none, or -errno.
int wsd_netlink_read(int fd, int ifindex, int *deleted, int *mtu, unsigned int *flags);

/// Creates an epoll instance (close-on-exec). Returns it or -errno.
int wsd_epoll_create(void);
/// Adds (`modify` 0) or changes (`modify` 1) `fd` in `epfd` with `tag`, for input and, when `writable`, output.
int wsd_epoll_set(int epfd, int fd, uint64_t tag, int writable, int modify);
/// Removes `fd` from `epfd`.
int wsd_epoll_remove(int epfd, int fd);
/// Waits up to `timeout_ms` for events: tag i in `tags[i]`, its EPOLL* bits in `events[i]`. Returns the count
/// (0 on timeout or EINTR) or -errno.
int wsd_epoll_wait(int epfd, uint64_t *tags, uint32_t *events, int max, int timeout_ms);
/// Bits of wsd_epoll_wait's `events`.
enum { WSD_EVENT_IN = 1, WSD_EVENT_OUT = 4, WSD_EVENT_ERR = 8, WSD_EVENT_HUP = 16 };

/// Blocks SIGTERM, SIGINT and SIGHUP and returns a non-blocking signalfd for them; ignores SIGPIPE.
int wsd_signalfd(void);
/// Reads one signal from a signalfd: its number, 0 if none, or -errno.
int wsd_signalfd_read(int fd);
/// A non-blocking inotify descriptor watching `path` for attribute changes, deletion and moves (the UAPI
/// socket: `rm` changes its link count). Returns it or -errno.
int wsd_inotify_watch(const char *path);
/// Drains an inotify descriptor. Returns the events read or -errno.
int wsd_inotify_drain(int fd);

/// Whether a process accepts connections on the unix socket at `path`: 1 yes, 0 no (refused or missing).
int wsd_unix_probe(const char *path);
/// Creates a listening, non-blocking unix stream socket at `path` under umask 077 (mode 0600). Returns it or -errno.
int wsd_unix_listen(const char *path);
/// Accepts one connection, non-blocking and close-on-exec. Returns it, -EAGAIN when none waits, or -errno.
int wsd_unix_accept(int fd);

/// Starts `exe` with `argv` and `envp` in a new session, with `tun_fd` as descriptor 3 and `uapi_fd` as 4, and
/// standard input, output and error on /dev/null when `quiet` (else inherited): wireguard-go's daemonization.
/// Returns the child's pid or -errno.
int wsd_spawn_daemon(const char *exe, char *const argv[], char *const envp[], int tun_fd, int uapi_fd, int quiet);

/// Moves the calling thread into the network namespace at `path` (setns(2)); for lab tools and tests that need
/// one socket inside a namespace. Returns 0 or -errno.
int wsd_enter_netns(const char *path);

#endif
