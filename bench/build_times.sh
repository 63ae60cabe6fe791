#!/usr/bin/env bash
# Clean build time of the workspace at two commits, debug and release.
#
# Each build runs in its own detached worktree with its own empty
# CARGO_TARGET_DIR, after `cargo fetch`, so it measures compiling only (no
# downloads) and nothing is reused between builds. Builds alternate
# (before, after, before, after) so a slow spell of the machine hits both.
#
# Usage: bash bench/build_times.sh [BEFORE [AFTER]] > results.tsv
#   BEFORE defaults to c6a6b7e (the last commit without DataFusion),
#   AFTER to HEAD. Scratch space: $BUILD_TIMES_DIR (default /tmp/build-times);
#   the worktrees are removed at the end, the release target of AFTER is kept
#   there. (Building another checkout into it later, run `cargo clean -p` on
#   the workspace crates first: cargo's fingerprints follow the first tree.)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

before=${1:-c6a6b7e}
after=${2:-HEAD}
scratch=${BUILD_TIMES_DIR:-/tmp/build-times}
jobs=${BUILD_JOBS:-$(nproc)}
mkdir -p "$scratch"

checkout() { # name commit
    local dir="$scratch/$1"
    git worktree remove --force "$dir" 2>/dev/null || rm -rf "$dir"
    git worktree add --detach --quiet "$dir" "$2"
    (cd "$dir" && cargo fetch --locked --quiet)
}

build() { # name profile
    local dir="$scratch/$1" target="$scratch/target-$1-$2" flag=""
    [[ $2 == release ]] && flag="--release"
    rm -rf "$target"
    local start end
    start=$(date +%s.%N)
    (cd "$dir" && CARGO_TARGET_DIR="$target" /usr/bin/time -f "%M" -o "$target.maxrss" \
        cargo build --offline --locked --workspace -j "$jobs" $flag >"$target.log" 2>&1)
    end=$(date +%s.%N)
    printf '%s\t%s\t%s\t%.0f\t%s\t%s\n' "$1" "$(git -C "$dir" rev-parse --short HEAD)" "$2" \
        "$(echo "$end - $start" | bc)" "$(du -sm "$target" | cut -f1)" "$(cat "$target.maxrss")"
}

checkout before "$before"
checkout after "$after"
printf 'tree\tcommit\tprofile\tseconds\ttarget_mb\tpeak_rss_kb\n'
build before debug
build after debug
build before release
build after release
rm -rf "$scratch/target-before-debug" "$scratch/target-after-debug" "$scratch/target-before-release"
git worktree remove --force "$scratch/before"
git worktree remove --force "$scratch/after"
