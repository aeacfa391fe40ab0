#define _GNU_SOURCE
#include "CWireDaemon.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int wsd_tun_open(const char *name, char *actual) {
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    memcpy(actual, ifr.ifr_name, IFNAMSIZ);
    actual[IFNAMSIZ - 1] = 0;
    return fd;
}

int wsd_tun_name(int fd, char *actual) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    if (ioctl(fd, TUNGETIFF, &ifr) < 0) return -errno;
    memcpy(actual, ifr.ifr_name, IFNAMSIZ);
    actual[IFNAMSIZ - 1] = 0;
    return 0;
}

static int ifreq_call(const char *name, unsigned long request, struct ifreq *ifr) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -errno;
    strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
    int rc = ioctl(s, request, ifr) < 0 ? -errno : 0;
    close(s);
    return rc;
}

int wsd_set_mtu(const char *name, int mtu) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_mtu = mtu;
    return ifreq_call(name, SIOCSIFMTU, &ifr);
}

int wsd_get_mtu(const char *name) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    int rc = ifreq_call(name, SIOCGIFMTU, &ifr);
    return rc < 0 ? rc : ifr.ifr_mtu;
}

int wsd_get_flags(const char *name) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    int rc = ifreq_call(name, SIOCGIFFLAGS, &ifr);
    return rc < 0 ? rc : (int)(unsigned short)ifr.ifr_flags;
}

int wsd_set_mark(int fd, uint32_t mark) {
    return setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) < 0 ? -errno : 0;
}

