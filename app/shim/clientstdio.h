#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>

class QSocketNotifier;
class QThread;

// The MCP client's end of the shim: its stdin, read as bytes arrive, and our stdout, written
// whole. Unix watches stdin with a socket notifier; Windows cannot wait on a console or pipe
// handle that way, so a thread blocks in ReadFile and hands chunks over through the event loop.
// Both use binary mode: bytes pass unchanged (no CRLF translation).
class ClientStdio final : public QObject
{
    Q_OBJECT

public:
    explicit ClientStdio(QObject *parent = nullptr);
    ~ClientStdio() override;

    void start();
    // Writes all of data to stdout; false if the client is gone.
    static bool write(QByteArrayView data);

signals:
    void received(const QByteArray &data);
    void closed();

private:
    void readAvailable();

    QSocketNotifier *m_notifier = nullptr;
    QThread *m_reader = nullptr;
};
