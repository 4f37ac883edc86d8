//! ListResource: a list type's listing runs in its own task and its results stream to Terraform as
//! they come. The stream ends after `limit` results, after the first error, or when Terraform goes
//! away (dropping the stream stops the task).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use futures::Stream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{Handle, ListResourceHandle, Server, Types, interrupted, interruptible};
use crate::cty::Value;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::list_resource::{
    ListItem, ListRequest, ListResource, ListResponse, ListResult, ListResults,
};
use crate::framework::provider::{Named, Provider};
use crate::framework::resource::Resource;
use crate::framework::schema::IdentitySchema;

/// One event of a listing, as the wire sends it.
#[derive(Debug)]
pub struct ListEvent {
    /// The object's identity, wholly known and not all null; null in a diagnostics-only
    /// event.
    pub identity: Value,
    /// The human name of the object.
    pub display_name: String,
    /// The object's state, only when Terraform asked for it.
    pub resource_object: Option<Value>,
    /// Warnings, or the error that ends the stream.
    pub diagnostics: Diagnostics,
}

impl ListEvent {
    fn diagnostics(diagnostics: Diagnostics) -> Self {
        Self {
            identity: Value::Null,
            display_name: String::new(),
            resource_object: None,
            diagnostics,
        }
    }
}

/// The list types worth serving: each must name a managed resource type with an identity
/// schema, since Terraform reads every result through that type. Any other is refused and
/// logged rather than served to fail in every query.
pub(super) fn register<D: Send + Sync + 'static>(
    lists: Vec<Named<dyn ListResource<D>>>,
    resources: &Types<dyn Resource<D>>,
) -> Types<dyn ListResource<D>> {
    lists
        .into_iter()
        .filter_map(|(name, list)| {
            let has_identity = resources
                .get(name)
                .is_ok_and(|resource| resource.identity_schema().is_some());
            if !has_identity {
                tracing::error!(
                    type_name = name,
                    "list resource type not served: no managed resource type of that name with \
                     an identity schema"
                );
                return None;
            }
            Some(Handle::new(name, list))
        })
        .collect()
}

impl<P: Provider> Server<P> {
    /// Starts the listing; the stream yields at most `req.limit` results, then ends. A
    /// failure is one last event with the error.
    pub fn stream_list_resource(
        &self,
        list: &ListResourceHandle<P::Data>,
        req: ListRequest,
    ) -> ListStream<P::Data> {
        let resource = self.resources.get(list.type_name()).ok();
        let (ctx, resource, identity) = match (
            self.context(),
            resource.and_then(|r| Some((r, r.identity_schema()?))),
        ) {
            (Err(diag), _) => return ListStream::failed(diag),
            (Ok(_), None) => {
                return ListStream::failed(Diagnostic::error(
                    "List Resource Without Identity",
                    format!(
                        "{} has no managed resource type with an identity. This is a bug \
                             in the provider, please report it.",
                        list.type_name()
                    ),
                ));
            }
            (Ok(ctx), Some((resource, identity))) => {
                (ctx, Arc::clone(&resource.implementation), identity.clone())
            }
        };
        let remaining = usize::try_from(req.limit).unwrap_or(0);
        if remaining == 0 {
            return ListStream::finished();
        }
        let include_resource_object = req.include_resource_object;
        // One result in flight: the listing fetches the next page only as Terraform takes
        // results, and stops as soon as the stream is dropped.
        let (sender, receiver) = mpsc::channel(1);
        let implementation = Arc::clone(&list.implementation);
        let task = tokio::spawn(async move {
            let results = ListResults::new(sender.clone());
            let mut resp = ListResponse::default();
            let work = implementation.list(&ctx, req, &results, &mut resp);
            if interruptible(ctx.cancellation(), work).await.is_none() {
                resp.diagnostics.push(interrupted("ListResource"));
            }
            if !resp.diagnostics.is_empty() {
                // The stream may be gone already; then nobody needs the diagnostics.
                let _ = sender.send(ListItem::Diagnostics(resp.diagnostics)).await;
            }
        });
        ListStream {
            receiver: Some(receiver),
            task: Some(task),
            pending: None,
            remaining,
            checker: Some(Checker {
                resource,
                identity,
                include_resource_object,
            }),
        }
    }
}

