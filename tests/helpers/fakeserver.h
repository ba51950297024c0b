#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QStringList>

#include <cstdio>

class QSocketNotifier;
class QTimer;

// Behaviour switches taken from the command line (see README.md).
struct FakeServerOptions
{
    bool ignorePing = false;
    bool strictInit = false;
    bool crashAfterInit = false;
    bool ignoreStdinClose = false;
    bool stateless = false;   // MCP 2026-07-28 only: no initialize, per-request _meta, listens
    bool askRoots = false;    // ask a roots-capable client for roots/list after initialized
    QString requestLog;
};

// Scriptable MCP server speaking newline-delimited JSON-RPC on fds 0/1.
// Delayed answers run on timers, so a slow request never blocks the others.
class FakeServer final : public QObject
{
public:
    explicit FakeServer(const FakeServerOptions &options, QObject *parent = nullptr);
    ~FakeServer() override;

    // Starts watching stdin; call once the event loop is about to run.
    void start();

private:
    void onStdinReadable();
    void onStdinClosed();
    void handleLine(QByteArray line);
    void handleRequest(const QJsonValue &id, const QString &method, const QJsonObject &params);
    void handleNotification(const QString &method, const QJsonObject &params);
    void handleToolCall(const QJsonValue &id, const QJsonObject &params);
    // --stateless: the 2026-07-28 methods and checks. False when the legacy handler should answer.
    bool handleStatelessRequest(const QJsonValue &id, const QString &method, const QJsonObject &params);
    void openListen(const QJsonValue &id, const QJsonObject &params);
    int notifyListens(const QString &method, const QString &uri);
    int endListens();
    bool cancelListen(const QJsonValue &requestId);
    QJsonArray openListenIds() const;
    void startProgress(const QJsonValue &id, const QJsonObject &arguments, const QJsonValue &token);
    void startDelayed(const QJsonValue &id, int delayMs, const QJsonObject &result);
    void cancel(const QJsonValue &requestId);
    void finishPending(const QJsonValue &id);

    void sendResult(const QJsonValue &id, const QJsonObject &result);
    void sendError(const QJsonValue &id, int code, const QString &message,
                   const QJsonValue &data = QJsonValue::Undefined);
    void sendNotification(const QString &method, const QJsonObject &params = {});
    void sendObject(const QJsonObject &object);
    void writeStdout(const QByteArray &line);
    void logRequest(const QByteArray &line);

    FakeServerOptions m_options;
    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_buffer;
    qsizetype m_scanFrom = 0;
    std::FILE *m_requestLog = nullptr;
    QHash<QString, QTimer *> m_pending; // keyed by the id's JSON spelling
    int m_initializeCount = 0;
    int m_initializedCount = 0;
    QStringList m_cancelled;
    void askForRoots();
    bool m_clientDeclaredRoots = false;   // the initialize it got declared the roots capability
    QJsonValue m_roots;                   // the last roots/list answer's roots; undefined until then
    int m_rootsAsked = 0;

    // An open subscriptions/listen stream (--stateless); its id is the subscription id.
    struct Listen
    {
        QJsonValue id;
        QStringList resourceUris;
        bool toolsListChanged = false;
    };
    QList<Listen> m_listens; // in the order they were opened
};
