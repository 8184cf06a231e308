#!/usr/bin/env bash
# A 3-node MariaDB Galera cluster on loopback, behind HAProxy, for tests and trials.
#
#   scripts/galera.sh up          start whatever is not running (idempotent); waits for
#                                 wsrep_cluster_size=3 and HAProxy; installs the packages if missing
#   scripts/galera.sh down        stop HAProxy and the three nodes (data kept)
#   scripts/galera.sh purge       down, then delete the data
#   scripts/galera.sh kill N      SIGKILL node N (1-3), as a crash would
#   scripts/galera.sh start N     start node N again (it rejoins by IST, or SST if too far behind)
#   scripts/galera.sh status      one line per node: port, pid, wsrep state
#   scripts/galera.sh check HOST PORT   exit 0 when that node is Synced (HAProxy's health check)
#
# Ports (all on 127.0.0.1): nodes 4306-4308 (MySQL protocol), group communication 4567-4569,
# IST 4571-4573, SST (rsync) 4444-4446, HAProxy 4300 (writes: one node at a time, the others
# backups) and its stats page on 4301. Data lives under $GALERA_DIR (default
# $TMPDIR/people-directory-galera).
# Never touches the machine's own MariaDB (3306, /var/lib/mysql).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# Under /tmp by default: the server runs as the mysql user, which must reach its data directory
# (a checkout under /root would not let it).
BASE="${GALERA_DIR:-${TMPDIR:-/tmp}/people-directory-galera}"
SELF="$ROOT/scripts/galera.sh"
PROVIDER="${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}"
# The rsync SST daemon runs as the server's user and writes into the joiner's data directory.
RUN_AS="${GALERA_USER:-mysql}"
HAPROXY_PORT=4300
HAPROXY_STATS_PORT=4301
# Failure detection: Galera's defaults (suspect 5 s, inactive 15 s) would spend the whole 5 s
# recovery budget before the cluster even drops a dead node. Tighter values react in ~2 s, at
# the price of a false "node gone" (and a view change) when a starved machine stalls longer.
EVS_OPTIONS="evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT3S;evs.inactive_check_period=PT0.5S;evs.install_timeout=PT3S;evs.join_retrans_period=PT0.5S"

node_port() { echo $((4305 + $1)); }
gcomm_port() { echo $((4566 + $1)); }
ist_port() { echo $((4570 + $1)); }
sst_port() { echo $((4443 + $1)); }
node_dir() { echo "$BASE/node$1"; }
pid_of() { cat "$BASE/node$1.pid" 2>/dev/null || true; }

log() { echo "galera: $*" >&2; }

ensure_packages() {
  local missing=()
  [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  [ -f "$PROVIDER" ] || missing+=(galera-4)
  command -v rsync >/dev/null || missing+=(rsync)
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v mariadb >/dev/null || missing+=(mariadb-client)
  # rsync SST finds its listening daemon with ss or lsof.
  command -v ss >/dev/null || command -v lsof >/dev/null || missing+=(iproute2)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # A fresh mariadb-server package starts its own service on 3306: that is the machine's, not ours.
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

node_running() {
  local pid
  pid="$(pid_of "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

sql() { # sql N "statement": runs on node N, prints tab-separated rows without headers
  mariadb --protocol=TCP -h127.0.0.1 -P"$(node_port "$1")" -uroot -N -B --connect-timeout=2 -e "$2" 2>/dev/null
}

wsrep_status() { # wsrep_status N VARIABLE
  sql "$1" "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '$2'" || true
}

init_node() {
  local n=$1 dir
  dir="$(node_dir "$n")"
  [ -d "$dir/mysql" ] && return 0
  mkdir -p "$dir"
  chown "$RUN_AS:" "$BASE" "$dir"
  # Plain password authentication for root (empty password), over TCP from 127.0.0.1 too.
  mariadb-install-db --no-defaults --user="$RUN_AS" --datadir="$dir" --auth-root-authentication-method=normal \
    --skip-test-db >"$BASE/node$n.install.log" 2>&1
}

# Who gives a returning node its state: the last backup first, so the node taking the writes is
# not the donor (an rsync SST blocks its donor; a trailing comma allows any node as a last resort).
donors_for() {
  case $1 in 1) echo "node3,node2," ;; 2) echo "node3,node1," ;; 3) echo "node2,node1," ;; esac
}

