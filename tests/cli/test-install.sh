# test-install.sh: `make install` ships a libchousa.a whose only global
# symbols are chousa_*, with headers and a chousa.pc, and a program built
# from them alone (pkg-config) links and runs, even when it has
# functions named like the library's internal ones and links the real
# libcurl itself.
. "$TESTS/cli/lib.sh"

top=$TESTS/..
root=$T/root
check install_runs 0 make_install "$root"
for f in usr/bin/chousa usr/lib/libchousa.a usr/include/chousa.h \
    usr/include/chousa/base.h usr/lib/pkgconfig/chousa.pc \
    usr/share/man/man1/chousa.1; do
	[ -f "$root/$f" ] && ok "install_has_$(basename "$f")" ||
	    not_ok "install_has_$(basename "$f")" "$f missing"
done
check install_symbols_prefixed 0 "$top/scripts/check-symbols.sh" \
    "$root/usr/lib/libchousa.a"

cat > "$T/prog.c" <<'EOT'
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <chousa.h>

/* Names libchousa uses inside: they must not collide. */
void *mem_alloc(size_t n);
void *mem_alloc(size_t n) { return n ? NULL : NULL; }
int importers;

int
main(int argc, char **argv)
{
	struct chousa_arena *a;
	struct chousa_indicator ind;
	struct chousa_err err;
	const char *s = argc > 1 ? argv[1] : "hxxp://evil[.]example[.]com/x";

	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
		return 5;
	if (chousa_ioc_parse(a, s, strlen(s), 0, &ind, &err) != CHOUSA_OK) {
		fprintf(stderr, "prog: %s\n", err.msg);
		return 3;
	}
	printf("%s %s\n", chousa_ioc_type_name(ind.type), ind.value);
	printf("curl %s\n", curl_version() != NULL ? "linked" : "missing");
	chousa_arena_free(a);
	return mem_alloc(0) == NULL && importers == 0 ? 0 : 5;
}
EOT
case $BUILD in
*-san*)
	ok "install_program_links # SKIP sanitizer build" ;;
*)
	pc="env PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_PATH=$root/usr/lib/pkgconfig pkg-config"
	check install_pkg_config 0 $pc --cflags --libs chousa
	# shellcheck disable=SC2046
	check install_program_links 0 cc -o "$T/prog" "$T/prog.c" \
	    $($pc --cflags chousa) $($pc --libs chousa) \
	    $(pkg-config --libs libcurl)
	check install_program_runs 0 "$T/prog"
	expect install_program_parses '^url http://evil\.example\.com/x$' "$T/out"
	expect install_program_real_curl '^curl linked$' "$T/out"
	;;
esac
