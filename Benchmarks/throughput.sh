#!/usr/bin/env bash
# Throughput and memory of wiresmithd against wireguard-go, side by side in one run (docs/daemon.md).
#
# Two network namespaces joined by a veth pair; the same implementation at both ends (wiresmithd<->wiresmithd,
# then wireguard-go<->wireguard-go, the order alternating every round), WireGuard MTU 1420. Each round runs
# iperf3 with one TCP stream and with 4 streams and prints Gb/s and the CPU seconds both daemons spent per GB
# carried; at the end, the median of each and the ratio wiresmithd / wireguard-go (>= 1.0 means as fast). Then
# each implementation is given 1,000 peers with `wg setconf` and its resident memory (VmRSS) is printed.
#
# Usage: sudo Benchmarks/throughput.sh [ROUNDS (3)] [SECONDS per test (5)]
# Env:   WIRESMITHD=path (default .build-static/release/wiresmithd: release, a static executable as a daemon is
#        installed; rebuilt when the sources changed), WIREGUARD_GO=path, PEERS=1000
# Needs: root, ip, wg, iperf3, wireguard-go, python3 (JSON of iperf3). Only a ratio measured in one run means
# anything: machines of this kind differ by 3x from day to day (/work/shared/FIELD-NOTES.md).
set -euo pipefail
umask 077
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECONDS_PER_TEST=${2:-5}
PEERS=${PEERS:-1000}
BUILD_WIRESMITHD=${WIRESMITHD:+no}
WIRESMITHD=${WIRESMITHD:-$PWD/.build-static/release/wiresmithd}
WIREGUARD_GO=${WIREGUARD_GO:-$(command -v wireguard-go)}
[ "$(id -u)" -eq 0 ] || { echo "throughput: run as root (namespaces)" >&2; exit 2; }
for tool in ip wg iperf3 python3; do
    command -v "$tool" >/dev/null || { echo "throughput: $tool is not installed" >&2; exit 2; }
done
if [ "${BUILD_WIRESMITHD:-yes}" = yes ]; then
    # A static executable (not position-independent, as Debian's wireguard-go is not): no relocations applied at
    # start, no shared libc/libstdc++ pages (docs/daemon.md, "Resident memory"). The daemon calls nothing that needs
    # glibc's NSS or dlopen.
    echo "throughput: building wiresmithd (release, static executable, in .build-static)"
    swift build -c release --product wiresmithd -Xswiftc -static-executable --scratch-path .build-static >/dev/null 2>&1
fi

ID=$(printf '%04x' $((RANDOM * 2 % 65536)))
NA=wsbench${ID}a
NB=wsbench${ID}b
IA=wbA$ID
IB=wbB$ID
DIR=$(mktemp -d /tmp/wsbench.XXXXXX)
cleanup() {
    for ns in "$NA" "$NB"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    done
    sleep 0.3
    for ns in "$NA" "$NB"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -f "/var/run/wireguard/$IA.sock" "/var/run/wireguard/$IB.sock"
    rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

ip netns add "$NA"
ip netns add "$NB"
ip link add "wbv${ID}a" netns "$NA" type veth peer "wbv${ID}b" netns "$NB"
ip -n "$NA" addr add 192.0.2.1/24 dev "wbv${ID}a"
ip -n "$NB" addr add 192.0.2.2/24 dev "wbv${ID}b"
for ns in "$NA" "$NB"; do ip -n "$ns" link set lo up; done
ip -n "$NA" link set "wbv${ID}a" up
ip -n "$NB" link set "wbv${ID}b" up
wg genkey >"$DIR/a.key"
wg genkey >"$DIR/b.key"
PA=$(wg pubkey <"$DIR/a.key")
PB=$(wg pubkey <"$DIR/b.key")

daemon_pids() { ip netns pids "$NA"; ip netns pids "$NB"; }

# Starts IMPL at both ends and waits for a handshake (observed, not slept for).
up() {
    local impl=$1
    ip netns exec "$NA" "$impl" "$IA" 2>/dev/null
    ip netns exec "$NB" "$impl" "$IB" 2>/dev/null
    wg set "$IA" private-key "$DIR/a.key" listen-port 51820 peer "$PB" allowed-ips 10.88.0.2/32 endpoint 192.0.2.2:51821
    wg set "$IB" private-key "$DIR/b.key" listen-port 51821 peer "$PA" allowed-ips 10.88.0.1/32 endpoint 192.0.2.1:51820
    ip -n "$NA" addr add 10.88.0.1/24 dev "$IA"
    ip -n "$NB" addr add 10.88.0.2/24 dev "$IB"
    ip -n "$NA" link set "$IA" mtu 1420 up
    ip -n "$NB" link set "$IB" mtu 1420 up
    ip netns exec "$NA" ping -c 1 -w 10 10.88.0.2 >/dev/null
}

down() {
    for pid in $(daemon_pids); do kill "$pid" 2>/dev/null || true; done
    for _ in $(seq 50); do [ -z "$(daemon_pids)" ] && break; sleep 0.1; done
}

cpu_ticks() {
    local total=0
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo "$total"
}

# iperf3 from A to B with STREAMS streams; prints "GBITS CPU_S_PER_GB".
measure() {
    local streams=$1 pids before after json
    pids=$(daemon_pids | tr '\n' ' ')
    ip netns exec "$NB" iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
    for _ in $(seq 50); do ip netns exec "$NB" ss -Hltn 'sport = :5201' | grep -q 5201 && break; sleep 0.1; done
    before=$(cpu_ticks $pids)
    json=$(ip netns exec "$NA" iperf3 -c 10.88.0.2 -p 5201 -t "$SECONDS_PER_TEST" -P "$streams" -J)
    after=$(cpu_ticks $pids)
    python3 - "$json" "$before" "$after" "$(getconf CLK_TCK)" <<'PY'
import json, sys
end = json.loads(sys.argv[1])["end"]["sum_received"]
cpu = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4])
gb = end["bytes"] / 1e9
print(f"{end['bits_per_second'] / 1e9:.3f} {cpu / gb if gb else 0:.2f}")
PY
}