start_node() { # start_node N [--wsrep-new-cluster]
  local n=$1 extra=${2:-} dir peers="" i pos=""
  dir="$(node_dir "$n")"
  for i in 1 2 3; do peers+="${peers:+,}127.0.0.1:$(gcomm_port "$i")"; done
  init_node "$n"
  local args=(
    --no-defaults --user="$RUN_AS"
    --datadir="$dir" --socket="$BASE/node$n.sock" --pid-file="$BASE/node$n.mariadbd.pid"
    --port="$(node_port "$n")" --bind-address=127.0.0.1
    --max-connections=300
    --innodb-buffer-pool-size=64M --innodb-log-file-size=32M --innodb-flush-log-at-trx-commit=2
    --performance-schema=OFF
    --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2
    --wsrep-on=ON --wsrep-provider="$PROVIDER" --wsrep-cluster-name=people-directory-test
    --wsrep-cluster-address="gcomm://$peers" --wsrep-node-name="node$n"
    --wsrep-node-address="127.0.0.1:$(gcomm_port "$n")"
    --wsrep-node-incoming-address="127.0.0.1:$(node_port "$n")"
    --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$(sst_port "$n")"
    --wsrep-sst-donor="$(donors_for "$n")"
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$n");ist.recv_addr=127.0.0.1:$(ist_port "$n");gcache.size=64M;$EVS_OPTIONS"
    --wsrep-sync-wait=1 --wsrep-slave-threads=2
  )
  if [ -f "$dir/grastate.dat" ] && grep -q '^seqno: *-1' "$dir/grastate.dat"; then
    # Killed, not stopped: read the last committed position from InnoDB (what mysqld_safe's
    # --wsrep-recover step does), so the node catches up by IST instead of a full SST.
    /usr/sbin/mariadbd "${args[@]}" --wsrep-recover --log-error="$BASE/node$n.recover.log" >/dev/null 2>&1 || true
    pos="$(grep -o 'Recovered position: [^ ]*' "$BASE/node$n.recover.log" 2>/dev/null | tail -n 1 | awk '{print $3}' || true)"
  fi
  if [ "$extra" = "--wsrep-new-cluster" ] && [ -f "$dir/grastate.dat" ]; then
    # The whole cluster was stopped (or killed): this node starts it again with its data.
    sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$dir/grastate.dat"
  fi
  [ -n "$pos" ] && args+=(--wsrep-start-position="$pos")
  [ -n "$extra" ] && args+=("$extra")
  # mariadbd forks nothing: run it in the background, its pid in a file.
  /usr/sbin/mariadbd "${args[@]}" --log-error="$BASE/node$n.err" >>"$BASE/node$n.out" 2>&1 &
  echo $! >"$BASE/node$n.pid"
}

wait_synced() { # wait_synced N SECONDS
  local n=$1 deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    if ! node_running "$n"; then
      log "node $n exited; last lines of $BASE/node$n.err:"
      tail -n 30 "$BASE/node$n.err" >&2 || true
      return 1
    fi
    [ "$(wsrep_status "$n" wsrep_local_state_comment)" = "Synced" ] && return 0
    sleep 0.5
  done
  log "node $n not Synced after $2 s; last lines of $BASE/node$n.err:"
  tail -n 30 "$BASE/node$n.err" >&2 || true
  return 1
}

running_count() {
  local c=0 i
  for i in 1 2 3; do node_running "$i" && c=$((c + 1)); done
  echo "$c"
}

write_haproxy_config() {
  cat >"$BASE/haproxy.cfg" <<EOF
# Generated by scripts/galera.sh. TCP mode; a node gets traffic only while it is Synced.
global
    maxconn 2000
    # One thread: the external check forks a process per check.
    nbthread 1
    external-check
    insecure-fork-wanted

defaults
    mode tcp
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    timeout check 1s
    retries 2
    option redispatch

listen galera
    bind 127.0.0.1:$HAPROXY_PORT
    balance first
    option external-check
    external-check path "/usr/bin:/bin:/usr/sbin:/sbin"
    external-check command $SELF
    # Every write goes to one node at a time: node1 while it is Synced, else the first backup
    # that is. When node1 is back, connections still on a backup are cut, so two nodes never
    # take writes at once (Galera's multi-writer mode loses updates; see README).
    # A node is out after two failed checks (~1 s). (observe layer4 … on-error mark-down would
    # be quicker, but HAProxy 2.6.12 crashes with it next to an external check.)
    default-server inter 500ms fastinter 250ms downinter 1s rise 2 fall 2 on-marked-down shutdown-sessions
    server node1 127.0.0.1:$(node_port 1) check on-marked-up shutdown-backup-sessions
    server node2 127.0.0.1:$(node_port 2) check backup
    server node3 127.0.0.1:$(node_port 3) check backup

listen stats
    mode http
    bind 127.0.0.1:$HAPROXY_STATS_PORT
    stats enable
    stats uri /
    # 200 while a node takes the writes, 503 when none does.
    monitor-uri /health
    monitor fail if { nbsrv(galera) lt 1 }
EOF
}

