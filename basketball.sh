#!/usr/bin/env bash
# One entry point for the project's commands (see README). Installs what it needs on first use:
# kinesalite through npm (tools/kinesalite, pinned by its lock file) and the NuGet packages.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

install_kinesalite() {
  if [ ! -f tools/kinesalite/node_modules/kinesalite/cli.js ]; then
    echo "==> installing kinesalite (npm ci)"
    (cd tools/kinesalite && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

build() {
  echo "==> restoring and building ($1)"
  dotnet build Akka.Basketball.sln -c "$1" -nologo -clp:ErrorsOnly -v:q
}

cmd="${1:-help}"
shift || true
case "$cmd" in
  test)
    install_kinesalite
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
      dotnet src/Cluster/bin/Release/net10.0/Akka.Basketball.Cluster.dll > "data/demo-$stamp-node.log" 2>&1 &
    pids+=($!)
    echo "==> waiting for the node (http://127.0.0.1:$http_port/health/ready)"
    for _ in $(seq 1 120); do
      curl -sf "http://127.0.0.1:$http_port/health/ready" > /dev/null && break
      sleep 0.5
    done
    curl -sf "http://127.0.0.1:$http_port/health/ready" > /dev/null || { echo "the node did not become ready; see data/demo-$stamp-node.log" >&2; exit 1; }
    set +e
    dotnet src/Simulator/bin/Release/net10.0/Akka.Basketball.Simulator.dll run --node "http://127.0.0.1:$http_port" "$@"
    status=$?
    set -e
    exit "$status"
    ;;
  node)
    build Release
    exec dotnet src/Cluster/bin/Release/net10.0/Akka.Basketball.Cluster.dll "$@"
    ;;
  help|*)
    cat <<USAGE
usage: ./basketball.sh <command>
  demo    the main job: kinesalite + a node + the simulator (options: --games N --rate R --seed S
          --plays P --malformed K --duplicates K --timeout SECONDS); ports via DEMO_KINESIS_PORT,
          DEMO_HTTP_PORT, DEMO_AKKA_PORT (defaults 4567, 8080, 4053)
  test    install what is needed, build, run every test (what CI runs)
  node    run one node (configuration: akka.hocon + environment, see README)
USAGE
    ;;
esac
