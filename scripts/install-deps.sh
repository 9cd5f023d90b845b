#!/bin/sh
# Install the Debian 12 packages twingraph builds and tests with.
# Idempotent: installs only what is missing; does nothing when all are present.
# Usage: scripts/install-deps.sh [--peers]   (--peers adds the Python reference tools)
set -eu

BUILD_PKGS="build-essential pkg-config libigraph-dev libsuitesparse-dev libgraphblas-dev \
libopenblas-dev liblapack-dev liblapacke-dev libgmp-dev libxml2-dev libsqlite3-dev zlib1g-dev liblua5.4-dev lua5.4 libcmocka-dev \
libopenmpi-dev"
PEER_PKGS="python3-igraph python3-networkx python3-numpy python3-scipy"

pkgs=$BUILD_PKGS
[ "${1:-}" = "--peers" ] && pkgs="$pkgs $PEER_PKGS"

missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
