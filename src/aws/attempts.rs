//! Which attempts of one call ended without a known outcome.
//!
//! The SDK retries an attempt that timed out, lost its connection or got a 5xx answer. For a
//! call that is not idempotent, such an attempt may have made its change before its answer was
//! lost, and the retry then meets that change as a conflict ("already registered"). Watching the
//! attempts of the one call tells that case from a conflict that was there before the call.
//!
//! An attempt counts as unknown once its request went to the transport and no answer came back,
//! or the answer was a 5xx. A connection refused before the request was written counts too: the
//! transport does not say how far it got, and treating it as unknown only matters when the next
//! attempt meets the very change this call asked for.

use std::sync::{Arc, Mutex, PoisonError};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::{AwsError, ErrorKind};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Outcomes {
    /// The last attempt's request was handed to the transport and has no answer yet.
    awaiting_answer: bool,
    /// Some attempt ended without a known outcome.
    unknown: bool,
}

impl Outcomes {
    fn sent(&mut self) {
        // The previous attempt never saw its answer: it timed out or lost its connection.
        if self.awaiting_answer {
            self.unknown = true;
        }
        self.awaiting_answer = true;
    }

    fn answered(&mut self, status: u16) {
        self.awaiting_answer = false;
        if status >= 500 {
            self.unknown = true;
        }
    }
}

/// The attempts of one call, shared with the interceptor that watches them.
#[derive(Debug, Clone, Default)]
pub struct Attempts(Arc<Mutex<Outcomes>>);

impl Attempts {
    /// The interceptor to attach to the call, with `.customize().interceptor(...)`.
    pub fn interceptor(&self) -> AttemptInterceptor {
        AttemptInterceptor(self.clone())
    }

    fn update(&self, change: impl FnOnce(&mut Outcomes)) {
        change(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// Whether some attempt of the call ended without a known outcome.
    pub fn some_outcome_unknown(&self) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .unknown
    }

    /// The call's result, where a failure of kind `done` (the change this call asked for is
    /// already there) counts as success if an earlier attempt of this call may have made it.
    /// The attempt that met `done` had an answer, so an unknown outcome was an earlier one.
    pub fn settle(&self, result: Result<(), AwsError>, done: &ErrorKind) -> Result<(), AwsError> {
        match result {
            Err(err) if &err.kind == done && self.some_outcome_unknown() => {
                tracing::info!(
                    operation = err.operation.name(),
                    "an earlier attempt whose answer was lost made the change"
                );
                Ok(())
            }
            other => other,
        }
    }
}

/// Records into [`Attempts`] when each attempt is sent and answered.
#[derive(Debug)]
pub struct AttemptInterceptor(Attempts);

impl Intercept for AttemptInterceptor {
    fn name(&self) -> &'static str {
        "AttemptOutcomes"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.update(Outcomes::sent);
        Ok(())
    }

    fn read_after_transmit(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let status = context.response().status().as_u16();
        self.0.update(|o| o.answered(status));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::Operation;

    fn after(events: &[Option<u16>]) -> Attempts {
        let attempts = Attempts::default();
        for event in events {
            attempts.update(Outcomes::sent);
            if let Some(status) = event {
                attempts.update(|o| o.answered(*status));
            }
        }
        attempts
    }

    #[test]
    fn unknown_outcomes_are_5xx_answers_and_missing_answers() {
        assert!(!after(&[Some(400)]).some_outcome_unknown());
        assert!(!after(&[Some(429), Some(400)]).some_outcome_unknown());
        assert!(after(&[Some(500), Some(400)]).some_outcome_unknown());
        assert!(after(&[Some(503), Some(200)]).some_outcome_unknown());
        assert!(
            after(&[None, Some(400)]).some_outcome_unknown(),
            "a timeout"
        );
        assert!(!after(&[]).some_outcome_unknown());
    }

    fn already_registered() -> AwsError {
        AwsError::of(
            Operation::RegisterDelegatedAdministrator,
            ErrorKind::AccountAlreadyRegistered,
        )
    }

    #[test]
    fn the_wanted_conflict_after_a_lost_answer_is_success() {
        let done = ErrorKind::AccountAlreadyRegistered;
        let lost = after(&[Some(500), Some(400)]);
        assert!(lost.settle(Err(already_registered()), &done).is_ok());
        let timed_out = after(&[None, Some(400)]);
        assert!(timed_out.settle(Err(already_registered()), &done).is_ok());

        // On the first attempt, or after attempts that were refused, it was there before.
        let first = after(&[Some(400)]);
        let err = first.settle(Err(already_registered()), &done).unwrap_err();
        assert_eq!(err.kind, ErrorKind::AccountAlreadyRegistered);
        let throttled = after(&[Some(400), Some(400)]);
        assert!(throttled.settle(Err(already_registered()), &done).is_err());

        // Other failures stay failures whatever the attempts were.
        let other = AwsError {
            kind: ErrorKind::AccountNotFound,
            ..already_registered()
        };
        assert!(lost.settle(Err(other), &done).is_err());
    }
}
