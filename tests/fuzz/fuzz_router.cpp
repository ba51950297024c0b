// The Router driven as ServerHost drives it, by a script of operations from the fuzz input, one
// per line (a seed corpus is readable and hand-written; see corpus/router/):
//
//   +N / -N        session N (a digit) connects / disconnects
//   N>LINE         session N sends LINE           N!  session N sent a line over the limit
//   <LINE          the child writes LINE          <!HEAD|TAIL  the child wrote an oversized line
//   *start *exit *fail *stop *beat     child started / exited / crash-looped / being stopped /
//   heartbeat *tick MS       the clock advances (held server requests may expire)
//   *max N  in-flight limit
//   *roots N       the broker fixes the instance's roots (N: 0 none, 1 one root, 2 two roots)
//   *learnroots    the server's use of roots is not known yet: the child's roots/list waits
//   *hold N / *release N   session N waits for its roots / is released (its held lines go on)
//
// In LINE, $ID and $NEW stand for the oldest and newest id the child has not answered yet, $TOK
// for the newest progress token sent to the child, and $SID for the oldest request session N has
// not answered. Every output is checked by RouterModel; at the end the child fails for good,
// which must answer everything still open, and every session leaves, which must leave nothing.
#include "fuzzcheck.h"
#include "rootsmodel.h"
#include "routermodel.h"

#include "broker/router.h"
#include "jsonrpc/jsonrpc.h"

#include <QHash>
#include <QList>

#include <cstdio>

using manifold::Router;
using manifold::RouterActions;
using manifold::SessionId;

namespace {

constexpr int MaxOperations = 400;
constexpr qsizetype LineLimit = 4096; // what oversized reports claim the limit was

class Harness
{
public:
    void run(QByteArrayView script)
    {
        int operations = 0;
        for (const QByteArray &line : script.toByteArray().split('\n')) {
            if (++operations > MaxOperations)
                break;
            if (m_trace)
                std::fprintf(stderr, "%s\n", line.constData());
            step(line);
            m_model.checkState(m_router);
        }
        finish();
    }

private:
    enum class Process { None, Running, Stopping };

    void apply(const RouterActions &actions)
    {
        if (m_trace) {
            static const char *const kinds[] = {"ToChild",    "ToSession",         "Log",
                                                "ChildReady", "HeartbeatAnswered", "NeedChild",
                                                "RootsReported", "ChildAskedRoots", "Learned"};
            for (const manifold::RouterAction &action : actions)
                std::fprintf(stderr, "    %s %llu %s\n", kinds[int(action.kind)],
                             static_cast<unsigned long long>(action.session),
                             action.data.constData());
        }
        for (const manifold::RouterAction &action : actions) {
            if (action.kind != manifold::RouterAction::Kind::ToChild)
                continue;
            // No child, nobody to write to; a child being stopped gets no new requests (they
            // wait for the next one).
            FUZZ_CHECK(m_process != Process::None,
                       "a line for a child that is not running: " + action.data);
            FUZZ_CHECK(m_process == Process::Running ||
                           manifold::jsonrpc::parseEnvelope(action.data).kind !=
                               manifold::jsonrpc::Envelope::Kind::Request,
                       "a request for a child being stopped: " + action.data);
        }
        m_model.forgetFinished(m_router);
        m_model.check(actions);
        m_roots.check(actions, m_router);
        m_model.syncHeld(m_router);
    }

    SessionId sessionFor(char digit) const { return m_current.value(digit, 0); }

    void step(const QByteArray &op)
    {
        if (op.size() < 2)
            return;
        const char first = op[0];
        if (first == '+' || first == '-') {
            connection(first == '+', op[1]);
        } else if (first >= '0' && first <= '9') {
            const SessionId session = sessionFor(first);
            if (!m_model.isConnected(session))
                return; // ServerHost only hears from attached sessions
            if (op[1] == '>') {
                const QByteArray line = substitute(op.mid(2), session);
                m_model.sessionSent(session, line);
                const auto before = m_model.beforeSessionStep(m_router);
                apply(m_router.fromSession(session, line));
                m_model.noteAbandoned(before, m_router, m_now);
            } else if (op[1] == '!') {
                apply(m_router.oversizedFromSession(session, LineLimit));
            }
        } else if (first == '<') {
            if (m_process == Process::None)
                return; // no child, no output
            if (op.startsWith("<!")) {
                const QByteArray rest = substitute(op.mid(2), 0);
                const qsizetype bar = rest.indexOf('|');
                apply(m_router.oversizedFromChild(rest.left(bar),
                                                  bar < 0 ? rest : rest.mid(bar + 1), LineLimit));
                return;
            }
            const QByteArray line = substitute(op.mid(1), 0);
            m_model.childSent(line, m_router, m_now);
            m_roots.childSent(line);
            apply(m_router.fromChild(line));
        } else if (first == '*') {
            lifecycle(op.mid(1));
        }
    }

