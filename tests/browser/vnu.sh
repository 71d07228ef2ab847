#!/usr/bin/env bash
# Checks every .html file of a built site with the Nu Html Checker (vnu.jar,
# from the vnu-jar npm package in tests/browser/node_modules).
#
#   bash tests/browser/vnu.sh <site-dir>
#
# Exit status: 0 no errors; 1 errors (or the checker failed); 2 the check
# could not run (no java, no vnu.jar, bad arguments).
# The last line is "vnu: N passed, M failed", counting files.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ "$#" -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: bash tests/browser/vnu.sh <site-dir>" >&2
  [ "$#" -eq 1 ] && echo "vnu: no such folder: $1" >&2
  exit 2
fi
site="$(cd "$1" && pwd)"

if ! command -v java >/dev/null 2>&1; then
  echo "vnu: java not found (apt-get install default-jre-headless)" >&2
  exit 2
fi
java_major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
  echo "vnu: vnu.jar needs Java 17 or later; found: $(java -version 2>&1 | head -1)" >&2
  exit 2
fi

jar=""
if command -v node >/dev/null 2>&1; then
  jar="$(cd "$here" && { node -p "String(require('vnu-jar'))" 2>/dev/null || true; })"
fi
[ -n "$jar" ] || jar="$here/node_modules/vnu-jar/build/dist/vnu.jar"
if [ ! -f "$jar" ]; then
  echo "vnu: vnu.jar not found (run \"npm ci\" in tests/browser)" >&2
  exit 2
fi

files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$site" -type f -name '*.html' -print0 | LC_ALL=C sort -z)
if [ "${#files[@]}" -eq 0 ]; then
  echo "vnu: no .html files under $site"
  echo "vnu: 0 passed, 1 failed"
  exit 1
fi

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
start=$(date +%s%N)
set +e
# One JVM for all files: it is slow to start. Messages go to stderr.
java -Xss8m -jar "$jar" --errors-only --skip-non-html --format gnu --asciiquotes "${files[@]}" >"$out" 2>&1
rc=$?
set -e
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))

# Lines look like: "file:/abs/path.html":12.3-12.9: error: message
errors=$(grep -c '^"file:.*error' "$out" || true)
failed_files=$({ grep -o '^"file:[^"]*"' "$out" || true; } | LC_ALL=C sort -u | wc -l)
sed -e "s|^\"file:$site/|\"|" "$out"

if [ "$rc" -ne 0 ] && [ "$errors" -eq 0 ]; then
  echo "vnu: the checker failed (exit $rc) without reporting an error in a file"
  failed_files=${#files[@]}
fi
passed=$(( ${#files[@]} - failed_files ))
printf 'vnu: %d file(s), %d error(s), %d.%01ds\n' "${#files[@]}" "$errors" $((elapsed_ms / 1000)) $(((elapsed_ms % 1000) / 100))
echo "vnu: $passed passed, $failed_files failed"
if [ "$rc" -ne 0 ] || [ "$errors" -ne 0 ]; then
  exit 1
fi
exit 0
