//! Accepting and serving connections: the connection cap, the request-head timeout, graceful
//! shutdown, and closing a connection without an answer when the engine withheld one.

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
#[derive(Debug, Default)]
struct Activity {
    /// Requests whose head was read.
    started: AtomicU64,
    /// Requests being answered.
    in_flight: AtomicUsize,
}

/// Counts a request as in flight while alive.
struct Busy(Arc<Activity>);

impl Busy {
    fn new(activity: Arc<Activity>) -> Busy {
        activity.started.fetch_add(1, Ordering::SeqCst);
        activity.in_flight.fetch_add(1, Ordering::SeqCst);
        Busy(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Debug)]
struct Entry {
    activity: Arc<Activity>,
    close: Arc<Notify>,
    closing: bool,
}

/// The open connections, oldest first.
#[derive(Debug, Default)]
struct Registry {
    next_id: u64,
    open: BTreeMap<u64, Entry>,
}

impl Registry {
    /// Registers a new connection, closing an idle one first when at `max`; `None` when every
    /// connection is busy.
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
                .filter(|e| !e.closing && e.activity.in_flight.load(Ordering::SeqCst) == 0)
                // Connections that never sent a complete request go first, oldest first.
                .min_by_key(|e| e.activity.started.load(Ordering::SeqCst) > 0)?;
            victim.closing = true;
            victim.close.notify_one();
        }
        let id = self.next_id;
        self.next_id += 1;
        let entry = Entry {
            activity: Arc::default(),
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
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        let busy = Busy::new(Arc::clone(&counted));
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
            if activity.started.load(Ordering::SeqCst) == 0 {
                tracing::debug!("closing a connection that sent no request, to make room");
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
