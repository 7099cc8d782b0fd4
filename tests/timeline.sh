#!/bin/sh
# The timeline's files as other programs and a person see them: the Chrome
# trace through a JSON parser, the SVG through an XML parser, the picture
# and its HTML page in headless Chromium (screenshot, console errors, the
# rows and markers in the DOM after the page's script ran), and the
# pictures in docs/ against freshly generated ones.
#
# Usage: tests/timeline.sh BUILD.  Prints a FAIL or SKIP line per problem
# and ends with "N passed, N failed".  A missing tool is installed with
# apt-get when that is possible (root, Debian); otherwise its checks are
# skipped with the reason.
build=$1
chpsync=$build/chpsync
dir=$build/timeline-test
p=0
f=0
pass() { p=$((p + 1)); }
fail() { echo "FAIL timeline: $*"; f=$((f + 1)); }
skip() { echo "SKIP timeline: $*"; }

# have CMD PACKAGE: CMD is there, or was installed from PACKAGE just now.
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "timeline: installing $2 for the $1 checks"
		apt-get -o DPkg::Lock::Timeout=900 install -y -q "$2" >"$dir/apt-$2.log" 2>&1 ||
			{ apt-get -q update >/dev/null 2>&1 &&
			  apt-get -o DPkg::Lock::Timeout=900 install -y -q "$2" >"$dir/apt-$2.log" 2>&1; }
	fi
	command -v "$1" >/dev/null 2>&1
}

rm -rf "$dir"
mkdir -p "$dir"
abs=$(cd "$dir" && pwd)

# ---- the files ----
if "$chpsync" run --timeline "$dir/lazy.svg" >"$dir/lazy.out" &&
	"$chpsync" run --timeline "$dir/lazy.html" >/dev/null &&
	"$chpsync" run --trace "$dir/lazy.json" --trace-format=chrome >/dev/null &&
	"$chpsync" run tests/scenarios/eager-config.scenario --timeline "$dir/eager.svg" >/dev/null; then
	pass
else
	fail "chpsync run --timeline / --trace-format=chrome failed"
	echo "$p passed, $f failed"
	exit 1
fi

# ---- the pictures in docs/ are what the scenarios give today ----
if [ -f docs/timeline-lazy.svg ]; then
	if cmp -s "$dir/lazy.svg" docs/timeline-lazy.svg && cmp -s "$dir/eager.svg" docs/timeline-eager.svg; then
		pass
	else
		fail "docs/timeline-*.svg are stale: run 'make timeline-docs' and commit them"
	fi
fi

# ---- Chrome trace: valid JSON with the tracks, slices, instants, counters ----
if have python3 python3; then
	if python3 - "$dir/lazy.json" <<'EOF'; then pass; else fail "$dir/lazy.json: not a good Chrome trace"; fi
import json, sys
doc = json.load(open(sys.argv[1]))            # a JSON parser first of all
evs = doc["traceEvents"]
assert isinstance(evs, list) and evs, "no traceEvents"
procs = {e["pid"]: e["args"]["name"] for e in evs if e["ph"] == "M" and e["name"] == "process_name"}
for want in ("machine", "host OS (host)", "VMM (qemu-system-s390x -name guest)", "guest OS (guest)"):
    assert want in procs.values(), "no process " + want
for e in evs:
    assert e["ph"] in ("M", "X", "i", "C"), e
    assert e["pid"] in procs, "event of an unnamed process: %r" % e
    if e["ph"] != "M":
        assert isinstance(e["ts"], (int, float)) and e["ts"] >= 0, e
    if e["ph"] == "X":
        assert isinstance(e["dur"], (int, float)) and e["dur"] >= 0, e
    if e["ph"] == "C":
        assert e["args"] and all(isinstance(v, (int, float)) for v in e["args"].values()), e
names = [(e["ph"], e["name"]) for e in evs]
assert ("X", "chccwdev -e 3f3f") in names, "no command slice"
assert ("X", "I/O") in names and ("X", "path verification") in names, "no I/O slices"
for i in ("CRW queued", "STCRW", "channel-report machine check", "STSCH",
          "SCHIB region read", "CRW region drained"):
    assert ("i", i) in names, "no instant " + i
pam = [e for e in evs if e["ph"] == "C" and e["name"] == "0.0.013f PAM"]
assert {e["pid"] for e in pam} == set(procs) - {p for p, n in procs.items() if "console" in n}, \
    "a layer without its PAM counter"
