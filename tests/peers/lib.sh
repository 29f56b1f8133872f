# Shared by .ci/peers.sh and tests/peers/bin/kafka-node: how a peer process is launched, found
# and stopped. Each peer NAME has, under the run directory $KAFKA_TUI_PEERS_DIR:
#   NAME/run                 the exact command (an `exec java ...` script) that starts it
#   logs/NAME.log            its stdout and stderr, appended across restarts
#   pids/TIER-NAME.pid       its process id while it runs; peers_stop stops tier 1 first
#                            (clients of the brokers), then 2 (brokers), then 3 (ZooKeeper).

# JVM flags for the peers on a 2-core machine: the serial collector (no GC threads), and the
# C1 compiler only (most of a short-lived server's CPU at start-up goes to C2 compiling).
PEERS_JVM_FLAGS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true"

# Starts peer NAME in the background (its NAME/run script), output appended to LOG.
peer_launch() { # name tier log
  local d=$KAFKA_TUI_PEERS_DIR
  nohup "$d/$1/run" >>"$3" 2>&1 </dev/null &
  echo $! >"$d/pids/$2-$1.pid"
}

# The pid of a running peer NAME, or nothing.
peer_pid() { # name
  local f
  for f in "$KAFKA_TUI_PEERS_DIR"/pids/*-"$1".pid; do
    [ -f "$f" ] && cat "$f"
  done
  return 0
}

# True while pid runs (a zombie child that was not reaped yet counts as gone).
pid_alive() { # pid
  kill -0 "$1" 2>/dev/null || return 1
  case "$(ps -o stat= -p "$1" 2>/dev/null)" in Z* | "") return 1 ;; esac
  return 0
}

# Stops the processes (TERM, then KILL after the deadline) and waits until they are gone.
stop_pids() { # seconds pid...
  local secs=$1 pid i left
  shift
  [ $# -eq 0 ] && return 0
  kill -TERM "$@" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    left=0
    for pid in "$@"; do pid_alive "$pid" && left=1; done
    [ $left = 0 ] && break
    sleep 0.1
  done
  for pid in "$@"; do
    if pid_alive "$pid"; then
      echo "peers: $pid did not stop within ${secs}s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}

# Stops peer NAME and forgets its pid file.
peer_stop() { # name seconds
  local f pids=()
  for f in "$KAFKA_TUI_PEERS_DIR"/pids/*-"$1".pid; do
    [ -f "$f" ] || continue
    pids+=("$(cat "$f")")
    rm -f "$f"
  done
  stop_pids "$2" "${pids[@]}"
}
