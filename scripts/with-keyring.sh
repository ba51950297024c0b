#!/usr/bin/env bash
# Runs a command beside a throw-away, unlocked gnome-keyring (the Secret Service QtKeychain uses
# on Linux), so the keychain tests run against a real one without touching the user's keyrings
# and without any prompt. Run it on a private session bus:
#   dbus-run-session -- scripts/with-keyring.sh COMMAND [ARGS...]
# The command sees MANIFOLD_REQUIRE_KEYRING=1: keychain tests fail instead of skipping.
set -euo pipefail

if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
    echo "with-keyring.sh: no D-Bus session bus; run it under dbus-run-session" >&2
    exit 2
fi
command -v gnome-keyring-daemon >/dev/null || { echo "with-keyring.sh: gnome-keyring is not installed" >&2; exit 2; }

bus_call() {
    dbus-send --session --print-reply=literal --dest="$1" "$2" "$3" "${@:4}"
}

keyring_home=$(mktemp -d -t manifold-keyring.XXXXXX)
chmod 700 "$keyring_home"
mkdir -m 700 "$keyring_home/data" "$keyring_home/run"
keyring_pid=""
cleanup() {
    [[ -n "$keyring_pid" ]] && kill "$keyring_pid" 2>/dev/null || true
    rm -rf "$keyring_home"
}
trap cleanup EXIT

# --unlock reads the password on stdin, creates the "login" keyring if there is none and unlocks
# it; it returns once the daemon serves org.freedesktop.secrets. Its files stay in the temp dir.
printf 'manifold-test-keyring' |
    XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run" \
    gnome-keyring-daemon --unlock --components=secrets >/dev/null

# The daemon may still be claiming its bus name when --unlock returns: poll (at most ~10 s).
for _ in $(seq 100); do
    keyring_pid=$(bus_call org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
        awk '{print $2}') || true
    [[ -n "$keyring_pid" ]] && break
    sleep 0.1
done
if [[ -z "$keyring_pid" ]]; then
    echo "with-keyring.sh: gnome-keyring-daemon did not take org.freedesktop.secrets" >&2
    exit 1
fi

# libsecret stores into the "default" alias; without one it would ask (prompt) to create it.
default=$(bus_call org.freedesktop.secrets /org/freedesktop/secrets \
    org.freedesktop.Secret.Service.ReadAlias string:default | tr -d ' ')
if [[ "$default" == "/" || -z "$default" ]]; then
    bus_call org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.SetAlias \
        string:default objpath:/org/freedesktop/secrets/collection/login >/dev/null
fi
echo "==> gnome-keyring (pid $keyring_pid) serves the Secret Service on this session bus"

export MANIFOLD_REQUIRE_KEYRING=1
status=0
"$@" || status=$?
exit "$status"
