# MCP client configs: detection, byte-preserving editors, setup and revert.
target_sources(manifold_core PRIVATE
    clients/jsoncscanner.cpp clients/jsoncscanner.h
    clients/jsoncdocument.cpp clients/jsoncdocument.h
    clients/codextoml.cpp clients/codextoml.h clients/codextomlscan.cpp clients/codextomlscan.h
    clients/clientcatalog.cpp clients/clientcatalog.h
    clients/clientfile.cpp clients/clientfile.h
    clients/setupplanner.cpp clients/setupplanner.h
    clients/remoteimport.cpp clients/remoteimport.h
    clients/sharingchoice.cpp clients/sharingchoice.h
    clients/setupmanifest.cpp clients/setupmanifest.h
    clients/shimlauncher.cpp clients/shimlauncher.h
    clients/clientsetup.cpp clients/clientsetup.h clients/clientrevert.cpp
    clients/clienthttpsetup.cpp
    clients/clientwrite.cpp clients/clientwrite.h
    clients/httpsetup.cpp clients/httpsetup.h
    clients/unifieddiff.cpp clients/unifieddiff.h
)
