#!/usr/bin/env bash
# The message catalogues are complete and usable (docs/i18n.md):
#  1. every source file with marked text is in po/POTFILES.in, and every
#     file listed there exists;
#  2. a template regenerated from today's sources (by the very command of
#     the build's tsumiki-pot target, into a scratch copy of po/) leaves no
#     string untranslated or fuzzy in any catalogue of po/LINGUAS;
#  3. msgfmt --check accepts every catalogue (format specifiers intact);
#  4. the launcher and the AppStream metadata carry the Japanese text and
#     validate (when desktop-file-validate / appstreamcli are installed);
#  5. tsumiki-cli speaks Japanese: `check` on a broken project names the
#     node in a Japanese sentence and exits 1.
set -uo pipefail
src=${TSU_SOURCE_DIR:?} build=${TSU_BUILD_DIR:?}
cd "$src" || exit 1
fail=0
problem() { echo "FAIL: $*"; fail=1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# 1. POTFILES.in against the sources.
listed=$scratch/listed marked=$scratch/marked
grep -v '^\s*\(#\|$\)' po/POTFILES.in | sort >"$listed"
grep -rlE '\b(_|N_|ngettext_)\(|translatable="yes"' engine app ui resources \
    --include='*.c' --include='*.h' --include='*.ui' --include='*.in' |
    grep -vx 'engine/tsu-i18n.h' | sort >"$marked"
for f in resources/data/*.in; do echo "$f"; done | sort -m - "$marked" | sort -u -o "$marked"
while read -r f; do
    problem "$f has text marked for translation but is not in po/POTFILES.in"
done < <(comm -13 "$listed" "$marked")
while read -r f; do
    [ -f "$f" ] || problem "po/POTFILES.in lists $f, which does not exist"
done <"$listed"

# 2. A fresh template: the tsumiki-pot target's own command (po/meson.build
# holds the xgettext arguments), run on a copy of po/ beside the sources.
pot_cmd=$(ninja -C "$build" -t commands tsumiki-pot | tail -n 1)
[ -n "$pot_cmd" ] || { echo "FAIL: no tsumiki-pot target in $build"; exit 1; }
tree=$scratch/tree
mkdir -p "$tree/po"
cp po/POTFILES.in po/LINGUAS "$tree/po/"
for d in engine app ui resources; do ln -s "$src/$d" "$tree/$d"; done
pot_cmd=$(printf '%s' "$pot_cmd" | sed "s|--source-root=[^ ]*|--source-root=$tree/|")
(cd "$tree" && eval "$pot_cmd") >"$scratch/xgettext.log" 2>&1 ||
    { cat "$scratch/xgettext.log"; problem "xgettext failed"; }
pot=$tree/po/tsumiki.pot
[ -s "$pot" ] || { echo "FAIL: no template written"; exit 1; }
for lang in $(grep -v '^\s*\(#\|$\)' po/LINGUAS); do
    merged=$scratch/$lang.po
    msgmerge --quiet --no-wrap "po/$lang.po" "$pot" -o "$merged" || { problem "msgmerge po/$lang.po"; continue; }
    for kind in untranslated only-fuzzy; do
        left=$(msgattrib --no-wrap --no-obsolete --"$kind" "$merged" | grep '^msgid "' | grep -vx 'msgid ""')
        [ -z "$left" ] && continue
        problem "po/$lang.po: ${kind#only-} strings (ninja -C build tsumiki-update-po, then translate):"
        printf '%s\n' "$left" | sed 's/^/    /'
    done
    # 3. Format specifiers: the catalogue as committed and as merged.
    msgfmt --check -o /dev/null "po/$lang.po" || problem "msgfmt --check po/$lang.po"
    msgfmt --check -o /dev/null "$merged" || problem "msgfmt --check on po/$lang.po merged with the sources"
done

# 4. Launcher and AppStream metadata (built only with the GUI).
data=$build/resources/data
if [ -f "$data/org.tsumiki.Tsumiki.desktop" ]; then
    grep -q '^Comment\[ja\]=.*ニューラルネットワーク' "$data/org.tsumiki.Tsumiki.desktop" ||
        problem "the launcher has no Japanese Comment"
    grep -q 'xml:lang="ja"' "$data/org.tsumiki.Tsumiki.metainfo.xml" ||
        problem "the AppStream metadata has no Japanese text"
    if command -v desktop-file-validate >/dev/null; then
        desktop-file-validate "$data/org.tsumiki.Tsumiki.desktop" || problem "desktop-file-validate"
    else
        echo "# desktop-file-validate not installed (desktop-file-utils): launcher not validated"
    fi
    if command -v appstreamcli >/dev/null; then
        appstreamcli validate --no-net "$data/org.tsumiki.Tsumiki.metainfo.xml" ||
            problem "appstreamcli validate"
    else
        echo "# appstreamcli not installed (appstream): metadata not validated"
    fi
fi

# 5. Japanese from the command line.
if ! locale -a 2>/dev/null | grep -ix 'ja_JP.utf-\?8' >/dev/null; then
    echo "# SKIP the ja_JP.UTF-8 locale is missing (./dev.sh test generates it)"
    [ $fail -eq 0 ] && exit 77
    exit 1
fi
out=$(LANGUAGE=ja LANG=ja_JP.UTF-8 LC_ALL= "$build/app/tsumiki-cli" check tests/data/bad/bad-param.tsumiki 2>&1)
status=$?
[ $status -eq 1 ] || problem "check on a broken project exited $status, not 1"
# The parameter error names the node and the parameter (conv9.kernel) in
# Japanese: "正の整数" is the catalogue's "positive integers".
# (grep reads a here-string: `printf | grep -q` under pipefail fails when
# grep exits before printf has written everything.)
grep -q 'conv9\.kernel: .*正の整数' <<<"$out" ||
    problem "no Japanese message naming conv9 in: $out"
grep -q 'エラー' <<<"$out" || problem "no エラー (error) in: $out"
exit $fail
