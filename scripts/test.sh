#!/usr/bin/env bash
# The test command: installs what is missing, then builds and runs two suites, warnings as errors:
#   dev   GCC Debug: every test (unit, integration, keychain, gui, e2e, fuzz corpus replay)
#   asan  clang with ASan+UBSan: unit, integration, keychain, and a short libFuzzer run per target
#   then the packages: deb, AppImage and MSI checks (see run_check below)
# MANIFOLD_PRESET=dev or =asan runs only that one. The last line sums up both ctest runs and the
# package checks in ctest's own words; the script fails if any of them (or a sanitizer report) does.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --with-tests

export LANG=C.UTF-8 LC_ALL=C.UTF-8
jobs="$(nproc)"
read -r -a presets <<<"${MANIFOLD_PRESET:-dev asan}"
total=0
failed=0
status=0

# The suite runs with a home of its own that holds a shim launcher and a login item, as a user's
# home does after setup. A broker or tray app points the ones it finds under $HOME at itself when
# it starts, so a test that lets one use the real home would repoint the user's at the build tree:
# every ctest run must leave them as they were. Checked after each run and counted as one test.
make_test_home() {
    local home
    home=$(mktemp -d -t manifold-test-home.XXXXXX)
    mkdir -p "$home/.local/share/manifold/bin" "$home/.config/autostart"
    printf '#!/bin/sh\n# The user'"'"'s own launcher: no test may rewrite it.\nexit 0\n' \
        >"$home/.local/share/manifold/bin/manifold-shim"
    chmod 755 "$home/.local/share/manifold/bin/manifold-shim"
    printf '[Desktop Entry]\nType=Application\nName=Manifold\nExec=/opt/the-users-own/manifold\n' \
        >"$home/.config/autostart/manifold.desktop"
    (cd "$home" && md5sum .local/share/manifold/bin/manifold-shim .config/autostart/manifold.desktop) \
        >"$home.sums"
    echo "$home"
}

check_test_home() {
    local preset="$1" home="$2" changed=""
    (cd "$home" && md5sum --quiet -c "$home.sums" >/dev/null 2>&1) || changed="the launcher or login item"
    for written in .config/manifold .local/state/manifold; do
        [[ -e "$home/$written" ]] && changed="${changed:+$changed, }~/$written"
    done
    total=$((total + 1))
    if [[ -n "$changed" ]]; then
        echo "==> $preset: the tests wrote to the home they ran in: $changed"
        failed=$((failed + 1))
        status=1
    fi
    rm -rf "$home" "$home.sums"
}

# run_ctest PRESET: ctest on a private D-Bus session bus beside a throw-away gnome-keyring, so
# the keychain tests use a real Secret Service and never the user's own keyrings, in a home of
# its own (above).
run_ctest() {
    local preset="$1" log="build/$1/ctest.log" rc=0 home
    home=$(make_test_home)
    env -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u XDG_STATE_HOME HOME="$home" \
        dbus-run-session -- scripts/with-keyring.sh \
        ctest --preset "$preset" -j "$jobs" --timeout 300 </dev/null 2>&1 | tee "$log" || rc=$?
    check_test_home "$preset" "$home"
    local summary
    summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
    if [[ -z "$summary" ]]; then
        echo "==> $preset: no ctest summary"
        status=1
        return
    fi
    local out_of fail
    out_of=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
    fail=$(sed -E 's/.*, ([0-9]+) tests? failed.*/\1/' <<<"$summary")
    total=$((total + out_of))
    failed=$((failed + fail))
    (( rc == 0 )) || status=1
}

# Sanitized processes nobody waits on (a broker started detached by a shim) cannot fail a test
# through their exit code: they write their reports here (log_path in the asan test preset).
check_sanitizer_reports() {
    local dir=build/asan/sanitizer-reports
    if compgen -G "$dir/*" >/dev/null; then
        echo "==> sanitizer reports:"
        for report in "$dir"/*; do
            echo "---- $report"
            cat "$report"
        done
        status=1
        failed=$((failed + 1))
        total=$((total + 1))
    fi
}

for preset in "${presets[@]}"; do
    echo "==> configure ($preset)"
    extra=()
    if [[ "$preset" == dev ]]; then extra=(-DMANIFOLD_REQUIRE_E2E=ON); fi
    cmake --preset "$preset" "${extra[@]}" >/dev/null
    echo "==> build ($preset)"
    cmake --build --preset "$preset" -j "$jobs"
    if [[ "$preset" == asan ]]; then
        rm -rf build/asan/sanitizer-reports
        mkdir -p build/asan/sanitizer-reports
    fi
    echo "==> test ($preset)"
    run_ctest "$preset"
    if [[ "$preset" == asan ]]; then check_sanitizer_reports; fi
done

# The packages (release build shared by both): the deb built, linted, installed, smoke-tested
# through the installed binaries and removed; the AppImage built, its libraries checked and its
# bundled binaries run end to end; the MSI's WiX source compiled with wixl. Each counts as one
# test in the summary. MANIFOLD_PACKAGES=0 skips them (a quick local run).
run_check() {
    local name="$1"
    shift
    echo "==> $name"
    total=$((total + 1))
    if ! "$@" </dev/null; then
        echo "==> $name: FAILED"
        failed=$((failed + 1))
        status=1
    fi
}
if [[ "${MANIFOLD_PACKAGES:-1}" != 0 ]]; then
    run_check "Debian package" scripts/check-deb.sh
    run_check "AppImage" scripts/check-appimage.sh
    run_check "Windows MSI (wixl)" scripts/check-msi.sh
fi

passed=$((total - failed))
percent=$(( total > 0 ? passed * 100 / total : 0 ))
echo "==> ${presets[*]}: $passed passed, $failed failed"
echo "${percent}% tests passed, ${failed} tests failed out of ${total}"
exit "$status"
