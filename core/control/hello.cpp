#include "hello.h"

#include <QJsonDocument>
#include <QJsonObject>

#include "jsonrpc/jsonrpc.h"

namespace manifold {

QByteArray Hello::toLine() const
{
    QJsonObject object{{QStringLiteral("manifold"), QStringLiteral("hello")},
                       {QStringLiteral("version"), ProtocolVersion},
                       {QStringLiteral("role"), role},
                       {QStringLiteral("pid"), pid},
                       {QStringLiteral("peerVersion"), peerVersion}};
    if (!server.isEmpty())
        object.insert(QStringLiteral("server"), server);
    if (ppid > 0)
        object.insert(QStringLiteral("ppid"), ppid);
    if (!parentExe.isEmpty())
        object.insert(QStringLiteral("parentExe"), parentExe);
    if (!cwd.isEmpty())
        object.insert(QStringLiteral("cwd"), cwd);
    if (previousSession >= 0) {
        object.insert(QStringLiteral("previousSession"), previousSession);
        object.insert(QStringLiteral("previousBrokerPid"), previousBrokerPid);
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

std::optional<Hello> Hello::fromLine(QByteArrayView line, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    const QJsonObject object = document.object();
    if (!document.isObject() || object.value(QStringLiteral("manifold")).toString() != QLatin1String("hello")) {
        *error = QStringLiteral("expected a Manifold hello line first (is this a Manifold shim?)");
        return std::nullopt;
    }
    Hello hello;
    hello.version = object.value(QStringLiteral("version")).toInt();
    hello.role = object.value(QStringLiteral("role")).toString();
    hello.server = object.value(QStringLiteral("server")).toString();
    hello.pid = object.value(QStringLiteral("pid")).toInteger(-1);
    hello.ppid = object.value(QStringLiteral("ppid")).toInteger(-1);
    hello.parentExe = object.value(QStringLiteral("parentExe")).toString();
    hello.cwd = object.value(QStringLiteral("cwd")).toString();
    hello.peerVersion = object.value(QStringLiteral("peerVersion")).toString();
    hello.previousSession = object.value(QStringLiteral("previousSession")).toInteger(-1);
    hello.previousBrokerPid = object.value(QStringLiteral("previousBrokerPid")).toInteger(-1);
    if (hello.version != ProtocolVersion) {
        *error = QStringLiteral("hello protocol version %1 is not supported (broker speaks %2); "
                                "upgrade Manifold so the shim and the broker match")
                     .arg(hello.version)
                     .arg(ProtocolVersion);
        return std::nullopt;
    }
    if (hello.role != QLatin1String("shim") && hello.role != QLatin1String("control")) {
        *error = QStringLiteral("unknown role '%1'").arg(hello.role);
        return std::nullopt;
    }
    if (hello.role == QLatin1String("shim") && hello.server.isEmpty()) {
        *error = QStringLiteral("the shim did not name a server");
        return std::nullopt;
    }
    return hello;
}

QByteArray HelloReply::toLine() const
{
    QJsonObject object{{QStringLiteral("manifold"), accepted ? QStringLiteral("welcome") : QStringLiteral("refused")},
                       {QStringLiteral("version"), Hello::ProtocolVersion},
                       {QStringLiteral("brokerPid"), brokerPid},
                       {QStringLiteral("brokerVersion"), brokerVersion}};
    if (!accepted)
        object.insert(QStringLiteral("error"), error);
    if (session >= 0)
        object.insert(QStringLiteral("session"), session);
    if (!closedReason.isEmpty())
        object.insert(QStringLiteral("closedReason"), closedReason);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

std::optional<HelloReply> HelloReply::fromLine(QByteArrayView line)
{
    const QJsonObject object = QJsonDocument::fromJson(line.toByteArray()).object();
    const QString kind = object.value(QStringLiteral("manifold")).toString();
    if (kind != QLatin1String("welcome") && kind != QLatin1String("refused"))
        return std::nullopt;
    HelloReply reply;
    reply.accepted = kind == QLatin1String("welcome");
    reply.error = object.value(QStringLiteral("error")).toString();
    reply.brokerPid = object.value(QStringLiteral("brokerPid")).toInteger(-1);
    reply.brokerVersion = object.value(QStringLiteral("brokerVersion")).toString();
    reply.session = object.value(QStringLiteral("session")).toInteger(-1);
    reply.closedReason = object.value(QStringLiteral("closedReason")).toString();
    return reply;
}

QByteArray SessionClosing::line(const QString &reason)
{
    return jsonrpc::makeNotification(Method, "{\"reason\":" + json::encodeString(reason.toUtf8()) + '}');
}

} // namespace manifold
