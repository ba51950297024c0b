#pragma once

#include <QByteArray>
#include <QList>

namespace manifold {

// Hides known secret values (keychain-held env and header values) in captured message bodies
// before they are shown or exported. Plain substring replacement — no patterns, so no input can
// make it slow — of each value as written and as it appears inside a JSON string (escaped).
// Values shorter than MinSecretLength are ignored: masking "1" would shred every body.
class SecretMask final
{
public:
    static constexpr qsizetype MinSecretLength = 4;
    static constexpr QByteArrayView Placeholder = "********";

    void setSecrets(const QList<QByteArray> &values);
    bool isEmpty() const { return m_needles.isEmpty(); }
    QByteArray apply(QByteArray body) const;

private:
    QList<QByteArray> m_needles;   // longest first, so a secret containing another goes whole
};

} // namespace manifold
