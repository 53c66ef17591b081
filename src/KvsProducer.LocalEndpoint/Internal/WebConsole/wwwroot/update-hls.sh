#!/usr/bin/env bash
# Refreshes the vendored hls.js (the console's live player) from npm: ./update-hls.sh [version]
# The dist file and its LICENSE are committed and embedded in the assembly, so a fresh clone builds
# and the console works offline without npm.
set -euo pipefail
version="${1:-1.6.15}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "hls.js@$version" >/dev/null && tar xzf hls.js-*.tgz)
cp "$work/package/dist/hls.min.js" "$here/hls.min.js"
cp "$work/package/LICENSE" "$here/hls.js.LICENSE"
echo "$version" > "$here/hls.js.VERSION"
echo "hls.js $version vendored into $here"
