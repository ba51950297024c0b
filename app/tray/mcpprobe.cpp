#include "mcpprobe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTimer>

namespace manifold {

McpProbe::McpProbe(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &McpProbe::onTimeout);
}

McpProbe::~McpProbe()
{
    cancel();
}

void McpProbe::start(const QString &command, const QStringList &args, const QMap<QString, QString> &env,
                     int timeoutMs)
{
    cancel();
    m_buffer.clear();
    m_stderrTail.clear();
    m_serverName.clear();

    m_process = new QProcess(this);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        environment.insert(it.key(), it.value());
    m_process->setProcessEnvironment(environment);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &McpProbe::onReadyRead);
    connect(m_process, &QProcess::readyReadStandardError, this, &McpProbe::onStderr);
    connect(m_process, &QProcess::errorOccurred, this, &McpProbe::onErrorOccurred);
    connect(m_process, &QProcess::finished, this, &McpProbe::onFinished);
    m_timer->start(timeoutMs);
    m_process->start(command, args);

    const QJsonObject initialize{
        {QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
        {QStringLiteral("id"), 1},
        {QStringLiteral("method"), QStringLiteral("initialize")},
        {QStringLiteral("params"),
         QJsonObject{{QStringLiteral("protocolVersion"), QStringLiteral("2025-06-18")},
                     {QStringLiteral("capabilities"), QJsonObject()},
                     {QStringLiteral("clientInfo"), QJsonObject{{QStringLiteral("name"), QStringLiteral("manifold-test-start")},
                                                               {QStringLiteral("version"), QStringLiteral("1")}}}}}};
    send(QJsonDocument(initialize).toJson(QJsonDocument::Compact));
}

void McpProbe::cancel()
{
    m_timer->stop();
    if (!m_process)
        return;
    QProcess *process = m_process;
    m_process = nullptr;
    process->disconnect(this);
    // Outlives this probe until it is reaped, so destroying the dialog never blocks on it.
    process->setParent(nullptr);
    process->closeWriteChannel();
    process->kill();
    // Reaped on the event loop, never waited for here.
    connect(process, &QProcess::finished, process, &QObject::deleteLater);
    if (process->state() == QProcess::NotRunning)
        process->deleteLater();
}

void McpProbe::send(const QByteArray &json)
{
    if (m_process)
        m_process->write(json + '\n');
}

void McpProbe::onReadyRead()
{
    if (!m_process)
        return;
    m_buffer += m_process->readAllStandardOutput();
    qsizetype newline;
    while (m_process && (newline = m_buffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_buffer.left(newline).trimmed();
        m_buffer.remove(0, newline + 1);
        if (!line.isEmpty())
            handleLine(line);
    }
}

void McpProbe::onStderr()
{
    if (!m_process)
        return;
    m_stderrTail += m_process->readAllStandardError();
    if (m_stderrTail.size() > 4096)
        m_stderrTail = m_stderrTail.right(4096);
}

void McpProbe::handleLine(const QByteArray &line)
{
    const QJsonObject message = QJsonDocument::fromJson(line).object();
    const QJsonValue id = message.value(QLatin1String("id"));
    if (message.contains(QLatin1String("method")))
        return;   // notifications or server->client requests: not needed for a tool list
    if (message.contains(QLatin1String("error"))) {
        finish(tr("The server answered with an error: %1")
                   .arg(message.value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString()));
        return;
    }
    const QJsonObject result = message.value(QLatin1String("result")).toObject();
    if (id.toInt() == 1) {
        m_serverName = result.value(QLatin1String("serverInfo")).toObject().value(QLatin1String("name")).toString();
        send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
        send(R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})");
    } else if (id.toInt() == 2) {
        QStringList tools;
        for (const QJsonValue &tool : result.value(QLatin1String("tools")).toArray())
            tools.append(tool.toObject().value(QLatin1String("name")).toString());
        finish({}, tools);
    }
}

void McpProbe::onErrorOccurred()
{
    if (m_process && m_process->error() == QProcess::FailedToStart)
        finish(tr("The command could not be started: %1").arg(m_process->errorString()));
}

void McpProbe::onFinished(int exitCode)
{
    QString error = tr("The server exited with code %1 before listing its tools.").arg(exitCode);
    const QString tail = QString::fromUtf8(m_stderrTail).trimmed();
    if (!tail.isEmpty()) {
        const QStringList lines = tail.split(QLatin1Char('\n'));
        error += QLatin1Char('\n') + lines.mid(qMax(0, lines.size() - 5)).join(QLatin1Char('\n'));
    }
    finish(error);
}

void McpProbe::onTimeout()
{
    finish(tr("The server did not list its tools in time."));
}

void McpProbe::finish(const QString &error, const QStringList &tools)
{
    const QString serverName = m_serverName;
    cancel();
    if (error.isEmpty())
        emit toolsListed(tools, serverName);
    else
        emit failed(error);
}

} // namespace manifold
