#include <QCoreApplication>
#include <QLocale>

#include <gtest/gtest.h>

#include <csignal>

// GoogleTest with a Qt event loop: the models are GUI-free, so a QCoreApplication is enough.
int main(int argc, char **argv)
{
    std::signal(SIGPIPE, SIG_IGN);
    QCoreApplication app(argc, argv);
    QLocale::setDefault(QLocale::c()); // formatted numbers and sizes the tests can spell out
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
