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
  node)
    build Release
    exec dotnet src/Cluster/bin/Release/net10.0/Akka.Basketball.Cluster.dll "$@"
    ;;
  help|*)
    cat <<USAGE
usage: ./basketball.sh <command>
  test    install what is needed, build, run every test (what CI runs)
  node    run one node (configuration: akka.hocon + environment, see README)
USAGE
    ;;
esac
