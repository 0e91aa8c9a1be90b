//! Abuse regression tests: sockets.
