// Session's writes inside an OutputBatch: held back until the batch closes, then written in
// order in one go; past DeferredBytesLimit they go at once; a client that does not read is still
// cut off at its cap; a session gone before the batch closes is skipped.
#include "broker/outputbatch.h"
#include "broker/session.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QUuid>

#include <gtest/gtest.h>

#include <memory>

using manifold::OutputBatch;
using manifold::Session;

namespace {

class SessionBatchTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        static int argc = 1;
        static char name[] = "test_sessionbatch";
        static char *argv[] = {name, nullptr};
        if (!QCoreApplication::instance())
            new QCoreApplication(argc, argv);
    }

    void SetUp() override
    {
        ASSERT_TRUE(m_server.listen(QStringLiteral("manifold-test-batch-") + QUuid::createUuid().toString(QUuid::Id128)));
        m_client.connectToServer(m_server.fullServerName());
        ASSERT_TRUE(m_client.waitForConnected(5000));
        ASSERT_TRUE(m_server.waitForNewConnection(5000));
        QLocalSocket *accepted = m_server.nextPendingConnection();
        ASSERT_NE(accepted, nullptr);
        m_session = std::make_unique<Session>(1, accepted, manifold::Hello(), 1024 * 1024, m_cap);
        m_session->begin({});
    }

    // Everything the client receives until it holds `lines` lines (or the deadline passes).
    QList<QByteArray> readLines(int lines, int timeoutMs = 10000)
    {
        QList<QByteArray> got;
        QElapsedTimer waited;
        waited.start();
        while (got.size() < lines && waited.elapsed() < timeoutMs) {
            if (!m_client.canReadLine()) {
                m_client.waitForReadyRead(100);
                QCoreApplication::processEvents();
                continue;
            }
            got.append(m_client.readLine().chopped(1));
        }
        return got;
    }

    qint64 m_cap = 4 * 1024 * 1024;
    QLocalServer m_server;
    QLocalSocket m_client;
    std::unique_ptr<Session> m_session;
};

QByteArray lineNumbered(int i, int size = 40)
{
    QByteArray line = "{\"n\":" + QByteArray::number(i) + ",\"pad\":\"";
    line.append(QByteArray(qMax(0, size - int(line.size()) - 2), 'x'));
    return line + "\"}";
}

} // namespace

TEST_F(SessionBatchTest, LinesWaitForTheBatchThenLeaveInOrder)
{
    {
        const OutputBatch batch;
        for (int i = 0; i < 100; ++i)
            m_session->send(lineNumbered(i));
        // Held back: all of it still counts as queued in the session.
        EXPECT_EQ(m_session->queuedBytes(), 100 * 41);
    }
    EXPECT_EQ(m_session->queuedBytes(), 0);   // written by the batch's end, not a later pass
    const QList<QByteArray> got = readLines(100);
    ASSERT_EQ(got.size(), 100);
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(got[i], lineNumbered(i)) << i;
}

TEST_F(SessionBatchTest, WithoutABatchEachLineIsWrittenAtOnce)
{
    m_session->send(lineNumbered(7));
    EXPECT_EQ(m_session->queuedBytes(), 0);
    EXPECT_EQ(readLines(1), QList<QByteArray>{lineNumbered(7)});
}

TEST_F(SessionBatchTest, PastTheDeferredLimitLinesGoWithoutWaitingForTheBatch)
{
    const int size = 8 * 1024;
    const int count = int(Session::DeferredBytesLimit / size) + 4;
    {
        const OutputBatch batch;
        for (int i = 0; i < count; ++i)
            m_session->send(lineNumbered(i, size));
        EXPECT_LT(m_session->queuedBytes(), Session::DeferredBytesLimit);
    }
    const QList<QByteArray> got = readLines(count);
    ASSERT_EQ(got.size(), count);
    for (int i = 0; i < count; ++i)
        EXPECT_EQ(got[i], lineNumbered(i, size)) << i;
}

TEST_F(SessionBatchTest, AClientThatDoesNotReadIsStillCutAtItsCap)
{
    m_session->setMaxQueuedBytes(256 * 1024);
    QSignalSpy overflowed(m_session.get(), &Session::overflowed);
    const QByteArray big = lineNumbered(0, 32 * 1024);
    {
        const OutputBatch batch;
        // Far more than the kernel buffers, the socket window and the cap hold together.
        for (int i = 0; i < 400 && overflowed.isEmpty(); ++i)
            m_session->send(big);
    }
    EXPECT_EQ(overflowed.size(), 1);
}

TEST_F(SessionBatchTest, ASessionGoneBeforeTheBatchClosesIsSkipped)
{
    {
        const OutputBatch batch;
        m_session->send(lineNumbered(1));
        m_session.reset();
    }
    SUCCEED();   // no use of the deleted session (ASan would say otherwise)
}

TEST(OutputBatch, NestedBatchesFlushOnceTheOutermostCloses)
{
    static int flushed = 0;
    flushed = 0;
    QObject writer;
    const auto flush = [](QObject *) { ++flushed; };
    EXPECT_FALSE(OutputBatch::defer(&writer, flush));
    {
        const OutputBatch outer;
        {
            const OutputBatch inner;
            EXPECT_TRUE(OutputBatch::defer(&writer, flush));
        }
        EXPECT_EQ(flushed, 0);
    }
    EXPECT_EQ(flushed, 1);
}
