#!/bin/sh
# The entrypoint a derived image would have copied in. It comes from a ConfigMap mounted
# at /usr/local/bin/start.sh; app.py comes from the same ConfigMap, under /opt/app.
set -eu
echo "start.sh: $(python --version), serving on port ${PORT:-8000}"
exec python /opt/app/app.py
