# The HTTP front door (issue 14): its pure parts first, each with unit tests (kept here so
# parallel work never edits one list).
target_sources(manifold_core PRIVATE
    http/httprequest.cpp http/httprequest.h
    http/originpolicy.cpp http/originpolicy.h
    http/tokenstore.cpp http/tokenstore.h
    http/eventbuffer.cpp http/eventbuffer.h
    http/httpconnection.cpp http/httpconnection.h
    http/streamablesession.cpp http/streamablesession.h
    http/frontdoor.cpp http/frontdoor.h
    http/legacysession.cpp http/legacysession.h
    http/httpsettings.h
)
