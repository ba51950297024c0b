#pragma once

#include <QByteArray>
#include <QMap>
#include <QObject>
#include <QStringList>

class QProcess;
class QTimer;

namespace manifold {

// Starts a server command once, outside the broker, speaks just enough MCP to list its tools
// (initialize, notifications/initialized, tools/list), then closes its stdin and kills it.
// Entirely asynchronous; gives up after a timeout.
class McpProbe final : public QObject
{
    Q_OBJECT

public:
    explicit McpProbe(QObject *parent = nullptr);
    ~McpProbe() override;

    void start(const QString &command, const QStringList &args, const QMap<QString, QString> &env,
               int timeoutMs = 15000);
    void cancel();
    bool isRunning() const { return m_process != nullptr; }

signals:
    void toolsListed(const QStringList &tools, const QString &serverName);
    void failed(const QString &error);

private:
    void onReadyRead();
    void onStderr();
    void onErrorOccurred();
    void onFinished(int exitCode);
    void onTimeout();
    void handleLine(const QByteArray &line);
    void send(const QByteArray &json);
    void finish(const QString &error, const QStringList &tools = {});

    QProcess *m_process = nullptr;
    QTimer *m_timer;
    QByteArray m_buffer;
    QByteArray m_stderrTail;
    QString m_serverName;
};

} // namespace manifold
