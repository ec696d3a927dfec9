#!/bin/sh
# check-layers.sh: the include rule of docs/HACKING.md, checked.  A file of
# a module may include the private headers ("base/mem.h") of the modules
# below it and its own, never one above, so the module graph has no cycle;
# cli/ sees only the public headers.  Prints each include that breaks the
# rule, and exits 1 when there is one.
set -u
cd "$(dirname "$0")/.."

# The modules a module may include, itself last.
below() {
	case $1 in
	base)		echo "base" ;;
	ioc)		echo "base ioc" ;;
	store)		echo "base ioc store" ;;
	online)		echo "base ioc store online" ;;
	investigate)	echo "base ioc store online investigate" ;;
	sweep)		echo "base ioc store sweep" ;;
	export)		echo "base ioc store export" ;;
	render)		echo "base ioc store online investigate sweep export render" ;;
	serve)		echo "base ioc store online investigate sweep export render serve" ;;
	cli)		echo "" ;;
	*)		echo "?" ;;
	esac
}

status=0
for f in src/*/*.[ch] src/*/*/*.[ch] cli/*.[ch]; do
	[ -f "$f" ] || continue
	case $f in
	src/*)	m=${f#src/}; m=${m%%/*} ;;
	*)	m=cli ;;
	esac
	may=$(below "$m")
	if [ "$may" = "?" ]; then
		echo "$f: module '$m' is not in the layers of scripts/check-layers.sh" >&2
		status=1
		continue
	fi
	for t in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z_]*\)\/.*/\1/p' "$f"); do
		[ "$t" = chousa ] && continue
		case " $may " in
		*" $t "*) ;;
		*)	echo "$f: includes $t/, which is not below $m" >&2
			status=1 ;;
		esac
	done
done
[ "$status" -eq 0 ] && echo "layers: ok"
exit "$status"
