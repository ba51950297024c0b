# Remote servers over HTTP (issue 15): the Streamable HTTP and HTTP+SSE upstreams.
target_sources(manifold_core PRIVATE
    remote/remoteendpoint.h
    remote/httpcommon.cpp remote/httpcommon.h
    remote/streamablehttpupstream.cpp remote/streamablehttpupstream.h
    remote/streamablehttpsession.cpp remote/streamablehttpcontrol.cpp remote/streamablehttpstate_p.h
    remote/legacysseupstream.cpp remote/legacysseupstream.h
    remote/autoupstream.cpp remote/autoupstream.h
)
