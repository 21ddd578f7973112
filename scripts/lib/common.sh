# Shared helpers for the project's shell scripts. Source it; do not run it.
# Every failure message says what is missing and what to do about it.

GW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GW_VAR="$GW_ROOT/var"
GW_VENV="$GW_ROOT/gpu-workers/.venv"
mkdir -p "$GW_VAR/logs"

# Defaults match the service's own defaults (src/config/app-config.ts).
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/graftwork}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

say()  { printf '\033[1;34m[graftwork]\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33m[graftwork]\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31m[graftwork] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Run a command as root when we are not root and passwordless sudo is available.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  say "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# url_part URL FIELD -> host|port|user|db of a postgres:// or redis:// URL
url_part() {
  node -e '
    const u = new URL(process.argv[1]);
    const defaults = { "postgres:": "5432", "postgresql:": "5432", "redis:": "6379" };
    const f = process.argv[2];
    const v = f === "host" ? u.hostname : f === "port" ? (u.port || defaults[u.protocol]) :
      f === "user" ? decodeURIComponent(u.username || "postgres") : u.pathname.replace(/^\//, "");
    process.stdout.write(v);' "$1" "$2"
}

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") >/dev/null 2>&1; }

wait_for_tcp() { # host port seconds
  local i
  for ((i = 0; i < $3 * 5; i++)); do tcp_open "$1" "$2" && return 0; sleep 0.2; done
  return 1
}
