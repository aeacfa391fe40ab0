#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (one per parser of outside input) with -sanitize=fuzzer,address into
# .build-fuzz, and runs each for a bounded time, seeded from the real-world configs (../shared/corpus/realworld,
# read in place, never copied into git), the examples and the test corpus.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s each; FuzzConfig FuzzHostFacts FuzzIntent
#                                                         FuzzUAPI FuzzWire)
#
# Exit status: 0 no finding; 1 a target crashed, leaked or timed out (the input is kept in .build-fuzz/findings/:
# turn it into a regression test); 2 the build failed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(FuzzConfig FuzzHostFacts FuzzIntent FuzzUAPI FuzzWire)
scratch="$PWD/.build-fuzz"
work="$scratch/work"
mkdir -p "$work" "$scratch/findings"

# SwiftPM links each executable's main to MODULE_main, which clashes with the main that -sanitize=fuzzer links in
# (ld.gold dies in dwarf_reader.cc). So the code is instrumented as -sanitize=fuzzer does (AddressSanitizer plus
# libFuzzer's coverage and comparison hooks) and linked with libFuzzer without its main; each target's MODULE_main
# calls LLVMFuzzerRunDriver.
resource="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")/lib/clang"
nomain="$(ls "$resource"/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | head -n 1)"
flags=(-c debug -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
    -Xswiftc -parse-as-library -Xlinker "$nomain" -Xlinker -lstdc++)
# SwiftPM does not rebuild when only -Xswiftc flags change: start over when they differ from the last build's.
if [[ "$(cat "$scratch/flags" 2>/dev/null)" != "${flags[*]}" ]]; then
    rm -rf "$scratch"/x86_64-* "$scratch"/debug
    mkdir -p "$scratch" && echo "${flags[*]}" >"$scratch/flags"
fi
echo "fuzz: building ${targets[*]} (AddressSanitizer + libFuzzer coverage, scratch .build-fuzz)"
log="$scratch/build.log"
if ! swift build --package-path Fuzz --scratch-path "$scratch" "${flags[@]}" >"$log" 2>&1; then
    grep -v "Cannot export local symbol" "$log" | tail -n 20 >&2
    echo "fuzz: build failed" >&2
    exit 2
fi
bin="$(swift build --package-path Fuzz --scratch-path "$scratch" "${flags[@]}" --show-bin-path)"

# Seeds: one directory per target, refreshed each run (inputs libFuzzer adds are kept between runs).
seed() {
    local target="$1" dir="$work/$1-seeds"
    rm -rf "$dir"
    mkdir -p "$dir"
    case "$target" in
        FuzzConfig)
            for f in ../shared/corpus/realworld/*.conf Tests/WireConfigTests/Corpus/*.conf; do
                [[ -f $f ]] && cp "$f" "$dir/$(basename "$(dirname "$f")")-$(basename "$f")"
            done
            find examples Tests/WireAnalysisTests/Networks Tests/WireLabTests/Networks -name '*.conf' 2>/dev/null \
                | while read -r f; do cp "$f" "$dir/$(echo "$f" | tr / _)"; done
            ;;
        FuzzHostFacts)
            find examples Tests/WireAnalysisTests/Networks Tests/WireLabTests/Networks -name '*.yaml' 2>/dev/null \
                | while read -r f; do cp "$f" "$dir/$(echo "$f" | tr / _)"; done
            ;;
        FuzzIntent)
            find examples Tests -name 'intent.y*ml' -o -name 'expect.yaml' 2>/dev/null \
                | while read -r f; do cp "$f" "$dir/$(echo "$f" | tr / _)"; done
            ;;
        FuzzUAPI)
            printf 'private_key=%064d\nlisten_port=51820\nreplace_peers=true\n' 1 >"$dir/device"
            printf 'public_key=%064d\nendpoint=192.0.2.1:51820\nallowed_ip=10.0.0.2/32\n' 2 >"$dir/peer"
            printf 'persistent_keepalive_interval=25\nreplace_allowed_ips=true\nallowed_ip=fd00::2/128\n' >>"$dir/peer"
            ;;
        FuzzWire)
            printf '\x01\x00\x00\x00' >"$dir/initiation-header"
            printf '\x04\x00\x00\x00\x00\x00\x00\x00' >"$dir/transport-header"
            ;;
    esac
    echo "$dir"
}

export SWIFT_BACKTRACE=enable=no  # a fatalError is the finding; the backtracer only adds noise under ASan
status=0
for target in "${targets[@]}"; do
    seeds="$(seed "$target")"
    corpus="$work/$target-corpus"
    mkdir -p "$corpus"
    log="$work/$target.log"
    echo "fuzz: $target for ${seconds}s ($(ls "$seeds" | wc -l) seeds)"
    set +e
    (cd "$scratch/findings" && "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 "$corpus" "$seeds") >"$log" 2>&1
    rc=$?
    set -e
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ +DONE" "$log" | sed "s/^/fuzz: $target: /"
    if [[ $rc -ne 0 ]]; then
        echo "fuzz: $target FOUND A PROBLEM (exit $rc); log $log, input in .build-fuzz/findings/:" >&2
        grep -E "ERROR|Fatal error|==[0-9]+==|SUMMARY|Test unit written" "$log" | head -n 20 >&2
        status=1
    fi
done
exit $status