haproxy_running() {
  local pid
  pid="$(cat "$BASE/haproxy.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

start_haproxy() {
  local previous=""
  previous="$(cat "$BASE/haproxy.cfg" 2>/dev/null || true)"
  write_haproxy_config
  if haproxy_running; then
    [ "$previous" = "$(cat "$BASE/haproxy.cfg")" ] && return 0
    stop_pid "$(cat "$BASE/haproxy.pid")" 5
  fi
  haproxy -D -f "$BASE/haproxy.cfg" -p "$BASE/haproxy.pid" >>"$BASE/haproxy.log" 2>&1
}

wait_haproxy() {
  local deadline=$((SECONDS + 20))
  while [ $SECONDS -lt $deadline ]; do
    if mariadb --protocol=TCP -h127.0.0.1 -P$HAPROXY_PORT -uroot -N -B --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
    sleep 0.3
  done
  log "HAProxy on $HAPROXY_PORT does not reach a Synced node"
  return 1
}

cmd_up() {
  local i
  ensure_packages
  mkdir -p "$BASE"
  chown "$RUN_AS:" "$BASE"
  if [ "$(running_count)" -eq 0 ]; then
    log "bootstrapping node 1"
    start_node 1 --wsrep-new-cluster
    wait_synced 1 60
  fi
  # One joiner at a time: each takes its state from a Synced donor.
  for i in 1 2 3; do
    if ! node_running "$i"; then
      log "starting node $i"
      start_node "$i"
    fi
    wait_synced "$i" 120
  done
  local deadline=$((SECONDS + 30))
  until [ "$(wsrep_status 1 wsrep_cluster_size)" = "3" ]; do
    [ $SECONDS -lt $deadline ] || { log "wsrep_cluster_size is not 3"; return 1; }
    sleep 0.5
  done
  start_haproxy
  wait_haproxy
  log "up: HAProxy on 127.0.0.1:$HAPROXY_PORT, nodes on 4306-4308, wsrep_cluster_size=3"
}

stop_pid() { # stop_pid PID SECONDS
  local pid=$1 deadline=$((SECONDS + $2))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then kill -KILL "$pid" 2>/dev/null || true; break; fi
    sleep 0.2
  done
}

cmd_down() {
  local i
  if haproxy_running; then stop_pid "$(cat "$BASE/haproxy.pid")" 5; fi
  rm -f "$BASE/haproxy.pid"
  # The last node to stop is the most advanced: stop the bootstrap node last.
  for i in 3 2 1; do
    if node_running "$i"; then stop_pid "$(pid_of "$i")" 30; fi
    rm -f "$BASE/node$i.pid"
  done
  log "down"
}

cmd_kill() {
  local n=$1
  node_running "$n" || { log "node $n is not running"; return 0; }
  kill -KILL "$(pid_of "$n")"
  while node_running "$n"; do sleep 0.05; done
  rm -f "$BASE/node$n.pid"
  log "node $n killed"
}

cmd_start() {
  local n=$1
  ensure_packages
  node_running "$n" && return 0
  if [ "$(running_count)" -eq 0 ]; then start_node "$n" --wsrep-new-cluster; else start_node "$n"; fi
  wait_synced "$n" 120
  log "node $n Synced"
}

cmd_status() {
  local i
  for i in 1 2 3; do
    if node_running "$i"; then
      echo "node$i 127.0.0.1:$(node_port "$i") pid $(pid_of "$i") $(wsrep_status "$i" wsrep_local_state_comment) cluster_size=$(wsrep_status "$i" wsrep_cluster_size)"
    else
      echo "node$i 127.0.0.1:$(node_port "$i") stopped"
    fi
  done
  if haproxy_running; then echo "haproxy 127.0.0.1:$HAPROXY_PORT pid $(cat "$BASE/haproxy.pid")"; else echo "haproxy stopped"; fi
}

# HAProxy's external check calls this script with <proxy addr> <proxy port> <server addr> <server port>.
cmd_check() {
  local host=$1 port=$2 state
  state="$(mariadb --protocol=TCP -h"$host" -P"$port" -uroot -N -B --connect-timeout=1 \
    -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_local_state'" 2>/dev/null || true)"
  # 4 = Synced. Donor (2), Joiner (1) and a non-primary node (no state) get no traffic.
  [ "$state" = "4" ]
}

if [ -n "${HAPROXY_SERVER_ADDR:-}" ] && [ $# -eq 4 ]; then
  cmd_check "$3" "$4"
  exit $?
fi

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  purge) cmd_down; rm -rf "$BASE"; log "purged $BASE" ;;
  kill) cmd_kill "${2:?node number}" ;;
  start) cmd_start "${2:?node number}" ;;
  status) cmd_status ;;
  check) cmd_check "${2:?host}" "${3:?port}" ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
