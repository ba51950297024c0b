#pragma once

#include <QString>
#include <QStringList>

#include <functional>

#include "wire/rendezvous.h"

namespace manifold::platform {

// The per-user rendezvous: where every process of one user finds the broker, whatever
// environment its parent gave it. MCP clients start servers with stripped environments (Codex
// keeps only HOME, LANG, PATH, SHELL, TERM, TMPDIR), so the rule uses nothing a client may drop
// or change: not XDG_RUNTIME_DIR, not TMPDIR, not DISPLAY. Only the uid, and the system's own
// per-user directory when it is trustworthy:
//   Linux and other Unix: /run/user/<uid>/manifold when /run/user/<uid> is a directory owned
//     by the user with mode 0700 (logind's runtime dir, whether or not XDG_RUNTIME_DIR names
//     it; an XDG_RUNTIME_DIR pointing elsewhere is ignored, as it would split the user's
//     processes over two rendezvous), else /tmp/manifold-<uid> (not following TMPDIR).
//   macOS: <confstr(_CS_DARWIN_USER_TEMP_DIR)>/manifold (per user, independent of env), else
//     /tmp/manifold-<uid>.
//   Windows: <tmp>/manifold for the sidecar files of the per-user pipe.
// MANIFOLD_RUNTIME_ROOT=DIR (tests only) puts DIR in front of /run/user and /tmp (and on macOS
// replaces the user temp dir, leaving DIR/tmp/manifold-<uid>), so a test can use the default
// rendezvous without meeting the user's real broker. It moves the rendezvous of every process
// started with it, not one socket: the rule itself is what such a test exercises.
// The QString face of core/wire/rendezvous.h (the one rule, shared with the shim).
struct RendezvousInputs
{
    uint uid = 0;
    QString root;              // MANIFOLD_RUNTIME_ROOT; empty for the real filesystem root
    QString darwinUserTempDir; // macOS only; empty elsewhere
    // Is dir a real directory (not a symlink) owned by uid with mode 0700?
    std::function<bool(const QString &dir, uint uid)> isPrivateUserDirectory;
};

// The rule above as a pure function of its inputs (Unix; Windows does not use it).
QString rendezvousDirectory(const RendezvousInputs &inputs);

// Every directory the rule can give this user, rendezvousDirectory() first. On Linux a broker
// started while /run/user/<uid> did not exist (before the first login, from cron) listens in
// /tmp/manifold-<uid>; once a login creates /run/user/<uid>, the rendezvous moves there but
// that broker still serves the user: shims, manifoldctl and a starting broker look for it too.
QStringList rendezvousCandidates(const RendezvousInputs &inputs);

// The inputs of this process: getuid(), MANIFOLD_RUNTIME_ROOT, confstr, lstat.
RendezvousInputs currentRendezvousInputs();

// lstat-based check used by currentRendezvousInputs().
bool isPrivateUserDirectory(const QString &dir, uint uid);

// Directory for the broker socket and its sidecar files: rendezvousDirectory() of this
// process (Windows: <tmp>/manifold). Not created here.
QString runtimeDir();

// <runtimeDir>/broker.sock; on Windows the named pipe \\.\pipe\manifold-<user>, which
// QLocalServer's UserAccessOption restricts to this user.
QString defaultSocketPath();

// rendezvousCandidates() of this process, as socket paths (Windows: the pipe name only).
QStringList defaultSocketCandidates();

// Where a program's socket path came from, as shown by `manifoldctl status`.
using SocketSource = wire::SocketSource;

struct SocketChoice
{
    QString path;
    SocketSource source = SocketSource::Default;
};

// --socket wins over MANIFOLD_SOCKET, which wins over the default rendezvous. A path that is
// the default rendezvous counts as Default however it was given (a shim passes its socket to a
// broker it starts with --socket), and an option equal to MANIFOLD_SOCKET counts as the
// environment's, so the broker reports the real reason its socket is where it is.
SocketChoice chooseSocket(const QString &option, const QString &environment,
                          const QString &defaultPath);

// chooseSocket(option, $MANIFOLD_SOCKET, defaultSocketPath()).
SocketChoice resolveSocket(const QString &option = {});

// "default", "MANIFOLD_SOCKET" or "--socket".
QString socketSourceName(SocketSource source);

// A file that belongs with the broker at socketPath (suffix ".lock", ".launch.lock", ".log"):
// socketPath + suffix where the socket is a file; for a Windows pipe name, a file of the same
// name in runtimeDir().
QString sidecarPath(const QString &socketPath, const QString &suffix);

// The directory sidecar files and (on Unix) the socket live in.
QString socketDirectory(const QString &socketPath);

// Creates dir (and parents) if needed, forces mode 0700 on the leaf, and checks that it is
// owned by the current user and not a symlink. False with *error on any failure.
bool ensurePrivateDirectory(const QString &dir, QString *error);

} // namespace manifold::platform
