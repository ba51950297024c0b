# Remote servers' OAuth sign-in (issue 15): discovery, registration, the loopback redirect, tokens.
