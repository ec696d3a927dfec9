# test-completion.sh: the words completion offers for subcommands and for
# --color come from the tables the commands parse them with, so that each
# word offered is taken and each word taken is offered.
. "$TESTS/cli/lib.sh"

export CHOUSA_DB="$T/db"
export CHOUSA_CONFIG="$T/config"
: > "$CHOUSA_CONFIG"
"$CHOUSA" completion bash > "$T/chousa.bash"
"$CHOUSA" completion zsh > "$T/_chousa"
"$CHOUSA" completion fish > "$T/chousa.fish"

# offers NAME WANT WORDS...: bash completes the last of WORDS with WANT.
offers() {
	name=$1 want=$2
	shift 2
	got=$(complete_words "$@" | tr '\n' ' ')
	if [ "$got" = "$want " ]; then ok "$name"
	else not_ok "$name" "offered '$got', not '$want'"; fi
}

offers db_subcommands "stats check backup restore" chousa db ''
offers config_subcommands "check init" chousa config ''
offers completion_shells "bash zsh fish" chousa completion ''
offers token_subcommands "create rotate list budget allow note revoke readmit" chousa token ''
offers cache_subcommands "stats clear" chousa cache ''
offers color_values "auto always never" chousa --color ''
offers color_values_after_command "auto always never" chousa refang --color ''

# The same words in zsh and fish.
expect zsh_token_subcommands "'\*:argument:\(create rotate list budget allow note revoke readmit\)'" "$T/_chousa"
expect zsh_color_values "--color\[.*\]:WHEN:\(auto always never\)" "$T/_chousa"
expect fish_db_subcommands \
    "__fish_seen_subcommand_from db' -a 'stats check backup restore'" "$T/chousa.fish"

# Every word offered is taken.
bad=
for w in $(complete_words chousa --color ''); do
	"$CHOUSA" --color "$w" refang 1.2.3.4 > /dev/null 2>&1 || bad="$bad $w"
done
[ -z "$bad" ] && ok color_values_taken || not_ok color_values_taken "$bad"
bad=
for w in $(complete_words chousa completion ''); do
	"$CHOUSA" completion "$w" > /dev/null 2>&1 || bad="$bad $w"
done
[ -z "$bad" ] && ok shells_taken || not_ok shells_taken "$bad"
bad=
for w in $(complete_words chousa config ''); do
	CHOUSA_CONFIG="$T/new/config" "$CHOUSA" -q config "$w" 2>&1 |
	    grep -q "unknown subcommand" && bad="$bad $w"
done
[ -z "$bad" ] && ok config_subcommands_taken || \
    not_ok config_subcommands_taken "$bad"
bad=
for w in $(complete_words chousa db ''); do
	"$CHOUSA" db "$w" 2>&1 | grep -q "unknown subcommand" && bad="$bad $w"
done
[ -z "$bad" ] && ok db_subcommands_taken || not_ok db_subcommands_taken "$bad"
bad=
for w in $(complete_words chousa token ''); do
	"$CHOUSA" token "$w" 2>&1 | grep -q "unknown action" && bad="$bad $w"
done
[ -z "$bad" ] && ok token_subcommands_taken || \
    not_ok token_subcommands_taken "$bad"
check color_unknown_value 2 "$CHOUSA" --color sometimes refang 1.2.3.4
expect color_unknown_value_lists "unknown --color value 'sometimes'" "$T/err"
