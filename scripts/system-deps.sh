#!/usr/bin/env sh
# What the tests need from Debian beyond Node and npm, installed with apt-get
# when missing (run by `pnpm test` and .ci/run):
#   chromium  the browser and viewer tests (playwright-core points at /usr/bin/chromium; no browser download)
#   python3   Initial State's own Python client (test/support/isstreamer) against the emulator
#   script    util-linux's script(1) (bsdutils): the replay progress bar on a pseudo-terminal
set -u
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
updated=""

install() { # package
  echo "::: installing Debian's $1"
  $SUDO apt-get install -y -qq "$1" >/dev/null 2>&1 && return 0
  if [ -z "$updated" ]; then $SUDO apt-get update -qq >/dev/null 2>&1; updated=1; fi
  $SUDO apt-get install -y -qq "$1" >/dev/null 2>&1 || { echo "could not install $1 with apt-get"; return 1; }
}

status=0
[ -x /usr/bin/chromium ] || install chromium || status=1
command -v python3 >/dev/null 2>&1 || install python3 || status=1
command -v script >/dev/null 2>&1 || install bsdutils || status=1
exit $status
