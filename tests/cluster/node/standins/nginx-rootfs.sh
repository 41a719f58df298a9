#!/bin/sh
# The root file system of the stand-in for docker.io/library/nginx: Debian bookworm's
# nginx-light, laid out as the official image is (its nginx.conf, conf.d/default.conf,
# /usr/share/nginx/html, user nginx with uid 101, /var/cache/nginx, the pid file in
# /var/run, logs to stdout and stderr). Writes a tar file to $1.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mmdebstrap --quiet --format=tar --variant=apt --include=nginx-light \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='chroot "$1" groupadd --system --gid 101 nginx' \
  --customize-hook='chroot "$1" useradd --system --uid 101 --gid 101 --no-create-home --home-dir /nonexistent --shell /bin/false nginx' \
  --customize-hook='rm -rf "$1/etc/nginx/sites-enabled" "$1/etc/nginx/sites-available" "$1/var/www"' \
  --customize-hook="cp '$here/nginx.conf' \"\$1/etc/nginx/nginx.conf\"" \
  --customize-hook="mkdir -p \"\$1/etc/nginx/conf.d\" \"\$1/usr/share/nginx/html\" && cp '$here/default.conf' \"\$1/etc/nginx/conf.d/default.conf\" && cp '$here/index.html' \"\$1/usr/share/nginx/html/index.html\"" \
  --customize-hook='mkdir -p "$1/var/cache/nginx" && chown 101:101 "$1/var/cache/nginx"' \
  --customize-hook='ln -sf /dev/stdout "$1/var/log/nginx/access.log" && ln -sf /dev/stderr "$1/var/log/nginx/error.log"' \
  --customize-hook='rm -rf "$1/var/cache/apt" "$1/var/lib/apt/lists"/*' \
  bookworm "$1" http://deb.debian.org/debian
