# test_remote_http: the Streamable HTTP and HTTP+SSE upstreams against server-everything (issue 15).
