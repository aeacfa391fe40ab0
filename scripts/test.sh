#!/usr/bin/env bash
# The whole test suite: unit tests, vector tables, differential tests against wg, and namespace labs.
# Labs need root and the tools scripts/install-deps.sh installs; without them they are skipped locally,
# and fail under WIRESMITH_REQUIRE_LAB=1 (as CI sets).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
