#!/usr/bin/env bash
# Debian packages the project needs: Chromium (browser tests), PostgreSQL and Redis
# binaries (throwaway instances in tests), Node.js/npm (front-end build), libmagic (uploads),
# Apertium and its language pairs (offline translation, a product feature: both modes).
set -euo pipefail
# `install-system-deps.sh run` installs only what running the product needs (Node.js to
# build the front end); without an argument, also what the tests need.
need=()
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
# libmagic sniffs uploaded files' types (python-magic loads it)
compgen -G '/usr/lib/*/libmagic.so.1' >/dev/null || need+=(libmagic1)
command -v apertium >/dev/null 2>&1 || need+=(apertium)
# English-Spanish, Spanish-Italian, French-Spanish, Spanish-Portuguese, English-Catalan,
# Spanish-Catalan: the pairs docs/operations.md lists (add more the same way)
for pair in eng-spa spa-ita fr-es es-pt eng-cat spa-cat; do
  dpkg-query -W -f='${Status}' "apertium-$pair" 2>/dev/null | grep -q 'ok installed' \
    || need+=("apertium-$pair")
done
if [ "${1:-test}" != "run" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  # coturn: a real TURN server for the relay-only call test
  command -v turnserver >/dev/null 2>&1 || need+=(coturn)
  # nginx: the documented proxy site, tested in front of two processes (tests/scaleout)
  [ -x /usr/sbin/nginx ] || need+=(nginx)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
