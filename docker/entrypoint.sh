#!/bin/sh
# Applies pending migrations, then replaces this shell with the server so that it receives
# SIGTERM directly from the container runtime.
set -e
node dist/database/migrate.cli.js migrate
exec "$@"
