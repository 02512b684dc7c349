#!/usr/bin/env bash
# Renders the example audit report (policies/account.json) in a real headless browser —
# Chromium from Debian's packages — with every network request refused, and checks that
# its script ran and that sorting, filtering and the cell detail work (the report's own
# `#selftest`). With --screenshot FILE, also saves a picture of it (the README's).
# Installs chromium when run as root without it (CI); exit 1 when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
shot=""
if [ "${1:-}" = "--screenshot" ]; then shot="$2"; fi
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "check-audit-html: chromium is not installed (apt-get install chromium)" >&2
    exit 2
  fi
fi
swift build --product ramcheck >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
.build/debug/ramcheck audit --account policies/account.json --format html --out "$out/audit.html" 2>/dev/null
# Self-contained: nothing is loaded from anywhere else.
if grep -Eiq '(src|href|url)[=(]"?(https?:)?//' "$out/audit.html"; then
  echo "check-audit-html: the report refers to the network" >&2
  exit 1
fi
browser=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
  --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$out/profile" --virtual-time-budget=10000)
dom=$(timeout 120 "${browser[@]}" --dump-dom "file://$out/audit.html#selftest" 2>/dev/null)
grep -q 'data-ready="yes"' <<<"$dom" || { echo "check-audit-html: the report's script did not run" >&2; exit 1; }
result=$(grep -o 'data-selftest="[^"]*"' <<<"$dom" || echo 'data-selftest="missing"')
if [ "$result" != 'data-selftest="ok"' ]; then
  echo "check-audit-html: $result" >&2
  exit 1
fi
rows=$(grep -o '<td class="count">[0-9]*</td>' <<<"$dom" | wc -l)
echo "check-audit-html: rendered in $(chromium --version 2>/dev/null | head -1): $rows principal rows, script ran, self-test ok"
if [ -n "$shot" ]; then
  timeout 120 "${browser[@]}" --window-size=1400,820 --screenshot="$out/shot.png" "file://$out/audit.html" >/dev/null 2>&1
  cp "$out/shot.png" "$shot"
  echo "check-audit-html: screenshot in $shot"
fi
