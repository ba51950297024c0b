#pragma once

#include <QString>

#include <memory>

namespace manifold {

// Starting the tray app when the user logs in: an XDG autostart entry on Linux, a LaunchAgent on
// macOS, the Run key on Windows. Each registers `<executable> --minimized`.
class Autostart
{
public:
    virtual ~Autostart() = default;
    virtual bool isEnabled() const = 0;
    virtual bool setEnabled(bool enabled, QString *error) = 0;

    // The implementation for this platform, registering the running binary.
    static std::unique_ptr<Autostart> create();
};

#if !defined(Q_OS_MACOS) && !defined(Q_OS_WIN)
// ~/.config/autostart/manifold.desktop (honouring $XDG_CONFIG_HOME).
class XdgAutostart final : public Autostart
{
public:
    // Empty arguments: the default file and the running binary.
    explicit XdgAutostart(QString desktopFile = {}, QString executable = {});

    bool isEnabled() const override;
    bool setEnabled(bool enabled, QString *error) override;
    QString desktopFile() const { return m_desktopFile; }

    static QString defaultDesktopFile();

private:
    QString m_desktopFile;
    QString m_executable;
};
#endif

} // namespace manifold
