# lib.sh: helpers for the CLI tests (sourced).  Each check prints "ok - NAME"
# or "not ok - NAME: why", which tests/run.sh counts.
#   $CHOUSA   the binary under test      $SAMPLES  real format samples
#   $TESTS    the tests/ directory       $TMPDIR   a fresh directory
set -u
T=$(mktemp -d "$TMPDIR/t.XXXXXX")

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: $2"; }

# small_disk DIR SIZE NAME: a tmpfs of SIZE (1m) mounted on DIR, made, for
# the tests of a full disk; else (not root, no mount) NAME's SKIP line
# and 1.  The caller unmounts it.
small_disk() {
	mkdir -p "$1"
	if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o "size=$2" tmpfs "$1" 2> "$T/mount.err"; then
		echo "ok - $3 # SKIP cannot mount a tmpfs: $(head -c 100 "$T/mount.err" 2>/dev/null)"
		return 1
	fi
}

# check NAME WANT_STATUS CMD...: run CMD, compare the exit status; the
# output is left in $T/out and $T/err.
check() {
	name=$1 want=$2
	shift 2
	"$@" > "$T/out" 2> "$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$name"
	else
		not_ok "$name" "exit $got, want $want; stderr: $(head -c 300 "$T/err")"
	fi
}

# expect NAME PATTERN FILE: FILE has a line matching the grep -E PATTERN.
expect() {
	if grep -Eq -- "$2" "$3"; then ok "$1"; else
		not_ok "$1" "no line matches '$2' in $(basename "$3"): $(head -c 300 "$3")"
	fi
}

# refute NAME PATTERN FILE: no line of FILE matches.
refute() {
	if grep -Eq -- "$2" "$3"; then
		not_ok "$1" "a line matches '$2': $(grep -E -m1 -- "$2" "$3" | head -c 200)"
	else ok "$1"; fi
}

# same NAME GOT_FILE WANT_FILE: byte for byte; CHOUSA_UPDATE_GOLDEN=1
# rewrites WANT_FILE (make golden-update).  A missing golden is an error.
same() {
	if [ "${CHOUSA_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$2" "$3"
		ok "$1 (updated)"
	elif [ ! -f "$3" ]; then
		not_ok "$1" "golden file $3 is missing (make golden-update)"
	elif cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1" "differs from $3: $(diff "$3" "$2" | head -n 6 | tr '\n' '|')"
	fi
}

# kill_mid_read PID FILE: SIGKILL PID once it has read a third of FILE, so
# in the middle of importing it however fast the build is (an import
# commits only after reading its whole file).  1 if PID ended first.
kill_mid_read() {
	size=$(stat -c %s "$2")
	n=0
	while [ $n -lt 3000 ]; do
		r=$(awk '/^rchar/ {print $2}' "/proc/$1/io" 2> /dev/null)
		if [ -z "$r" ]; then
			kill -0 "$1" 2> /dev/null || return 1
			# No /proc/PID/io to read here: a short wait instead.
			sleep 0.2
			break
		fi
		[ "$r" -gt $((size / 3)) ] && break
		sleep 0.01
		n=$((n + 1))
	done
	kill -9 "$1" 2> /dev/null
}

# demo_store: $CHOUSA_DB filled with every file of demo/, as `make demo`
# imports them (the worked example's store).
demo_store() {
	for pair in urlhaus:urlhaus.csv threatfox:threatfox.csv \
	    malwarebazaar:malwarebazaar.csv feodo:feodo.csv \
	    malpedia:malpedia.json warninglist:warninglist.json \
	    misp:sandbox-report.misp.json; do
		"$CHOUSA" -q import "${pair%%:*}" "$TESTS/../demo/${pair#*:}" \
		    > /dev/null 2>&1
	done
}

# complete_words WORDS...: what the bash completion in $T/chousa.bash
# (chousa completion bash) completes for the last word, one a line.
complete_words() {
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_chousa
		printf "%s\n" "${COMPREPLY[@]}"' _ "$T/chousa.bash" "$@"
}

# json_shapes "Kind=FILE" ...: each FILE has the shape docs/json.md gives
# for Kind (json-shapes-check.py's own ok/not ok lines).  The checker
# dying, or saying nothing of a kind, is a failure too, never a silent
# pass.
json_shapes() {
	python3 "$TESTS/cli/json-shapes-check.py" "$TESTS/../docs/json.md" \
	    "$TESTS/../docs/openapi.json" "$@" > "$T/shapes.out" 2> "$T/shapes.err"
	grep json_shape_ "$T/shapes.out"
	for kf in "$@"; do
		k=$(echo "${kf%%=*}" | tr 'A-Z' 'a-z' | sed 's/[^a-z][^a-z]*/_/g; s/^_//; s/_$//')
		grep -Eq "^(not )?ok - json_shape_$k(:|\$)" "$T/shapes.out" ||
		    not_ok "json_shape_${k}_checked" "$(tail -n 3 "$T/shapes.err" | tr '\n' ' ')"
	done
}

# wl_archive_big_last FILE: a MISP warninglists archive of two one-entry
# lists and then one of 40,000 entries, for a disk the tests fill but
# for 300 KiB: the two small lists go in, the big one does not fit.
wl_archive_big_last() {
	python3 - "$1" <<'PY'
import io, json, sys, tarfile
def one(name, entries):
    return json.dumps({"name": name, "description": name, "type": "hostname",
        "matching_attributes": ["hostname", "domain"], "list": entries,
        "version": 1}).encode()
with tarfile.open(sys.argv[1], "w:gz") as t:
    for name, body in (("a-first", one("first", ["first.wl-full.example.com"])),
            ("b-second", one("second", ["second.wl-full.example.com"])),
            ("c-big", one("big", ["h%d.big.wl-full.example.com" % i
                for i in range(40000)]))):
        ti = tarfile.TarInfo("misp-warninglists-main/lists/%s/list.json" % name)
        ti.size = len(body)
        t.addfile(ti, io.BytesIO(body))
PY
}

# make_install ROOT: `make install` of the build under test ($BUILD) into
# ROOT.  The make that runs the tests passes its command line down in
# MAKEFLAGS (SANITIZE=...), which would make this one build a second tree
# ($BUILD-san) from scratch: it is not passed on, and a sanitizer build is
# named by its base and SANITIZE as `make check SANITIZE=...` names it.
make_install() {
	b=$(basename "$BUILD")
	case $b in
	*-san) set -- "$1" BUILD="${b%-san}" SANITIZE="${SANITIZE:-address,undefined}" ;;
	*) set -- "$1" BUILD="$b" ;;
	esac
	root=$1
	shift
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE make --no-print-directory \
	    -s -C "$TESTS/.." install DESTDIR="$root" PREFIX=/usr "$@"
}

# schema_python: SCHEMA_PY, a python with jsonschema (Debian's
# python3-jsonschema first, then the first python3); empty if none has it.
schema_python() {
	SCHEMA_PY=
	for py in /usr/bin/python3 python3; do
		if "$py" -c 'import jsonschema' 2> /dev/null; then
			SCHEMA_PY=$py
			return 0
		fi
	done
	return 1
}
