#!/bin/sh
# install-deps.sh GROUP: install the Debian packages chousa needs that are
# missing, and nothing else.  GROUP is "build" (what `make demo` needs) or
# "test" (build plus what `make check` needs).  Works as root or via sudo;
# runs apt-get only when something is missing.
set -eu

group=${1:-build}
build_pkgs="make gcc pkg-config libc6-dev libpsl-dev libidn2-dev libsqlite3-dev
libcurl4-openssl-dev libyajl-dev libarchive-dev zlib1g-dev libssl-dev
libicu-dev publicsuffix libmicrohttpd-dev libgnutls28-dev"
test_pkgs="$build_pkgs clang python3 sqlite3 ripgrep gzip zip unzip openssl
libclang-rt-14-dev iproute2 util-linux chromium graphviz tshark zsh fish tmux
cmark-gfm bind9-utils python3-jsonschema chromium-driver python3-selenium
nodejs wrk curl python3-prometheus-client systemd logrotate strace
nginx prometheus"

case "$group" in
build) want=$build_pkgs ;;
test) want=$test_pkgs ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=""
# npm comes with NodeSource's nodejs, and as a package of its own with
# Debian's: ask for it only when there is no npm at all.
if [ "$group" = test ] && ! command -v npm >/dev/null 2>&1; then
	missing=" npm"
fi
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# The tests' node packages from the npm registry: the MCP test's reference
# client (tests/mcp) and the OpenAPI validator (tests/openapi), each from
# its package-lock.json.  Without them those tests cannot run: fail, never
# skip.
npm_deps() {
	[ "$group" = test ] || return 0
	npm_dir mcp @modelcontextprotocol/sdk "the MCP test client"
	npm_dir openapi @apidevtools/swagger-parser "the OpenAPI validator"
}

# npm_dir DIR PACKAGE WHAT: npm ci in tests/DIR unless PACKAGE is there.
npm_dir() {
	d="$(dirname "$0")/../tests/$1"
	[ -d "$d/node_modules/$2" ] && return 0
	echo "chousa: installing $3 (npm ci in tests/$1)" >&2
	if ! (cd "$d" && npm ci --no-audit --no-fund >&2); then
		echo "chousa: npm could not install tests/$1 from its registry" \
		    "(offline?); the tests need $3" >&2
		exit 1
	fi
}

if [ -z "$missing" ]; then
	npm_deps
	exit 0
fi

echo "chousa: installing missing packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "chousa: need root or sudo to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Update the package lists once if they are empty or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
	$sudo apt-get update -q >&2
fi
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing >&2
# nginx and prometheus are there for the reverse proxy and alert tests,
# which run their own on free ports; the services Debian's packages start
# (a site on port 80, a Prometheus on 9090) are not wanted.
for service in nginx prometheus; do
	case " $missing " in
	*" $service "*)
		if command -v systemctl >/dev/null 2>&1 &&
		    systemctl is-enabled --quiet "$service" 2>/dev/null; then
			$sudo systemctl disable --now "$service" >&2 \
			    2>/dev/null && echo "chousa: disabled the" \
			    "$service service the package started (the tests" \
			    "run their own)" >&2
		fi
		;;
	esac
done
npm_deps
