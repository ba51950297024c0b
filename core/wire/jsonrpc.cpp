// Implemented by the core/wire work (issue 17); see jsonrpc.h.
