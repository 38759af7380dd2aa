#!/bin/sh
# Container defaults for a node: bind to every interface inside the container, advertise the container's
# host name to the cluster, and refuse a non-loopback operator endpoint without a token (SPEC §7).
set -eu

: "${BASKETBALL_HOSTNAME:=$(hostname)}"
: "${BASKETBALL_HTTP:=http://0.0.0.0:8080}"
: "${BASKETBALL_OPS:=0.0.0.0:9110}"
export BASKETBALL_HOSTNAME BASKETBALL_HTTP BASKETBALL_OPS

case "$BASKETBALL_OPS" in
  127.*|localhost:*) ;;
  *)
    if [ -z "${BASKETBALL_OPS_TOKEN:-}" ]; then
      echo "entrypoint: BASKETBALL_OPS=$BASKETBALL_OPS is not loopback; set BASKETBALL_OPS_TOKEN" >&2
      exit 64
    fi
    ;;
esac

exec dotnet /app/Basketball.Cluster.dll "$@"
