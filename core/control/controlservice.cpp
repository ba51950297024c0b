#include "controlservice.h"

#include "broker/broker.h"
#include "broker/servergroup.h"
#include "broker/serverhost.h"
#include "jsonrpc/jsonrpc.h"
#include "control/envcontrol.h"
#include "control/trafficcontrol.h"
#include "control/signincontrol.h"
#include "control/watchstream.h"
#include "http/tokenstore.h"
#include "jsonrpc/linebuffer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QPointer>

#include <cmath>
#include <memory>

namespace manifold {

namespace {
constexpr int UnknownServer = -32001;

ControlService::Reply error(int code, const QString &message)
{
    return {{}, code, message};
}
QJsonArray logLines(const ServerHost &host, int count)
{
    const auto &entries = host.log().entries();
    QJsonArray lines;
    for (qsizetype i = qMax<qsizetype>(0, entries.size() - count); i < entries.size(); ++i) {
        const RingLog::Entry &entry = entries.at(i);
        lines.append(QJsonObject{{QStringLiteral("time"), entry.when.toString(Qt::ISODateWithMs)},
                                 {QStringLiteral("source"), entry.source == RingLog::Source::Stderr
                                                                ? QStringLiteral("stderr")
                                                                : QStringLiteral("broker")},
                                 {QStringLiteral("text"), entry.text}});
    }
    return lines;
}
ControlService::Reply ok(QJsonObject result = {{QStringLiteral("ok"), true}})
{
    return {std::move(result), 0, {}};
}
} // namespace

ControlService::ControlService(Broker *broker, QObject *parent)
    : QObject(parent), m_broker(broker), m_env(new EnvControl(broker, this)),
      m_signIn(new SignInControl(broker, this))
{
}

void ControlService::serve(QLocalSocket *socket, const QByteArray &alreadyRead)
{
    auto buffer = std::make_shared<LineBuffer>(4 * 1024 * 1024);
    auto drain = [this, socket, buffer] {
        buffer->append(socket->readAll());
        for (;;) {
            LineBuffer::Item item = buffer->next();
            if (item.kind == LineBuffer::Item::Kind::None)
                return;
            if (item.kind == LineBuffer::Item::Kind::OversizedEnd)
                continue;
            if (item.kind == LineBuffer::Item::Kind::Oversized) {
                socket->write(jsonrpc::makeError("null", jsonrpc::InvalidRequest, "request too large") + '\n');
                continue;
            }
            handleLine(socket, item.line);
        }
    };
    connect(socket, &QLocalSocket::readyRead, this, drain);
    buffer->append(alreadyRead);
    drain();
}

void ControlService::handleLine(QLocalSocket *socket, const QByteArray &line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (!document.isObject()) {
        socket->write(jsonrpc::makeError("null", jsonrpc::ParseError, "Parse error") + '\n');
        return;
    }
    const QJsonObject request = document.object();
    const QByteArray rawId = QJsonDocument(QJsonArray{request.value(QStringLiteral("id"))})
                                 .toJson(QJsonDocument::Compact)
                                 .mid(1)
                                 .chopped(1);
    const QString method = request.value(QStringLiteral("method")).toString();
    if (method == QLatin1String("watch")) {
        // Status now, then every change as a notification on this connection.
        if (!socket->findChild<WatchStream *>())
            new WatchStream(m_broker, socket);
    }
    const QPointer<QLocalSocket> peer(socket);
    callAsync(method == QLatin1String("watch") ? QStringLiteral("status") : method,
              request.value(QStringLiteral("params")).toObject(), [peer, rawId](const Reply &reply) {
                  if (!peer)
                      return;   // the peer left before the answer was ready
                  if (reply.errorCode != 0) {
                      peer->write(jsonrpc::makeError(rawId, reply.errorCode, reply.errorMessage.toUtf8()) + '\n');
                      return;
                  }
                  peer->write(jsonrpc::makeResult(rawId, QJsonDocument(reply.result).toJson(QJsonDocument::Compact)) +
                              '\n');
              });
}

void ControlService::callAsync(const QString &method, const QJsonObject &params,
                               std::function<void(const Reply &)> done)
{
    if (EnvControl::handles(method)) {
        m_env->call(method, params, std::move(done));
        return;
    }
    if (SignInControl::handles(method)) {
        m_signIn->call(method, params, std::move(done));
        return;
    }
    done(call(method, params));
}

ControlService::Reply ControlService::call(const QString &method, const QJsonObject &params)
{
    if (method == QLatin1String("status"))
        return ok(m_broker->status());
    if (trafficcontrol::handles(method))
        return trafficcontrol::call(m_broker, method, params);

    const QString name = params.value(QStringLiteral("name")).toString();
    if (method == QLatin1String("disconnect")) {
        QString message;
        if (!m_broker->disconnectSession(SessionId(params.value(QStringLiteral("session")).toInteger()), &message))
            return error(jsonrpc::InvalidParams, message);
        return ok();
    }
    if (method == QLatin1String("show"))
        return ok({{QStringLiteral("shown"), m_broker->requestShowWindow()}});
    if (method == QLatin1String("reload")) {
        QString message;
        if (!m_broker->reloadRegistry(&message))
            return error(jsonrpc::ServerError, message);
        return ok({{QStringLiteral("servers"), QJsonArray::fromStringList(m_broker->serverNames())}});
    }
    if (method == QLatin1String("set")) {
        QString message;
        if (!m_broker->setServerOption(name, params.value(QStringLiteral("key")).toString(),
                                       params.value(QStringLiteral("value")).toString(), &message))
            return error(jsonrpc::InvalidParams, message);
        return ok({{QStringLiteral("ok"), true}});
    }
    if (method.startsWith(QLatin1String("http/")))
        return callHttp(method.mid(5), params);
    if (method == QLatin1String("setDefault")) {
        QString message;
        if (!m_broker->setDefaultOption(params.value(QStringLiteral("key")).toString(),
                                        params.value(QStringLiteral("value")).toString(), &message))
            return error(jsonrpc::InvalidParams, message);
        return ok({{QStringLiteral("ok"), true}});
    }
    ServerGroup *group = m_broker->group(name);
    const bool isServerAction = method == QLatin1String("start") || method == QLatin1String("stop") ||
                                method == QLatin1String("restart") || method == QLatin1String("kill") ||
                                method == QLatin1String("logs");
    if (!isServerAction)
        return error(jsonrpc::MethodNotFound, QStringLiteral("unknown control method '%1'").arg(method));
    if (!group) {
        return error(UnknownServer, QStringLiteral("no server named '%1'; known: %2")
                                        .arg(name, m_broker->serverNames().join(QStringLiteral(", "))));
    }
    if (method == QLatin1String("logs")) {
        QJsonArray lines;
        for (const ServerHost *host : group->instances()) {
            for (const QJsonValue &line : logLines(*host, params.value(QStringLiteral("lines")).toInt(200)))
                lines.append(line);
        }
        return ok({{QStringLiteral("lines"), lines}});
    }
    if (method == QLatin1String("start"))
        group->start();
    else if (method == QLatin1String("stop"))
        group->stop();
    else if (method == QLatin1String("restart"))
        group->restart();
    else
        group->kill();
    return ok({{QStringLiteral("ok"), true}, {QStringLiteral("state"), group->statusJson().value(QStringLiteral("state"))}});
}

// http/status, http/enable {address?, port?, allowNoToken?, tls?: {certificate, key}, behindProxy?,
// hosts?: [names]},
// http/disable,
// http/tokenAdd {name} -> {name, secret} (the only time the secret is shown), http/tokenRevoke {name}.
ControlService::Reply ControlService::callHttp(const QString &method, const QJsonObject &params)
{
    QString message;
    if (method == QLatin1String("status"))
        return ok(m_broker->httpStatus());
    if (method == QLatin1String("enable") || method == QLatin1String("disable")) {
        QJsonObject changes;
        for (const char *key : {"address", "port", "allowNoToken", "tls", "behindProxy", "hosts"}) {
            if (params.contains(QLatin1String(key)))
                changes.insert(QLatin1String(key), params.value(QLatin1String(key)));
        }
        if (changes.contains(QLatin1String("port"))) {
            const double port = changes.value(QLatin1String("port")).toDouble(-1);
            if (port < 1 || port > 65535 || port != std::floor(port))
                return error(jsonrpc::InvalidParams, QStringLiteral("port must be a number from 1 to 65535"));
        }
        if (!m_broker->setHttpEnabled(method == QLatin1String("enable"), changes, &message))
            return error(jsonrpc::ServerError, message);
        return ok(m_broker->httpStatus());
    }
    const QString name = params.value(QStringLiteral("name")).toString();
    if (method == QLatin1String("tokenAdd")) {
        http::TokenStore *tokens = m_broker->httpTokens(&message);
        const QString secret = tokens ? tokens->add(name, &message) : QString();
        if (secret.isEmpty() || !tokens->save(&message))
            return error(jsonrpc::InvalidParams, message);
        return ok({{QStringLiteral("name"), name}, {QStringLiteral("secret"), secret}});
    }
    if (method == QLatin1String("tokenRevoke")) {
        if (!m_broker->revokeHttpToken(name, &message))
            return error(jsonrpc::InvalidParams, message);
        return ok({{QStringLiteral("revoked"), name}});
    }
    return error(jsonrpc::MethodNotFound, QStringLiteral("unknown control method 'http/%1'").arg(method));
}

} // namespace manifold
