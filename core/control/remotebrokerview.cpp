#include "remotebrokerview.h"

#include "control/hello.h"
#include "manifold/version.h"
#include "platform/peercredentials.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonArray>
#include <QLocalSocket>
#include <QTimer>

namespace manifold {

RemoteBrokerView::RemoteBrokerView(QString socketPath, QObject *parent)
    : BrokerView(parent), m_socketPath(std::move(socketPath)), m_socket(new QLocalSocket(this))
{
    connect(m_socket, &QLocalSocket::connected, this, [this] {
        const auto peer = platform::peerCredentials(m_socket->socketDescriptor());
        if (peer && peer->uid != platform::currentUid()) {
            m_socket->abort();   // not our user's broker
            return;
        }
        Hello hello;
        hello.role = QStringLiteral("control");
        hello.pid = QCoreApplication::applicationPid();
        hello.peerVersion = QString::fromLatin1(versionString());
        m_socket->write(hello.toLine() + '\n');
    });
    connect(m_socket, &QLocalSocket::readyRead, this, &RemoteBrokerView::onReadyRead);
    connect(m_socket, &QLocalSocket::disconnected, this, [this] {
        m_ready = false;
        const auto pending = std::exchange(m_pending, {});
        for (const Reply &reply : pending) {
            if (reply)
                reply(false, {}, tr("the Manifold broker went away"));
        }
        emit disconnected();
    });
    connect(m_socket, &QLocalSocket::errorOccurred, this, [this] {
        if (m_socket->state() == QLocalSocket::UnconnectedState && !m_welcomed)
            emit disconnected();
    });
}

void RemoteBrokerView::open()
{
    m_socket->connectToServer(m_socketPath);
}

void RemoteBrokerView::call(const QString &method, const QJsonObject &params, Reply reply)
{
    if (!m_ready) {
        if (reply)
            QTimer::singleShot(0, this, [reply] { reply(false, {}, tr("not connected to the Manifold broker")); });
        return;
    }
    m_pending.insert(send(method, params), reply);
}

int RemoteBrokerView::send(const QString &method, const QJsonObject &params)
{
    const int id = m_nextId++;
    const QJsonObject request{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                              {QStringLiteral("id"), id},
                              {QStringLiteral("method"), method},
                              {QStringLiteral("params"), params}};
    m_socket->write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
    return id;
}

void RemoteBrokerView::onReadyRead()
{
    m_buffer.append(m_socket->readAll());
    for (LineBuffer::Item item = m_buffer.next(); item.kind != LineBuffer::Item::Kind::None; item = m_buffer.next()) {
        if (item.kind != LineBuffer::Item::Kind::Line)
            continue;
        if (!m_welcomed) {
            const auto reply = HelloReply::fromLine(item.line);
            if (!reply || !reply->accepted) {
                m_socket->disconnectFromServer();
                return;
            }
            m_welcomed = true;
            m_watchId = send(QStringLiteral("watch"), {});
            continue;
        }
        handle(QJsonDocument::fromJson(item.line).object());
    }
}

void RemoteBrokerView::handle(const QJsonObject &message)
{
    const QString method = message.value(QStringLiteral("method")).toString();
    if (method.startsWith(QLatin1String("watch/"))) {
        applyEvent(method.mid(6), message.value(QStringLiteral("params")).toObject());
        return;
    }
    const int id = message.value(QStringLiteral("id")).toInt();
    const bool ok = !message.contains(QStringLiteral("error"));
    const QJsonObject result = message.value(QStringLiteral("result")).toObject();
    if (id == m_watchId && !m_ready) {
        m_status = result;
        m_ready = true;
        emit connected();
        return;
    }
    const Reply reply = m_pending.take(id);
    if (reply) {
        reply(ok, result,
              message.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString());
    }
}

void RemoteBrokerView::applyEvent(const QString &event, const QJsonObject &params)
{
    const QJsonObject server = params.value(QStringLiteral("server")).toObject();
    const QJsonObject session = params.value(QStringLiteral("session")).toObject();
    if (event == QLatin1String("serverAdded")) {
        upsert(QStringLiteral("servers"), QStringLiteral("name"), server);
        emit serverAdded(server);
    } else if (event == QLatin1String("serverChanged")) {
        upsert(QStringLiteral("servers"), QStringLiteral("name"), server);
        emit serverChanged(server);
    } else if (event == QLatin1String("serverRemoved")) {
        removeFrom(QStringLiteral("servers"), QStringLiteral("name"), params.value(QStringLiteral("name")));
        emit serverRemoved(params.value(QStringLiteral("name")).toString());
    } else if (event == QLatin1String("sessionOpened")) {
        upsert(QStringLiteral("sessions"), QStringLiteral("id"), session);
        emit sessionOpened(session);
    } else if (event == QLatin1String("sessionChanged")) {
        upsert(QStringLiteral("sessions"), QStringLiteral("id"), session);
        emit sessionChanged(session);
    } else if (event == QLatin1String("sessionClosed")) {
        removeFrom(QStringLiteral("sessions"), QStringLiteral("id"), params.value(QStringLiteral("id")));
        emit sessionClosed(params.value(QStringLiteral("id")).toInteger());
    } else if (event == QLatin1String("log")) {
        emit logAppended(params.value(QStringLiteral("server")).toString(), params.value(QStringLiteral("line")).toObject());
    } else if (event == QLatin1String("serverFailed")) {
        QStringList lines;
        for (const QJsonValue &line : params.value(QStringLiteral("lastStderr")).toArray())
            lines << line.toString();
        emit serverFailed(params.value(QStringLiteral("name")).toString(), lines);
    } else if (event == QLatin1String("sessionCutOff")) {
        emit sessionCutOff(params.value(QStringLiteral("server")).toString(),
                           params.value(QStringLiteral("session")).toInteger(-1),
                           params.value(QStringLiteral("message")).toString(),
                           params.value(QStringLiteral("reason")).toString());
    }
}

void RemoteBrokerView::upsert(const QString &listKey, const QString &idKey, const QJsonObject &item)
{
    QJsonArray list = m_status.value(listKey).toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (list.at(i).toObject().value(idKey) == item.value(idKey)) {
            list.replace(i, item);
            m_status.insert(listKey, list);
            return;
        }
    }
    list.append(item);
    m_status.insert(listKey, list);
}

void RemoteBrokerView::removeFrom(const QString &listKey, const QString &idKey, const QJsonValue &id)
{
    QJsonArray list = m_status.value(listKey).toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (list.at(i).toObject().value(idKey) == id) {
            list.removeAt(i);
            m_status.insert(listKey, list);
            return;
        }
    }
}

} // namespace manifold
