#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstring>
#include <utility>

#include "jsonrpc/linebuffer.h"

// Cuts one direction of the relay into whole lines. The shim forwards only complete lines, so a
// peer that goes away mid-line never leaves half a message on the other side, and each line's
// envelope can be looked at once. A line longer than the limit is passed through in pieces as it
// arrives instead of being held (and is not looked at).
class LineSplitter final
{
public:
    explicit LineSplitter(qsizetype maxHeldBytes) : m_maxHeld(maxHeldBytes) {}

    // onLine(QByteArrayView line) sees each complete line (without its '\n') and returns false to
    // drop it. onBytes(QByteArrayView bytes) gets what is ready to relay, in order: runs of kept
    // lines with their '\n' (one call for many lines), or pieces of an over-long line.
    template <typename OnLine, typename OnBytes>
    void feed(QByteArrayView data, OnLine &&onLine, OnBytes &&onBytes)
    {
        qsizetype pos = 0;
        if (m_passing || !m_held.isEmpty()) {
            const qsizetype newline = indexOfNewline(data, 0);
            if (newline < 0) {
                if (m_passing && !m_dropping)
                    onBytes(data);
                else if (!m_passing)
                    hold(data, onBytes);
                return;
            }
            if (m_passing) {
                if (!m_dropping)
                    onBytes(data.first(newline + 1));
                m_passing = false;
                m_dropping = false;
            } else {
                manifold::LineBuffer::appendInPlace(m_held, data.first(newline + 1));
                const QByteArray line = std::exchange(m_held, {});
                emitLines(line, onLine, onBytes);
            }
            pos = newline + 1;
        }
        QByteArrayView rest = data.sliced(pos);
        const qsizetype last = rest.lastIndexOf('\n');
        if (last >= 0) {
            emitLines(rest.first(last + 1), onLine, onBytes);
            rest = rest.sliced(last + 1);
        }
        if (!rest.isEmpty())
            hold(rest, onBytes);
    }

    // Bytes of an unfinished line were held or passed on.
    bool midLine() const { return m_passing || !m_held.isEmpty(); }
    // Inside an over-long line whose start has already been relayed.
    bool passingLongLine() const { return m_passing; }
    // The unfinished line held so far (nothing of it was relayed), and forgets it.
    QByteArray takeHeld() { return std::exchange(m_held, {}); }
    // The rest of an over-long line in progress is dropped, not relayed (its start went to a
    // peer that is gone).
    void dropRestOfLongLine() { m_dropping = m_passing; }
    // Forgets the unfinished line.
    void reset()
    {
        m_held.clear();
        m_passing = false;
        m_dropping = false;
    }

private:
    static qsizetype indexOfNewline(QByteArrayView data, qsizetype from)
    {
        const void *found = std::memchr(data.data() + from, '\n', size_t(data.size() - from));
        return found ? static_cast<const char *>(found) - data.data() : -1;
    }

    // region holds complete lines only, each ending in '\n'.
    template <typename OnLine, typename OnBytes>
    void emitLines(QByteArrayView region, OnLine &onLine, OnBytes &onBytes)
    {
        qsizetype keptFrom = 0;
        qsizetype pos = 0;
        while (pos < region.size()) {
            const qsizetype newline = indexOfNewline(region, pos);
            if (!onLine(region.sliced(pos, newline - pos))) {
                if (pos > keptFrom)
                    onBytes(region.sliced(keptFrom, pos - keptFrom));
                keptFrom = newline + 1;
            }
            pos = newline + 1;
        }
        if (keptFrom < region.size())
            onBytes(region.sliced(keptFrom));
    }

    template <typename OnBytes> void hold(QByteArrayView bytes, OnBytes &onBytes)
    {
        manifold::LineBuffer::appendInPlace(m_held, bytes);
        if (m_held.size() <= m_maxHeld)
            return;
        onBytes(m_held);
        m_held.clear();
        m_passing = true;
    }

    QByteArray m_held; // the start of a line whose '\n' has not arrived
    qsizetype m_maxHeld;
    bool m_passing = false;  // inside an over-long line: its bytes go straight through
    bool m_dropping = false; // ... or are dropped
};