declare -A RESULTS
echo "throughput: $ROUNDS round(s) of ${SECONDS_PER_TEST}s, MTU 1420, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-13s %-9s %9s %12s\n' round impl streams Gb/s "CPU s/GB"
for round in $(seq "$ROUNDS"); do
    if [ $((round % 2)) -eq 1 ]; then order="wiresmithd wireguard-go"; else order="wireguard-go wiresmithd"; fi
    for name in $order; do
        impl=$WIRESMITHD
        [ "$name" = wireguard-go ] && impl=$WIREGUARD_GO
        up "$impl"
        for streams in 1 4; do
            read -r gbits cpu < <(measure "$streams")
            printf '%-6s %-13s %-9s %9s %12s\n' "$round" "$name" "$streams" "$gbits" "$cpu"
            RESULTS[$name,$streams]+="$gbits "
            RESULTS[$name,$streams,cpu]+="$cpu "
        done
        down
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
printf '%-9s %14s %16s %8s %22s\n' streams "wiresmithd Gb/s" "wireguard-go Gb/s" ratio "CPU s/GB (ws / wg-go)"
for streams in 1 4; do
    ws=$(echo "${RESULTS[wiresmithd,$streams]}" | median)
    wgo=$(echo "${RESULTS[wireguard-go,$streams]}" | median)
    wsc=$(echo "${RESULTS[wiresmithd,$streams,cpu]}" | median)
    wgc=$(echo "${RESULTS[wireguard-go,$streams,cpu]}" | median)
    ratio=$(awk -v a="$ws" -v b="$wgo" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    printf '%-9s %14s %16s %8s %22s\n' "$streams" "$ws" "$wgo" "$ratio" "$wsc / $wgc"
done

# Resident memory with PEERS peers configured (no traffic).
echo
conf=$DIR/peers.conf
{
    printf '[Interface]\nPrivateKey = %s\nListenPort = 51830\n' "$(cat "$DIR/a.key")"
    for i in $(seq "$PEERS"); do
        printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.%d.%d.%d/32\n' "$(wg genkey | wg pubkey)" \
            $((i / 65536 + 100)) $((i / 256 % 256)) $((i % 256))
    done
} >"$conf"
for name in wiresmithd wireguard-go; do
    impl=$WIRESMITHD
    [ "$name" = wireguard-go ] && impl=$WIREGUARD_GO
    ip netns exec "$NA" "$impl" "$IA" 2>/dev/null
    wg setconf "$IA" "$conf"
    [ "$(wg show "$IA" peers | wc -l)" -eq "$PEERS" ] || echo "throughput: $name holds $(wg show "$IA" peers | wc -l) peers"
    pid=$(ip netns pids "$NA" | head -1)
    printf 'resident memory with %d peers: %-13s %6s kB\n' "$PEERS" "$name" "$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
    down
done
