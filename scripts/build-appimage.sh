#!/usr/bin/env bash
# Builds Manifold's AppImage from Debian packages: a release build installed into an AppDir with
# Qt, its plugins, QtKeychain, libsecret and every other library they need (all but the base
# system's, packaging/appimage/base-libraries.txt), then the AppDir as a squashfs image, and with
# --runtime the AppImage itself: the AppImage type 2 runtime followed by that image.
#
# Usage: scripts/build-appimage.sh [--runtime FILE] [--out DIR] [--comp zstd|gzip|xz]
#   --runtime FILE  the AppImage runtime for x86_64 (neither Debian nor npm ships one: take
#                   runtime-x86_64 from the AppImage project's type2-runtime releases)
#   --out DIR       where AppDir/, the .squashfs and the .AppImage go (default build/appimage)
#   --comp NAME     squashfs compression (default zstd, which the type2-runtime reads; gzip for
#                   older runtimes)
set -euo pipefail
cd "$(dirname "$0")/.."

runtime="" out=build/appimage comp=zstd
while (($#)); do
    case $1 in
        --runtime) runtime=$(readlink -f -- "${2:?--runtime needs a file}"); shift 2 ;;
        --out) out=${2:?--out needs a directory}; shift 2 ;;
        --comp) comp=${2:?--comp needs a name}; shift 2 ;;
        -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-appimage.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -n $runtime && ! -s $runtime ]]; then
    echo "build-appimage.sh: runtime '$runtime' is missing or empty" >&2
    exit 2
fi
mkdir -p "$out"
out=$(readlink -f -- "$out")
appdir=$out/AppDir
rm -f "$out"/Manifold-*-x86_64.AppImage "$out"/Manifold-*-x86_64.squashfs

scripts/install-deps.sh
# What goes into the image beyond the build: the xcb platform, the portal platform theme, the SVG
# icon engine and image format, Qt's translations, libsecret (QtKeychain loads it at run time);
# and the tools: mksquashfs, patchelf for RUNPATH.
packages=(qt6-qpa-plugins qt6-xdgdesktopportal-platformtheme libqt6svg6 qt6-translations-l10n
          libsecret-1-0 squashfs-tools patchelf binutils file)
missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "==> installing: ${missing[*]}"
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

echo "==> release build"
cmake --preset release >/dev/null
cmake --build --preset release -j2

echo "==> AppDir: $appdir"
rm -rf "$appdir"
cmake --install build/release --prefix "$appdir/usr" --strip >/dev/null
install -m 0755 packaging/appimage/AppRun "$appdir/AppRun"
install -m 0644 packaging/appimage/qt.conf "$appdir/usr/bin/qt.conf"

# The desktop entry and icon at the root, where the AppImage tools and desktop integration look.
app_id=dev.manifold.Manifold
ln -s "usr/share/applications/$app_id.desktop" "$appdir/$app_id.desktop"
if [[ -f $appdir/usr/share/icons/hicolor/256x256/apps/$app_id.png ]]; then
    ln -s "usr/share/icons/hicolor/256x256/apps/$app_id.png" "$appdir/$app_id.png"
    ln -s "$app_id.png" "$appdir/.DirIcon"
else
    ln -s "usr/share/icons/hicolor/scalable/apps/$app_id.svg" "$appdir/$app_id.svg"
    ln -s "$app_id.svg" "$appdir/.DirIcon"
fi

# Qt plugins. platforms: xcb for the desktop, offscreen for tests and screenshots.
qt_plugins=$(qtpaths6 --query QT_INSTALL_PLUGINS)
plugins=(platforms/libqxcb.so platforms/libqoffscreen.so
         xcbglintegrations/libqxcb-glx-integration.so xcbglintegrations/libqxcb-egl-integration.so
         platformthemes/libqxdgdesktopportal.so
         platforminputcontexts/libcomposeplatforminputcontextplugin.so
         platforminputcontexts/libibusplatforminputcontextplugin.so
         iconengines/libqsvgicon.so
         imageformats/libqsvg.so imageformats/libqico.so imageformats/libqgif.so imageformats/libqjpeg.so)
