#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <gtest/gtest.h>

#include "remote/loopbackreceiver.h"

using manifold::remote::LoopbackReceiver;

namespace {

struct Answer
{
    int status = 0;
    QByteArray body;
};

Answer get(const QString &url)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(QUrl(url)));
    const bool finished = QTest::qWaitFor([reply]() { return reply->isFinished(); }, 10000);
    Answer answer;
    if (finished) {
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
    }
    delete reply;
    return answer;
}

class LoopbackReceiverTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        QString error;
        ASSERT_TRUE(m_receiver.listen(&error)) << error.toStdString();
    }

    QString callback(const QString &query) const
    {
        return m_receiver.redirectUri() + QLatin1Char('?') + query;
    }

    LoopbackReceiver m_receiver{QStringLiteral("linear"), QByteArrayLiteral("the-state"),
                                QStringLiteral("http://127.0.0.1:4455"), false};
    QSignalSpy m_codes{&m_receiver, &LoopbackReceiver::codeReceived};
    QSignalSpy m_failures{&m_receiver, &LoopbackReceiver::failed};
};

} // namespace

TEST_F(LoopbackReceiverTest, ListensOnLoopbackOnly)
{
    EXPECT_TRUE(m_receiver.redirectUri().startsWith(QLatin1String("http://127.0.0.1:")));
    EXPECT_TRUE(m_receiver.redirectUri().endsWith(QLatin1String("/callback")));
    EXPECT_NE(m_receiver.port(), 0);
    // Not reachable on another address of this host (it is bound to 127.0.0.1 only).
    QTcpSocket socket;
    socket.connectToHost(QHostAddress(QStringLiteral("127.0.0.2")), m_receiver.port());
    const bool connected = socket.waitForConnected(2000);
    EXPECT_FALSE(connected);
}

TEST_F(LoopbackReceiverTest, AcceptsTheMatchingRedirect)
{
    EXPECT_EQ(get(m_receiver.redirectUri().replace(QLatin1String("/callback"),
                                                   QLatin1String("/favicon.ico")))
                  .status,
              404);
    const Answer answer = get(
        callback(QStringLiteral("code=abc%2B1&state=the-state&iss=http%3A%2F%2F127.0.0.1%3A4455")));
    EXPECT_EQ(answer.status, 200);
    EXPECT_TRUE(answer.body.contains("Signed in to linear"));
    ASSERT_EQ(m_codes.count(), 1);
    EXPECT_EQ(m_codes.at(0).at(0).toString(), QStringLiteral("abc+1"));
    EXPECT_EQ(m_failures.count(), 0);
    EXPECT_FALSE(m_receiver.isListening());
}

TEST_F(LoopbackReceiverTest, RefusesAnotherState)
{
    const Answer answer = get(callback(QStringLiteral("code=abc&state=not-ours")));
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(m_codes.count(), 0);
    ASSERT_EQ(m_failures.count(), 1);
    EXPECT_TRUE(m_failures.at(0).at(0).toString().contains(QLatin1String("state")));
}

TEST_F(LoopbackReceiverTest, RefusesAnotherIssuer)
{
    const Answer answer =
        get(callback(QStringLiteral("code=abc&state=the-state&iss=https%3A%2F%2Fevil.example")));
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(m_codes.count(), 0);
    ASSERT_EQ(m_failures.count(), 1);
    EXPECT_TRUE(m_failures.at(0).at(0).toString().contains(QLatin1String("evil.example")));
}

TEST_F(LoopbackReceiverTest, ShowsTheServersError)
{
    const Answer answer = get(callback(
        QStringLiteral("error=access_denied&error_description=End-User+aborted&state=the-state")));
    EXPECT_EQ(answer.status, 200);
    EXPECT_TRUE(answer.body.contains("access_denied"));
    ASSERT_EQ(m_failures.count(), 1);
    EXPECT_TRUE(m_failures.at(0).at(0).toString().contains(QLatin1String("End-User aborted")));
}

TEST(LoopbackReceiver, RequiresTheIssuerWhenAdvertised)
{
    LoopbackReceiver receiver(QStringLiteral("linear"), "s", QStringLiteral("https://as.example"),
                              true);
    QSignalSpy failures(&receiver, &LoopbackReceiver::failed);
    QString error;
    ASSERT_TRUE(receiver.listen(&error));
    get(receiver.redirectUri() + QStringLiteral("?code=abc&state=s"));
    EXPECT_EQ(failures.count(), 1);
}

TEST(LoopbackReceiver, TimesOut)
{
    LoopbackReceiver receiver(QStringLiteral("linear"), "s", QString(), false);
    QSignalSpy failures(&receiver, &LoopbackReceiver::failed);
    QString error;
    ASSERT_TRUE(receiver.listen(&error, 50));
    ASSERT_TRUE(failures.wait(5000));
    EXPECT_TRUE(failures.at(0).at(0).toString().contains(QLatin1String("timed out")));
    EXPECT_FALSE(receiver.isListening());
}
