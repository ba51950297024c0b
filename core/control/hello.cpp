#include "hello.h"

#include "jsonrpc/jsonscan.h"
#include "wire/hello.h"

// The hello is built and read by core/wire (shared with the shim); these convert its UTF-8
// strings to and from the broker's QStrings.
namespace manifold {
namespace {

QByteArray toByteArray(const std::string &bytes)
{
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

} // namespace

QByteArray Hello::toLine() const
{
    wire::Hello hello;
    hello.role = role.toStdString();
    hello.server = server.toStdString();
    hello.pid = pid;
    hello.ppid = ppid;
    hello.parentExe = parentExe.toStdString();
    hello.cwd = cwd.toStdString();
    hello.peerVersion = peerVersion.toStdString();
    hello.previousSession = previousSession;
    hello.previousBrokerPid = previousBrokerPid;
    hello.version = version;
    return toByteArray(hello.toLine());
}

std::optional<Hello> Hello::fromLine(QByteArrayView line, QString *error)
{
    std::string why;
    const auto parsed = wire::Hello::fromLine(json::toWire(line), &why);
    if (!parsed) {
        *error = QString::fromStdString(why);
        return std::nullopt;
    }
    Hello hello;
    hello.role = QString::fromStdString(parsed->role);
    hello.server = QString::fromStdString(parsed->server);
    hello.pid = parsed->pid;
    hello.ppid = parsed->ppid;
    hello.parentExe = QString::fromStdString(parsed->parentExe);
    hello.cwd = QString::fromStdString(parsed->cwd);
    hello.peerVersion = QString::fromStdString(parsed->peerVersion);
    hello.previousSession = parsed->previousSession;
    hello.previousBrokerPid = parsed->previousBrokerPid;
    hello.version = parsed->version;
    return hello;
}

QByteArray HelloReply::toLine() const
{
    wire::HelloReply reply;
    reply.accepted = accepted;
    reply.error = error.toStdString();
    reply.brokerPid = brokerPid;
    reply.brokerVersion = brokerVersion.toStdString();
    reply.session = session;
    reply.closedReason = closedReason.toStdString();
    return toByteArray(reply.toLine());
}

std::optional<HelloReply> HelloReply::fromLine(QByteArrayView line)
{
    const auto parsed = wire::HelloReply::fromLine(json::toWire(line));
    if (!parsed)
        return std::nullopt;
    HelloReply reply;
    reply.accepted = parsed->accepted;
    reply.error = QString::fromStdString(parsed->error);
    reply.brokerPid = parsed->brokerPid;
    reply.brokerVersion = QString::fromStdString(parsed->brokerVersion);
    reply.session = parsed->session;
    reply.closedReason = QString::fromStdString(parsed->closedReason);
    return reply;
}

QByteArray SessionClosing::line(const QString &reason)
{
    return toByteArray(wire::SessionClosing::line(reason.toStdString()));
}

} // namespace manifold
