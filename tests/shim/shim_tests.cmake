# The shim's logic tests (owned by the shim work).
