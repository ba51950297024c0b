# test_signin: OAuth sign-in against oidc-provider (issue 15).
