#!/bin/sh
# The wheels of the node's package index, the stand-in for PyPI: the Debian bookworm
# packages that wheels.txt lists, packed by wheels.py into the directory $1, with
# setuptools' wheel. Flask 2.2.2 and Gunicorn 20.1.0 are labelled as the versions the
# python-venv-init example pins.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
mmdebstrap --quiet --format=null --variant=apt \
  --include=python3-flask,python3-gunicorn,python3-setuptools-whl \
  --customize-hook="copy-in '$here/wheels.py' '$here/wheels.txt' /tmp" \
  --customize-hook='chroot "$1" python3 /tmp/wheels.py /wheels /tmp/wheels.txt' \
  --customize-hook='cp "$1"/usr/share/python-wheels/setuptools-*.whl "$1/wheels/"' \
  --customize-hook="sync-out /wheels '$out'" \
  bookworm /dev/null http://deb.debian.org/debian
