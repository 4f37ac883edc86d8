//! Accepting and serving connections: the connection cap, the request-head timeout, graceful
//! shutdown, and closing a connection without an answer when the engine withheld one.
//!
//! At the cap, a newcomer closes the open connection that has been quiet longest among those
//! with no request being answered: silent ones, ones sending a head or a body slowly or not at
//! all, idle keep-alive ones. A client that stalls cannot keep others out, however many
//! connections it opens, and a well-behaved newcomer, the latest to make progress, is the last
//! to go.

use super::limits::Limits;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::{Service as _, service_fn};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

/// Put in a response's extensions, it makes the connection close instead of sending it.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the answer is withheld: closing the connection")]
pub struct CloseWithoutAnswer;

/// What the accept loop needs to know about one connection to pick one to close.
#[derive(Debug)]
struct Activity {
    /// Requests whose head was read.
    started: AtomicU64,
    /// Requests being answered, their body still awaited or not.
    in_flight: AtomicUsize,
    /// Requests in flight whose body is still awaited: they do not make the connection busy.
    awaiting_body: AtomicUsize,
    /// When the connection last made progress (opened, sent a head or part of a body, got an
    /// answer), on the registry's logical clock.
    last_progress: AtomicU64,
    /// The registry's logical clock, shared by its connections.
    clock: Arc<AtomicU64>,
}

impl Activity {
    fn new(clock: Arc<AtomicU64>) -> Activity {
        let activity = Activity {
            started: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            awaiting_body: AtomicUsize::new(0),
            last_progress: AtomicU64::new(0),
            clock,
        };
        activity.progress();
        activity
    }

    fn progress(&self) {
        let now = self.clock.fetch_add(1, Ordering::SeqCst) + 1;
        self.last_progress.store(now, Ordering::SeqCst);
    }

    /// Whether a request is being answered (its body is in): such a connection is never closed
    /// to make room.
    fn busy(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) > self.awaiting_body.load(Ordering::SeqCst)
    }

    /// Whether it holds no complete request: none sent yet, or one whose body is awaited.
    /// Closing such a connection at once loses nothing that was asked in full.
    fn awaiting_input(&self) -> bool {
        self.started.load(Ordering::SeqCst) == 0 || self.awaiting_body.load(Ordering::SeqCst) > 0
    }
}

/// Counts a request as in flight while alive.
struct Busy(Arc<Activity>);

impl Busy {
    fn new(activity: Arc<Activity>) -> Busy {
        activity.started.fetch_add(1, Ordering::SeqCst);
        activity.in_flight.fetch_add(1, Ordering::SeqCst);
        activity.progress();
        Busy(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.progress();
    }
}

/// Put in each request's extensions: lets the body reader tell the accept loop that the
/// request still awaits its body, and when part of it arrives.
#[derive(Debug, Clone)]
pub struct BodyWatch(Arc<Activity>);

impl BodyWatch {
    /// Marks the request as awaiting its body until the returned guard is dropped.
    pub fn waiting(&self) -> AwaitingBody {
        self.0.awaiting_body.fetch_add(1, Ordering::SeqCst);
        AwaitingBody(Arc::clone(&self.0))
    }

