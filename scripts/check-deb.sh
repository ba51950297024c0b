#!/usr/bin/env bash
# Builds the Debian package from the release preset and proves it: lintian, the AppStream
# metainfo, the desktop entry, the man pages and the package contents are checked; the package
# is installed with apt, smoke-tested through the INSTALLED binaries (broker + shim + the official
# MCP SDK client against server-everything, tests/packaging/installed-smoke.test.mjs) and
# removed again, also when something failed.
#
# Usage: scripts/check-deb.sh   (Debian 12 / Ubuntu; as root, or a user with sudo)
# MANIFOLD_JOBS sets the build parallelism (default: nproc).
#
# A manifold package installed before the run is replaced by the one built here for the test;
# after the removal check the freshly built package is installed again, so client configs that
# run /usr/bin/manifold-shim keep working.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$SECONDS
export LANG=C.UTF-8 LC_ALL=C.UTF-8

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
apt_get() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "$@" </dev/null; }

step="setup"
installed_here=0     # we installed the package: remove it on the way out
reinstall_after=0    # it was installed before the run: put the new build back afterwards
deb=""
unpacked=""
finish() {
    local status=$?
    trap - EXIT
    set +e
    [[ -z $unpacked ]] || rm -rf "$unpacked"
    if (( installed_here )); then
        echo "==> removing the package (cleanup after: $step)"
        $SUDO dpkg -r manifold </dev/null >/dev/null || status=1
    fi
    if (( reinstall_after )) && [[ -n "$deb" ]]; then
        echo "==> manifold was installed before this run: installing the new build again"
        apt_get install -y -qq --no-install-recommends --reinstall "$deb" >/dev/null || status=1
    fi
    local took=$((SECONDS - started))
    local again=""
    (( reinstall_after )) && again="; installed again as before the run"
    if (( status == 0 )); then
        echo "check-deb: OK: $(basename "$deb") built, lintian-clean, installed, smoke-tested and removed${again} (${took}s)"
    else
        echo "check-deb: FAILED at: $step (${took}s)" >&2
    fi
    exit "$status"
}
trap finish EXIT

