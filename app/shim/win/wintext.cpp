#include "wintext.h"

namespace manifold::shim::win {

namespace {

constexpr char32_t Replacement = 0xFFFD;

void appendUtf8(std::string &out, char32_t c)
{
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    } else {
        out += char(0xF0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3F));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
}

bool isHighSurrogate(char32_t c) { return c >= 0xD800 && c <= 0xDBFF; }
bool isLowSurrogate(char32_t c) { return c >= 0xDC00 && c <= 0xDFFF; }

// The code point starting at text[*pos] (advanced past it); U+FFFD for an invalid sequence,
// which consumes one byte so that resynchronisation happens at the next byte.
char32_t decodeUtf8(std::string_view text, size_t *pos)
{
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(*pos);
    if (lead < 0x80) {
        ++*pos;
        return lead;
    }
    int length = 0;
    if ((lead & 0xE0) == 0xC0)
        length = 2;
    else if ((lead & 0xF0) == 0xE0)
        length = 3;
    else if ((lead & 0xF8) == 0xF0)
        length = 4;
    if (length == 0) {
        ++*pos;
        return Replacement;
    }
    char32_t c = lead & (0x7F >> length); // the lead byte's payload bits
    const char32_t minimum = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    if (*pos + size_t(length) > text.size()) {
        ++*pos;
        return Replacement;
    }
    for (int i = 1; i < length; ++i) {
        const unsigned char next = byte(*pos + size_t(i));
        if ((next & 0xC0) != 0x80) {
            ++*pos;
            return Replacement;
        }
        c = (c << 6) | (next & 0x3F);
    }
    if (c < minimum || c > 0x10FFFF || isHighSurrogate(c) || isLowSurrogate(c)) {
        ++*pos;
        return Replacement;
    }
    *pos += size_t(length);
    return c;
}

bool isBlank(char c) { return c == ' ' || c == '\t'; }

} // namespace

std::string utf8FromUtf16(std::u16string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char32_t unit = text[i];
        if (isHighSurrogate(unit) && i + 1 < text.size() && isLowSurrogate(text[i + 1])) {
            appendUtf8(out, 0x10000 + ((unit - 0xD800) << 10) + (char32_t(text[i + 1]) - 0xDC00));
            ++i;
        } else if (isHighSurrogate(unit) || isLowSurrogate(unit)) {
            appendUtf8(out, Replacement);
        } else {
            appendUtf8(out, unit);
        }
    }
    return out;
}

std::u16string utf16FromUtf8(std::string_view text)
{
    std::u16string out;
    out.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) {
        const char32_t c = decodeUtf8(text, &pos);
        if (c >= 0x10000) {
            out += char16_t(0xD800 + ((c - 0x10000) >> 10));
            out += char16_t(0xDC00 + ((c - 0x10000) & 0x3FF));
        } else {
            out += char16_t(c);
        }
    }
    return out;
}

std::vector<std::string> splitCommandLine(std::string_view line)
{
    std::vector<std::string> args;
    size_t pos = 0;
    // The program name: quotes group, nothing is escaped.
    std::string program;
    bool quoted = false;
    for (; pos < line.size(); ++pos) {
        const char c = line[pos];
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && isBlank(c)) {
            break;
        } else {
            program += c;
        }
    }
    args.push_back(program);

    for (;;) {
        while (pos < line.size() && isBlank(line[pos]))
            ++pos;
        if (pos >= line.size())
            break;
        std::string arg;
        quoted = false;
        while (pos < line.size() && (quoted || !isBlank(line[pos]))) {
            size_t backslashes = 0;
            while (pos < line.size() && line[pos] == '\\') {
                ++backslashes;
                ++pos;
            }
            if (pos < line.size() && line[pos] == '"') {
                arg.append(backslashes / 2, '\\');
                if (backslashes % 2 == 1) {
                    arg += '"';
                } else if (quoted && pos + 1 < line.size() && line[pos + 1] == '"') {
                    arg += '"'; // "" inside quotes: a literal quote, still quoted
                    ++pos;
                } else {
                    quoted = !quoted;
                }
                ++pos;
            } else {
                arg.append(backslashes, '\\');
                if (pos < line.size() && (quoted || !isBlank(line[pos])))
                    arg += line[pos++];
            }
        }
        args.push_back(std::move(arg));
    }
    return args;
}

std::string quoteArgument(std::string_view argument)
{
    if (!argument.empty() && argument.find_first_of(" \t\n\v\"") == std::string_view::npos)
        return std::string(argument);
    std::string out = "\"";
    size_t backslashes = 0;
    for (const char c : argument) {
        if (c == '\\') {
            ++backslashes;
            continue;
        }
        // Backslashes before a quote are doubled, and the quote escaped by one more.
        out.append(c == '"' ? backslashes * 2 + 1 : backslashes, '\\');
        backslashes = 0;
        out += c;
    }
    out.append(backslashes * 2, '\\'); // before the closing quote
    out += '"';
    return out;
}

} // namespace manifold::shim::win
