#!/bin/sh
# The root file system of the stand-in for docker.io/library/python: Debian bookworm's
# Python 3.11 with pip and venv, the python and pip commands in /usr/local/bin as the
# official image has them, and git for the git/clone stand-in. Writes a tar file to $1.
set -eu
mmdebstrap --quiet --format=tar --variant=apt --include=python3,python3-pip,python3-venv,git,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='ln -s /usr/bin/python3 "$1/usr/local/bin/python" && ln -s /usr/bin/pip3 "$1/usr/local/bin/pip"' \
  --customize-hook='rm -rf "$1/var/cache/apt" "$1/var/lib/apt/lists"/*' \
  bookworm "$1" http://deb.debian.org/debian
