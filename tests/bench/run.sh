#!/usr/bin/env bash
# Times each function against the no-op kyaml baseline on the same generated lists,
# alternating runs, and prints medians of wall time and peak RSS with their ratios.
set -euo pipefail
bin=${UNBAKE_BIN:?set UNBAKE_BIN}
rounds=${ROUNDS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$(dirname "$0")"
go build -o "$work/" ./genlist ./noop

measure() { # prints "seconds kilobytes" for one run of $1 on $2
  /usr/bin/time -f "%e %M" -o "$work/time" "$1" < "$2" > /dev/null
  cat "$work/time"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf "%-8s %-16s %10s %10s %12s %10s\n" items function wall_s rss_MB wall_ratio rss_ratio
for n in 1000 10000; do
  "$work/genlist" -n "$n" -config sidecar.yaml > "$work/list-$n.yaml"
  for fn in inject-sidecar; do
    : > "$work/base"; : > "$work/fn"
    for _ in $(seq "$rounds"); do
      measure "$work/noop" "$work/list-$n.yaml" >> "$work/base"
      measure "$bin/$fn" "$work/list-$n.yaml" >> "$work/fn"
    done
    bw=$(cut -d' ' -f1 "$work/base" | median); bm=$(cut -d' ' -f2 "$work/base" | median)
    fw=$(cut -d' ' -f1 "$work/fn" | median); fm=$(cut -d' ' -f2 "$work/fn" | median)
    printf "%-8s %-16s %10s %10.0f\n" "$n" "noop-kyaml" "$bw" "$(echo "$bm/1024" | bc -l)"
    printf "%-8s %-16s %10s %10.0f %11.1fx %9.2fx\n" "$n" "$fn" "$fw" "$(echo "$fm/1024" | bc -l)" \
      "$(echo "$bw/$fw" | bc -l)" "$(echo "$fm/$bm" | bc -l)"
  done
done
