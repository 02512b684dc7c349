#!/usr/bin/env bash
# Fuzzes ramcheck's parsers with the toolchain's libFuzzer (AddressSanitizer on):
#   Scripts/fuzz.sh [-t SECONDS] [HARNESS...]     (default: 60 s each, every harness)
# Harnesses: json policy eval snapshot lint probe credentials (Fuzz/Harness/). Each starts from
# a seed corpus (policies/, Tests/Corpus/, Tests/Golden/inputs/, Fuzz/Seeds/, and every past crash
# in Fuzz/Regressions/) and keeps what it finds in .build/fuzz/corpus/. A crash, a leak, a hang over
# 10 s or a broken invariant stops the harness; its input is left in .build/fuzz/artifacts/NAME/ —
# copy it into Fuzz/Regressions/NAME/ so that `swift test` replays it from then on. Exit 1 if any
# harness found something.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=60
if [ "${1:-}" = "-t" ]; then secs="$2"; shift 2; fi
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(json policy eval snapshot lint probe credentials)
build=.build/fuzz
# Swift's own crash backtracer would read memory ASan then reports; libFuzzer prints the stack.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan-suppressions.txt"
flags=(-c debug --build-path "$build" -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING)

seeds() {  # the seed files of a harness, one per line
    case "$1" in
        probe) find Fuzz/Seeds/probe Tests/Golden/inputs/denials Tests/Corpus/ram-examples -type f ;;
        credentials) find Fuzz/Seeds/credentials -type f ;;
        snapshot) find policies -name 'account*.json'; find policies/bad Tests/Golden/inputs -name '*.json' ;;
        *) find policies Tests/Corpus Tests/Golden/inputs -name '*.json' ;;
    esac
    [ -d "Fuzz/Regressions/$1" ] && find "Fuzz/Regressions/$1" -type f
    return 0
}

failed=()
for h in "${harnesses[@]}"; do
    echo "== fuzz-$h: building"
    swift build "${flags[@]}" --product "fuzz-$h" 2>&1 | grep -E "error|warning: unre|Compiling|Build" | tail -1
    seeddir="$build/seeds/$h"
    rm -rf "$seeddir" && mkdir -p "$seeddir" "$build/corpus/$h" "$build/artifacts/$h"
    n=0
    while IFS= read -r f; do n=$((n + 1)); cp "$f" "$seeddir/$n-$(basename "$f")"; done < <(seeds "$h")
    echo "== fuzz-$h: $secs s from $n seeds"
    if ! "$build/debug/fuzz-$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2560 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$h/" "$build/corpus/$h" "$seeddir" > "$build/fuzz-$h.log" 2>&1; then
        failed+=("$h")
        echo "== fuzz-$h: FOUND a problem; the input is in $build/artifacts/$h/ — the end of the log:"
        tail -40 "$build/fuzz-$h.log"
    else
        grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE" "$build/fuzz-$h.log" | tr '\n' ' '
        echo
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: problems in ${failed[*]}"
    exit 1
fi
echo "fuzz: ${#harnesses[@]} harness(es), $secs s each, nothing found"