    /// Part of the body arrived.
    pub fn progress(&self) {
        self.0.progress();
    }
}

/// A request awaiting its body, while alive.
#[derive(Debug)]
pub struct AwaitingBody(Arc<Activity>);

impl Drop for AwaitingBody {
    fn drop(&mut self) {
        self.0.awaiting_body.fetch_sub(1, Ordering::SeqCst);
        self.0.progress();
    }
}

#[derive(Debug)]
struct Entry {
    activity: Arc<Activity>,
    close: Arc<Notify>,
    closing: bool,
}

/// The open connections.
#[derive(Debug, Default)]
struct Registry {
    next_id: u64,
    open: BTreeMap<u64, Entry>,
    clock: Arc<AtomicU64>,
}

impl Registry {
    /// Registers a new connection, closing the one quiet longest first when at `max`; `None`
    /// when every connection is busy.
    fn admit(&mut self, max: usize) -> Option<(u64, Arc<Activity>, Arc<Notify>)> {
        let live = self.open.values().filter(|e| !e.closing).count();
        if live >= max {
            // Connections asked to close may linger until their own timeout; bound them too.
            if self.open.len() >= max.saturating_mul(2) {
                return None;
            }
            let victim = self
                .open
                .values_mut()
                .filter(|e| !e.closing && !e.activity.busy())
                .min_by_key(|e| e.activity.last_progress.load(Ordering::SeqCst))?;
            victim.closing = true;
            victim.close.notify_one();
        }
        let id = self.next_id;
        self.next_id += 1;
        let entry = Entry {
            activity: Arc::new(Activity::new(Arc::clone(&self.clock))),
            close: Arc::default(),
            closing: false,
        };
        let admitted = (id, Arc::clone(&entry.activity), Arc::clone(&entry.close));
        self.open.insert(id, entry);
        Some(admitted)
    }
}

type Shared = Arc<Mutex<Registry>>;

fn lock(registry: &Shared) -> std::sync::MutexGuard<'_, Registry> {
    registry.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Removes a connection from the registry when its task ends, however it ends.
struct Deregister(Shared, u64);

impl Drop for Deregister {
    fn drop(&mut self) {
        lock(&self.0).open.remove(&self.1);
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown` completes, then lets open
/// requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let registry = Shared::default();
    let (stop, stopping) = watch::channel(false);
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors and the like: wait rather than spin.
                        tracing::warn!(%error, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let Some((id, activity, close)) = lock(&registry).admit(limits.max_connections) else {
                    tracing::warn!(%peer, "connection refused: every connection is busy");
                    continue;
                };
                let deregister = Deregister(Arc::clone(&registry), id);
                tasks.spawn(connection(
                    stream,
                    router.clone(),
                    limits,
                    activity,
                    close,
                    stopping.clone(),
                    deregister,
                ));
            }
        }
    }
    let _ = stop.send(true);
    while tasks.join_next().await.is_some() {}
    Ok(())
}

async fn connection(
    stream: TcpStream,
    router: Router,
    limits: Limits,
    activity: Arc<Activity>,
    close: Arc<Notify>,
    mut stopping: watch::Receiver<bool>,
    _deregister: Deregister,
) {
    // Answers are small and written at once: no reason to wait for more to send.
    let _ = stream.set_nodelay(true);
    let tower = TowerToHyperService::new(router);
    let counted = Arc::clone(&activity);
    let service = service_fn(move |mut request: hyper::Request<Incoming>| {
        let busy = Busy::new(Arc::clone(&counted));
        request
            .extensions_mut()
            .insert(BodyWatch(Arc::clone(&counted)));
        let answer = tower.call(request);
        async move {
            let response = match answer.await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            drop(busy);
            if response.extensions().get::<CloseWithoutAnswer>().is_some() {
                // hyper closes the connection without writing anything when the service fails.
                return Err(CloseWithoutAnswer);
            }
            Ok(response)
        }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let result = tokio::select! {
        result = conn.as_mut() => result,
        () = close.notified() => {
            if activity.awaiting_input() {
                tracing::debug!("closing a connection with no request to answer, to make room");
                return;
            }
            conn.as_mut().graceful_shutdown();
            conn.await
        }
        () = async {
            let _ = stopping.wait_for(|stop| *stop).await;
        } => {
            if activity.started.load(Ordering::SeqCst) == 0 {
                return;
            }
            conn.as_mut().graceful_shutdown();
            match tokio::time::timeout(limits.stop_grace, conn).await {
                Ok(result) => result,
                Err(_) => {
                    tracing::warn!("stopping: closed a connection whose request was still running");
                    return;
                }
            }
        }
    };
    if let Err(error) = result {
        tracing::debug!(%error, "connection closed");
    }
}
