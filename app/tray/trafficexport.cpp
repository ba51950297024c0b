#include "trafficexport.h"

#include "control/brokerview.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace manifold {

TrafficExport::TrafficExport(BrokerView *view, QObject *parent)
    : QObject(parent)
    , m_view(view)
{
}

TrafficExport::~TrafficExport()
{
    delete m_file; // not committed: an unfinished export leaves no file behind
}

bool TrafficExport::open(const QString &path)
{
    if (m_file) {
        m_error = tr("An export is still running.");
        return false;
    }
    m_file = new QSaveFile(path);
    if (!m_file->open(QIODevice::WriteOnly)) {
        m_error = m_file->errorString();
        delete m_file;
        m_file = nullptr;
        return false;
    }
    m_written = 0;
    m_error.clear();
    return true;
}

bool TrafficExport::exportKept(const QString &server, const QString &path)
{
    if (!m_view || !open(path))
        return false;
    m_server = server;
    m_cursor = {};
    requestPage();
    return true;
}

void TrafficExport::requestPage()
{
    QJsonObject params{{QStringLiteral("limit"), PageLimit}, {QStringLiteral("bodies"), true}};
    if (!m_server.isEmpty())
        params.insert(QStringLiteral("name"), m_server);
    if (!m_cursor.isEmpty())
        params.insert(QStringLiteral("after"), m_cursor);
    const QPointer<TrafficExport> self(this);
    m_view->call(QStringLiteral("traffic"), params, [self](bool ok, const QJsonObject &result, const QString &error) {
        if (self)
            self->onPage(ok, result, error);
    });
}

void TrafficExport::onPage(bool ok, const QJsonObject &result, const QString &error)
{
    if (!ok) {
        finish(false, error);
        return;
    }
    const QJsonArray records = result.value(QLatin1String("records")).toArray();
    for (const QJsonValue &record : records)
        writeLine(record.toObject());
    m_cursor = result.value(QLatin1String("cursor")).toObject();
    // "more" with nothing returned would never end.
    if (result.value(QLatin1String("more")).toBool() && !records.isEmpty() && m_view)
        requestPage();
    else
        finish(true, {});
}

bool TrafficExport::exportRows(const TrafficRows &rows, const QString &path)
{
    if (!m_view || !open(path))
        return false;
    m_rows = rows;
    m_next = 0;
    requestNextBody();
    return true;
}

// Rows in order; each one with a kept body waits for its trafficBody answer.
void TrafficExport::requestNextBody()
{
    while (m_next < m_rows.size() && !m_rows.at(m_next).hasBody)
        writeLine(m_rows.at(m_next++).toJson());
    if (m_next >= m_rows.size()) {
        m_rows.clear();
        finish(true, {});
        return;
    }
    if (!m_view) {
        finish(false, tr("Not connected to the broker."));
        return;
    }
    const TrafficRow &row = m_rows.at(m_next);
    const QPointer<TrafficExport> self(this);
    m_view->call(QStringLiteral("trafficBody"), {{QStringLiteral("name"), row.server}, {QStringLiteral("seq"), row.seq}},
                 [self](bool ok, const QJsonObject &result, const QString &) {
                     if (!self || !self->m_file)
                         return;
                     QJsonObject record = self->m_rows.at(self->m_next++).toJson();
                     if (ok) // else the body is no longer kept: the metadata still goes out
                         record.insert(QStringLiteral("body"), result.value(QLatin1String("body")));
                     self->writeLine(record);
                     self->requestNextBody();
                 });
}

void TrafficExport::writeLine(const QJsonObject &record)
{
    m_file->write(QJsonDocument(record).toJson(QJsonDocument::Compact));
    m_file->write("\n", 1);
    ++m_written;
}

void TrafficExport::finish(bool ok, const QString &error)
{
    if (ok && !m_file->commit()) {
        ok = false;
        m_error = m_file->errorString();
    } else if (!ok) {
        m_error = error;
        m_file->cancelWriting();
    }
    delete m_file;
    m_file = nullptr;
    emit finished(ok, m_written, m_error);
}

} // namespace manifold
