#pragma once

namespace manifold::platform {

// Makes large messages cost their size and no more. With glibc's defaults the threshold above
// which malloc maps a block of its own rises to the largest block ever freed (up to 32 MiB), so
// after the first large message the next ones live in the heap: growing a buffer there copies it
// (old and new resident at once) and freeing it does not give the memory back. A fixed threshold
// keeps every block of at least LargeBlockBytes in a mapping of its own: realloc() moves its
// pages (mremap) instead of copying them, and free() unmaps it at once. No-op elsewhere. Call
// first thing in main().
void tuneAllocator();

inline constexpr long LargeBlockBytes = 1024 * 1024;

} // namespace manifold::platform
