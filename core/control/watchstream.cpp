#include "watchstream.h"

#include "control/localbrokerview.h"
#include "jsonrpc/jsonrpc.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>

namespace manifold {

WatchStream::WatchStream(Broker *broker, QLocalSocket *socket)
    : QObject(socket), m_socket(socket), m_view(new LocalBrokerView(broker, this))
{
    connect(m_view, &BrokerView::serverAdded, this, [this](const QJsonObject &server) {
        send("serverAdded", {{QStringLiteral("server"), server}});
    });
    connect(m_view, &BrokerView::serverChanged, this, [this](const QJsonObject &server) {
        send("serverChanged", {{QStringLiteral("server"), server}});
    });
    connect(m_view, &BrokerView::serverRemoved, this, [this](const QString &name) {
        send("serverRemoved", {{QStringLiteral("name"), name}});
    });
    connect(m_view, &BrokerView::sessionOpened, this, [this](const QJsonObject &session) {
        send("sessionOpened", {{QStringLiteral("session"), session}});
    });
    connect(m_view, &BrokerView::sessionChanged, this, [this](const QJsonObject &session) {
        send("sessionChanged", {{QStringLiteral("session"), session}});
    });
    connect(m_view, &BrokerView::sessionClosed, this, [this](qint64 id) {
        send("sessionClosed", {{QStringLiteral("id"), id}});
    });
    connect(m_view, &BrokerView::logAppended, this, [this](const QString &server, const QJsonObject &line) {
        send("log", {{QStringLiteral("server"), server}, {QStringLiteral("line"), line}});
    });
    connect(m_view, &BrokerView::serverFailed, this, [this](const QString &name, const QStringList &lines) {
        send("serverFailed", {{QStringLiteral("name"), name}, {QStringLiteral("lastStderr"), QJsonArray::fromStringList(lines)}});
    });
    connect(m_view, &BrokerView::sessionCutOff, this, [this](const QString &server, qint64 session, const QString &message, const QString &reason) {
        send("sessionCutOff", {{QStringLiteral("server"), server},
                               {QStringLiteral("session"), session},
                               {QStringLiteral("message"), message},
                               {QStringLiteral("reason"), reason}});
    });
}

void WatchStream::send(const char *event, const QJsonObject &params)
{
    if (m_socket->state() != QLocalSocket::ConnectedState)
        return;
    m_socket->write(jsonrpc::makeNotification(QByteArray("watch/") + event,
                                              QJsonDocument(params).toJson(QJsonDocument::Compact)) +
                    '\n');
}

} // namespace manifold
