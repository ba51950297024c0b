# Unit tests for core/remote, the pure parts of remote servers and their sign-in.
manifold_add_unit_test(test_remote test_sseparser.cpp test_oauthpkce.cpp test_oauthdiscovery.cpp test_wwwauthenticate.cpp)
