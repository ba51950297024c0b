#pragma once

#include "bytebuffer.h"

#include <cstring>
#include <string_view>

namespace manifold::shim {

// Cuts one direction of the relay into whole lines. The shim forwards only complete lines, so a
// peer that goes away mid-line never leaves half a message on the other side, and each line's
// envelope can be looked at once. A line longer than the limit is passed through in pieces as it
// arrives instead of being held (and is not looked at).
class LineSplitter final
{
public:
    explicit LineSplitter(size_t maxHeldBytes) : m_maxHeld(maxHeldBytes) {}

    // onLine(std::string_view line) sees each complete line (without its '\n') and returns false
    // to drop it. onBytes(std::string_view bytes) gets what is ready to relay, in order: runs of
    // kept lines with their '\n' (one call for many lines), or pieces of an over-long line.
    template <typename OnLine, typename OnBytes>
    void feed(std::string_view data, OnLine &&onLine, OnBytes &&onBytes)
    {
        size_t pos = 0;
        if (m_passing || !m_held.empty()) {
            const size_t newline = data.find('\n');
            if (newline == std::string_view::npos) {
                if (m_passing && !m_dropping)
                    onBytes(data);
                else if (!m_passing)
                    hold(data, onBytes);
                return;
            }
            if (m_passing) {
                if (!m_dropping)
                    onBytes(data.substr(0, newline + 1));
                m_passing = false;
                m_dropping = false;
            } else {
                m_held.append(data.substr(0, newline + 1));
                ByteBuffer line = std::move(m_held);
                emitLines(line.view(), onLine, onBytes);
                line.clear();
                if (line.capacity() <= ByteBuffer::KeptCapacity)
                    m_held = std::move(line); // a small block is reused; a large one is freed
            }
            pos = newline + 1;
        }
        std::string_view rest = data.substr(pos);
        const size_t last = rest.rfind('\n');
        if (last != std::string_view::npos) {
            emitLines(rest.substr(0, last + 1), onLine, onBytes);
            rest = rest.substr(last + 1);
        }
        if (!rest.empty())
            hold(rest, onBytes);
    }

    // Bytes of an unfinished line were held or passed on.
    bool midLine() const { return m_passing || !m_held.empty(); }
    // Inside an over-long line whose start has already been relayed.
    bool passingLongLine() const { return m_passing; }
    // Bytes of an unfinished line are held (none of them relayed yet).
    bool holding() const { return !m_held.empty(); }
    // The unfinished line held so far (nothing of it was relayed), and forgets it.
    std::string takeHeld()
    {
        std::string held(m_held.view());
        m_held.reset();
        return held;
    }
    // The rest of an over-long line in progress is dropped, not relayed (its start went to a
    // peer that is gone).
    void dropRestOfLongLine() { m_dropping = m_passing; }
    // Forgets the unfinished line.
    void reset()
    {
        m_held.reset();
        m_passing = false;
        m_dropping = false;
    }

private:
    // region holds complete lines only, each ending in '\n'.
    template <typename OnLine, typename OnBytes>
    void emitLines(std::string_view region, OnLine &onLine, OnBytes &onBytes)
    {
        size_t keptFrom = 0;
        size_t pos = 0;
        while (pos < region.size()) {
            const char *newlineAt =
                static_cast<const char *>(std::memchr(region.data() + pos, '\n', region.size() - pos));
            const size_t newline = size_t(newlineAt - region.data());
            if (!onLine(region.substr(pos, newline - pos))) {
                if (pos > keptFrom)
                    onBytes(region.substr(keptFrom, pos - keptFrom));
                keptFrom = newline + 1;
            }
            pos = newline + 1;
        }
        if (keptFrom < region.size())
            onBytes(region.substr(keptFrom));
    }

    template <typename OnBytes> void hold(std::string_view bytes, OnBytes &onBytes)
    {
        m_held.append(bytes);
        if (m_held.size() <= m_maxHeld)
            return;
        onBytes(m_held.view());
        m_held.reset();
        m_passing = true;
    }

    ByteBuffer m_held; // the start of a line whose '\n' has not arrived
    size_t m_maxHeld;
    bool m_passing = false;  // inside an over-long line: its bytes go straight through
    bool m_dropping = false; // ... or are dropped
};

} // namespace manifold::shim
