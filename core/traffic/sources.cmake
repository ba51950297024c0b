# The traffic view (issue 16): what the broker relayed, kept in a bounded ring per server.
target_sources(manifold_core PRIVATE
    traffic/trafficrecord.cpp traffic/trafficrecord.h
    traffic/trafficring.cpp traffic/trafficring.h
    traffic/secretmask.cpp traffic/secretmask.h
    traffic/traffichealth.cpp traffic/traffichealth.h
    traffic/trafficrecorder.cpp traffic/trafficrecorder.h
)
