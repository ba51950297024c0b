# Remote MCP servers and their OAuth sign-in (issue 15): the pure parts first, each with unit
# tests (kept here so parallel work never edits one list).
target_sources(manifold_core PRIVATE
    remote/sseparser.cpp remote/sseparser.h
    remote/oauthpkce.cpp remote/oauthpkce.h
    remote/oauthdiscovery.cpp remote/oauthdiscovery.h
    remote/wwwauthenticate.cpp remote/wwwauthenticate.h
)
target_sources(manifold_core PRIVATE remote/authgate.h)
include(${CMAKE_CURRENT_LIST_DIR}/http_sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/oauth_sources.cmake)
