#pragma once

#include <QCoreApplication>
#include <QSpinBox>

namespace manifold {

// The spin box for maxQueuedBytes, the bytes a server may have waiting for one client that does
// not read: MiB in the UI, bytes in the configuration, 0 = the broker-wide default.
namespace UnreadLimitBox {

inline void configure(QSpinBox *box)
{
    box->setObjectName(QStringLiteral("unreadLimit"));
    box->setRange(0, 2047);   // maxQueuedBytes is an int of bytes in servers.json
    box->setSuffix(QCoreApplication::translate("UnreadLimitBox", " MiB"));
    box->setSpecialValueText(QCoreApplication::translate("UnreadLimitBox", "Default"));
    box->setToolTip(QCoreApplication::translate(
        "UnreadLimitBox", "How much may wait for a client that stops reading before Manifold disconnects "
                          "it, so that it cannot use up memory or slow the server's other clients. "
                          "Default: the value in Preferences (64 MiB unless changed)."));
}

inline int toMiB(qint64 bytes)
{
    return int((bytes + 1024 * 1024 - 1) / (1024 * 1024));
}

inline qint64 toBytes(int mebibytes)
{
    return qint64(mebibytes) * 1024 * 1024;
}

} // namespace UnreadLimitBox

} // namespace manifold
