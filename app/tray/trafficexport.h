#pragma once

#include "models/trafficrow.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>

class QSaveFile;

namespace manifold {

class BrokerView;

// Writes traffic records to a JSON Lines file (one Record object per line, bodies included
// where the broker kept them): either every record the broker keeps, paged through `traffic`
// with bodies, or chosen rows with their bodies fetched by `trafficBody`. One export at a time.
class TrafficExport final : public QObject
{
    Q_OBJECT

public:
    static constexpr int PageLimit = 5000;

    explicit TrafficExport(BrokerView *view, QObject *parent = nullptr);
    ~TrafficExport() override;

    // False (and errorString()) when the file cannot be opened or an export is running.
    bool exportKept(const QString &server, const QString &path);
    bool exportRows(const TrafficRows &rows, const QString &path);
    bool isRunning() const { return m_file != nullptr; }
    QString errorString() const { return m_error; }

signals:
    void finished(bool ok, int records, const QString &error);

private:
    bool open(const QString &path);
    void requestPage();
    void onPage(bool ok, const QJsonObject &result, const QString &error);
    void requestNextBody();
    void writeLine(const QJsonObject &record);
    void finish(bool ok, const QString &error);

    QPointer<BrokerView> m_view;
    QSaveFile *m_file = nullptr;
    QString m_error;
    QString m_server;
    QJsonObject m_cursor;
    TrafficRows m_rows;
    qsizetype m_next = 0;
    int m_written = 0;
};

} // namespace manifold
