#include "traffic/trafficrecorder.h"

#include <QDateTime>

namespace manifold {

TrafficRecorder::TrafficRecorder(QString server, qint64 capBytes)
    : m_server(std::move(server))
    , m_ring(capBytes)
{
    m_clock.start();
    m_epochUs = QDateTime::currentMSecsSinceEpoch() * 1000;
}

void TrafficRecorder::addSecrets(const QList<QByteArray> &values)
{
    bool added = false;
    for (const QByteArray &value : values) {
        if (value.isEmpty() || m_secrets.contains(value) || m_secrets.size() >= MaxSecrets)
            continue;
        m_secrets.append(value);
        added = true;
    }
    if (added)
        m_mask.setSecrets(m_secrets);
}

void TrafficRecorder::clear()
{
    m_ring.clear();
    m_pending.clear();
    m_serverPending.clear();
}

void TrafficRecorder::keepBody(TrafficRecord &record, QByteArrayView line) const
{
    if (!m_captureBodies)
        return;
    // A copy of at most BodyLimit bytes: the message's own buffer is never shared, so a large
    // answer is still relayed in place, and a huge one does not fill the ring at once.
    record.body = line.first(qMin(line.size(), BodyLimit)).toByteArray();
    record.bodyTruncated = line.size() > BodyLimit;
}

QByteArray TrafficRecorder::internMethod(const QByteArray &method)
{
    const auto it = m_methods.constFind(method);
    if (it != m_methods.cend())
        return *it;
    if (m_methods.size() < MaxMethods)
        m_methods.insert(method);
    return method;
}

TrafficRecord TrafficRecorder::begin(const Origin &origin, TrafficRecord::Direction direction,
                                     QByteArrayView line) const
{
    TrafficRecord record;
    record.timeUs = nowUs();
    record.session = origin.session;
    record.client = origin.client;
    record.instance = origin.instance;
    record.direction = direction;
    record.sizeBytes = qint32(qMin<qsizetype>(line.size(), std::numeric_limits<qint32>::max()));
    keepBody(record, line);
    return record;
}

void TrafficRecorder::recordFromClient(const Origin &origin, TrafficRecord::Kind kind, const QByteArray &method,
                                       QByteArrayView rawId, QByteArrayView line)
{
    TrafficRecord record = begin(origin, TrafficRecord::Direction::ToServer, line);
    record.kind = kind;
    record.method = internMethod(method);
    record.id = rawId.toByteArray();
    // A client's answer to a request the server (or the broker) sent it.
    if (kind == TrafficRecord::Kind::Result || kind == TrafficRecord::Kind::Error)
        pair(m_serverPending, record);
    const qint64 timeUs = record.timeUs;
    const quint64 seq = m_ring.append(std::move(record));
    if (kind == TrafficRecord::Kind::Request && !rawId.isEmpty())
        remember(m_pending, origin.session, rawId, seq, timeUs, internMethod(method));
}

void TrafficRecorder::remember(QHash<QPair<quint64, QByteArray>, Pending> &pending, quint64 session,
                               QByteArrayView rawId, quint64 seq, qint64 timeUs, const QByteArray &method)
{
    if (pending.size() >= MaxPending)
        pending.clear();   // answers to these show without a duration; nothing else is lost
    pending.insert(qMakePair(session, rawId.toByteArray()), Pending{seq, timeUs, method});
}

bool TrafficRecorder::pair(QHash<QPair<quint64, QByteArray>, Pending> &pending, TrafficRecord &answer)
{
    const auto it = pending.constFind(qMakePair(answer.session, answer.id));
    if (it == pending.cend())
        return false;
    answer.method = it->method;
    answer.requestSeq = it->seq;
    answer.durationUs = qMax<qint64>(0, answer.timeUs - it->timeUs);
    pending.erase(it);
    return true;
}

void TrafficRecorder::recordFromServer(const Origin &origin, TrafficRecord::Kind kind,
                                       const QByteArray &method, QByteArrayView line, QByteArrayView rawId,
                                       bool byBroker)
{
    TrafficRecord record = begin(origin, TrafficRecord::Direction::FromServer, line);
    record.kind = kind;
    record.method = internMethod(method);
    record.id = rawId.toByteArray();
    record.byBroker = byBroker;
    const qint64 timeUs = record.timeUs;
    const quint64 seq = m_ring.append(std::move(record));
    if (kind == TrafficRecord::Kind::Request && !rawId.isEmpty() && origin.session != 0)
        remember(m_serverPending, origin.session, rawId, seq, timeUs, internMethod(method));
}

void TrafficRecorder::recordAnswer(const Origin &origin, QByteArrayView rawId, const Answer &answer,
                                   QByteArrayView line)
{
    TrafficRecord record = begin(origin, TrafficRecord::Direction::FromServer, line);
    record.kind = answer.isError ? TrafficRecord::Kind::Error : TrafficRecord::Kind::Result;
    record.byBroker = answer.byBroker;
    record.id = rawId.toByteArray();
    record.errorCode = answer.errorCode;
    record.errorMessage = answer.errorMessage.left(200);
    if (pair(m_pending, record))
        m_health.addCall(record.timeUs / 1000, record.durationUs, answer.isError);
    m_ring.append(std::move(record));
}

void TrafficRecorder::sessionClosed(quint64 session)
{
    for (auto *pending : {&m_pending, &m_serverPending}) {
        for (auto it = pending->begin(); it != pending->end();) {
            if (it.key().first == session)
                it = pending->erase(it);
            else
                ++it;
        }
    }
}

const TrafficRecord *TrafficRecorder::find(quint64 seq) const
{
    if (m_ring.isEmpty() || seq < m_ring.firstSeq() || seq > m_ring.lastSeq())
        return nullptr;
    return &m_ring.at(qsizetype(seq - m_ring.firstSeq()));
}

QJsonObject TrafficRecorder::statusJson() const
{
    return {{QStringLiteral("records"), m_ring.size()},
            {QStringLiteral("usedBytes"), m_ring.usedBytes()},
            {QStringLiteral("capBytes"), m_ring.capBytes()},
            {QStringLiteral("captureBodies"), m_captureBodies},
            {QStringLiteral("dropped"), qint64(dropped())}};
}

} // namespace manifold
