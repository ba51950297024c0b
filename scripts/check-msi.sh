#!/usr/bin/env bash
# Proves packaging/windows/manifold.wxs is a valid per-user MSI definition: compiles it with
# Debian's wixl (msitools) against a staged tree and checks the tables that matter.
#
# Usage: scripts/check-msi.sh [STAGE_DIR]
#   STAGE_DIR: a Windows install tree (manifold.exe, manifold-shim.exe, manifoldctl.exe and the
#   windeployqt output). Without it, stand-in files take the executables' and Qt's places: this
#   Linux check is about the installer's structure, the Windows workflow packages real builds.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
if ! command -v wixl >/dev/null || ! command -v msiinfo >/dev/null; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wixl msitools </dev/null
fi

version=$(sed -n 's/^ *VERSION \([0-9.]*\)$/\1/p' CMakeLists.txt | head -1)
[[ -n "$version" ]] || { echo "check-msi: no project VERSION in CMakeLists.txt" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

stage="$work/stage"
if [[ -n "${1:-}" ]]; then
    cp -r "$1" "$stage"
else
    mkdir -p "$stage/platforms" "$stage/styles" "$stage/tls"
    for file in manifold.exe manifold-shim.exe manifoldctl.exe Qt6Core.dll Qt6Gui.dll Qt6Network.dll \
                Qt6Widgets.dll qt6keychain.dll platforms/qwindows.dll styles/qwindowsvistastyle.dll \
                tls/qschannelbackend.dll; do
        printf 'stand-in for %s\n' "$file" >"$stage/$file"
    done
fi
cp packaging/windows/manifold.ico "$stage/manifold.ico"

# wixl wants source paths relative to where it runs.
cd "$work"
find stage -type f ! -name 'manifold.exe' ! -name 'manifold-shim.exe' ! -name 'manifoldctl.exe' \
     ! -name 'manifold.ico' | sort |
    wixl-heat -p stage/ --var var.SourceDir --directory-ref INSTALLDIR --component-group QtRuntime --win64 \
        >qtruntime.wxs
wixl -a x64 -D Version="$version" -D SourceDir=stage -D Win64=yes -o Manifold.msi \
    "$OLDPWD/packaging/windows/manifold.wxs" qtruntime.wxs

fail=0
expect() {   # expect TABLE PATTERN WHAT
    if msiinfo export Manifold.msi "$1" | tr -d '\r' | grep -qE -- "$2"; then
        echo "ok   $3"
    else
        echo "FAIL $3 (table $1 has no line matching $2)"; fail=1
    fi
}
expect Property $'^ProductVersion\t'"$version"'$' "product version $version from CMake"
expect Upgrade $'^\\{A5301B65-284C-48AA-A0AA-6864A3D126C4\\}\t\t'"$version" "fixed upgrade code replaces older versions"
expect Upgrade 'WIX_DOWNGRADE_DETECTED' "a newer installed version blocks a downgrade"
expect Directory $'^INSTALLDIR\t' "install folder"
expect Directory $'^UserProgramsFolder\tLocalAppDataFolder\tPrograms$' "under %LOCALAPPDATA%\\Programs (per user)"
expect File $'manifold-shim.exe' "manifold-shim.exe at the stable path"
expect Shortcut $'^ManifoldShortcut\tProgramMenuFolder\tManifold\t' "Start menu entry"
expect Registry $'Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\tManifold\t"\\[INSTALLDIR\\]manifold.exe" --minimized\tStartOnLogin' "start on login (Run key)"
expect Feature $'^StartOnLogin\t.*\t2\t2\t\t0$' "start on login is optional (off unless ADDLOCAL=ALL)"
expect FeatureComponents $'^Complete\tShimExe$' "shim in the main feature"
if ! msiinfo suminfo Manifold.msi | grep -q 'x64;1033'; then echo "FAIL platform x64"; fail=1; fi
# Word count bit 3 (8): elevated privileges are not required, i.e. a per-user install.
words=$(msiinfo suminfo Manifold.msi | sed -n 's/^Source: \([0-9]*\).*/\1/p')
if (( (words & 8) == 8 )); then echo "ok   no elevation needed (word count $words)"; else echo "FAIL per-user word count $words"; fail=1; fi
files=$(msiextract -l Manifold.msi | wc -l)
staged=$(find stage -type f ! -name manifold.ico | wc -l)
if (( files == staged )); then echo "ok   all $files staged files are in the cabinet"; else echo "FAIL cabinet has $files files, staged $staged"; fail=1; fi

if (( fail )); then
    echo "check-msi: FAILED"; exit 1
fi
echo "check-msi: Manifold.msi $version is valid ($(stat -c %s Manifold.msi) bytes)"
