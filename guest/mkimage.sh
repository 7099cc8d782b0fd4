#!/bin/sh
# Build chpsync's real s390x guest: Debian's s390x kernel, busybox-static and
# s390-tools with the libraries they need, as a kernel + initramfs that
# boots under qemu-system-s390x (TCG) to a shell on the console with the
# DASD modules loaded and the s390-tools on PATH (docs/real-qemu.md).
#
# Usage: guest/mkimage.sh [--refresh] [--print]
#   --refresh  ask apt for the newest package versions again
#   --print    only print the image directory if the image is built (exit 1
#              if it is not), build nothing
#
# Cache (kept by `make clean`): $CHPSYNC_GUEST_CACHE, default
# ${XDG_CACHE_HOME:-$HOME/.cache}/chpsync/guest:
#   debs/                 the .deb files (apt-get download)
#   image/vmlinuz         the kernel
#   image/initrd.img      the initramfs (gzip'd newc cpio)
#   image/packages        the packages and versions it was built from
#   image/stamp           what the image was built from (rebuild when it changes)
# The last line printed is the image directory.  Idempotent: a second run
# with nothing changed builds nothing and asks apt nothing.
set -eu

prog=mkimage
die() {
	echo "$prog: $*" >&2
	exit 1
}

refresh=0
print_only=0
for a in "$@"; do
	case "$a" in
	--refresh) refresh=1 ;;
	--print) print_only=1 ;;
	-h | --help)
		sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown option '$a' (usage: mkimage.sh [--refresh] [--print])" ;;
	esac
done

here=$(cd "$(dirname "$0")" && pwd)
cache=${CHPSYNC_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chpsync/guest}
debs=$cache/debs
image=$cache/image

# What the image depends on besides the packages: this script, /init and
# the inittab and profile.
inputs=$(cat "$here/mkimage.sh" "$here/init" "$here/inittab" "$here/profile" | md5sum | cut -d' ' -f1)

if [ -f "$image/vmlinuz" ] && [ -f "$image/initrd.img" ] && [ -f "$image/stamp" ] &&
	[ "$(sed -n 1p "$image/stamp")" = "$inputs" ] && [ $refresh = 0 ]; then
	echo "$image"
	exit 0
fi
[ $print_only = 1 ] && exit 1

for t in apt-get apt-cache dpkg dpkg-deb cpio gzip readelf; do
	command -v $t >/dev/null 2>&1 ||
		die "needs '$t' (apt-get install apt dpkg cpio gzip binutils)"
done

# The s390x architecture and its package lists.
if ! dpkg --print-foreign-architectures | grep -qx s390x; then
	[ "$(id -u)" = 0 ] || die "the s390x architecture is not added to dpkg; as root: dpkg --add-architecture s390x && apt-get update"
	echo "$prog: dpkg --add-architecture s390x" >&2
	dpkg --add-architecture s390x
	apt-get -o DPkg::Lock::Timeout=900 update >&2 || die "apt-get update failed"
fi
if ! apt-cache show --no-all-versions busybox-static:s390x >/dev/null 2>&1; then
	[ "$(id -u)" = 0 ] || die "no s390x package lists; as root: apt-get update"
	echo "$prog: apt-get update (s390x package lists)" >&2
	apt-get -o DPkg::Lock::Timeout=900 update >&2 || die "apt-get update failed"
fi

# The kernel package that Debian's linux-image-s390x points at.
kpkg=$(apt-cache depends linux-image-s390x:s390x 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*-s390x\).*/\1/p' | head -n 1)
[ -n "$kpkg" ] || die "cannot find Debian's s390x kernel package (apt-cache depends linux-image-s390x:s390x)"

# busybox for the shell and coreutils; s390-tools (lscss, lschp, chchp are
# ELF programs; chccwdev and lsdasd are bash scripts, lsdasd needs gawk);
# the shared libraries of those programs.
pkgs="$kpkg busybox-static s390-tools bash gawk libc6 libgcc-s1 zlib1g libtinfo6
libncurses6 libstdc++6 libgmp10 libmpfr6 libreadline8 libsigsegv2"

