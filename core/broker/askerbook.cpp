#include "askerbook.h"

#include <algorithm>

namespace manifold {

bool AskerBook::isKeyed(QByteArrayView method)
{
    return method == "tools/call" || method == "prompts/get" || method == "resources/read";
}

QByteArray AskerBook::callKey(QByteArrayView method, QByteArrayView nameOrUri)
{
    if (!isKeyed(method))
        return {};
    QByteArray key;
    key.reserve(method.size() + 1 + nameOrUri.size());
    return key.append(method).append(':').append(nameOrUri);
}

bool AskerBook::learnAsker(const QByteArray &key)
{
    if (key.isEmpty() || m_askers.contains(key))
        return false;
    m_plain.remove(key);
    m_askers.insert(key);
    return true;
}

void AskerBook::learnPlain(const QByteArray &key)
{
    if (!key.isEmpty() && !m_askers.contains(key))
        m_plain.insert(key);
}

void AskerBook::addAskers(const QStringList &keys)
{
    for (const QString &key : keys)
        learnAsker(key.toUtf8());
}

QStringList AskerBook::askers() const
{
    QStringList list;
    list.reserve(m_askers.size());
    for (const QByteArray &key : m_askers)
        list.append(QString::fromUtf8(key));
    std::sort(list.begin(), list.end());
    return list;
}

} // namespace manifold
