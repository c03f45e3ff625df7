#!/usr/bin/env bash
# Fetch Leaflet and its plugins from the npm registry into resources/map/vendor (not committed).
# Idempotent: does nothing when the pinned versions are already there.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
vendor="$here/resources/map/vendor"
pkgs=("leaflet@1.9.4" "leaflet.markercluster@1.5.3")
stamp="$vendor/.versions"
want="${pkgs[*]}"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$vendor/leaflet/leaflet.js" ]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "${pkgs[@]}" >/dev/null)
rm -rf "$vendor"
mkdir -p "$vendor/leaflet" "$vendor/leaflet.markercluster"
tar -xzf "$tmp"/leaflet-1.9.4.tgz -C "$tmp" && cp -r "$tmp"/package/dist/. "$vendor/leaflet/" && rm -rf "$tmp/package"
tar -xzf "$tmp"/leaflet.markercluster-1.5.3.tgz -C "$tmp" && cp -r "$tmp"/package/dist/. "$vendor/leaflet.markercluster/" && rm -rf "$tmp/package"
echo "$want" > "$stamp"
echo "map assets: $want"
