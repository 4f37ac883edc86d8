//! The bounds that keep the sandbox serving when clients misbehave or pile up.

use std::time::Duration;

/// Resource bounds of one sandbox; [`Limits::default`] is what the command line uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Open connections at most. At the cap, a new connection closes the one that made no
    /// progress longest among those with no request being answered (silent, sending a head
    /// or a body slowly or not at all, idle between requests), so idle, slow or stalled
    /// connections cannot lock callers out; when every connection has a request being
    /// answered, the new one is closed.
    pub max_connections: usize,
    /// Time a connection has to deliver a complete request head, counted from its opening or
    /// from its previous answer: it bounds slowly sent headers and idle keep-alive connections.
    pub header_timeout: Duration,
    /// Time a request body has to arrive once the head is read (a connection awaiting a body
    /// can be closed sooner to make room, see `max_connections`).
    pub body_timeout: Duration,
    /// The largest request body accepted.
    pub max_body_bytes: usize,
    /// STS sessions kept at most (expired ones go first, then the oldest).
    pub max_sessions: usize,
    /// Keys each request counter keyed by caller (accounts, access keys, root sessions opened
    /// by target) keeps apart; requests from further callers are counted under `(other)`.
    pub max_counter_keys: usize,
    /// How long a stopping sandbox lets running requests finish before it closes their
    /// connections: injected latency or a held answer can last minutes.
    pub stop_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 256,
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
            max_body_bytes: 1024 * 1024,
            max_sessions: 10_000,
            max_counter_keys: 10_000,
            stop_grace: Duration::from_secs(10),
        }
    }
}
