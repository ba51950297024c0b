#!/usr/bin/env bash
# Tests the AppImage. Builds it with scripts/build-appimage.sh (the release build is shared with
# the other checks; the runtime is a stand-in that unpacks instead of mounting, so no FUSE and no
# download is needed), then:
#   1. every library each ELF file in the AppDir needs resolves inside the AppDir (through its
#      RUNPATH) or is a base-system library (packaging/appimage/base-libraries.txt);
#   2. tests/packaging/appimage.test.mjs: the bundled manifold --headless, manifold-shim and
#      manifoldctl through the image with the official MCP SDK client, Qt and the bundled
#      libraries really loaded from the image, the tray app under Xvfb, secrets through the
#      bundled QtKeychain and libsecret, and the shim launcher following the image when it moves.
# Usage: scripts/check-appimage.sh   (root or sudo for missing packages; no stdin needed)
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/appimage-test
work=$(mktemp -d /tmp/mfai.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The end-to-end part: node with the pinned SDK and server-everything, Xvfb for the tray app, a
# private session bus with a throw-away gnome-keyring for the keychain (scripts/with-keyring.sh).
packages=(xvfb xauth procps dbus-daemon dbus-bin gnome-keyring)
missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

runtime=$work/runtime
cp tests/packaging/appimage-testruntime.sh "$runtime"
truncate -s 8192 "$runtime" # where the stand-in runtime expects the image
scripts/build-appimage.sh --runtime "$runtime" --out "$out"
appdir=$(readlink -f "$out/AppDir")
image=$(ls "$out"/Manifold-*-x86_64.AppImage)

if [[ ! -f tests/e2e/node_modules/@modelcontextprotocol/sdk/package.json ||
      ! -f tests/e2e/node_modules/@modelcontextprotocol/server-everything/dist/index.js ]]; then
    echo "==> npm ci (tests/e2e)"
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "==> 1. libraries resolve inside the AppDir or to the base system"
mapfile -t base < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' packaging/appimage/base-libraries.txt)
declare -A is_base=()
for name in "${base[@]}"; do is_base[$name]=1; done
offenders=0 elves=0
glibc="" glibcxx=""
while read -r elf; do
    elves=$((elves + 1))
    dynamic=$(readelf -d --wide "$elf")
    dir=$(dirname "$elf")
    runpath=$(sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p' <<<"$dynamic")
    runpath=${runpath//\$ORIGIN/$dir}
    while read -r name; do
        [[ -z $name ]] && continue
        found=""
        IFS=: read -r -a dirs <<<"$runpath"
        for d in "${dirs[@]}"; do
            d=$(readlink -m "$d")
            if [[ $d == "$appdir"/* && -e $d/$name ]]; then found=$d/$name; break; fi
        done
        if [[ -z $found && -z ${is_base[$name]-} ]]; then
            echo "  ${elf#"$appdir"/} needs $name: not in the AppDir (RUNPATH '$runpath') nor a base library"
            offenders=$((offenders + 1))
        fi
    done < <(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dynamic")
    # And the loader agrees: nothing is missing on this machine.
    if LD_LIBRARY_PATH="" ldd "$elf" 2>&1 | grep -q "not found"; then
        echo "  ${elf#"$appdir"/}: $(LD_LIBRARY_PATH="" ldd "$elf" | grep "not found" | tr -s ' \t' ' ')"
        offenders=$((offenders + 1))
    fi
    versions=$(readelf -V --wide "$elf" | grep -o 'Name: GLIBC\(XX\)\?_[0-9.]*' | sed 's/Name: //' || true)
    glibc=$(printf '%s\n' "$glibc" $(grep '^GLIBC_' <<<"$versions") | sed '/^$/d' | sort -V | tail -1)
    glibcxx=$(printf '%s\n' "$glibcxx" $(grep '^GLIBCXX_' <<<"$versions") | sed '/^$/d' | sort -V | tail -1)
done < <(find "$appdir" -type f -exec sh -c 'head -c 4 "$1" | grep -q ELF' _ {} \; -print | sort)
bundled=$(find "$appdir/usr/lib" -type f | wc -l)
echo "  $elves ELF files, $bundled bundled libraries; the host needs $glibc and $glibcxx or newer"
if ((offenders)); then
    echo "FAILED: $offenders unresolved libraries" >&2
    exit 1
fi

echo "==> 2. end to end through the image"
links=$work/links
mkdir -p "$links"
ln -s "$(readlink -f "$image")" "$links/manifold-shim"
ln -s "$(readlink -f "$image")" "$links/manifoldctl"
# The host's Qt and library paths stay out: only the image's RUNPATH and qt.conf may find things.
# A home of its own: every start of Manifold rewrites the user's shim launcher and login entry.
mkdir -p "$work/home"
env -u LD_LIBRARY_PATH -u LD_PRELOAD -u QT_PLUGIN_PATH -u QT_QPA_PLATFORM_PLUGIN_PATH \
    -u APPIMAGE -u APPDIR -u ARGV0 \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
    MANIFOLD_APPIMAGE="$(readlink -f "$image")" \
    MANIFOLD_BIN="$(readlink -f "$image")" \
    MANIFOLD_SHIM_BIN="$links/manifold-shim" \
    MANIFOLDCTL_BIN="$links/manifoldctl" \
    MANIFOLD_TESTRT_DIR="$work/unpacked" \
    MANIFOLD_E2E_REQUIRED=1 \
    dbus-run-session -- scripts/with-keyring.sh \
    xvfb-run -a -s "-screen 0 1280x800x24" \
    node --test --test-concurrency=1 --test-reporter=spec tests/packaging/appimage.test.mjs </dev/null
