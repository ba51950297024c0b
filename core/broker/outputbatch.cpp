#include "broker/outputbatch.h"

namespace manifold {

OutputBatch::State &OutputBatch::state()
{
    static thread_local State current;
    return current;
}

OutputBatch::~OutputBatch()
{
    State &current = state();
    if (--current.depth > 0)
        return;
    // Still open while flushing: a writer that a flush hands more to is deferred again and
    // flushed by this same loop (an index loop, as the list may grow).
    ++current.depth;
    for (qsizetype i = 0; i < current.pending.size(); ++i) {
        const auto [writer, flush] = current.pending.at(i);
        if (writer)
            flush(writer.data());
    }
    current.pending.clear();
    --current.depth;
}

bool OutputBatch::defer(QObject *writer, Flush flush)
{
    State &current = state();
    if (current.depth == 0)
        return false;
    current.pending.append({writer, flush});
    return true;
}

} // namespace manifold
