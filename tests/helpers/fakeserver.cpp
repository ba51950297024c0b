#include "fakeserver.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QTimer>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

namespace {

const char *const kDefaultProtocol = "2025-06-18";
const char *const kProtocols[] = {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"};
const char *const kTools[] = {"echo",   "slow_echo",           "progress", "crash", "garbage",
                              "stderr", "notify_list_changed", "pid",      "env"};
// Listed only with --stateless.
const char *const kStatelessTools[] = {"touch", "end_listens"};

// MCP 2026-07-28, the stateless era (--stateless).
const char *const kStatelessVersion = "2026-07-28";
const char *const kProtocolVersionKey = "io.modelcontextprotocol/protocolVersion";
const char *const kSubscriptionIdKey = "io.modelcontextprotocol/subscriptionId";
const char *const kServerInfoKey = "io.modelcontextprotocol/serverInfo";

constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kUnsupportedProtocolVersion = -32022;

// False (errno set) when the fd is gone, e.g. EPIPE.
bool writeAll(int fd, const char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n > 0) {
            data += n;
            size -= size_t(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd pfd{fd, POLLOUT, 0};
            ::poll(&pfd, 1, -1);
        } else {
            return false;
        }
    }
    return true;
}

void logLine(const QByteArray &text)
{
    const QByteArray line = text + '\n';
    writeAll(STDERR_FILENO, line.constData(), size_t(line.size()));
}

// Canonical spelling of an id, so 7 and "7" stay distinct keys.
QString idKey(const QJsonValue &id)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{id}).toJson(QJsonDocument::Compact));
}

// Human spelling for stderr: strings without quotes, numbers as written.
QByteArray idText(const QJsonValue &id)
{
    if (id.isString())
        return id.toString().toUtf8();
    const QByteArray key = idKey(id).toUtf8();
    return key.mid(1, key.size() - 2);
}

int intArg(const QJsonObject &arguments, const char *name, int fallback)
{
    const QJsonValue value = arguments.value(QLatin1String(name));
    return value.isDouble() ? int(value.toDouble()) : fallback;
}

QJsonObject textResult(const QString &text)
{
    return {{QStringLiteral("content"),
             QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                    {QStringLiteral("text"), text}}}}};
}

QJsonObject echoResult(const QJsonObject &arguments)
{
    const QJsonValue message = arguments.value(QStringLiteral("message"));
    QJsonObject result = textResult(message.toString());
    result.insert(QStringLiteral("structuredContent"),
                  QJsonObject{{QStringLiteral("message"), message}});
    return result;
}

QJsonObject serverInfo()
{
    return {{QStringLiteral("name"), QStringLiteral("fake_mcp_server")},
            {QStringLiteral("version"), QStringLiteral("1.0")}};
}

QJsonObject initializeResult(const QJsonObject &params)
{
    QString version = QLatin1String(kDefaultProtocol);
    const QString requested = params.value(QStringLiteral("protocolVersion")).toString();
    for (const char *known : kProtocols) {
        if (requested == QLatin1String(known))
            version = requested;
    }
    const QJsonObject listChanged{{QStringLiteral("listChanged"), true}};
    const QJsonObject capabilities{
        {QStringLiteral("tools"), listChanged},
        {QStringLiteral("resources"),
         QJsonObject{{QStringLiteral("subscribe"), true}, {QStringLiteral("listChanged"), true}}},
        {QStringLiteral("prompts"), listChanged},
        {QStringLiteral("logging"), QJsonObject{}}};
    return {{QStringLiteral("protocolVersion"), version},
            {QStringLiteral("capabilities"), capabilities},
            {QStringLiteral("serverInfo"), serverInfo()}};
}

QJsonObject discoverResult()
{
    const QJsonObject capabilities{
        {QStringLiteral("tools"), QJsonObject{}},
        {QStringLiteral("resources"), QJsonObject{{QStringLiteral("subscribe"), true}}}};
    return {{QStringLiteral("resultType"), QStringLiteral("complete")},
            {QStringLiteral("supportedVersions"), QJsonArray{QLatin1String(kStatelessVersion)}},
            {QStringLiteral("capabilities"), capabilities},
            {QStringLiteral("_meta"), QJsonObject{{QLatin1String(kServerInfoKey), serverInfo()}}}};
}

QJsonObject subscriptionMeta(const QJsonValue &listenId)
{
    return {{QLatin1String(kSubscriptionIdKey), listenId}};
}

