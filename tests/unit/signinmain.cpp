#include <QCoreApplication>

#include <gtest/gtest.h>

// GoogleTest with a Qt event loop: the loopback receiver's tests wait on signals.
int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
