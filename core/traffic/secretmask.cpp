#include "traffic/secretmask.h"

#include "jsonrpc/jsonscan.h"

#include <algorithm>

namespace manifold {

void SecretMask::setSecrets(const QList<QByteArray> &values)
{
    m_needles.clear();
    for (const QByteArray &value : values) {
        if (value.size() < MinSecretLength)
            continue;
        m_needles.append(value);
        // Inside a JSON string the value appears escaped: "a\"b" for a"b, \\ for \, \n, ...
        const QByteArray quoted = json::encodeString(value);
        const QByteArray escaped = quoted.mid(1, quoted.size() - 2);
        if (escaped != value)
            m_needles.append(escaped);
    }
    std::sort(m_needles.begin(), m_needles.end(),
              [](const QByteArray &a, const QByteArray &b) { return a.size() != b.size() ? a.size() > b.size() : a < b; });
    m_needles.erase(std::unique(m_needles.begin(), m_needles.end()), m_needles.end());
}

QByteArray SecretMask::apply(QByteArray body) const
{
    for (const QByteArray &needle : m_needles)
        body.replace(needle, Placeholder.toByteArray());
    return body;
}

} // namespace manifold
