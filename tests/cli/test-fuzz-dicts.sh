# test-fuzz-dicts.sh: every libFuzzer dictionary (tests/fuzz/*.dict) parses
# as libFuzzer reads it: [name=]"bytes" with only \\, \" and \xHH escapes.
# libFuzzer stops at a bad line before fuzzing anything, so a "\r\n" once
# cost a target its whole run; make check, which never runs libFuzzer,
# catches that here.
. "$TESTS/cli/lib.sh"

for d in "$TESTS"/fuzz/*.dict; do
	name=$(basename "$d" .dict)
	if why=$(python3 - "$d" 2>&1 <<'PY'
import re, sys
for i, line in enumerate(open(sys.argv[1], encoding="latin-1"), 1):
    s = line.rstrip("\n")
    if not s.strip() or s.lstrip().startswith("#"):
        continue
    m = re.match(r'^\s*([A-Za-z0-9_]+=)?"(.*)"\s*$', s)
    if not m:
        sys.exit("line %d: not [name=]\"...\"" % i)
    body, j = m.group(2), 0
    while j < len(body):
        if body[j] == "\\":
            if body[j + 1:j + 2] in ("\\", '"'):
                j += 2
                continue
            if re.match(r"x[0-9a-fA-F]{2}", body[j + 1:j + 4]):
                j += 4
                continue
            sys.exit("line %d: escape libFuzzer does not know: %s" % (i, s))
        if body[j] == '"':
            sys.exit("line %d: unescaped quote" % i)
        j += 1
PY
	); then ok "fuzz_dict_$name"; else not_ok "fuzz_dict_$name" "$why"; fi
done
