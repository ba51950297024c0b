#pragma once

#include <QList>
#include <QPointer>

namespace manifold {

class Session;

// While one is open (on this thread), sessions hold back the socket write of the lines they are
// given and write them all in one system call when the outermost batch closes: the replies that
// one read from a child, or one pass over a client's lines, produces leave in one write per
// session instead of one per line. Opened around synchronous work only; nothing waits on it.
class OutputBatch final
{
public:
    OutputBatch() { ++state().depth; }
    ~OutputBatch();
    OutputBatch(const OutputBatch &) = delete;
    OutputBatch &operator=(const OutputBatch &) = delete;

    // False when no batch is open: the caller writes now.
    static bool defer(Session *session);

private:
    struct State
    {
        int depth = 0;
        QList<QPointer<Session>> pending;
    };
    static State &state();
};

} // namespace manifold
