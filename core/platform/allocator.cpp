#include "allocator.h"

#include <cstdlib>   // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace manifold::platform {

void tuneAllocator()
{
#if defined(__GLIBC__)
    // Setting it also stops glibc from moving it (and the trim threshold) on its own.
    ::mallopt(M_MMAP_THRESHOLD, int(LargeBlockBytes));
#endif
}

} // namespace manifold::platform
