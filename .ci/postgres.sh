#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server on loopback for the test suite.
# Usage: postgres.sh start|stop DIR PORT
set -euo pipefail
action=$1 dir=$2 port=$3

find_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$found" ]; then
    echo "installing PostgreSQL from Debian's packages" >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; fi
    found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  echo "$found"
}

# PostgreSQL refuses to run as root: run it as the 'postgres' user (or 'nobody') when we are root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    local owner=postgres
    id -u postgres >/dev/null 2>&1 || owner=nobody
    chown -R "$owner" "$dir"
    su -s /bin/bash "$owner" -c "$*"
  else
    bash -c "$*"
  fi
}

case "$action" in
  start)
    bin=$(find_bin)
    rm -rf "$dir"; mkdir -p "$dir"
    as_owner "$bin/initdb -D $dir/data -U trainer --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"
    as_owner "$bin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' -l $dir/log -w start >/dev/null"
    as_owner "$bin/createdb -h 127.0.0.1 -p $port -U trainer trainer"
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
    ;;
  stop)
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    [ -n "$bin" ] && [ -d "$dir/data" ] && as_owner "$bin/pg_ctl -D $dir/data -m fast stop >/dev/null" || true
    rm -rf "$dir"
    ;;
esac
