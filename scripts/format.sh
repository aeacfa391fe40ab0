#!/usr/bin/env bash
# Formats every Swift file with the toolchain's swift-format and the checked-in .swift-format (4 spaces, 120 columns).
#   bash scripts/format.sh          rewrite the files in place
#   bash scripts/format.sh --check  change nothing; exit 1 and name each file that is not formatted or breaks a rule
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Benchmarks)
if [ "${1:-}" = "--check" ]; then
    status=0
    # `lint --strict` reports both formatting differences and rule violations, one line each with FILE:LINE:COL.
    swift format lint --strict --parallel --recursive "${paths[@]}" || status=1
    # swift-format cannot break a long string literal; the limit holds for those lines too.
    long=$(git ls-files '*.swift' | xargs awk 'length > 120 { print FILENAME ":" FNR ": line is " length " columns (limit 120)" }')
    if [ -n "$long" ]; then echo "$long"; status=1; fi
    if [ "$status" -ne 0 ]; then
        echo "format: files above are not formatted; run: bash scripts/format.sh" >&2
    else
        echo "format: every Swift file is formatted"
    fi
    exit "$status"
fi
swift format format --in-place --parallel --recursive "${paths[@]}"