int wsd_udp_open(int family, uint16_t port, uint32_t mark) {
    int domain = family == 6 ? AF_INET6 : AF_INET;
    int fd = socket(domain, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -errno;
    int one = 1;
    int size = 4 << 20;
    // Larger socket buffers absorb bursts between two event-loop turns (wireguard-go asks for 7 MiB).
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size);
    if (mark != 0 && wsd_set_mark(fd, mark) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    int rc;
    if (domain == AF_INET6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
        struct sockaddr_in6 a;
        memset(&a, 0, sizeof a);
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(port);
        a.sin6_addr = in6addr_any;
        rc = bind(fd, (struct sockaddr *)&a, sizeof a);
    } else {
        setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_ANY);
        rc = bind(fd, (struct sockaddr *)&a, sizeof a);
    }
    if (rc < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int wsd_udp_port(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return -errno;
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

#define WSD_MAX_BATCH 128

static void to_endpoint(const struct sockaddr_storage *ss, wsd_endpoint *e) {
    memset(e, 0, sizeof *e);
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        e->family = 6;
        memcpy(e->address, &a->sin6_addr, 16);
        e->port = ntohs(a->sin6_port);
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        e->family = 4;
        memcpy(e->address, &a->sin_addr, 4);
        e->port = ntohs(a->sin_port);
    }
}

static socklen_t from_endpoint(const wsd_endpoint *e, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    if (e->family == 6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        memcpy(&a->sin6_addr, e->address, 16);
        a->sin6_port = htons(e->port);
        return sizeof *a;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    memcpy(&a->sin_addr, e->address, 4);
    a->sin_port = htons(e->port);
    return sizeof *a;
}

#define WSD_CONTROL 64

/// The arrays one recvmmsg/sendmmsg call needs, kept on the caller's stack: headers, one iovec and one address
/// per datagram, and room for one IP_PKTINFO/IPV6_PKTINFO control message each.
typedef struct {
    struct mmsghdr msgs[WSD_MAX_BATCH];
    struct iovec iovs[WSD_MAX_BATCH];
    struct sockaddr_storage addrs[WSD_MAX_BATCH];
    char control[WSD_MAX_BATCH][WSD_CONTROL] __attribute__((aligned(8)));
} wsd_batch;

/// Clears the headers of the first `count` datagrams (at most WSD_MAX_BATCH) and returns how many to use.
static int batch_start(wsd_batch *batch, int count) {
    if (count > WSD_MAX_BATCH) count = WSD_MAX_BATCH;
    memset(batch->msgs, 0, sizeof(struct mmsghdr) * (size_t)count);
    return count;
}

/// Points datagram `i`'s header at one buffer of `length` bytes and at its own address slot.
static void batch_slot(wsd_batch *batch, int i, void *base, size_t length) {
    batch->iovs[i].iov_base = base;
    batch->iovs[i].iov_len = length;
    batch->msgs[i].msg_hdr.msg_iov = &batch->iovs[i];
    batch->msgs[i].msg_hdr.msg_iovlen = 1;
    batch->msgs[i].msg_hdr.msg_name = &batch->addrs[i];
}

int wsd_recv_batch(int fd, uint8_t *buffers, size_t stride, int count, size_t *lengths, wsd_endpoint *sources,
                   wsd_endpoint *locals) {
    wsd_batch batch;
    count = batch_start(&batch, count);
    struct mmsghdr *msgs = batch.msgs;
    char (*control)[WSD_CONTROL] = batch.control;
    for (int i = 0; i < count; i++) {
        batch_slot(&batch, i, buffers + (size_t)i * stride, stride);
        msgs[i].msg_hdr.msg_namelen = sizeof batch.addrs[i];
        msgs[i].msg_hdr.msg_control = control[i];
        msgs[i].msg_hdr.msg_controllen = WSD_CONTROL;
    }
    int n;
    do {
        n = recvmmsg(fd, msgs, (unsigned)count, MSG_DONTWAIT, NULL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        lengths[i] = msgs[i].msg_len;
        to_endpoint(&batch.addrs[i], &sources[i]);
        memset(&locals[i], 0, sizeof locals[i]);
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                struct in_pktinfo info;
                memcpy(&info, CMSG_DATA(c), sizeof info);
                locals[i].family = 4;
                memcpy(locals[i].address, &info.ipi_addr, 4);
            } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
                struct in6_pktinfo info;
                memcpy(&info, CMSG_DATA(c), sizeof info);
                locals[i].family = 6;
                memcpy(locals[i].address, &info.ipi6_addr, 16);
                // Link-local sources need their interface: kept in the port field, which a local address lacks.
                locals[i].port = (uint16_t)info.ipi6_ifindex;
            }
        }
    }
    return n;
}

/// Writes one control message (level, type, payload) at the start of `control`; returns the space it takes.
static size_t put_control(char *control, int level, int type, const void *payload, size_t size) {
    struct cmsghdr *c = (struct cmsghdr *)control;
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(size);
    memcpy(CMSG_DATA(c), payload, size);
    return CMSG_SPACE(size);
}

static size_t source_control(const wsd_endpoint *source, char *control) {
    if (source->family == 4) {
        struct in_pktinfo info;
        memset(&info, 0, sizeof info);
        memcpy(&info.ipi_spec_dst, source->address, 4);
        return put_control(control, IPPROTO_IP, IP_PKTINFO, &info, sizeof info);
    }
    if (source->family == 6) {
        struct in6_pktinfo info;
        memset(&info, 0, sizeof info);
        memcpy(&info.ipi6_addr, source->address, 16);
        info.ipi6_ifindex = source->port;
        return put_control(control, IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof info);
    }
    return 0;
}

int wsd_send_batch(int fd, const uint8_t *const *datagrams, const size_t *lengths, const wsd_endpoint *targets,
                   const wsd_endpoint *sources, int count) {
    wsd_batch batch;
    count = batch_start(&batch, count);
    struct mmsghdr *msgs = batch.msgs;
    char (*control)[WSD_CONTROL] = batch.control;
    for (int i = 0; i < count; i++) {
        batch_slot(&batch, i, (void *)datagrams[i], lengths[i]);
        msgs[i].msg_hdr.msg_namelen = from_endpoint(&targets[i], &batch.addrs[i]);
        memset(control[i], 0, WSD_CONTROL);
        size_t length = sources ? source_control(&sources[i], control[i]) : 0;
        if (length) {
            msgs[i].msg_hdr.msg_control = control[i];
            msgs[i].msg_hdr.msg_controllen = length;
        }
    }
    int sent = 0;
    while (sent < count) {
        int n = sendmmsg(fd, msgs + sent, (unsigned)(count - sent), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return sent;
            // The sticky source may be gone (address removed): send this one from the routing table's choice.
            if ((errno == EINVAL || errno == EADDRNOTAVAIL) && msgs[sent].msg_hdr.msg_controllen) {
                msgs[sent].msg_hdr.msg_control = NULL;
                msgs[sent].msg_hdr.msg_controllen = 0;
                continue;
            }
            // A datagram the kernel refuses (unreachable, no buffer) is dropped like a lost packet; go on.
            sent += 1;
            continue;
        }
        sent += n;
    }
    return sent;
}

int wsd_netlink_open(void) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (fd < 0) return -errno;
    struct sockaddr_nl a;
    memset(&a, 0, sizeof a);
    a.nl_family = AF_NETLINK;
    a.nl_groups = RTMGRP_LINK;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int wsd_tun_netns(int tunfd) {
    int fd = ioctl(tunfd, TUNGETDEVNETNS);
    return fd < 0 ? -errno : fd;
}

struct link_sockets {
    int netns;
    int netlink;
    int control;
    int error;
};

// Runs on a thread of its own: setns changes only the calling thread's namespace, and the thread ends in the
// device's namespace, so the event-loop thread never leaves its own. Sockets keep the namespace they were made in.
static void *open_link_sockets(void *argument) {
    struct link_sockets *out = argument;
    if (setns(out->netns, CLONE_NEWNET) < 0) {
        out->error = -errno;
        return NULL;
    }
    out->netlink = wsd_netlink_open();
    if (out->netlink < 0) {
        out->error = out->netlink;
        return NULL;
    }
    out->control = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (out->control < 0) {
        out->error = -errno;
        close(out->netlink);
    }
    return NULL;
}

int wsd_link_sockets_in(int netns, int *netlink, int *control) {
    struct link_sockets s = {.netns = netns, .netlink = -1, .control = -1, .error = 0};
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, open_link_sockets, &s);
    if (rc != 0) return -rc;
    pthread_join(thread, NULL);
    if (s.error < 0) return s.error;
    *netlink = s.netlink;
    *control = s.control;
    return 0;
}

