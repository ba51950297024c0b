# MCP client configs: detection, byte-preserving editors, setup and revert.
target_sources(manifold_core PRIVATE
    clients/jsoncscanner.cpp clients/jsoncscanner.h
    clients/jsoncdocument.cpp clients/jsoncdocument.h
    clients/codextoml.cpp clients/codextoml.h
    clients/unifieddiff.cpp clients/unifieddiff.h
)