    void connection(bool connect, char digit)
    {
        if (digit < '0' || digit > '9')
            return;
        const SessionId current = sessionFor(digit);
        if (connect && !m_model.isConnected(current)) {
            const SessionId session = ++m_lastSession; // the broker never reuses a session id
            m_current.insert(digit, session);
            m_model.connect(session);
            m_router.addSession(session);
        } else if (!connect && m_model.isConnected(current)) {
            const auto before = m_model.beforeSessionStep(m_router);
            m_model.disconnect(current);
            m_roots.released(current);
            apply(m_router.removeSession(current));
            m_model.noteAbandoned(before, m_router, m_now);
        }
    }

    // What ServerHost does, in the orders it can do it.
    void lifecycle(const QByteArray &what)
    {
        if (what == "start" && m_process == Process::None) {
            if (m_router.childState() == Router::ChildState::Failed)
                apply(m_router.childExited(QString())); // started again by hand
            m_model.childGone();
            m_roots.childGone();
            m_process = Process::Running;
            apply(m_router.childStarted());
        } else if (what == "exit" && m_process != Process::None) {
            m_process = Process::None;
            m_model.childGone();
            apply(m_router.childExited(QStringLiteral("server 'fuzz' exited with code 1")));
        } else if (what == "fail") {
            if (m_process != Process::None)
                apply(m_router.childExited(QStringLiteral("server 'fuzz' crashed")));
            m_process = Process::None;
            m_model.childGone();
            apply(m_router.childFailed(QStringLiteral("server 'fuzz' keeps crashing")));
        } else if (what == "stop") {
            if (m_process == Process::Running) {
                m_process = Process::Stopping;
                m_router.childStopping();
            } else if (m_process == Process::None) {
                apply(m_router.abandonWaiting(
                    QStringLiteral("server 'fuzz' was stopped"))); // stopped in backoff
            }
        } else if (what == "beat" && m_process == Process::Running) {
            apply(m_router.heartbeat());
        } else if (what.startsWith("tick ")) {
            m_now += qBound(0LL, what.mid(5).toLongLong(), 86'400'000LL);
            apply(m_router.expireHeld());   // what ServerHost's timer does once a deadline passes
        } else if (what.startsWith("max ")) {
            m_router.setMaxInFlight(what.mid(4).toInt());
        } else if (what.startsWith("roots ")) {
            const QList<QByteArray> roots = fuzz::RootsModel::rootsVariant(what.mid(6).toInt());
            m_roots.instanceRootsSet(roots);
            apply(m_router.setInstanceRoots(roots));
        } else if (what == "learnroots") {
            m_router.setLearnsRoots(true);
        } else if (what.startsWith("hold ") && what.size() > 5) {
            const SessionId session = sessionFor(what[5]);
            if (m_model.isConnected(session)) {
                m_router.holdUntilRoots(session);
                if (m_router.isHeld(session))
                    m_roots.held(session, m_router);
            }
        } else if (what.startsWith("release ") && what.size() > 8) {
            const SessionId session = sessionFor(what[8]);
            if (m_model.isConnected(session) && m_router.isHeld(session)) {
                m_roots.released(session);
                apply(m_router.releaseHeld(session));
            }
        }
    }

    QByteArray substitute(QByteArray line, SessionId session) const
    {
        if (!line.contains('$'))
            return line;
        line.replace("$ID", m_model.oldestChildRequest());
        line.replace("$NEW", m_model.newestChildRequest());
        line.replace("$TOK", m_model.newestProgressToken());
        line.replace("$SID", m_model.oldestSessionRequest(session));
        return line;
    }

    void finish()
    {
        // A held session is always released in the end (its roots came, or the broker stopped
        // waiting for them); then its held lines are handled like any other.
        for (SessionId session : m_current) {
            if (m_model.isConnected(session) && m_router.isHeld(session)) {
                m_roots.released(session);
                apply(m_router.releaseHeld(session));
            }
        }
        // The child fails for good: whatever is still open gets its answer now.
        if (m_process != Process::None)
            apply(m_router.childExited(QStringLiteral("server 'fuzz' crashed")));
        apply(m_router.childFailed(QStringLiteral("end of the script")));
        m_model.checkAllAnswered();
        FUZZ_CHECK(m_router.requests().isEmpty(), "requests left after the child failed");
        FUZZ_CHECK(m_router.waitingCount() == 0, "requests waiting after the child failed");
        for (SessionId session : m_model.sessions()) {
            m_model.disconnect(session);
            apply(m_router.removeSession(session));
        }
        FUZZ_CHECK(!m_router.hasSessions(), "sessions left");
        FUZZ_CHECK(m_router.subscribedUris().isEmpty(),
                   "subscriptions left after every session left");
        for (SessionId session : m_current)
            FUZZ_CHECK(!m_router.rootsReported(session) && !m_router.isHeld(session), "roots state left after a session left");
    }

    qint64 m_now = 1'000'000;
    Router m_router{QStringLiteral("fuzz"), [this] { return m_now; }};
    fuzz::RouterModel m_model;
    fuzz::RootsModel m_roots;
    QHash<char, SessionId> m_current; // digit -> its current session
    SessionId m_lastSession = 0;
    Process m_process = Process::None;
    // MANIFOLD_FUZZ_TRACE=1: print each operation and what the router did (to read a crash file).
    const bool m_trace = qEnvironmentVariableIsSet("MANIFOLD_FUZZ_TRACE");
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Harness harness;
    harness.run(fuzz::bytesOf(data, size));
    return 0;
}