QJsonObject toolsListResult(bool stateless)
{
    QStringList names;
    for (const char *name : kTools)
        names << QLatin1String(name);
    if (stateless) {
        for (const char *name : kStatelessTools)
            names << QLatin1String(name);
    }
    QJsonArray tools;
    for (const QString &name : std::as_const(names)) {
        tools.append(
            QJsonObject{{QStringLiteral("name"), name},
                        {QStringLiteral("description"), QStringLiteral("fake tool %1").arg(name)},
                        {QStringLiteral("inputSchema"),
                         QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}}}});
    }
    return {{QStringLiteral("tools"), tools}};
}

// Stays in our process group on purpose: tests prove the broker kills the whole group.
pid_t spawnGrandchild()
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        // Off our pipes, so a surviving grandchild cannot keep the broker's reads open.
        const int devNull = ::open("/dev/null", O_RDWR);
        if (devNull >= 0) {
            ::dup2(devNull, STDIN_FILENO);
            ::dup2(devNull, STDOUT_FILENO);
            ::dup2(devNull, STDERR_FILENO);
        }
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGCHLD, SIG_DFL);
        ::signal(SIGPIPE, SIG_DFL);
        ::execlp("sleep", "sleep", "300", static_cast<char *>(nullptr));
        ::_exit(127);
    }
    return pid;
}

} // namespace

FakeServer::FakeServer(const FakeServerOptions &options, QObject *parent)
    : QObject(parent), m_options(options)
{
    if (!m_options.requestLog.isEmpty()) {
        m_requestLog = std::fopen(QFile::encodeName(m_options.requestLog).constData(), "ab");
        if (!m_requestLog)
            logLine("cannot open request log " + m_options.requestLog.toUtf8() + ": " +
                    std::strerror(errno));
    }
}

FakeServer::~FakeServer()
{
    if (m_requestLog)
        std::fclose(m_requestLog);
}

void FakeServer::start()
{
    m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &FakeServer::onStdinReadable);
}

void FakeServer::onStdinReadable()
{
    char chunk[1 << 16];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (n <= 0) {
        onStdinClosed();
        return;
    }
    m_buffer.append(chunk, qsizetype(n));
    // Only scan the new bytes, so a line arriving in thousands of reads stays linear.
    qsizetype start = 0;
    qsizetype newline;
    while ((newline = m_buffer.indexOf('\n', m_scanFrom)) >= 0) {
        handleLine(m_buffer.mid(start, newline - start));
        start = newline + 1;
        m_scanFrom = start;
    }
    if (start > 0)
        m_buffer.remove(0, start);
    m_scanFrom = m_buffer.size();
}

void FakeServer::onStdinClosed()
{
    m_notifier->setEnabled(false);
    if (!m_buffer.isEmpty()) {
        const QByteArray last = m_buffer;
        m_buffer.clear();
        m_scanFrom = 0;
        handleLine(last);
    }
    if (m_options.ignoreStdinClose) {
        logLine("ignoring stdin close");
        return;
    }
    logLine("stdin closed, exiting");
    std::fflush(nullptr);
    ::_exit(0);
}

void FakeServer::logRequest(const QByteArray &line)
{
    if (!m_requestLog)
        return;
    std::fwrite(line.constData(), 1, size_t(line.size()), m_requestLog);
    std::fputc('\n', m_requestLog);
    std::fflush(m_requestLog);
}

void FakeServer::handleLine(QByteArray line)
{
    logRequest(line);
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.trimmed().isEmpty())
        return;

    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError) {
        logLine("parse error: " + error.errorString().toUtf8() + " in: " + line.left(200));
        sendError(QJsonValue::Null, kParseError, QStringLiteral("Parse error"));
        return;
    }
    if (!doc.isObject()) {
        logLine("not a JSON-RPC object: " + line.left(200));
        sendError(QJsonValue::Null, kInvalidRequest, QStringLiteral("Invalid Request"));
        return;
    }
    const QJsonObject object = doc.object();
    const QJsonValue method = object.value(QStringLiteral("method"));
    const QJsonValue id = object.value(QStringLiteral("id"));
    if (!method.isString()) {
        if (object.contains(QStringLiteral("result")) || object.contains(QStringLiteral("error"))) {
            if (id.toString().startsWith(QLatin1String("roots-"))) {
                m_roots = object.value(QStringLiteral("result")).toObject().value(QStringLiteral("roots"));
                logLine("got roots: " + QJsonDocument(QJsonObject{{QStringLiteral("roots"), m_roots}}).toJson(QJsonDocument::Compact));
                return;
            }
            logLine("ignoring response from client, id " + idText(id));
            return;
        }
        sendError(object.contains(QStringLiteral("id")) ? id : QJsonValue(QJsonValue::Null),
                  kInvalidRequest, QStringLiteral("Invalid Request"));
        return;
    }
    const QJsonObject params = object.value(QStringLiteral("params")).toObject();
    if (object.contains(QStringLiteral("id")))
        handleRequest(id, method.toString(), params);
    else
        handleNotification(method.toString(), params);
}

