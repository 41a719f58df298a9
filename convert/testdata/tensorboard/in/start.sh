#!/bin/sh
# Starts the auth proxy in the background, then TensorBoard on localhost only.
set -e
nginx
exec tensorboard --logdir /logs --host 127.0.0.1 --port 6006
