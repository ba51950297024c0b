#pragma once

#include <QByteArray>
#include <QFile>
#include <QTemporaryDir>
#include <QtGlobal>

namespace testsupport {

// A home of this test process's own, for it and everything it starts. A broker or tray app
// started by a test points the shim launcher and the autostart entry it finds under $HOME at the
// build tree, and saves its settings there: none of that may touch the developer's own. Made
// first thing in main(), before the application object, and kept until main() returns.
class PrivateHome final
{
public:
    PrivateHome()
    {
        if (!m_dir.isValid())
            return;
        const QByteArray home = QFile::encodeName(m_dir.path());
        qputenv("HOME", home);
        qputenv("XDG_CONFIG_HOME", home + "/.config");
        qputenv("XDG_DATA_HOME", home + "/.local/share");
        qputenv("XDG_STATE_HOME", home + "/.local/state");
    }
    bool isValid() const { return m_dir.isValid(); }

private:
    QTemporaryDir m_dir;
};

} // namespace testsupport
