#!/bin/sh
# What `make check` needs from Debian beyond a C compiler: the readline
# headers (libreadline-dev: line editing in `chpsync shell`) and tmux (the
# shell's test types into a terminal).  Installs what is missing when it
# can (root and apt-get), else says what will be skipped and why.  Never
# fails: without them the build and the other tests still run.
need=""
if ! printf '#include <readline/readline.h>\n' | ${CC:-cc} -E -x c - >/dev/null 2>&1; then
	need="$need libreadline-dev"
fi
command -v tmux >/dev/null 2>&1 || need="$need tmux"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "== installing for the tests:$need"
	if apt-get -o DPkg::Lock::Timeout=900 install -y -q $need >/tmp/chpsync-deps.log 2>&1 ||
		{ apt-get -o DPkg::Lock::Timeout=900 update -q >>/tmp/chpsync-deps.log 2>&1 &&
		  apt-get -o DPkg::Lock::Timeout=900 install -y -q $need >>/tmp/chpsync-deps.log 2>&1; }; then
		rm -f /tmp/chpsync-deps.log
		exit 0
	fi
	echo "   could not install them (log: /tmp/chpsync-deps.log)"
fi
case $need in *libreadline-dev*)
	echo "SKIP line editing in chpsync shell: no readline headers (apt-get install libreadline-dev)" ;;
esac
case $need in *tmux*)
	echo "SKIP the interactive shell test: no tmux (apt-get install tmux)" ;;
esac
exit 0
