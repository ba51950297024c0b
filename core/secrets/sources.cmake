# Secrets: the SecretStore interface and its OS keychain implementation.
target_sources(manifold_core PRIVATE
    secrets/secretstore.cpp secrets/secretstore.h
)