/// Turns a listing's results into events: identity derived and checked, the state dropped
/// unless Terraform asked for it.
struct Checker<D> {
    resource: Arc<dyn Resource<D>>,
    identity: IdentitySchema,
    include_resource_object: bool,
}

impl<D: Send + Sync + 'static> Checker<D> {
    fn event(&self, result: ListResult) -> Result<ListEvent, Diagnostic> {
        let ListResult {
            identity,
            display_name,
            resource_object,
        } = result;
        if !resource_object.is_wholly_known() {
            return Err(bad_result(&display_name, "its state holds unknown values"));
        }
        let identity = if identity.is_null() {
            self.resource
                .identity_from_state(&self.identity, &resource_object)
        } else {
            identity
        };
        if self.identity.is_all_null(&identity) {
            return Err(bad_result(&display_name, "it has no identity"));
        }
        if !identity.is_wholly_known() {
            return Err(bad_result(
                &display_name,
                "its identity holds unknown values",
            ));
        }
        let resource_object = if self.include_resource_object {
            if resource_object.is_null() {
                return Err(bad_result(
                    &display_name,
                    "Terraform asked for its state and it has none",
                ));
            }
            Some(resource_object)
        } else {
            None
        };
        Ok(ListEvent {
            identity,
            display_name,
            resource_object,
            diagnostics: Diagnostics::new(),
        })
    }
}

fn bad_result(display_name: &str, problem: &str) -> Diagnostic {
    Diagnostic::error(
        "Invalid List Result",
        format!(
            "The provider listed {display_name:?}, but {problem}. This is a bug in the provider, \
             please report it."
        ),
    )
}

/// The events of one listing. Dropping it stops the listing.
pub struct ListStream<D> {
    receiver: Option<mpsc::Receiver<ListItem>>,
    task: Option<JoinHandle<()>>,
    /// An event to yield before anything else (a failure found before the listing started).
    pending: Option<ListEvent>,
    remaining: usize,
    checker: Option<Checker<D>>,
}

impl<D: Send + Sync + 'static> ListStream<D> {
    fn finished() -> Self {
        Self {
            receiver: None,
            task: None,
            pending: None,
            remaining: 0,
            checker: None,
        }
    }

    fn failed(diagnostic: Diagnostic) -> Self {
        let mut stream = Self::finished();
        stream.pending = Some(ListEvent::diagnostics(diagnostic.into()));
        stream
    }

    /// Ends the stream: the listing task stops at its next await point.
    fn finish(&mut self) {
        self.receiver = None;
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl<D> Drop for ListStream<D> {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl<D: Send + Sync + 'static> Stream for ListStream<D> {
    type Item = ListEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<ListEvent>> {
        let this = self.get_mut();
        if let Some(event) = this.pending.take() {
            return Poll::Ready(Some(event));
        }
        let Some(receiver) = this.receiver.as_mut() else {
            return Poll::Ready(None);
        };
        let item = match receiver.poll_recv(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => {
                this.finish();
                return Poll::Ready(None);
            }
            Poll::Ready(Some(item)) => item,
        };
        let event = match (item, this.checker.as_ref()) {
            (ListItem::Diagnostics(diagnostics), _) => ListEvent::diagnostics(diagnostics),
            (ListItem::Result(result), Some(checker)) => match checker.event(*result) {
                Ok(event) => {
                    this.remaining = this.remaining.saturating_sub(1);
                    event
                }
                Err(diag) => ListEvent::diagnostics(diag.into()),
            },
            (ListItem::Result(_), None) => return Poll::Ready(None),
        };
        if this.remaining == 0 || event.diagnostics.has_errors() {
            this.finish();
        }
        Poll::Ready(Some(event))
    }
}

#[cfg(test)]
#[path = "list_resource_tests.rs"]
mod tests;
