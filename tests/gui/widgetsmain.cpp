#include "trayapp.h"

#include <QApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <csignal>

// GoogleTest with a QApplication: the tray widgets, translated like the app for the system locale.
int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    // Test discovery runs the binary without the test environment, and maybe without a display.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM") && !qEnvironmentVariableIsSet("DISPLAY") &&
        !qEnvironmentVariableIsSet("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true); // QSettings and autostart files stay out of $HOME
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("manifold-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("manifold-tray-tests"));
    // ctest runs every test in its own process, several at once: each process gets settings of
    // its own, so one test clearing or saving the map's settings cannot race another reading them.
    QTemporaryDir settingsDir;
    if (!settingsDir.isValid())
        return 1;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
    manifold::TrayApp::installTranslators(&app);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
