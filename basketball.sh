#!/usr/bin/env bash
# One entry point for the project's commands (see README). Installs what it needs on first use:
# kinesalite through npm (tools/kinesalite, pinned by its lock file) and the NuGet packages.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The nodes' gen0 budget (README, "Performance"): 64 MiB unless the caller chose one.
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}"
# Hot ReadyToRun code moves up to tier 1 at once instead of after 100 ms without new methods, which a busy node
# never has (README, "Performance"). Environment only, like the gen0 budget.
export DOTNET_TC_CallCountingDelayMs="${DOTNET_TC_CallCountingDelayMs:-0}"

install_kinesalite() {
  if [ ! -f tools/kinesalite/node_modules/kinesalite/cli.js ]; then
    echo "==> installing kinesalite (npm ci)"
    (cd tools/kinesalite && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Debian packages some tests need, installed when their command is missing (one apt-get run for all): promtool
# (the prometheus package) checks the Prometheus configuration and alert rules (docker/prometheus); chromium runs
# the live pages' browser tests (Playwright drives /usr/bin/chromium; its own browser download is not used).
# Without them those tests fail and say so.
install_test_packages() {
  local missing=()
  command -v promtool > /dev/null || missing+=(prometheus)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  if [ "${#missing[@]}" -gt 0 ] && command -v apt-get > /dev/null; then
    echo "==> installing ${missing[*]} (Debian's packages)"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
      > /dev/null || echo "could not install ${missing[*]}: the tests that need them will fail" >&2
  fi
}

build() {
  echo "==> restoring and building ($1)"
  dotnet build Akka.Basketball.sln -c "$1" -nologo -clp:ErrorsOnly -v:q
}

cmd="${1:-help}"
shift || true
case "$cmd" in
  mutate)
    # Stryker.NET over the domain and the ingress core, scope by scope as docs/mutation/README.md lists them
    # (mutation/*.json; not part of CI; slow: about an hour in all on 2 cores). `mutate SCOPE...` runs the scopes named.
    dotnet tool restore
    mutate_scope() { # scope, project folder, config, then the files to mutate (none: the config's own list)
      local scope="$1" dir="$2" config="$3" files=() file
      shift 3
      if [ "${#wanted[@]}" -gt 0 ] && [[ " ${wanted[*]} " != *" $scope "* ]]; then return; fi
      for file in "$@"; do files+=(-m "$file"); done
      (cd "$dir" && nice -n 15 dotnet stryker --config-file "$ROOT/mutation/$config.json" ${files[@]+"${files[@]}"} --output "$ROOT/docs/mutation/$scope")
      rm -f "docs/mutation/$scope/.gitignore" # the reports are committed
    }
    wanted=("$@")
    mutate_scope kinesis src/Kinesis kinesis
    mutate_scope ingress src/Ingress ingress
    mutate_scope domain-milestones src/Domain domain "**/Milestones/MilestoneLedger.cs" "**/Players/PlayerMilestones.cs" "**/Milestones/LedgerEntry.cs"
    mutate_scope domain-playerstate src/Domain domain-state "**/Players/PlayerState.cs" "**/Players/CareerGames.cs" "**/Players/PlayerMilestones.cs"
    mutate_scope domain-gamestate src/Domain domain-state "**/Games/GameState.cs"
    mutate_scope domain-gamemilestones src/Domain domain-state "**/Games/GameMilestones.cs"
    mutate_scope domain-parser src/Domain domain-parser
    ;;
  test)
    install_kinesalite
    install_test_packages
    build Release
    echo "==> running the test suite"
    log="$(mktemp)"
    set +e
    dotnet test Akka.Basketball.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    # One closing line over all test assemblies.
    awk '/(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
         END { gsub(",", "", f); printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
    rm -f "$log"
    exit "$status"
    ;;
  screenshots)
    # docs/images/scoreboard.png, scoreboard-phone.png and ops.png: the live pages' browser tests play a simulated
    # season and save the pages at its end when BASKETBALL_SCREENSHOTS names a folder.
    install_kinesalite
    install_test_packages
    build Release
    BASKETBALL_SCREENSHOTS=docs/images dotnet test tests/Basketball.Cluster.Tests -c Release --no-build -nologo \
      --filter "FullyQualifiedName~Basketball.Cluster.Tests.Live.LivePagesTests"
    ls -l docs/images/*.png
    ;;
  demo)
    # The main job: a local Kinesis, one node on a fresh SQLite journal, the simulator playing games through
    # Kinesis with live progress, then the check of the node's state against the simulator's ground truth.
    install_kinesalite
    build Release
    mkdir -p data
    stamp="$(date +%Y%m%d-%H%M%S)"
    kinesis_port="${DEMO_KINESIS_PORT:-4567}" http_port="${DEMO_HTTP_PORT:-8080}" akka_port="${DEMO_AKKA_PORT:-4053}"
    for port in "$kinesis_port" "$http_port" "$akka_port"; do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "port $port is in use; set DEMO_KINESIS_PORT / DEMO_HTTP_PORT / DEMO_AKKA_PORT to free ones" >&2
        exit 2
      fi
    done
    pids=()
    cleanup() {
      for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
      for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
      echo "logs: data/demo-$stamp-node.log, data/demo-$stamp-kinesalite.log; journal: data/demo-$stamp.db"
    }
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    node tools/kinesalite/serve.js --port "$kinesis_port" --createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0 \
      > "data/demo-$stamp-kinesalite.log" 2>&1 &
    pids+=($!)
    export KINESIS_ENDPOINT="http://127.0.0.1:$kinesis_port"
    BASKETBALL_JOURNAL="sqlite:data/demo-$stamp.db" BASKETBALL_HTTP="http://127.0.0.1:$http_port" BASKETBALL_PORT="$akka_port" \
      dotnet src/Cluster/bin/Release/net10.0/Basketball.Cluster.dll > "data/demo-$stamp-node.log" 2>&1 &
    pids+=($!)
    echo "==> waiting for the node (http://127.0.0.1:$http_port/health/ready)"
    for _ in $(seq 1 120); do
      curl -sf "http://127.0.0.1:$http_port/health/ready" > /dev/null && break
      sleep 0.5
    done
    curl -sf "http://127.0.0.1:$http_port/health/ready" > /dev/null || { echo "the node did not become ready; see data/demo-$stamp-node.log" >&2; exit 1; }
    set +e
    dotnet src/Simulator/bin/Release/net10.0/Basketball.Simulator.dll run --node "http://127.0.0.1:$http_port" "$@"
    status=$?
    set -e
    exit "$status"
    ;;
  cluster)
    # A local three-node cluster: kinesalite, a throw-away PostgreSQL (runs as the postgres user), three node
    # processes seeded from the first; then the simulator plays against node 1. Ctrl+C stops everything.
    install_kinesalite
    build Release
    pg_bin="$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)"
    [ -x "$pg_bin/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 2; }
    mkdir -p data
    stamp="$(date +%Y%m%d-%H%M%S)"
    pgdata="$(mktemp -d /tmp/basketball-pg-XXXXXX)"
    pg_port="${CLUSTER_PG_PORT:-55432}" kinesis_port="${DEMO_KINESIS_PORT:-4567}"
    as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    [ "$(id -u)" = 0 ] && chown postgres "$pgdata"
    pids=()
    cleanup() {
      for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
      for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
      as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -m fast stop > /dev/null 2>&1 || true
      rm -rf "$pgdata"
      echo "logs: data/cluster-$stamp-*.log"
    }
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    as_postgres "$pg_bin/initdb" -D "$pgdata" -A trust -U postgres > "data/cluster-$stamp-postgres.log" 2>&1
    as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -o "-p $pg_port -k $pgdata -c listen_addresses=127.0.0.1" -l "$pgdata/log" -w start >> "data/cluster-$stamp-postgres.log"
    node tools/kinesalite/serve.js --port "$kinesis_port" --createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0 \
      > "data/cluster-$stamp-kinesalite.log" 2>&1 &
    pids+=($!)
    export KINESIS_ENDPOINT="http://127.0.0.1:$kinesis_port"
    export BASKETBALL_JOURNAL="postgres:Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
    export BASKETBALL_SEEDS="akka.tcp://basketball@127.0.0.1:4053"
    start_node() {
      local i=$1
      BASKETBALL_PORT=$((4052 + i)) BASKETBALL_HTTP="http://127.0.0.1:$((8079 + i))" BASKETBALL_OPS="127.0.0.1:$((9109 + i))" \
        dotnet src/Cluster/bin/Release/net10.0/Basketball.Cluster.dll > "data/cluster-$stamp-node$i.log" 2>&1 &
      pids+=($!)
    }
    wait_ready() {
      local i=$1
      for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$((8079 + i))/health/ready" > /dev/null && break; sleep 0.5; done
      curl -sf "http://127.0.0.1:$((8079 + i))/health/ready" > /dev/null || { echo "node $i did not become ready; see data/cluster-$stamp-node$i.log" >&2; exit 1; }
      echo "node $i ready: http://127.0.0.1:$((8079 + i))"
    }
    # The seed first: it forms the cluster that the others join.
    start_node 1; wait_ready 1
    start_node 2; start_node 3
    wait_ready 2; wait_ready 3
    set +e
    dotnet src/Simulator/bin/Release/net10.0/Basketball.Simulator.dll run --node http://127.0.0.1:8080 "$@"
    status=$?
    set -e
    if [ "${CLUSTER_KEEP_RUNNING:-0}" = 1 ]; then echo "cluster running; Ctrl+C stops it"; wait; fi
    exit "$status"
    ;;
  bench)
    # The benchmarks (issue 7): every figure next to a baseline from the same run; writes BENCHMARKS.md and
    # benchmarks.json here. Options: --size full|smoke, --output DIR, --no-postgres.
    install_kinesalite
    build Release
    exec dotnet bench/Basketball.Bench/bin/Release/net10.0/Basketball.Bench.dll "$@"
    ;;
  soak)
    # Not part of the test suite: three nodes on a durable PostgreSQL read a long season at about half their
    # saturation while a kill -9, a freeze (SIGSTOP past failure detection) and a 15 s database outage hit them at
    # seeded random moments; ends with the ground-truth check and writes docs/soak/results-<time>.md and .json.
    # Options: --duration 8m --seed N --rate R --output DIR. The seed is printed; the exit code is 0 only on PASS.
    install_kinesalite
    build Release
    exec dotnet bench/Basketball.Bench/bin/Release/net10.0/Basketball.Bench.dll soak "$@"
    ;;
  node)
    build Release
    exec dotnet src/Cluster/bin/Release/net10.0/Basketball.Cluster.dll "$@"
    ;;
  cli)
    # The operator CLI (pbm's command language). Builds once; later calls start it directly.
    cli_dll=src/Cli/bin/Release/net10.0/Basketball.Cli.dll
    [ -f "$cli_dll" ] || build Release > /dev/null
    exec dotnet "$cli_dll" "$@"
    ;;
  help|*)
    cat <<USAGE
usage: ./basketball.sh <command>
  demo    the main job: kinesalite + a node + the simulator (options: --games N --rate R --seed S
          --plays P --malformed K --duplicates K --timeout SECONDS); ports via DEMO_KINESIS_PORT,
          DEMO_HTTP_PORT, DEMO_AKKA_PORT (defaults 4567, 8080, 4053)
  cluster a local three-node cluster (kinesalite + throw-away PostgreSQL + 3 nodes on 8080-8082) and the
          simulator against it (same options as demo; CLUSTER_KEEP_RUNNING=1 keeps it up afterwards)
  test    install what is needed, build, run every test (what CI runs)
  screenshots  refresh docs/images/{scoreboard,scoreboard-phone,ops}.png from a simulated season in headless chromium
  bench   run the benchmarks and write BENCHMARKS.md + benchmarks.json (--size full|smoke, --output DIR,
          --no-postgres, --only Sqlite|Entities|Postgres); about 3 minutes on 2 cores
  soak    a long season on three nodes (PostgreSQL) with a kill -9, a freeze and a database outage at seeded
          random moments, then the ground-truth check; writes docs/soak/results-<time>.md and .json
          (--duration 8m --seed N --rate R --output DIR); about 11 minutes on 2 cores
  node    run one node (configuration: akka.hocon + environment, see README)
  cli     the operator CLI: ./basketball.sh cli [host:port] <palette> <command> [-x value]… [--json]
          (no command: the interactive prompt; default 127.0.0.1:9110; node 2 of `cluster` is 127.0.0.1:9111)
USAGE
    ;;
esac
