#!/usr/bin/env bash
# Waymark's one test command. Run it from anywhere; it works in the repository
# root. On a fresh Debian machine it first installs what the tests need
# (as root, or through sudo): Chromium, xmllint and Java from Debian, and the
# npm packages in tests/browser. It never skips a check: when something cannot
# be installed or run, it fails.
#
#   bash tests/run-all.sh
#
# Steps: install, cargo test (the whole Rust suite), build (the shipped site
# into a temporary folder; public/ is left alone), vnu (HTML validity), a11y
# (axe-core, reflow, third-party requests and keyboard checks in Chromium),
# search (the search page finds a known action in Chromium, served and, built
# with --relative, opened from disk), layout (in Chromium: printed A4 page counts
# of the plan, its first priority area and the timeline; nothing clipped at
# 375 px on any page; printed links' full addresses, built with a full --base-url;
# on the shipped site and tests/fixtures/basic).
#
# Environment:
#   WAYMARK_KEEP_SITE=1     keep the built site and print where it is
#   A11Y_SCREENSHOTS=DIR    also save screenshots of the home page there
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
browser_dir="$root/tests/browser"
export DEBIAN_FRONTEND=noninteractive

names=()
results=()
failed=0

record() { names+=("$1"); results+=("$2"); }

summary() {
  echo
  echo "run-all: summary"
  local i passed=0
  for i in "${!names[@]}"; do
    printf '  %-12s %s\n' "${names[$i]}" "${results[$i]}"
    case "${results[$i]}" in passed*) passed=$((passed + 1)) ;; esac
  done
  echo "run-all: $passed passed, $((${#names[@]} - passed)) failed"
}

# Stops the whole run at once (used when the tools themselves are missing).
die() {
  echo "run-all: step '$1' FAILED: $2" >&2
  record "$1" "FAILED: $2"
  summary
  exit 1
}

# run_step NAME COMMAND...: runs one step, records how it went.
run_step() {
  local name="$1"
  shift
  local t0=$SECONDS rc=0
  echo
  echo "==> $name: $*"
  "$@" || rc=$?
  local took=$((SECONDS - t0))
  if [ "$rc" -eq 0 ]; then
    record "$name" "passed (${took}s)"
    return 0
  fi
  echo "run-all: step '$name' FAILED (exit $rc, ${took}s)" >&2
  record "$name" "FAILED (exit $rc, ${took}s)"
  failed=1
  return 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    echo "run-all: need root (or sudo) to run: $*" >&2
    return 1
  fi
}

# ---------------------------------------------------------------- install
install_step() {
  local t0=$SECONDS pkgs=() log
  [ -x /usr/bin/chromium ] || pkgs+=(chromium)
  command -v xmllint >/dev/null 2>&1 || pkgs+=(libxml2-utils)
  command -v java >/dev/null 2>&1 || pkgs+=(default-jre-headless)

  if [ "${#pkgs[@]}" -gt 0 ]; then
    echo "==> install: apt-get install ${pkgs[*]}"
    command -v apt-get >/dev/null 2>&1 || die install "apt-get not found; install ${pkgs[*]} by hand"
    log="$(mktemp)"
    local ok=0 attempt
    for attempt in 1 2; do
      if as_root apt-get -o DPkg::Lock::Timeout=300 update >"$log" 2>&1 &&
        as_root apt-get -o DPkg::Lock::Timeout=300 install -y "${pkgs[@]}" >>"$log" 2>&1; then
        ok=1
        break
      fi
      echo "run-all: apt-get failed (attempt $attempt)" >&2
      sleep 5
    done
    if [ "$ok" -ne 1 ]; then
      tail -n 30 "$log" >&2
      rm -f "$log"
      die install "apt-get install ${pkgs[*]} failed"
    fi
    rm -f "$log"
  fi
  [ -x /usr/bin/chromium ] || die install "/usr/bin/chromium is missing after installing chromium"
  command -v xmllint >/dev/null 2>&1 || die install "xmllint is missing after installing libxml2-utils"
  command -v java >/dev/null 2>&1 || die install "java is missing after installing default-jre-headless"

  command -v cargo >/dev/null 2>&1 || die install "cargo not found (install Rust with rustup)"
  command -v node >/dev/null 2>&1 || die install "node not found (Node.js 20 or later is needed)"
  command -v npm >/dev/null 2>&1 || die install "npm not found"
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$node_major" -ge 20 ] || die install "Node.js $(node -v) is too old: playwright-core needs 20 or later"

  if [ ! -f "$browser_dir/node_modules/.package-lock.json" ] ||
    [ "$browser_dir/package-lock.json" -nt "$browser_dir/node_modules/.package-lock.json" ] ||
    [ "$browser_dir/package.json" -nt "$browser_dir/node_modules/.package-lock.json" ]; then
    echo "==> install: npm ci in tests/browser"
    # --ignore-scripts: vnu-jar's install script would download a Java
    # runtime when none is found; Debian's Java is used instead.
    (cd "$browser_dir" && npm ci --ignore-scripts --no-audit --no-fund) ||
      die install "npm ci in tests/browser failed"
  fi
  record install "passed ($((SECONDS - t0))s)"
}

