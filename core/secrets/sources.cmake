# Secrets: the SecretStore interface, its OS keychain implementation, and what the broker and the
# control protocol do with secret variables (kept here so parallel work never edits one list).
target_sources(manifold_core PRIVATE
    secrets/secretstore.cpp secrets/secretstore.h
    secrets/keychainsecretstore.cpp secrets/keychainsecretstore.h
    secrets/glibpump.cpp secrets/glibpump.h
    secrets/secretstorefactory.cpp secrets/secretstorefactory.h
    secrets/secretenv.cpp secrets/secretenv.h
    secrets/envedit.cpp secrets/envedit.h
    control/envcontrol.cpp control/envcontrol.h
)
# QtKeychain stays behind SecretStore: nothing outside core/secrets includes it.
target_link_libraries(manifold_core PRIVATE Qt6Keychain::Qt6Keychain)
# glibpump.cpp resolves g_main_context_iteration at run time (dlsym): no GLib link of our own.
target_link_libraries(manifold_core PRIVATE ${CMAKE_DL_LIBS})