void FakeServer::handleRequest(const QJsonValue &id, const QString &method,
                               const QJsonObject &params)
{
    if (m_options.stateless && handleStatelessRequest(id, method, params))
        return;
    if (method == QLatin1String("initialize")) {
        ++m_initializeCount;
        if (m_options.strictInit && m_initializeCount > 1) {
            sendError(id, kInvalidRequest, QStringLiteral("already initialized"));
            logLine("DOUBLE INITIALIZE");
            ::_exit(3);
        }
        m_clientDeclaredRoots = params.value(QStringLiteral("capabilities")).toObject().contains(QStringLiteral("roots"));
        sendResult(id, initializeResult(params));
    } else if (method == QLatin1String("ping")) {
        if (m_options.ignorePing) {
            logLine("ignoring ping " + idText(id));
            return;
        }
        sendResult(id, {});
    } else if (method == QLatin1String("tools/list")) {
        sendResult(id, toolsListResult(m_options.stateless));
    } else if (method == QLatin1String("tools/call")) {
        handleToolCall(id, params);
    } else if (method == QLatin1String("resources/list")) {
        sendResult(id, {{QStringLiteral("resources"), QJsonArray{}}});
    } else if (method == QLatin1String("resources/templates/list")) {
        sendResult(id, {{QStringLiteral("resourceTemplates"), QJsonArray{}}});
    } else if (method == QLatin1String("prompts/list")) {
        sendResult(id, {{QStringLiteral("prompts"), QJsonArray{}}});
    } else if (method == QLatin1String("logging/setLevel") ||
               method == QLatin1String("resources/subscribe") ||
               method == QLatin1String("resources/unsubscribe")) {
        sendResult(id, {});
    } else {
        sendError(id, kMethodNotFound, QStringLiteral("Method not found"));
    }
}

void FakeServer::handleNotification(const QString &method, const QJsonObject &params)
{
    if (method == QLatin1String("notifications/initialized")) {
        ++m_initializedCount;
        if (m_options.stateless)
            return;   // the stateless era has no initialized; counted for `stats` only
        if (m_options.strictInit && m_initializedCount > 1) {
            logLine("DOUBLE INITIALIZED");
            ::_exit(3);
        }
        if (m_options.crashAfterInit) {
            logLine("crashing after init");
            ::_exit(7);
        }
        if (m_options.askRoots && m_clientDeclaredRoots)
            askForRoots();
    } else if (method == QLatin1String("notifications/roots/list_changed")) {
        if (m_options.askRoots && m_clientDeclaredRoots)
            askForRoots();
    } else if (method == QLatin1String("notifications/cancelled")) {
        cancel(params.value(QStringLiteral("requestId")));
    }
    // Anything else is ignored, as the spec asks of unknown notifications.
}

void FakeServer::askForRoots()
{
    ++m_rootsAsked;
    sendObject({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                {QStringLiteral("id"), QStringLiteral("roots-%1").arg(m_rootsAsked)},
                {QStringLiteral("method"), QStringLiteral("roots/list")}});
}