install_step

# ------------------------------------------------------------------ tests
tmp="$(mktemp -d "${TMPDIR:-/tmp}/waymark-test.XXXXXX")"
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ "${WAYMARK_KEEP_SITE:-}" = 1 ]; then
    echo "run-all: the built site is kept in $tmp/site"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
site="$tmp/site"

run_step "cargo test" cargo test --profile tests --all-targets --no-fail-fast || true

if run_step build cargo run --release -- build --root . --output "$site"; then
  if [ ! -f "$site/index.html" ]; then
    echo "run-all: step 'build' FAILED: no index.html in $site" >&2
    results[${#results[@]} - 1]="FAILED (no index.html written)"
    failed=1
  fi
fi

# The search page must find action 1.4 of the shipped plan (content/plans/2022-ilacs/
# 01-mash.yaml) by words from its text: on the served site, and on a --relative build
# opened from disk.
search_step() {
  node tests/browser/search.mjs "$site" --query "RAY rating" --expect "Action 1.4" &&
    cargo run --release -q -- build --root . --output "$tmp/site-relative" --relative &&
    node tests/browser/search.mjs "$tmp/site-relative" --from-disk --query "RAY rating" --expect "Action 1.4"
}

# Printed pages and phone widths (tests/browser/layout.mjs), on the shipped site, on
# tests/fixtures/basic (published under a path) and on tests/fixtures/test-language
# (every word the theme adds pseudo-translated, a little longer than its English); the
# full addresses printed after links are checked on a copy of the shipped site built
# with a full base URL.
layout_step() {
  local base_url=https://example.org/council/
  cargo run --release -q -- build --root . --output "$tmp/site-full" --base-url "$base_url" &&
    node tests/browser/layout.mjs "$site" --full-address "$tmp/site-full" "$base_url" &&
    cargo run --release -q -- build --root tests/fixtures/basic --output "$tmp/fixture" &&
    node tests/browser/layout.mjs "$tmp/fixture" &&
    cargo run --release -q -- build --root tests/fixtures/test-language --output "$tmp/test-language" &&
    node tests/browser/layout.mjs "$tmp/test-language"
}

if [ -d "$site" ] && [ -f "$site/index.html" ]; then
  run_step vnu bash tests/browser/vnu.sh "$site" || true
  a11y_args=("$site")
  if [ -n "${A11Y_SCREENSHOTS:-}" ]; then
    a11y_args+=(--screenshots "$A11Y_SCREENSHOTS" --shot /)
  fi
  run_step a11y node tests/browser/a11y.mjs "${a11y_args[@]}" || true
  run_step search search_step || true
  run_step layout layout_step || true
else
  echo "run-all: steps 'vnu', 'a11y', 'search' and 'layout' cannot run: the site was not built" >&2
  record vnu "FAILED (not run: the site was not built)"
  record a11y "FAILED (not run: the site was not built)"
  record search "FAILED (not run: the site was not built)"
  record layout "FAILED (not run: the site was not built)"
  failed=1
fi

summary
exit "$failed"
