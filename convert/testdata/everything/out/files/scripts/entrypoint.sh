#!/bin/bash
# Migrates the database, then runs the command.
set -euo pipefail
python -m django migrate --noinput
exec "$@"