void FakeServer::handleToolCall(const QJsonValue &id, const QJsonObject &params)
{
    const QString name = params.value(QStringLiteral("name")).toString();
    const QJsonObject arguments = params.value(QStringLiteral("arguments")).toObject();

    if (name == QLatin1String("echo")) {
        sendResult(id, echoResult(arguments));
    } else if (name == QLatin1String("slow_echo")) {
        startDelayed(id, intArg(arguments, "delayMs", 0), echoResult(arguments));
    } else if (name == QLatin1String("progress")) {
        const QJsonValue token =
            params.value(QStringLiteral("_meta")).toObject().value(QStringLiteral("progressToken"));
        startProgress(id, arguments, token);
    } else if (name == QLatin1String("crash")) {
        logLine("crashing on request");
        ::_exit(intArg(arguments, "code", 42));
    } else if (name == QLatin1String("busy_echo")) {
        // A server that works on one request at a time: the CPU time is spent before it reads on.
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(intArg(arguments, "workUs", 0));
        while (std::chrono::steady_clock::now() < until) {
        }
        sendResult(id, echoResult(arguments));
    } else if (name == QLatin1String("blob")) {
        sendResult(id, textResult(QString(qMax(0, intArg(arguments, "bytes", 0)), QLatin1Char('x'))));
    } else if (name == QLatin1String("garbage")) {
        writeStdout("this is not json {{{");
        writeStdout("[1,2,3]");
        sendResult(id, textResult(QStringLiteral("after garbage")));
    } else if (name == QLatin1String("stderr")) {
        const int lines = intArg(arguments, "lines", 5);
        for (int i = 1; i <= lines; ++i)
            logLine("stderr line " + QByteArray::number(i));
        sendResult(id, textResult(QStringLiteral("ok")));
    } else if (name == QLatin1String("notify_list_changed")) {
        sendNotification(QStringLiteral("notifications/tools/list_changed"));
        sendResult(id, textResult(QStringLiteral("notified")));
    } else if (name == QLatin1String("roots")) {
        const QJsonObject report{{QStringLiteral("declared"), m_clientDeclaredRoots},
                                 {QStringLiteral("roots"), m_roots.isUndefined() ? QJsonValue() : m_roots},
                                 {QStringLiteral("asked"), m_rootsAsked},
                                 {QStringLiteral("cwd"), QDir::currentPath()}};
        sendResult(id, {{QStringLiteral("content"),
                         QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                {QStringLiteral("text"), QString::fromUtf8(QJsonDocument(report).toJson(QJsonDocument::Compact))}}}},
                        {QStringLiteral("structuredContent"), report}});
    } else if (name == QLatin1String("pid")) {
        const qint64 pid = ::getpid();
        QJsonObject result = textResult(QString::number(pid));
        result.insert(QStringLiteral("structuredContent"),
                      QJsonObject{{QStringLiteral("pid"), pid}});
        sendResult(id, result);
    } else if (name == QLatin1String("env")) {
        const QByteArray variable =
            arguments.value(QStringLiteral("name")).toString().toLocal8Bit();
        const char *value = std::getenv(variable.constData());
        const QJsonValue json =
            value ? QJsonValue(QString::fromLocal8Bit(value)) : QJsonValue(QJsonValue::Null);
        QJsonObject result =
            textResult(value ? QString::fromLocal8Bit(value) : QStringLiteral("(unset)"));
        result.insert(QStringLiteral("structuredContent"),
                      QJsonObject{{QStringLiteral("value"), json}});
        sendResult(id, result);
    } else if (name == QLatin1String("spawn_grandchild")) {
        const pid_t pid = spawnGrandchild();
        if (pid < 0) {
            sendError(id, -32603,
                      QStringLiteral("fork failed: %1")
                          .arg(QString::fromLocal8Bit(std::strerror(errno))));
            return;
        }
        logLine("spawned grandchild " + QByteArray::number(pid));
        QJsonObject result = textResult(QString::number(pid));
        result.insert(QStringLiteral("structuredContent"),
                      QJsonObject{{QStringLiteral("pid"), qint64(pid)}});
        sendResult(id, result);
    } else if (name == QLatin1String("stats")) {
        QJsonObject result = textResult(QStringLiteral("stats"));
        result.insert(
            QStringLiteral("structuredContent"),
            QJsonObject{{QStringLiteral("initialize"), m_initializeCount},
                        {QStringLiteral("initialized"), m_initializedCount},
                        {QStringLiteral("pending"), int(m_pending.size())},
                        {QStringLiteral("cancelled"), QJsonArray::fromStringList(m_cancelled)},
                        {QStringLiteral("listens"), openListenIds()}});
        sendResult(id, result);
    } else {
        sendError(id, kInvalidParams, QStringLiteral("Unknown tool: %1").arg(name));
    }
}

void FakeServer::startDelayed(const QJsonValue &id, int delayMs, const QJsonObject &result)
{
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    m_pending.insert(idKey(id), timer);
    connect(timer, &QTimer::timeout, this, [this, id, result] {
        finishPending(id);
        sendResult(id, result);
    });
    timer->start(qMax(0, delayMs));
}

