//! InvokeAction: the action runs in a task of its own and streams its progress; the engine
//! sends the completion. Terraform reads the stream until it ends
//! (`internal/plugin6/grpc_provider.go`, `InvokeAction`): each completion it sees ends the
//! action once more, and an event that is neither progress nor completion makes it panic.
//! [`ActionEvents`] therefore ends every invocation with exactly one
//! [`ActionEvent::Completed`], whether the action returned, was interrupted by
//! `StopProvider`, lost its client or died.
//!
//! An action changes remote objects, so `StopProvider` treats it as a create, update or delete:
//! it gets the server's stop grace ([`super::STOP_GRACE`]) to finish the work in flight, its
//! progress and completion still going out; only one that outlasts the grace is abandoned, with
//! [`interrupted_action`]. A client that stops listening has nobody left to tell: that
//! invocation is cancelled at once.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, ready};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_stream::Stream;

use super::invariants::check_known_config;
use super::{ActionHandle, Server, with_grace};
use crate::framework::action::{Action, ActionEvent, InvokeRequest, InvokeResponse, Progress};
use crate::framework::context::Context;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::provider::Provider;

/// How many progress lines may wait for a slow client before the action waits too.
const BUFFERED_EVENTS: usize = 16;

/// The events of one invocation: progress lines, then exactly one completion, then the end.
#[derive(Debug)]
pub struct ActionEvents {
    /// `None` once the completion went out.
    events: Option<mpsc::Receiver<ActionEvent>>,
}

impl ActionEvents {
    /// Only the completion: the answer of an invocation that could not start.
    pub fn completed(diagnostics: Diagnostics) -> Self {
        let (sender, events) = mpsc::channel(1);
        // A fresh channel with room for one: this send cannot fail.
        let _ = sender.try_send(ActionEvent::Completed(diagnostics));
        Self {
            events: Some(events),
        }
    }
}

impl Stream for ActionEvents {
    type Item = ActionEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<ActionEvent>> {
        let Some(events) = self.events.as_mut() else {
            return Poll::Ready(None);
        };
        let event = match ready!(events.poll_recv(cx)) {
            Some(progress @ ActionEvent::Progress(_)) => return Poll::Ready(Some(progress)),
            Some(completed) => completed,
            // The task ended without completing: only a panic does that.
            None => ActionEvent::Completed(
                Diagnostic::error(
                    "Action Ended Without Completing",
                    "The action stopped without reporting how it ended; some of its steps may \
                 have run. This is a bug in the provider, please report it.",
                )
                .into(),
            ),
        };
        self.events = None;
        Poll::Ready(Some(event))
    }
}

impl<P: Provider> Server<P> {
    /// Invokes an action: starts it in a task of its own and answers with its events.
    ///
    /// A configuration holding unknown values, an unconfigured provider or an unknown type
    /// answers with the completion alone.
    pub fn invoke_action(
        &self,
        action: &ActionHandle<P::Data>,
        req: InvokeRequest,
    ) -> ActionEvents {
        let unknown = check_known_config("InvokeAction", &req.config);
        if unknown.has_errors() {
            return ActionEvents::completed(unknown);
        }
        let ctx = match self.context() {
            // A token of its own, so that losing the client cancels this invocation only.
            Ok(ctx) => Context::new(ctx.provider_data_arc(), ctx.cancellation().child_token()),
            Err(diag) => return ActionEvents::completed(diag.into()),
        };
        let (sender, events) = mpsc::channel(BUFFERED_EVENTS);
        tokio::spawn(run(
            Arc::clone(&action.implementation),
            action.type_name(),
            ctx,
            req,
            Progress::new(sender),
            self.stop_grace,
        ));
        ActionEvents {
            events: Some(events),
        }
    }
}

/// How an invocation ended.
enum Ending {
    Returned,
    Interrupted,
    ClientGone,
}

/// Runs the action until it returns, outlasts `grace` after `StopProvider`, or the client
/// goes away, then completes with what the action recorded.
async fn run<D: Send + Sync + 'static>(
    action: Arc<dyn Action<D>>,
    type_name: &'static str,
    ctx: Context<D>,
    req: InvokeRequest,
    progress: Progress,
    grace: Duration,
) {
    let mut resp = InvokeResponse::default();
    let ending = {
        let work = action.invoke(&ctx, req, &progress, &mut resp);
        tokio::select! {
            biased;
            () = progress.closed() => Ending::ClientGone,
            finished = with_grace(ctx.cancellation(), grace, work) => match finished {
                Some(()) => Ending::Returned,
                None => Ending::Interrupted,
            },
        }
    };
    match ending {
        Ending::Returned => {}
        Ending::Interrupted => resp.diagnostics.push(interrupted_action(type_name)),
        Ending::ClientGone => {
            ctx.cancellation().cancel();
            tracing::warn!(
                type_name,
                "Terraform stopped listening to the action: abandoned"
            );
        }
    }
    progress.complete(resp.diagnostics).await;
}

/// The diagnostic of an action abandoned because Terraform sent `StopProvider`.
fn interrupted_action(type_name: &str) -> Diagnostic {
    Diagnostic::error(
        "Operation interrupted",
        format!(
            "Terraform asked the provider to stop while the action {type_name} was running, \
             so it was abandoned before it finished. The progress lines above show the steps \
             it completed; invoke it again to finish."
        ),
    )
}

#[cfg(test)]
#[path = "invoke_action_tests.rs"]
mod tests;
