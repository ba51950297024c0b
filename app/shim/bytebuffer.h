#pragma once

#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

namespace manifold::shim {

// A growable byte buffer that grows with realloc(), never by allocating a copy: a large line
// (a block of its own, see platform::tuneAllocator()) has its pages moved rather than copied, so
// it is resident once while it arrives. std::string would hold old and new blocks at once.
class ByteBuffer final
{
public:
    ByteBuffer() = default;
    ByteBuffer(const ByteBuffer &) = delete;
    ByteBuffer &operator=(const ByteBuffer &) = delete;
    ByteBuffer(ByteBuffer &&other) noexcept
        : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
          m_capacity(std::exchange(other.m_capacity, 0))
    {
    }
    ByteBuffer &operator=(ByteBuffer &&other) noexcept
    {
        std::swap(m_data, other.m_data);
        std::swap(m_size, other.m_size);
        std::swap(m_capacity, other.m_capacity);
        return *this;
    }
    ~ByteBuffer() { std::free(m_data); }

    const char *data() const { return m_data; }
    char *data() { return m_data; }
    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    size_t capacity() const { return m_capacity; }
    std::string_view view() const { return std::string_view(m_data, m_size); }

    void append(std::string_view bytes)
    {
        if (bytes.empty())
            return;
        std::memcpy(grow(bytes.size()), bytes.data(), bytes.size());
        m_size += bytes.size();
    }
    // Room for at least n more bytes at data() + size(); commit what was written with added().
    char *grow(size_t n)
    {
        if (m_size + n > m_capacity) {
            size_t capacity = m_capacity < 256 ? 256 : m_capacity;
            while (capacity < m_size + n)
                capacity *= 2;
            void *moved = std::realloc(m_data, capacity);
            if (!moved)
                throw std::bad_alloc();
            m_data = static_cast<char *>(moved);
            m_capacity = capacity;
        }
        return m_data + m_size;
    }
    void added(size_t n) { m_size += n; }
    // Drops the first n bytes.
    void consume(size_t n)
    {
        if (n >= m_size) {
            m_size = 0;
            return;
        }
        std::memmove(m_data, m_data + n, m_size - n);
        m_size -= n;
    }
    void clear() { m_size = 0; }
    // Empties it; a large block goes back to the system at once, a small one is kept for reuse.
    void reset()
    {
        if (m_capacity > KeptCapacity)
            release();
        else
            m_size = 0;
    }
    // Empties it and gives the memory back.
    void release()
    {
        std::free(m_data);
        m_data = nullptr;
        m_size = m_capacity = 0;
    }

    static constexpr size_t KeptCapacity = 256 * 1024;

private:
    char *m_data = nullptr;
    size_t m_size = 0;
    size_t m_capacity = 0;
};

} // namespace manifold::shim
