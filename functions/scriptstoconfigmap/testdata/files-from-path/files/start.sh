#!/bin/sh
set -eu
exec python /opt/app/app.py
