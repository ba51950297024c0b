#pragma once

#include "broker/pendingwrites.h"
#include "broker/upstream.h"
#include "config/serverconfig.h"
#include "jsonrpc/linebuffer.h"

#include <QElapsedTimer>
#include <QMap>
#include <QProcess>
#include <QTimer>

class QSocketNotifier;

namespace manifold {

namespace platform {
class ChildLedger;
}

// A local server: a child process in its own process group, spoken to over stdio, one message
// per line. Stopping closes stdin, then escalates to SIGTERM and SIGKILL of the whole group;
// grandchildren that outlive the leader are killed with it.
class ChildUpstream final : public Upstream
{
    Q_OBJECT

public:
    struct Grace
    {
        int stdinMs = 2000;   // after closing stdin, before SIGTERM
        int termMs = 2000;    // after SIGTERM, before SIGKILL
    };

    // secretEnv: the values of config.secretEnv, read from the keychain by the host.
    ChildUpstream(const ServerConfig &config, const QMap<QString, QString> &secretEnv, Grace grace,
                  platform::ChildLedger *ledger, QObject *parent = nullptr);
    ~ChildUpstream() override;

    void start() override;
    void send(const QByteArray &message) override;
    void stop() override;
    void kill() override;
    void shutdownBlocking(int timeoutMs) override;
    qint64 pid() const override { return m_pid; }
    qint64 memoryKb() const override;
    QString describe() const override;

    // For logs: URL passwords and --token=/--key=/--password= style values hidden.
    static QString redactedArguments(const QStringList &args);

private:
    void onStarted();
    void onStdout();
    void onStderr();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onErrorOccurred(QProcess::ProcessError error);
    void onEscalate();
    void cleanupGroup();
    // The child's stdin: on Unix a pipe of our own, written at once (one write(2) per message)
    // instead of through QProcess's write buffer, which waits for the next loop pass.
    bool openStdinPipe();
    // The child's stdout likewise: read(2) straight into the line buffer when the pipe is
    // readable, without QProcess's FIONREAD, ring buffer and readAll() copy.
    bool openStdoutPipe();
    void readStdout();   // what the pipe holds now (a bounded amount); closes our end at end of file
    void closeStdout();
    // data (and a newline after it) at once, or behind what already waits (shared, not copied).
    void writeStdin(const QByteArray &data, bool withNewline);
    void onStdinWritable();
    void closeStdin();
    void closeWriteChannel();   // end of file for the child once what is pending is written
    void flushBatch();          // what send() gathered during an OutputBatch, in one write

    ServerConfig m_config;
    QMap<QString, QString> m_secretEnv;
    Grace m_grace;
    platform::ChildLedger *m_ledger;
    QProcess *m_process = nullptr;
    LineBuffer m_stdout;
    LineBuffer m_stderr{64 * 1024};
    qint64 m_pid = 0;
    bool m_stopRequested = false;
    QTimer m_escalateTimer;
    int m_escalateStep = 0;
    mutable qint64 m_memoryKb = -1;   // cached: reading /proc for every status is wasteful
    mutable QElapsedTimer m_memorySampled;
    int m_stdinFd = -1;             // write end of the child's stdin pipe (-1: QProcess's own)
    int m_stdinChildFd = -1;        // its read end, until the child has it
    int m_stdoutFd = -1;            // read end of the child's stdout pipe (-1: QProcess's own)
    int m_stdoutChildFd = -1;       // its write end, until the child has it
    QSocketNotifier *m_stdoutNotifier = nullptr;
    bool m_stdoutMore = false;      // the last read stopped at its bound, not at an empty pipe
    PendingWrites m_stdinPending{PendingWrites::Terminator::None};   // what the pipe would not take yet
    QSocketNotifier *m_stdinNotifier = nullptr;   // enabled only while something is pending
    bool m_closeStdinWhenWritten = false;
    QByteArray m_stdinBatch;        // lines (with newlines) gathered during an OutputBatch
    bool m_batchDeferred = false;
};

} // namespace manifold
