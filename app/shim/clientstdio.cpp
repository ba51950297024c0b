#include "clientstdio.h"

#include <QSocketNotifier>
#include <QThread>

#include <cerrno>
#include <cstdio>

#ifdef Q_OS_WIN
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace {
constexpr qsizetype ChunkBytes = 64 * 1024;
}

ClientStdio::ClientStdio(QObject *parent) : QObject(parent) {}

ClientStdio::~ClientStdio()
{
    if (m_reader) {
        // Blocked in ReadFile on the client's pipe: it ends with the process, never joined here.
        m_reader->setParent(nullptr);
        m_reader->disconnect(this);
    }
}

#ifndef Q_OS_WIN

void ClientStdio::start()
{
    m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &ClientStdio::readAvailable);
}

void ClientStdio::readAvailable()
{
    char chunk[ChunkBytes];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        m_notifier->setEnabled(false);
        emit closed();
        return;
    }
    emit received(QByteArray(chunk, n));
}

bool ClientStdio::write(QByteArrayView data)
{
    const char *bytes = data.data();
    qsizetype size = data.size();
    while (size > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, bytes, size_t(size));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        bytes += n;
        size -= n;
    }
    return true;
}

#else // Q_OS_WIN

void ClientStdio::start()
{
    _setmode(_fileno(stdout), _O_BINARY);
    HANDLE input = ::GetStdHandle(STD_INPUT_HANDLE);
    m_reader = QThread::create([this, input] {
        QByteArray chunk(ChunkBytes, Qt::Uninitialized);
        for (;;) {
            DWORD n = 0;
            if (!::ReadFile(input, chunk.data(), DWORD(chunk.size()), &n, nullptr) || n == 0)
                break;
            QMetaObject::invokeMethod(
                this, [this, data = chunk.left(qsizetype(n))] { emit received(data); },
                Qt::QueuedConnection);
        }
        QMetaObject::invokeMethod(
            this, [this] { emit closed(); }, Qt::QueuedConnection);
    });
    m_reader->setParent(this);
    m_reader->start();
}

void ClientStdio::readAvailable() {}

bool ClientStdio::write(QByteArrayView data)
{
    HANDLE output = ::GetStdHandle(STD_OUTPUT_HANDLE);
    const char *bytes = data.data();
    qsizetype size = data.size();
    while (size > 0) {
        DWORD n = 0;
        if (!::WriteFile(output, bytes, DWORD(qMin<qsizetype>(size, 1 << 30)), &n, nullptr))
            return false;
        bytes += n;
        size -= n;
    }
    return true;
}

#endif
