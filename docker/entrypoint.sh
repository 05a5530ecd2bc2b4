#!/bin/sh
# Entrypoint of the Omninanny image (installed as /usr/local/bin/omninanny-entrypoint).
#
# When the command is the control-plane server (the image's default `node dist/main.js`),
# it applies pending database migrations first, so a failed migration stops the container
# before the server listens. Any other command runs as given, without touching the
# database: the worker agent (`node dist/agent/main.js --url ...`), the migration CLI
# itself, or a shell for debugging. Paths are relative to the package root, the image's
# WORKDIR /app.
#
# The command replaces this shell through `exec`, so it is the process that receives
# SIGTERM from `docker stop` (forwarded by tini, the image's PID 1).
set -eu

if [ "$#" -eq 0 ]; then
  set -- node dist/main.js
fi

# Returns 0 when "$@" starts the server: node, any node options, then dist/main.js.
is_server_command() {
  case "$1" in
    node | */node) ;;
    *) return 1 ;;
  esac
  shift
  for argument in "$@"; do
    case "$argument" in
      -*) continue ;;
      dist/main.js | ./dist/main.js | /app/dist/main.js) return 0 ;;
      *) return 1 ;;
    esac
  done
  return 1
}

# Returns 0 when "$@" starts the worker agent without a --state-dir flag.
is_agent_command_with_default_state() {
  case "$1" in
    node | */node) ;;
    *) return 1 ;;
  esac
  is_agent=false
  for argument in "$@"; do
    case "$argument" in
      dist/agent/main.js | ./dist/agent/main.js | /app/dist/agent/main.js) is_agent=true ;;
      --state-dir | --state-dir=*) return 1 ;;
    esac
  done
  [ "$is_agent" = true ]
}

# The agent's state file lists the pids of the game servers it started, so that a restarted
# agent can adopt them. In a container those processes end with the container. The pids of
# a new run, even the agent's own threads, can match the recorded ones, so the entrypoint
# removes a state file left by an earlier run before the agent reads it.
if is_agent_command_with_default_state "$@" && [ -n "${OMNINANNY_AGENT_STATE_DIR:-}" ]; then
  state_file="$OMNINANNY_AGENT_STATE_DIR/instances.json"
  if [ -f "$state_file" ]; then
    echo "omninanny-entrypoint: removing $state_file, left by an earlier run of this container" >&2
    rm -f "$state_file"
  fi
fi

if is_server_command "$@"; then
  echo "omninanny-entrypoint: applying database migrations" >&2
  if ! node dist/database/migrate.cli.js migrate; then
    echo "omninanny-entrypoint: migrations failed, so the server was not started" >&2
    exit 1
  fi
fi

exec "$@"