void FakeServer::startProgress(const QJsonValue &id, const QJsonObject &arguments,
                               const QJsonValue &token)
{
    const int steps = intArg(arguments, "steps", 3);
    const int intervalMs = qMax(0, intArg(arguments, "intervalMs", 20));
    const QJsonObject done = textResult(QStringLiteral("done"));
    if (token.isUndefined() || token.isNull() || steps <= 0) {
        startDelayed(id, qMax(0, steps) * intervalMs, done);
        return;
    }
    auto *timer = new QTimer(this);
    m_pending.insert(idKey(id), timer);
    connect(timer, &QTimer::timeout, this, [this, id, token, steps, done, step = 0]() mutable {
        ++step;
        sendNotification(QStringLiteral("notifications/progress"),
                         {{QStringLiteral("progressToken"), token},
                          {QStringLiteral("progress"), step},
                          {QStringLiteral("total"), steps}});
        if (step >= steps) {
            finishPending(id);
            sendResult(id, done);
        }
    });
    timer->start(intervalMs);
}

void FakeServer::finishPending(const QJsonValue &id)
{
    if (QTimer *timer = m_pending.take(idKey(id))) {
        timer->stop();
        timer->deleteLater();
    }
}

void FakeServer::cancel(const QJsonValue &requestId)
{
    const QByteArray text = idText(requestId);
    m_cancelled.append(QString::fromUtf8(text));
    if (cancelListen(requestId))
        return;
    if (!m_pending.contains(idKey(requestId))) {
        logLine("cancel for unknown request " + text);
        return;
    }
    finishPending(requestId);
    logLine("cancelled " + text);
}

bool FakeServer::handleStatelessRequest(const QJsonValue &id, const QString &method,
                                        const QJsonObject &params)
{
    if (method == QLatin1String("initialize")) {
        ++m_initializeCount;
        logLine("refusing initialize: this server only speaks " + QByteArray(kStatelessVersion));
        sendError(id, kMethodNotFound, QStringLiteral("Method not found"));
        return true;
    }
    if (method == QLatin1String("ping")) {
        sendError(id, kMethodNotFound, QStringLiteral("Method not found"));
        return true;
    }
    if (method == QLatin1String("server/discover")) {
        sendResult(id, discoverResult());
        return true;
    }

    const QJsonValue version = params.value(QStringLiteral("_meta"))
                                   .toObject()
                                   .value(QLatin1String(kProtocolVersionKey));
    if (version.isUndefined() || version.isNull()) {
        sendError(id, kInvalidParams,
                  QStringLiteral("missing %1").arg(QLatin1String(kProtocolVersionKey)));
        return true;
    }
    if (version != QJsonValue(QLatin1String(kStatelessVersion))) {
        sendError(id, kUnsupportedProtocolVersion, QStringLiteral("Unsupported protocol version"),
                  QJsonObject{{QStringLiteral("supported"),
                               QJsonArray{QLatin1String(kStatelessVersion)}},
                              {QStringLiteral("requested"), version}});
        return true;
    }

    if (method == QLatin1String("subscriptions/listen")) {
        openListen(id, params);
        return true;
    }
    if (method != QLatin1String("tools/call"))
        return false;
    const QString name = params.value(QStringLiteral("name")).toString();
    const QJsonObject arguments = params.value(QStringLiteral("arguments")).toObject();
    if (name == QLatin1String("touch")) {
        const QString uri = arguments.value(QStringLiteral("uri")).toString();
        const int delivered = notifyListens(QStringLiteral("notifications/resources/updated"), uri);
        QJsonObject result = textResult(QStringLiteral("touched %1").arg(uri));
        result.insert(QStringLiteral("structuredContent"),
                      QJsonObject{{QStringLiteral("delivered"), delivered}});
        sendResult(id, result);
        return true;
    }
    if (name == QLatin1String("end_listens")) {
        const int ended = endListens();
        QJsonObject result = textResult(QStringLiteral("ended %1").arg(ended));
        result.insert(QStringLiteral("structuredContent"),
                      QJsonObject{{QStringLiteral("ended"), ended}});
        sendResult(id, result);
        return true;
    }
    if (name == QLatin1String("notify_list_changed")) {
        // No unsolicited notifications in this era: only listens that asked hear of it.
        const int delivered = notifyListens(QStringLiteral("notifications/tools/list_changed"), {});
        QJsonObject result = textResult(QStringLiteral("notified"));
        result.insert(QStringLiteral("structuredContent"),
                      QJsonObject{{QStringLiteral("delivered"), delivered}});
        sendResult(id, result);
        return true;
    }
    return false;
}