int wsd_link_query(int control, const char *name, unsigned long request) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(control, request, &ifr) < 0) return -errno;
    switch (request) {
    case SIOCGIFFLAGS: return (int)(unsigned short)ifr.ifr_flags;
    case SIOCGIFMTU: return ifr.ifr_mtu;
    case SIOCGIFINDEX: return ifr.ifr_ifindex;
    default: return -EINVAL;
    }
}

int wsd_link_flags(int control, const char *name) { return wsd_link_query(control, name, SIOCGIFFLAGS); }
int wsd_link_mtu(int control, const char *name) { return wsd_link_query(control, name, SIOCGIFMTU); }
int wsd_link_index(int control, const char *name) { return wsd_link_query(control, name, SIOCGIFINDEX); }

int wsd_netlink_read(int fd, int ifindex, int *deleted, int *mtu, unsigned int *flags) {
    char buffer[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
    int seen = 0;
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return seen;
            if (errno == ENOBUFS) continue;  // events were lost; the caller re-reads state anyway
            return -errno;
        }
        if (n == 0) return seen;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) continue;
            struct ifinfomsg *info = NLMSG_DATA(h);
            if (info->ifi_index != ifindex) continue;
            seen++;
            if (h->nlmsg_type == RTM_DELLINK) {
                *deleted = 1;
                continue;
            }
            *flags = info->ifi_flags;
            int length = (int)IFLA_PAYLOAD(h);
            for (struct rtattr *a = IFLA_RTA(info); RTA_OK(a, length); a = RTA_NEXT(a, length)) {
                if (a->rta_type == IFLA_MTU && RTA_PAYLOAD(a) >= sizeof(uint32_t)) *mtu = (int)*(uint32_t *)RTA_DATA(a);
            }
        }
    }
}

