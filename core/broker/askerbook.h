#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QSet>
#include <QStringList>

namespace manifold {

// What a Router has learned about its server's calls: which ones make the server send a request
// to a client while they run ("askers": sampling, elicitation, ...), and which ones completed
// without doing so ("plain"). A call is named by its key, e.g. "tools/call:search".
class AskerBook final
{
public:
    // "tools/call:<name>", "prompts/get:<name>" or "resources/read:<uri>"; empty for every other
    // method: those never ask (lists, ping, completion, subscriptions, setLevel, tasks/*).
    static QByteArray callKey(QByteArrayView method, QByteArrayView nameOrUri);
    // Whether method's key is made from params.uri rather than params.name.
    static bool keyedByUri(QByteArrayView method) { return method == "resources/read"; }
    static bool isKeyed(QByteArrayView method);

    // Unknown and asking calls may ask; plain ones and keyless methods do not.
    bool mayAsk(const QByteArray &key) const { return !key.isEmpty() && !m_plain.contains(key); }
    bool isAsker(const QByteArray &key) const { return m_askers.contains(key); }
    bool isPlain(const QByteArray &key) const { return m_plain.contains(key); }

    // True if key was not known to ask before. Asking outranks any earlier plain run: a call
    // that asks only sometimes is an asker.
    bool learnAsker(const QByteArray &key);
    // A clean run: remembered unless key is already known to ask.
    void learnPlain(const QByteArray &key);
    void addAskers(const QStringList &keys);
    QStringList askers() const;   // sorted

private:
    QSet<QByteArray> m_askers;
    QSet<QByteArray> m_plain;
};

} // namespace manifold
