#!/usr/bin/env bash
# Runs `wiresmith lab check DIR` N times (default 200) on healthy networks, round robin, each run a fresh lab (up,
# check in every phase, down), and prints "N passed, M failed". A run passes when lab check exits 0. Failing runs
# keep their --json report (and stderr) in the output directory for inspection.
#
#   sudo scripts/lab-soak.sh [-n N] [-b BINARY] [-o OUTDIR] [DIR...]
#
# Without DIRs: the healthy examples and every healthy network of the verdict corpus (docs/corpus.md: an
# expect.yaml with no `twin:` line and `default: reach` with no pair listed). CI runs it with a small N.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=200
binary=.build/debug/wiresmith
outdir=$(mktemp -d /tmp/wiresmith-soak.XXXXXX)
while getopts "n:b:o:" opt; do
    case $opt in
        n) runs=$OPTARG ;;
        b) binary=$OPTARG ;;
        o) outdir=$OPTARG; mkdir -p "$outdir" ;;
        *) echo "usage: $0 [-n N] [-b BINARY] [-o OUTDIR] [DIR...]" >&2; exit 64 ;;
    esac
done
shift $((OPTIND - 1))
if [ "$(id -u)" -ne 0 ]; then echo "lab-soak: run as root (network namespaces)" >&2; exit 2; fi
[ -x "$binary" ] || { echo "lab-soak: no $binary; swift build --product wiresmith first" >&2; exit 2; }
networks=("$@")
if [ ${#networks[@]} -eq 0 ]; then
    networks=(examples/two-hub examples/nat-client examples/ipv6-hub examples/site-to-site)
    for expect in Tests/WireAnalysisTests/Networks/Corpus/*/expect.yaml; do
        [ -e "$expect" ] || continue
        grep -q '^twin:' "$expect" && continue
        grep -q '^default: *reach' "$expect" || continue
        grep -q '^  - ' "$expect" && continue
        networks+=("$(dirname "$expect")")
    done
fi
echo "lab-soak: $runs runs over ${#networks[@]} healthy networks; failures kept in $outdir"
passed=0
failed=0
start=$(date +%s)
for ((i = 0; i < runs; i++)); do
    dir=${networks[$((i % ${#networks[@]}))]}
    id=$(printf 'k%05x' $(( (RANDOM << 5 ^ RANDOM ^ $$) & 0xfffff )))
    json="$outdir/run-$i.json"
    "$binary" lab check "$dir" --json --id "$id" >"$json" 2>"$outdir/run-$i.err"
    status=$?
    if [ $status -eq 0 ]; then
        passed=$((passed + 1))
        rm -f "$json" "$outdir/run-$i.err"
    else
        failed=$((failed + 1))
        echo "lab-soak: run $i ($dir, lab $id) exited $status; see $json"
    fi
    if [ $(((i + 1) % 10)) -eq 0 ]; then
        echo "lab-soak: $((i + 1))/$runs runs, $passed passed, $failed failed ($(($(date +%s) - start)) s)"
    fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
