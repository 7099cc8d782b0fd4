#!/bin/sh
# The bridge QEMU preloads exports exactly the libc entry points it takes
# (docs/real-qemu.md): anything more could collide with QEMU's own ~16,400
# dynamic symbols.  Usage: tests/bridge_symbols.sh BUILD
so=$1/libchpsync-bridge.so
want="__open64_2 __pread64_chk __realpath_chk close fopen64 ioctl memfd_create open open64
openat64 pread64 pwrite64 readlink realpath"
got=$(nm -D --defined-only "$so" | awk '$2 ~ /[TDBW]/ { print $3 }' | sort | tr '\n' ' ')
exp=$(printf '%s\n' $want | sort | tr '\n' ' ')
if [ "$got" != "$exp" ]; then
	echo "bridge exports: $got"
	echo "expected:       $exp"
	exit 1
fi
