//! What every RPC answer has: diagnostics. An answer made of diagnostics alone (a request
//! that never reached the engine, or an RPC that answers nothing else) is built here once for
//! every RPC.

use std::future::Future;

use super::diagnostics::diagnostics;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::tfplugin6 as pb;

/// An RPC response (or stream event) with a diagnostics field, whose other fields, left at
/// their defaults, tell Terraform "nothing".
pub trait Answer: Default {
    /// The diagnostics field.
    fn diagnostics_mut(&mut self) -> &mut Vec<pb::Diagnostic>;

    /// The answer holding `diags` and nothing else.
    fn of(diags: &Diagnostics) -> Self {
        let mut answer = Self::default();
        *answer.diagnostics_mut() = diagnostics(diags);
        answer
    }

    /// The answer to a request that could not reach the engine because of `diag`.
    fn failed(diag: Diagnostic) -> Self {
        Self::of(&Diagnostics::from(diag))
    }
}

/// The answer of an RPC that answers only diagnostics: those of `call` on the request
/// `prepared` holds, or the error that kept the request from reaching the engine.
pub async fn answer_with<R, T, F>(prepared: Result<T, Diagnostic>, call: impl FnOnce(T) -> F) -> R
where
    R: Answer,
    F: Future<Output = Diagnostics>,
{
    match prepared {
        Ok(prepared) => R::of(&call(prepared).await),
        Err(diag) => R::failed(diag),
    }
}

/// Implements [`Answer`] for the `Response` of each named RPC: a macro, since the generated
/// messages share the field by name only.
macro_rules! answers {
    ($($rpc:ident),+ $(,)?) => {
        $(
            impl Answer for pb::$rpc::Response {
                fn diagnostics_mut(&mut self) -> &mut Vec<pb::Diagnostic> {
                    &mut self.diagnostics
                }
            }
        )+
    };
}

answers!(
    validate_provider_config,
    validate_resource_config,
    validate_data_resource_config,
    validate_ephemeral_resource_config,
    validate_action_config,
    validate_list_resource_config,
    configure_provider,
    upgrade_resource_state,
    upgrade_resource_identity,
    read_resource,
    plan_resource_change,
    apply_resource_change,
    import_resource_state,
    move_resource_state,
    generate_resource_config,
    read_data_source,
    open_ephemeral_resource,
    renew_ephemeral_resource,
    close_ephemeral_resource,
    plan_action,
    validate_state_store,
    configure_state_store,
    read_state_bytes,
    write_state_bytes,
    lock_state,
    unlock_state,
    get_states,
    delete_state,
);

/// A ListResource event names the field in the singular.
impl Answer for pb::list_resource::Event {
    fn diagnostics_mut(&mut self) -> &mut Vec<pb::Diagnostic> {
        &mut self.diagnostic
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_holds_the_diagnostic_and_nothing_else() {
        let answer = pb::plan_resource_change::Response::failed(Diagnostic::error("S", "D"));
        assert_eq!(answer.diagnostics.len(), 1);
        assert_eq!(answer.diagnostics[0].summary, "S");
        assert_eq!(
            answer,
            pb::plan_resource_change::Response {
                diagnostics: answer.diagnostics.clone(),
                ..Default::default()
            }
        );
    }

    #[tokio::test]
    async fn answer_with_runs_the_call_only_when_prepared() {
        let ran: pb::close_ephemeral_resource::Response =
            answer_with(Ok(()), |()| async { Diagnostic::warning("W", "").into() }).await;
        assert_eq!(ran.diagnostics[0].summary, "W");
        let mut called = false;
        let refused: pb::close_ephemeral_resource::Response =
            answer_with(Err(Diagnostic::error("E", "")), |()| {
                called = true;
                async { Diagnostics::new() }
            })
            .await;
        assert!(!called);
        assert_eq!(refused.diagnostics[0].summary, "E");
    }
}
