# Remote servers' OAuth sign-in (issue 15): discovery, registration, the loopback redirect, tokens.
target_sources(manifold_core PRIVATE
    remote/oauthmetadata.cpp remote/oauthmetadata.h
    remote/oauthclient.cpp remote/oauthclient.h remote/oauthlogging.h
    remote/loopbackreceiver.cpp remote/loopbackreceiver.h
    remote/signinrecord.cpp remote/signinrecord.h
    remote/signin.cpp remote/signintokens.cpp remote/signin.h
    remote/urlopener.cpp remote/urlopener.h
)
