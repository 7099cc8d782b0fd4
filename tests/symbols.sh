#!/bin/sh
# Every global symbol is defined by one layer only.  The layers are static
# archives linked into one program: a name defined twice would silently bind
# one layer's call to the other layer's function.  Usage: tests/symbols.sh BUILD
build=$1
dups=$(for l in arch sim dev machine os user vmm cli; do
	nm -g --defined-only "$build/lib$l.a" 2>/dev/null |
		awk -v l="$l" 'NF == 3 && $2 ~ /[TDBR]/ { print $3, l }'
done | sort | awk '{ n[$1]++; w[$1] = w[$1] " " $2 } END { for (s in n) if (n[s] > 1) print s ":" w[s] }')
if [ -n "$dups" ]; then
	echo "global symbols defined in more than one layer:"
	echo "$dups"
	exit 1
fi
exit 0