# the guest's PAM loses 0.42 only after chccwdev -e (lazy)
guest = [p for p, n in procs.items() if n == "guest OS (guest)"][0]
e_cmd = [e for e in evs if e["ph"] == "X" and e["name"] == "chccwdev -e 3f3f"][0]
off = [e for e in pam if e["pid"] == guest and e["args"]["0.42"] == 0]
assert off and off[0]["ts"] >= e_cmd["ts"], "guest PAM changed before chccwdev -e"
EOF
elif have jq jq; then
	if jq -e '.traceEvents | length > 0' "$dir/lazy.json" >/dev/null; then pass; else fail "$dir/lazy.json: invalid JSON"; fi
else
	skip "neither python3 nor jq to parse the Chrome trace"
fi

# ---- the SVG is XML ----
if have xmllint libxml2-utils; then
	if xmllint --noout "$dir/lazy.svg" "$dir/eager.svg"; then pass; else fail "the SVG is not well-formed XML"; fi
else
	skip "no xmllint (libxml2-utils) to check the SVG"
fi

# ---- headless Chromium: the picture renders, the page runs without errors ----
browser=
for b in chromium chromium-browser google-chrome; do
	command -v $b >/dev/null 2>&1 && browser=$b && break
done
[ -n "$browser" ] || { have chromium chromium && browser=chromium; }
if [ -z "$browser" ]; then
	skip "no Chromium (Debian package chromium) for the rendering checks"
else
	flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
--disable-background-networking --disable-component-update --disable-sync --hide-scrollbars"
	h=$(sed -n 's/^<svg [^>]* height="\([0-9]*\)".*/\1/p' "$dir/lazy.svg")
	# the screenshot and the DOM dump run side by side (half the time)
	timeout 120 $browser $flags --user-data-dir="$abs/chromium-1" --window-size=1200,"$h" \
		--screenshot="$abs/lazy.png" "file://$abs/lazy.svg" >"$dir/shot.log" 2>&1 &
	shot=$!
	timeout 120 $browser $flags --user-data-dir="$abs/chromium-2" --enable-logging=stderr --v=0 \
		--dump-dom "file://$abs/lazy.html" >"$dir/lazy.dom" 2>"$dir/dom.log"
	wait $shot
	# a PNG of the picture's size, with something on it (a blank one is a few KB)
	if [ -f "$dir/lazy.png" ] &&
		[ "$(od -An -tx1 -j1 -N3 "$dir/lazy.png" | tr -d ' \n')" = 504e47 ] &&
		[ "$(od -An -tu1 -j16 -N8 "$dir/lazy.png" | awk '{print $3*256+$4 "x" $7*256+$8}')" = "1200x$h" ] &&
		[ "$(wc -c <"$dir/lazy.png")" -gt 40000 ]; then
		pass
	else
		fail "no screenshot of the SVG (see $dir/shot.log)"
	fi
	if grep -q 'CONSOLE' "$dir/dom.log"; then
		fail "the page logged to its console:"; grep CONSOLE "$dir/dom.log" | head -n 5
	elif ! grep -q 'id="chpsync-timeline"' "$dir/lazy.dom"; then
		fail "the page has no timeline SVG (see $dir/dom.log)"
	else
		pass
	fi
	# what a person looks for: 16 rows (4 CHPIDs x 4 layers), each layer's
	# rows, the markers, the 14 commands, and hover details (the script
	# turned every <title> into data-tip)
	ok=1
	for want in 'class="row" data-layer="machine" data-chpid="0.42"' \
		'class="row" data-layer="host" data-chpid="0.43"' \
		'class="row" data-layer="vmm" data-chpid="0.44"' \
		'class="row" data-layer="guest" data-chpid="0.45"' \
		'class="m-crw"' 'class="m-mchk"' 'class="m-stsch"' 'class="m-pv"' \
		'data-tip="STSCH at ' 'data-tip="CRW queued at ' 'data-tip="channel-report machine check at ' \
		'data-tip="command 9 at 22.009188 s on guest' 'PAM off · machine +4.00 s'; do
		grep -qF "$want" "$dir/lazy.dom" || { fail "not in the DOM: $want"; ok=0; }
	done
	n=$(grep -o 'class="row"' "$dir/lazy.dom" | wc -l)
	[ "$n" -eq 16 ] || { fail "$n rows in the DOM, not 16"; ok=0; }
	n=$(grep -o 'class="cmd"' "$dir/lazy.dom" | wc -l)
	[ "$n" -eq 14 ] || { fail "$n commands in the DOM, not 14"; ok=0; }
	n=$(grep -o '<title>' "$dir/lazy.dom" | wc -l)
	[ "$n" -eq 1 ] || { fail "the hover script did not run ($n titles left)"; ok=0; }
	[ $ok = 1 ] && pass
fi
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
