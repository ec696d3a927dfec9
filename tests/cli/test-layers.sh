# test-layers.sh: the include rule of docs/HACKING.md holds in the tree,
# and the check sees an include that breaks it (a module including one above
# it, cli/ including a private header).
. "$TESTS/cli/lib.sh"

top=$TESTS/..
check layers_hold 0 "$top/scripts/check-layers.sh"
expect layers_say_ok "^layers: ok" "$T/out"

mkdir -p "$T/tree/scripts"
cp "$top/scripts/check-layers.sh" "$T/tree/scripts/"
cp -r "$top/src" "$top/cli" "$T/tree/"
printf '#include "serve/serve.h"\n' >> "$T/tree/src/store/store.c"
check layers_upward_include_fails 1 "$T/tree/scripts/check-layers.sh"
expect layers_name_the_file "src/store/store.c: includes serve/" "$T/err"

cp "$top/src/store/store.c" "$T/tree/src/store/store.c"
printf '#include "base/mem.h"\n' >> "$T/tree/cli/util.c"
check layers_cli_private_include_fails 1 "$T/tree/scripts/check-layers.sh"
expect layers_name_cli "cli/util.c: includes base/" "$T/err"

rm "$T/tree/cli/util.c"
cp "$top/cli/util.c" "$T/tree/cli/util.c"
mkdir -p "$T/tree/src/newmod"
printf 'int x;\n' > "$T/tree/src/newmod/a.c"
check layers_unknown_module_fails 1 "$T/tree/scripts/check-layers.sh"
expect layers_ask_for_a_row "module 'newmod' is not in the layers" "$T/err"
