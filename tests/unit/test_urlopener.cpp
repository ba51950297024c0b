#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "remote/urlopener.h"

using manifold::remote::openUrlWithOpener;

TEST(UrlOpener, WithoutTheVariableTheFallbackOpens)
{
    qunsetenv("MANIFOLD_URL_OPENER");
    QUrl opened;
    EXPECT_TRUE(openUrlWithOpener(QUrl(QStringLiteral("https://as.example/auth?x=1")),
                                  [&opened](const QUrl &url) { opened = url; }));
    EXPECT_EQ(opened, QUrl(QStringLiteral("https://as.example/auth?x=1")));
}

TEST(UrlOpener, TheNamedProgramGetsTheUrl)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString script = dir.filePath(QStringLiteral("opener.sh"));
    const QString out = dir.filePath(QStringLiteral("opened.txt"));
    QFile file(script);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(QStringLiteral("#!/bin/sh\nprintf '%s' \"$1\" > '%1.tmp' && mv '%1.tmp' '%1'\n")
                   .arg(out)
                   .toUtf8());
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    qputenv("MANIFOLD_URL_OPENER", script.toLocal8Bit());
    bool fallbackUsed = false;
    const QUrl url(QStringLiteral("https://as.example/auth?state=a%2Bb&x=y"));
    EXPECT_TRUE(openUrlWithOpener(url, [&fallbackUsed](const QUrl &) { fallbackUsed = true; }));
    qunsetenv("MANIFOLD_URL_OPENER");
    EXPECT_FALSE(fallbackUsed);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out), 10000);
    QFile opened(out);
    ASSERT_TRUE(opened.open(QIODevice::ReadOnly));
    EXPECT_EQ(opened.readAll(), url.toEncoded());
}

TEST(UrlOpener, AMissingProgramIsAFailure)
{
    qputenv("MANIFOLD_URL_OPENER", "/nonexistent/opener-program");
    bool fallbackUsed = false;
    EXPECT_FALSE(openUrlWithOpener(QUrl(QStringLiteral("https://as.example/")),
                                   [&](const QUrl &) { fallbackUsed = true; }));
    qunsetenv("MANIFOLD_URL_OPENER");
    EXPECT_FALSE(fallbackUsed);
}
