# core/wire's tests (owned by the wire work).
