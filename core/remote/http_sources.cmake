# Remote servers over HTTP (issue 15): the Streamable HTTP and HTTP+SSE upstreams.