int wsd_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int wsd_epoll_set(int epfd, int fd, uint64_t tag, int writable, int modify) {
    struct epoll_event e;
    memset(&e, 0, sizeof e);
    e.events = EPOLLIN | (writable ? EPOLLOUT : 0);
    e.data.u64 = tag;
    return epoll_ctl(epfd, modify ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &e) < 0 ? -errno : 0;
}

int wsd_epoll_remove(int epfd, int fd) {
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL) < 0 ? -errno : 0;
}

int wsd_epoll_wait(int epfd, uint64_t *tags, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event es[64];
    if (max > 64) max = 64;
    int n = epoll_wait(epfd, es, max, timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        tags[i] = es[i].data.u64;
        uint32_t bits = 0;
        if (es[i].events & EPOLLIN) bits |= WSD_EVENT_IN;
        if (es[i].events & EPOLLOUT) bits |= WSD_EVENT_OUT;
        if (es[i].events & EPOLLERR) bits |= WSD_EVENT_ERR;
        if (es[i].events & EPOLLHUP) bits |= WSD_EVENT_HUP;
        events[i] = bits;
    }
    return n;
}

int wsd_signalfd(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    signal(SIGPIPE, SIG_IGN);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) return -errno;
    int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int wsd_signalfd_read(int fd) {
    struct signalfd_siginfo info;
    ssize_t n = read(fd, &info, sizeof info);
    if (n < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -errno;
    return n == sizeof info ? (int)info.ssi_signo : 0;
}

int wsd_inotify_watch(const char *path) {
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return -errno;
    if (inotify_add_watch(fd, path, IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int wsd_inotify_drain(int fd) {
    char buffer[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int seen = 0;
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0) return (errno == EAGAIN || errno == EINTR) ? seen : -errno;
        if (n == 0) return seen;
        seen++;
    }
}

static int unix_address(const char *path, struct sockaddr_un *a) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a->sun_path) return -ENAMETOOLONG;
    strcpy(a->sun_path, path);
    return 0;
}

int wsd_unix_probe(const char *path) {
    struct sockaddr_un a;
    if (unix_address(path, &a) < 0) return 0;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

int wsd_unix_listen(const char *path) {
    struct sockaddr_un a;
    int rc = unix_address(path, &a);
    if (rc < 0) return rc;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -errno;
    mode_t old = umask(0077);
    rc = bind(fd, (struct sockaddr *)&a, sizeof a);
    umask(old);
    // umask 077 leaves 0700 on a socket; nothing needs to execute it, so 0600 (no window: 077 applied at bind).
    if (rc == 0) chmod(path, 0600);
    if (rc < 0 || listen(fd, 128) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int wsd_unix_accept(int fd) {
    int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    return c < 0 ? -errno : c;
}

int wsd_spawn_daemon(const char *exe, char *const argv[], char *const envp[], int tun_fd, int uapi_fd, int quiet) {
    // Move both descriptors above 3 and 4 first, so dup2 to 3 and 4 never meets itself (and keeps FD_CLOEXEC).
    int high_tun = fcntl(tun_fd, F_DUPFD_CLOEXEC, 100);
    int high_uapi = fcntl(uapi_fd, F_DUPFD_CLOEXEC, 100);
    if (high_tun < 0 || high_uapi < 0) return -errno;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
    // The child starts with SIGTERM, SIGINT and SIGHUP blocked: one sent before its signalfd exists waits for it
    // instead of killing it with the socket file still in place.
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGHUP);
    posix_spawnattr_setsigmask(&attributes, &blocked);
    if (quiet) {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    } else {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&actions, high_tun, 3);
    posix_spawn_file_actions_adddup2(&actions, high_uapi, 4);
    pid_t pid;
    int rc = posix_spawn(&pid, exe, &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(high_tun);
    close(high_uapi);
    return rc == 0 ? (int)pid : -rc;
}

int wsd_enter_netns(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    int rc = setns(fd, CLONE_NEWNET) < 0 ? -errno : 0;
    close(fd);
    return rc;
}
