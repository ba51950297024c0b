#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class ControlClient;

namespace manifold::ctl {

// `manifoldctl traffic [NAME] [--follow] [--json] [--bodies] [--limit N] [--errors] [--slow MS]`:
// the broker's traffic records (control method `traffic`) as a table or as JSON Lines, once or
// followed by polling with the cursor.
struct TrafficOptions
{
    QString name; // empty: every server
    bool follow = false;
    bool json = false;
    bool bodies = false;
    bool errorsOnly = false;
    int limit = 50;     // the newest N shown first
    double slowMs = -1; // >= 0: only answers that took at least this long
};

extern const char *const TrafficUsage;

// Parses the arguments after `traffic`; returns an error message, or empty.
QString parseTrafficArgs(QStringList args, TrafficOptions *options);
// Whether --errors / --slow let a record through.
bool trafficRecordMatches(const QJsonObject &record, const TrafficOptions &options);
// The table: a header line and one line per record (withServer: a server column, for all servers).
QString trafficHeader(bool withServer);
QString formatTrafficRow(const QJsonObject &record, bool withServer);

using TrafficConnector = std::function<std::unique_ptr<ControlClient>(QString *error)>;
// Exit codes: 0 done (or Ctrl-C while following), 1 broker error or the broker went away, 2 usage.
int runTrafficCommand(const QStringList &args, const TrafficConnector &connect);

} // namespace manifold::ctl
