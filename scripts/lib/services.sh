# Find or start PostgreSQL and Redis. Source after common.sh.
# Order of preference: a server already reachable at DATABASE_URL / REDIS_URL; the
# machine's installed binaries, started as a private instance under var/; installing them
# with apt-get when we may; otherwise stop with a message that says what to do.

find_pg_bin() {
  local name=$1 c
  command -v "$name" 2>/dev/null && return 0
  for c in /usr/lib/postgresql/*/bin/"$name" /usr/local/pgsql/bin/"$name"; do
    [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}

ensure_postgres() {
  local host port user
  host=$(url_part "$DATABASE_URL" host); port=$(url_part "$DATABASE_URL" port); user=$(url_part "$DATABASE_URL" user)
  if tcp_open "$host" "$port"; then say "PostgreSQL reachable at $host:$port"; return 0; fi
  case "$host" in 127.0.0.1|localhost|::1) ;; *) die "PostgreSQL at $host:$port is not reachable; start it or set DATABASE_URL";; esac
  local initdb
  initdb=$(find_pg_bin initdb) || { apt_install postgresql || true; initdb=$(find_pg_bin initdb); } ||
    die "PostgreSQL is not running at $host:$port and is not installed (and apt-get could not install it). Install PostgreSQL 14+ or set DATABASE_URL to a reachable server."
  local pg_ctl data="$GW_VAR/postgres" owner=()
  pg_ctl="$(dirname "$initdb")/pg_ctl"
  # initdb refuses to run as root: run the private instance as the postgres system user.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home "$data" postgres
    owner=(runuser -u postgres --)
  fi
  mkdir -p "$data"; [ "$(id -u)" = 0 ] && chown -R postgres "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in $data (trust auth, user $user)"
    "${owner[@]}" "$initdb" -D "$data" -U "$user" -A trust >/dev/null || die "initdb failed in $data"
  fi
  say "starting PostgreSQL on port $port"
  "${owner[@]}" "$pg_ctl" -D "$data" -l "$data/server.log" -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" -w start >/dev/null ||
    die "PostgreSQL failed to start: see $data/server.log"
}

ensure_database() {
  local db admin_url
  db=$(url_part "$DATABASE_URL" db)
  admin_url="${DATABASE_URL%/*}/postgres"
  node -e '
    const { Client } = require("pg");
    (async () => {
      const c = new Client({ connectionString: process.argv[1] });
      await c.connect();
      const r = await c.query("select 1 from pg_database where datname = $1", [process.argv[2]]);
      if (r.rowCount === 0) await c.query(`create database "${process.argv[2]}"`);
      await c.end();
    })().catch((e) => { console.error(`cannot create database ${process.argv[2]}: ${e.message}`); process.exit(1); });
  ' "$admin_url" "$db" || die "could not reach PostgreSQL with DATABASE_URL=$DATABASE_URL"
}

ensure_redis() {
  local host port
  host=$(url_part "$REDIS_URL" host); port=$(url_part "$REDIS_URL" port)
  if tcp_open "$host" "$port"; then say "Redis reachable at $host:$port"; return 0; fi
  case "$host" in 127.0.0.1|localhost|::1) ;; *) die "Redis at $host:$port is not reachable; start it or set REDIS_URL";; esac
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server || true
  command -v redis-server >/dev/null 2>&1 ||
    die "Redis is not running at $host:$port and is not installed (and apt-get could not install it). Install Redis 6.2+ or set REDIS_URL."
  mkdir -p "$GW_VAR/redis"
  say "starting Redis on port $port (append-only, noeviction)"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$GW_VAR/redis" --appendonly yes \
    --maxmemory-policy noeviction --daemonize yes --logfile "$GW_VAR/redis/redis.log" >/dev/null
  wait_for_tcp "$host" "$port" 10 || die "Redis failed to start: see $GW_VAR/redis/redis.log"
}