void FakeServer::openListen(const QJsonValue &id, const QJsonObject &params)
{
    const QString key = idKey(id);
    for (const Listen &listen : std::as_const(m_listens)) {
        if (idKey(listen.id) == key) {
            sendError(id, kInvalidRequest, QStringLiteral("a listen with this id is already open"));
            return;
        }
    }
    const QJsonObject wanted = params.value(QStringLiteral("notifications")).toObject();
    Listen listen;
    listen.id = id;
    QJsonObject honored;
    const QJsonValue uris = wanted.value(QStringLiteral("resourceSubscriptions"));
    if (uris.isArray()) {
        QJsonArray kept;
        for (const QJsonValue &uri : uris.toArray()) {
            if (uri.isString()) {
                listen.resourceUris.append(uri.toString());
                kept.append(uri);
            }
        }
        honored.insert(QStringLiteral("resourceSubscriptions"), kept);
    }
    if (wanted.value(QStringLiteral("toolsListChanged")).toBool()) {
        listen.toolsListChanged = true;
        honored.insert(QStringLiteral("toolsListChanged"), true);
    }
    m_listens.append(listen);
    logLine("listen " + idText(id) + " opened");
    // The acknowledgement comes first; the listen request itself stays unanswered while open.
    sendNotification(QStringLiteral("notifications/subscriptions/acknowledged"),
                     {{QStringLiteral("_meta"), subscriptionMeta(id)},
                      {QStringLiteral("notifications"), honored}});
}

int FakeServer::notifyListens(const QString &method, const QString &uri)
{
    int delivered = 0;
    for (const Listen &listen : std::as_const(m_listens)) {
        const bool wants = uri.isEmpty() ? listen.toolsListChanged : listen.resourceUris.contains(uri);
        if (!wants)
            continue;
        QJsonObject params{{QStringLiteral("_meta"), subscriptionMeta(listen.id)}};
        if (!uri.isEmpty())
            params.insert(QStringLiteral("uri"), uri);
        sendNotification(method, params);
        ++delivered;
    }
    return delivered;
}

int FakeServer::endListens()
{
    const QList<Listen> listens = std::exchange(m_listens, {});
    for (const Listen &listen : listens) {
        logLine("listen " + idText(listen.id) + " ended");
        sendResult(listen.id, {{QStringLiteral("resultType"), QStringLiteral("complete")},
                               {QStringLiteral("_meta"), subscriptionMeta(listen.id)}});
    }
    return int(listens.size());
}

bool FakeServer::cancelListen(const QJsonValue &requestId)
{
    const QString key = idKey(requestId);
    for (qsizetype i = 0; i < m_listens.size(); ++i) {
        if (idKey(m_listens.at(i).id) == key) {
            m_listens.removeAt(i);
            logLine("listen " + idText(requestId) + " cancelled");
            return true;
        }
    }
    return false;
}

QJsonArray FakeServer::openListenIds() const
{
    QJsonArray ids;
    for (const Listen &listen : m_listens)
        ids.append(listen.id);
    return ids;
}

void FakeServer::sendResult(const QJsonValue &id, const QJsonObject &result)
{
    QJsonObject body = result;
    // Every 2026-07-28 result says whether it is complete.
    if (m_options.stateless && !body.contains(QStringLiteral("resultType")))
        body.insert(QStringLiteral("resultType"), QStringLiteral("complete"));
    sendObject({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                {QStringLiteral("id"), id},
                {QStringLiteral("result"), body}});
}

void FakeServer::sendError(const QJsonValue &id, int code, const QString &message,
                           const QJsonValue &data)
{
    QJsonObject error{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!data.isUndefined())
        error.insert(QStringLiteral("data"), data);
    sendObject({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                {QStringLiteral("id"), id},
                {QStringLiteral("error"), error}});
}

void FakeServer::sendNotification(const QString &method, const QJsonObject &params)
{
    QJsonObject object{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                       {QStringLiteral("method"), method}};
    if (!params.isEmpty())
        object.insert(QStringLiteral("params"), params);
    sendObject(object);
}

void FakeServer::sendObject(const QJsonObject &object)
{
    writeStdout(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

void FakeServer::writeStdout(const QByteArray &line)
{
    const QByteArray framed = line + '\n';
    if (!writeAll(STDOUT_FILENO, framed.constData(), size_t(framed.size()))) {
        logLine(QByteArray("stdout write failed: ") + std::strerror(errno));
        if (!m_options.ignoreStdinClose)
            ::_exit(0);
    }
}