for plugin in "${plugins[@]}"; do
    install -D -m 0644 "$qt_plugins/$plugin" "$appdir/usr/plugins/$plugin"
done

# Qt's own strings (dialog buttons, shortcuts) for every language Manifold is translated into.
qt_translations=$(qtpaths6 --query QT_INSTALL_TRANSLATIONS)
for ts in translations/manifold_*.ts; do
    lang=${ts#translations/manifold_}
    lang=${lang%.ts}
    if [[ -f $qt_translations/qtbase_$lang.qm ]]; then
        install -D -m 0644 "$qt_translations/qtbase_$lang.qm" "$appdir/usr/translations/qtbase_$lang.qm"
    fi
done

# Libraries: every one the binaries and plugins need, walked down NEEDED entries, except the
# base system's (and what only those need: the host's libxcb brings its own libXau). libsecret is
# not linked but loaded by QtKeychain at run time, so it is named here; it comes with the GLib Qt
# uses, so the two always match.
mapfile -t base < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' packaging/appimage/base-libraries.txt)
declare -A is_base=() host_path=()
for name in "${base[@]}"; do is_base[$name]=1; done
while read -r name path; do
    [[ -n ${host_path[$name]-} ]] || host_path[$name]=$path
done < <(ldconfig -p | awk '/\(libc6,x86-64\)/ { print $1, $NF }')
elves() { find "$appdir" -type f -exec sh -c 'head -c 4 "$1" | grep -q ELF' _ {} \; -print; }
needed() { readelf -d --wide "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

mkdir -p "$appdir/usr/lib"
mapfile -t queue < <(elves)
wanted=(libsecret-1.so.0)
unresolved=0
while ((${#queue[@]} + ${#wanted[@]})); do
    if ((${#wanted[@]} == 0)); then
        elf=${queue[0]}
        queue=("${queue[@]:1}")
        mapfile -t wanted < <(needed "$elf")
        continue
    fi
    name=${wanted[0]}
    wanted=("${wanted[@]:1}")
    [[ -n ${is_base[$name]-} || -e $appdir/usr/lib/$name ]] && continue
    if [[ -z ${host_path[$name]-} ]]; then
        echo "build-appimage.sh: ${elf:-Manifold} needs $name, which is not installed" >&2
        unresolved=1
        continue
    fi
    cp -L "${host_path[$name]}" "$appdir/usr/lib/$name"
    chmod 0644 "$appdir/usr/lib/$name"
    queue+=("$appdir/usr/lib/$name")
done
((unresolved == 0)) || exit 1

# RUNPATH instead of LD_LIBRARY_PATH in AppRun: the broker starts the user's MCP servers, which
# must not inherit a path to the bundle's libraries. RUNPATH only applies to an object's own
# dependencies, so every object gets one; Qt's dlopen of libsecret searches libQt6Core's.
echo "==> RUNPATH"
while read -r elf; do
    case ${elf#"$appdir"/usr/} in
        bin/*) rpath='$ORIGIN/../lib' ;;
        lib/*) rpath='$ORIGIN' ;;
        plugins/*/*) rpath='$ORIGIN/../../lib' ;;
        *) continue ;;
    esac
    patchelf --set-rpath "$rpath" "$elf"
done < <(elves)

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build/release/CMakeCache.txt)
name=Manifold-$version-x86_64
echo "==> $(find "$appdir/usr/lib" -type f | wc -l) libraries bundled; squashfs ($comp)"
mksquashfs "$appdir" "$out/$name.squashfs" -root-owned -noappend -comp "$comp" -b 1M \
    -processors 2 -quiet -no-progress >/dev/null
if [[ -n $runtime ]]; then
    cat "$runtime" "$out/$name.squashfs" >"$out/$name.AppImage.part"
    chmod 0755 "$out/$name.AppImage.part"
    mv -f "$out/$name.AppImage.part" "$out/$name.AppImage"
    echo "==> $out/$name.AppImage"
else
    echo "==> $out/$name.squashfs (no --runtime: no .AppImage; see scripts/build-appimage.sh --help)"
fi
