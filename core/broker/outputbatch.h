#pragma once

#include <QList>
#include <QObject>
#include <QPointer>

#include <utility>

namespace manifold {

// While one is open (on this thread), writers (sessions, a child's stdin) hold back the system
// call for what they are given and write it all at once when the outermost batch closes: the
// replies that one read from a child, or the requests that one pass over a client's lines,
// produces leave in one write per destination instead of one per line. Opened around
// synchronous work only; nothing waits on it.
class OutputBatch final
{
public:
    using Flush = void (*)(QObject *writer);

    OutputBatch() { ++state().depth; }
    ~OutputBatch();
    OutputBatch(const OutputBatch &) = delete;
    OutputBatch &operator=(const OutputBatch &) = delete;

    // False when no batch is open: the caller writes now. Otherwise flush(writer) runs when the
    // outermost batch closes, unless the writer is gone by then. Call once per batch per writer.
    static bool defer(QObject *writer, Flush flush);

private:
    struct State
    {
        int depth = 0;
        QList<std::pair<QPointer<QObject>, Flush>> pending;
    };
    static State &state();
};

} // namespace manifold
