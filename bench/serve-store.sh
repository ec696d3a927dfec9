# serve-store.sh: sourced by bench-serve.sh and bench-serve-sweep.sh (from
# the top of the tree, with CHOUSA set): the 5M-indicator store the team
# server is measured on, made once in BENCH_WORK/serve from
# gen_threatfox.py (the generator of bench-store.sh), and a config of
# CONFIG_NAME there with no rate limit.  Sets W, N, tf, rows, and exports
# CHOUSA_DB and CHOUSA_CONFIG.
W=${BENCH_WORK:-$(pwd)/bench/work}/serve
N=${BENCH_SERVE_N:-5000000}
mkdir -p "$W"
export CHOUSA_DB="$W/store-$N.db" CHOUSA_CONFIG="$W/${CONFIG_NAME:-config}"
printf '[server]\nrate = 0\n' > "$CHOUSA_CONFIG"
chmod 600 "$CHOUSA_CONFIG"
tf=$W/threatfox-$N.csv
[ -f "$tf" ] || python3 bench/gen_threatfox.py --n "$N" --seed serve --out "$tf"
if [ ! -f "$CHOUSA_DB" ]; then
	"$CHOUSA" -q import threatfox "$tf" >&2
	"$CHOUSA" -q import malpedia demo/malpedia.json >&2
fi
rows=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
