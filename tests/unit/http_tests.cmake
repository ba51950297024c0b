# Unit tests for core/http, the HTTP front door's pure parts.
manifold_add_unit_test(test_http test_httprequest.cpp test_originpolicy.cpp test_tokenstore.cpp test_eventbuffer.cpp)
