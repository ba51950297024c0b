// Shared by the fuzz targets: a failed invariant aborts, so libFuzzer (or the replay driver)
// stops at the input that broke it and reports where.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                                \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n  %s\n", __FILE__, __LINE__,        \
                         #condition, QByteArray(what).constData());                                \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

// The libFuzzer entry point every target defines.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace fuzz {

inline QByteArrayView bytesOf(const uint8_t *data, size_t size)
{
    return QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size));
}

// Reads a binary fuzz input front to back; past the end every read yields zeros.
class ByteReader
{
public:
    explicit ByteReader(QByteArrayView data) : m_data(data) {}

    bool atEnd() const { return m_pos >= m_data.size(); }
    quint8 byte() { return atEnd() ? 0 : quint8(m_data[m_pos++]); }
    quint16 word()
    {
        const quint8 low = byte(); // two statements: the order of the reads is fixed
        return quint16(low | (byte() << 8));
    }
    QByteArrayView bytes(qsizetype count)
    {
        const QByteArrayView out = m_data.sliced(m_pos, qMin(count, m_data.size() - m_pos));
        m_pos += out.size();
        return out;
    }

private:
    QByteArrayView m_data;
    qsizetype m_pos = 0;
};

} // namespace fuzz
