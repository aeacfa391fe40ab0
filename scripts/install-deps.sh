#!/usr/bin/env bash
# Installs the Debian packages wiresmith's labs, demo and tests use. Run as root on Debian/Ubuntu.
# The Swift toolchain (6.x) is expected on PATH already.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: run as root (apt-get and network namespaces need it): sudo $0" >&2
    exit 2
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: apt-get update"
apt-get update -qq
echo "install-deps: installing wireguard-tools wireguard-go iproute2 iptables nftables iperf3 ncat tcpdump iputils-ping graphviz conntrack qrencode zbar-tools"
apt-get install -y -qq --no-install-recommends \
    wireguard-tools wireguard-go iproute2 iptables nftables iperf3 ncat tcpdump iputils-ping graphviz conntrack qrencode zbar-tools procps kmod \
    >/dev/null
command -v swift >/dev/null || { echo "install-deps: swift is not on PATH; install Swift 6 first" >&2; exit 2; }
echo "install-deps: done"
