#!/bin/sh
# The layers' archives against each other, from their symbol tables:
#  1. every global symbol is defined by one layer only (the layers are static
#     archives linked into one program: a name defined twice would silently
#     bind one layer's call to the other layer's function);
#  2. no upward reference: a layer uses only what it or a layer below it
#     defines (cli -> vmm -> user -> os -> machine -> dev -> sim, arch);
#  3. user space reaches the kernel only through its system calls: the
#     file systems (/sys, device nodes, /tmp; fcntl's O_DIRECT), syslog(2)
#     and mmap(2)/munmap(2) of process memory (os_umem_*);
#  4. no process-wide state: nothing in a layer is writable data outside
#     the objects it allocates (.data, .bss), so two worlds in one process
#     share nothing.  Read-only tables (.rodata, .data.rel.ro) are fine.
#     One exception: cli/lineedit.o, the glue to GNU readline, whose API
#     keeps its state in globals (a process has one terminal); no world's
#     state is kept there.
# Usage: tests/symbols.sh BUILD
build=$1
layers="arch sim dev machine os user vmm cli"
defs=$(i=0; for l in $layers; do
	i=$((i + 1))
	nm -g --defined-only "$build/lib$l.a" 2>/dev/null |
		awk -v l="$l" -v i="$i" 'NF == 3 && $2 ~ /[TDBRVWCG]/ { print $3, l, i }'
done | sort -u)
status=0

dups=$(printf '%s\n' "$defs" | awk 'NF { n[$1]++; w[$1] = w[$1] " " $2 }
	END { for (s in n) if (n[s] > 1) print s ":" w[s] }')
if [ -n "$dups" ]; then
	echo "global symbols defined in more than one layer:"
	echo "$dups"
	status=1
fi

uses=$(i=0; for l in $layers; do
	i=$((i + 1))
	nm -u "$build/lib$l.a" 2>/dev/null | awk -v l="$l" -v i="$i" 'NF == 2 { print $2, l, i }'
done | sort -u)
up=$( { printf '%s\n' "$defs" | sed 's/^/D /'; printf '%s\n' "$uses" | sed 's/^/U /'; } | awk '
	NF != 4 { next }
	$1 == "D" { if (!($2 in low) || $4 < low[$2]) { low[$2] = $4; by[$2] = $3 } next }
	{ u[++n] = $2 " " $3 " " $4 }
	END {
		for (k = 1; k <= n; k++) {
			split(u[k], f, " ")
			if ((f[1] in low) && low[f[1]] > f[3])
				print f[2] " uses " f[1] ", defined only above it, in " by[f[1]]
		}
	}' | sort)
if [ -n "$up" ]; then
	echo "upward references (a layer may use only the layers below it):"
	echo "$up"
	status=1
fi

syscalls='^(sysfs_(read|write|list|names_free|readlink|is_dir|exists|writable)|vfs_(open|pread|pwrite|size|truncate|close|set_direct)|os_syslog|os_umem_(alloc|free))$'
oss=$(printf '%s\n' "$defs" | awk '$2 == "os" { print $1 }')
bad=$(nm -u "$build/libuser.a" 2>/dev/null | awk 'NF == 2 { print $2 }' | sort -u |
	grep -Fx "$oss" | grep -Ev "$syscalls")
if [ -n "$bad" ]; then
	echo "user space calls the kernel other than through its system calls:"
	echo "$bad"
	status=1
fi
state=$(for l in $layers; do
	objdump -t "$build/lib$l.a" 2>/dev/null |
		awk -v l="$l" '/^[^ ]+\.o: / { obj = $1 }
			obj != "lineedit.o:" &&
			$3 == "O" && $4 ~ /^\.(data|bss)(\.|$)/ && $4 !~ /^\.data\.rel\.ro/ &&
			$NF !~ /^__(odr_)?asan|^__ubsan/ { print l ": " $NF " (" $4 ")" }'
done)
if [ -n "$state" ]; then
	echo "process-wide writable state (move it into the object that owns it):"
	echo "$state"
	status=1
fi
exit $status
