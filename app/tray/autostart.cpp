#include "autostart.h"

#include "platform/appimage.h"
#include "platform/atomicfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace manifold {

#if !defined(Q_OS_MACOS) && !defined(Q_OS_WIN)

namespace {

// Desktop Entry Exec quoting: wrap in double quotes, escape ", `, $ and \.
QString quoteExec(const QString &path)
{
    QString quoted;
    for (const QChar c : path) {
        if (c == QLatin1Char('"') || c == QLatin1Char('`') || c == QLatin1Char('$') || c == QLatin1Char('\\'))
            quoted += QLatin1Char('\\');
        quoted += c;
    }
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

// Inside an AppImage, the image file: the running binary sits in a mount that is gone at logout.
QString runningProgram()
{
    const QString image = platform::appImageFile();
    return image.isEmpty() ? QCoreApplication::applicationFilePath() : image;
}

} // namespace

XdgAutostart::XdgAutostart(QString desktopFile, QString executable)
    : m_desktopFile(desktopFile.isEmpty() ? defaultDesktopFile() : std::move(desktopFile))
    , m_executable(executable.isEmpty() ? runningProgram() : std::move(executable))
{
}

QString XdgAutostart::defaultDesktopFile()
{
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (base.isEmpty() || !QDir::isAbsolutePath(base))
        base = QDir::homePath() + QStringLiteral("/.config");
    return base + QStringLiteral("/autostart/manifold.desktop");
}

bool XdgAutostart::isEnabled() const
{
    QFile file(m_desktopFile);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray content = file.readAll();
    return !content.contains("\nHidden=true") && !content.contains("X-GNOME-Autostart-enabled=false");
}

bool XdgAutostart::setEnabled(bool enabled, QString *error)
{
    if (!enabled) {
        if (QFile::exists(m_desktopFile) && !QFile::remove(m_desktopFile)) {
            if (error)
                *error = QStringLiteral("cannot remove %1").arg(m_desktopFile);
            return false;
        }
        return true;
    }
    if (!QDir().mkpath(QFileInfo(m_desktopFile).absolutePath())) {
        if (error)
            *error = QStringLiteral("cannot create %1").arg(QFileInfo(m_desktopFile).absolutePath());
        return false;
    }
    const QString entry = QStringLiteral("[Desktop Entry]\n"
                                         "Type=Application\n"
                                         "Name=Manifold\n"
                                         "Comment=Share one MCP server process between every MCP client\n"
                                         "Exec=%1 --minimized\n"
                                         "Icon=manifold\n"
                                         "Terminal=false\n"
                                         "X-GNOME-Autostart-enabled=true\n")
                              .arg(quoteExec(m_executable));
    return platform::writeFileAtomically(m_desktopFile, entry.toUtf8(), {}, error);
}

std::unique_ptr<Autostart> Autostart::create()
{
    return std::make_unique<XdgAutostart>();
}

#elif defined(Q_OS_MACOS)

namespace {

class LaunchAgentAutostart final : public Autostart
{
public:
    QString path() const
    {
        return QDir::homePath() + QStringLiteral("/Library/LaunchAgents/org.manifold.tray.plist");
    }
    bool isEnabled() const override { return QFile::exists(path()); }
    bool setEnabled(bool enabled, QString *error) override
    {
        if (!enabled)
            return !QFile::exists(path()) || QFile::remove(path());
        QDir().mkpath(QFileInfo(path()).absolutePath());
        const QString exe = QCoreApplication::applicationFilePath().toHtmlEscaped();
        const QByteArray plist = QStringLiteral(
                                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                     "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                                     "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                                     "<plist version=\"1.0\"><dict>\n"
                                     "<key>Label</key><string>org.manifold.tray</string>\n"
                                     "<key>ProgramArguments</key><array><string>%1</string>"
                                     "<string>--minimized</string></array>\n"
                                     "<key>RunAtLoad</key><true/>\n"
                                     "</dict></plist>\n")
                                     .arg(exe)
                                     .toUtf8();
        return manifold::platform::writeFileAtomically(path(), plist,
                                                       QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                           QFileDevice::ReadGroup | QFileDevice::ReadOther,
                                                       error);
    }
};

} // namespace

std::unique_ptr<Autostart> Autostart::create()
{
    return std::make_unique<LaunchAgentAutostart>();
}

#else // Q_OS_WIN

namespace {

class RunKeyAutostart final : public Autostart
{
public:
    RunKeyAutostart()
        : m_settings(QStringLiteral("HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"),
                     QSettings::NativeFormat)
    {
    }
    bool isEnabled() const override { return m_settings.contains(QStringLiteral("Manifold")); }
    bool setEnabled(bool enabled, QString *error) override
    {
        if (enabled) {
            m_settings.setValue(QStringLiteral("Manifold"),
                                QStringLiteral("\"%1\" --minimized")
                                    .arg(QDir::toNativeSeparators(QCoreApplication::applicationFilePath())));
        } else {
            m_settings.remove(QStringLiteral("Manifold"));
        }
        m_settings.sync();
        if (m_settings.status() != QSettings::NoError) {
            if (error)
                *error = QStringLiteral("cannot write the Run key");
            return false;
        }
        return true;
    }

private:
    QSettings m_settings;
};

} // namespace

std::unique_ptr<Autostart> Autostart::create()
{
    return std::make_unique<RunKeyAutostart>();
}

#endif

} // namespace manifold