# ---------------------------------------------------------------------------------------------
step="installing tools"
echo "==> $step"
scripts/install-deps.sh
# lintian, appstreamcli, desktop-file-validate, dpkg-shlibdeps (CPack's Depends), man for the
# man page checks, file for the icon sizes.
tools=(lintian appstream desktop-file-utils dpkg-dev man-db file)
missing=()
for pkg in "${tools[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
    echo "==> installing: ${missing[*]}"
    apt_get update -qq
    apt_get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [[ ! -f tests/e2e/node_modules/@modelcontextprotocol/sdk/package.json ||
      ! -f tests/e2e/node_modules/@modelcontextprotocol/server-everything/dist/index.js ]]; then
    echo "==> npm ci (tests/e2e: the MCP SDK client and server-everything, pinned)"
    (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

# ---------------------------------------------------------------------------------------------
step="configure + build (release preset)"
echo "==> $step"
# Debian's hardening flags (fortify, stack protector, relro, bindnow), as dpkg-buildpackage
# would pass them; lintian reports binaries built without them.
buildflag() { DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1"; }
cmake --preset release \
    -DCMAKE_CXX_FLAGS="$(buildflag CPPFLAGS) $(buildflag CXXFLAGS)" \
    -DCMAKE_EXE_LINKER_FLAGS="$(buildflag LDFLAGS)" >/dev/null
cmake --build --preset release -j "${MANIFOLD_JOBS:-$(nproc)}"

step="cpack -G DEB"
echo "==> $step"
rm -f build/release/packages/manifold_*.deb
(cd build/release && cpack -G DEB >/dev/null)
debs=(build/release/packages/manifold_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || { echo "expected one package, got: ${debs[*]}" >&2; exit 1; }
deb=$repo/${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
upstream=${version%-*}
project_version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build/release/CMakeCache.txt)
echo "    $deb"
if [[ $upstream != "$project_version" ]]; then
    echo "package version $version does not carry project(VERSION) $project_version" >&2
    exit 1
fi
for field in Depends Recommends Suggests; do
    printf '    %-10s %s\n' "$field:" "$(dpkg-deb -f "$deb" "$field")"
done

# ---------------------------------------------------------------------------------------------
step="lintian"
echo "==> $step"
# Every error and every warning fails; info tags are shown. The one tag accepted on purpose is
# overridden in the package itself, with its reason: packaging/debian/lintian-overrides.
lintian --fail-on error,warning --display-info --tag-display-limit 0 "$deb"

step="package contents"
echo "==> $step"
contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
app=dev.manifold.Manifold
required=(./usr/bin/manifold ./usr/bin/manifold-shim ./usr/bin/manifoldctl
          "./usr/share/applications/$app.desktop" "./usr/share/metainfo/$app.metainfo.xml"
          "./usr/share/icons/hicolor/scalable/apps/$app.svg"
          ./usr/share/man/man1/manifold.1.gz ./usr/share/man/man1/manifold-shim.1.gz
          ./usr/share/man/man1/manifoldctl.1.gz
          ./usr/share/doc/manifold/copyright ./usr/share/doc/manifold/changelog.Debian.gz)
# The PNG sizes packaging/linux/desktop.cmake renders (MANIFOLD_ICON_SIZES).
for size in 16 22 24 32 48 64 128 256 512; do
    required+=("./usr/share/icons/hicolor/${size}x${size}/apps/$app.png")
done
absent=()
for path in "${required[@]}"; do
    grep -qxF "$path" <<< "$contents" || absent+=("$path")
done
if (( ${#absent[@]} )); then
    printf 'missing from the package: %s\n' "${absent[@]}" >&2
    exit 1
fi
echo "    all ${#required[@]} expected files present"

unpacked=$(mktemp -d -t manifold-deb.XXXXXX)
dpkg-deb -x "$deb" "$unpacked"
for png in "$unpacked"/usr/share/icons/hicolor/*x*/apps/"$app".png; do
    size=$(basename "$(dirname "$(dirname "$png")")")          # 48x48
    file -b "$png" | grep -q "${size/x/ x }," || { echo "$png is not $size: $(file -b "$png")" >&2; exit 1; }
done

step="AppStream metainfo (appstreamcli validate)"
echo "==> $step"
appstreamcli validate --no-net --pedantic "$unpacked/usr/share/metainfo/$app.metainfo.xml"

step="desktop entry (desktop-file-validate)"
echo "==> $step"
out=$(desktop-file-validate "$unpacked/usr/share/applications/$app.desktop" 2>&1) || { echo "$out" >&2; exit 1; }
[[ -z $out ]] || echo "$out"

step="man pages (man --warnings)"
echo "==> $step"
for page in "$unpacked"/usr/share/man/man1/*.1.gz; do
    warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
    [[ -z $warnings ]] || { echo "$(basename "$page"): $warnings" >&2; exit 1; }
done
echo "    no warnings"

# ---------------------------------------------------------------------------------------------
step="install (apt-get install ./$(basename "$deb"))"
echo "==> $step"
if dpkg-query -W -f='${Status}' manifold 2>/dev/null | grep -q "install ok installed"; then
    echo "    manifold $(dpkg-query -W -f='${Version}' manifold) is installed; replacing it for the test"
    reinstall_after=1
fi
# Recommends hold the desktop keychain stack (a session bus, gnome-keyring): not needed for the
# smoke test, and heavy in a container. --path-include: minimal images exclude /usr/share/man
# from every package (/etc/dpkg/dpkg.cfg.d), and the smoke test looks the pages up.
installed_here=1
apt_get install -y -qq --no-install-recommends --reinstall \
    -o "DPkg::Options::=--path-include=/usr/share/man/man1/manifold*" "$deb" >/dev/null
dpkg-query -W -f='    installed ${Package} ${Version}\n' manifold
[[ $(command -v manifold) == /usr/bin/manifold ]] || { echo "manifold on PATH is $(command -v manifold)" >&2; exit 1; }

step="smoke test of the installed binaries"
echo "==> $step"
MANIFOLD_BIN=/usr/bin/manifold MANIFOLD_SHIM_BIN=/usr/bin/manifold-shim MANIFOLDCTL_BIN=/usr/bin/manifoldctl \
MANIFOLD_E2E_REQUIRED=1 MANIFOLD_EXPECTED_VERSION=$upstream \
    node --test --test-reporter=spec tests/packaging/installed-smoke.test.mjs </dev/null

step="remove (dpkg -r manifold)"
echo "==> $step"
installed_here=0
$SUDO dpkg -r manifold </dev/null >/dev/null
for file in /usr/bin/manifold /usr/bin/manifold-shim /usr/bin/manifoldctl /usr/share/man/man1/manifoldctl.1.gz \
            /usr/share/applications/$app.desktop; do
    [[ ! -e $file ]] || { echo "$file is still there after dpkg -r" >&2; exit 1; }
done
state=$(dpkg-query -W -f='${db:Status-Status}' manifold 2>/dev/null || true)
[[ -z $state || $state == not-installed ]] || { echo "dpkg says manifold is '$state' after dpkg -r" >&2; exit 1; }
echo "    removed; /usr/bin/manifold is gone"
step="done"