mkdir -p "$debs" "$image"
# One apt-cache call for all (each call reads the whole package cache).
avail=$(apt-cache show --no-all-versions $(for p in $pkgs; do echo "$p:s390x"; done) 2>/dev/null |
	sed -n 's/^Package: //p; s/^Version: //p' | paste -d' ' - -)
list=
for p in $pkgs; do
	v=$(echo "$avail" | sed -n "s/^$p \(.*\)/\1/p" | head -n 1)
	[ -n "$v" ] || die "package $p:s390x cannot be had (not in the package lists; apt-get update?)"
	f="${p}_$(echo "$v" | sed 's/:/%3a/')_s390x.deb"
	if [ ! -s "$debs/$f" ]; then
		echo "$prog: apt-get download $p:s390x=$v" >&2
		(cd "$debs" && apt-get -o APT::Sandbox::User=root download "$p:s390x=$v" >&2) ||
			die "package $p:s390x ($v) cannot be downloaded"
		[ -s "$debs/$f" ] || die "apt-get download of $p:s390x did not give $f"
	fi
	list="$list$p $v $f
"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chpsync-guest-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root" "$tmp/kernel"
echo "$list" | while read -r p v f; do
	[ -n "$p" ] || continue
	if [ "$p" = "$kpkg" ]; then
		# Only the kernel and the two DASD modules of the 30 MB package.
		dpkg-deb --fsys-tarfile "$debs/$f" | (cd "$tmp/kernel" && tar -x --wildcards \
			'./boot/vmlinuz-*' '*/dasd_mod.ko*' '*/dasd_eckd_mod.ko*')
	else
		dpkg-deb -x "$debs/$f" "$root"
	fi
done

# Only what a shell needs: no documentation, locales, man pages.
rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/info" \
	"$root/usr/share/locale" "$root/usr/share/lintian" "$root/etc/cron.d"

kver=$(ls "$tmp/kernel/lib/modules" | head -n 1)
[ -n "$kver" ] || die "no modules in $kpkg"
mkdir -p "$root/lib/modules" "$root/etc" "$root/root"
for m in dasd_mod dasd_eckd_mod; do
	ko=$(find "$tmp/kernel/lib/modules/$kver" -name "$m.ko*" | head -n 1)
	[ -n "$ko" ] || die "$kpkg has no $m module"
	case "$ko" in
	*.ko) cp "$ko" "$root/lib/modules/$m.ko" ;;
	*.ko.xz) xz -dc "$ko" >"$root/lib/modules/$m.ko" ;;
	*) die "$ko: unknown module compression" ;;
	esac
done
cp "$tmp/kernel/boot/vmlinuz-$kver" "$tmp/vmlinuz"
cp "$here/init" "$root/init"
chmod 755 "$root/init"
cp "$here/profile" "$root/etc/profile"
cp "$here/inittab" "$root/etc/inittab"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
[ -x "$root/bin/busybox" ] || die "busybox-static has no /bin/busybox"
ln -sf busybox "$root/bin/sh"

# Every shared library the programs we use need must be there.
for b in sbin/lscss sbin/lschp sbin/chchp bin/bash usr/bin/gawk; do
	[ -f "$root/$b" ] || die "the image lacks /$b"
	for lib in $(readelf -d "$root/$b" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		find "$root/lib" "$root/usr/lib" -name "$lib" 2>/dev/null | grep -q . ||
			die "/$b needs $lib, which no package of the image has"
	done
done

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$tmp/initrd.img"
mv "$tmp/vmlinuz" "$image/vmlinuz"
mv "$tmp/initrd.img" "$image/initrd.img"
echo "$list" | sed '/^$/d' | cut -d' ' -f1,2 >"$image/packages"
echo "$inputs" >"$image/stamp"
echo "$prog: built $image (kernel $kver, initramfs $(du -k "$image/initrd.img" | cut -f1) KiB)" >&2
echo "$image"
