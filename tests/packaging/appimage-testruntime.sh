#!/bin/sh
# A stand-in for the AppImage runtime, for scripts/check-appimage.sh only. Like the real runtime's
# extract-and-run mode it unpacks the squashfs image appended to it and runs AppRun with
# APPIMAGE, APPDIR and ARGV0 set as the real runtime sets them; it needs no FUSE. The check pads
# this file with zero bytes to 8192, where the image starts. Extractions are kept per image
# (size and mtime) under $MANIFOLD_TESTRT_DIR, so only the first start of an image unpacks it.
self=$(readlink -f -- "$0") || exit 127
key=$(stat -L -c '%s-%Y' -- "$self") || exit 127
dir=${MANIFOLD_TESTRT_DIR:?MANIFOLD_TESTRT_DIR is not set}/$key
if [ ! -x "$dir/AppRun" ]; then
    mkdir -p -- "$MANIFOLD_TESTRT_DIR" || exit 127
    tmp=$(mktemp -d -- "$dir.XXXXXX") || exit 127
    unsquashfs -q -n -o 8192 -f -d "$tmp" "$self" >/dev/null || { rm -rf -- "$tmp"; exit 127; }
    # Another start may have finished first: then its copy stays and this one goes.
    mv -T -- "$tmp" "$dir" 2>/dev/null || rm -rf -- "$tmp"
fi
APPIMAGE=$self APPDIR=$dir ARGV0=$0 OWD=$PWD
export APPIMAGE APPDIR ARGV0 OWD
exec "$dir/AppRun" "$@"
exit 127
