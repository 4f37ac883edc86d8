//! How fast root sessions are opened: a pace for `sts:AssumeRoot` learned from throttling, in
//! the spirit of the SDK's adaptive retry mode, but made for the token bucket behind it.
//!
//! AWS throttles by rate: a token bucket per API and calling account, which refills at a fixed
//! rate and lets a burst through when full. Sending faster than the refill rate gets exactly
//! that rate through, and throttles the rest. So when AWS throttles, the rate of the answers
//! that got through since the last change *is* the bucket's rate, and the pacer sends a little
//! under it ([`MARGIN`]), then grows slowly ([`GROWTH`]) until the next throttle measures it
//! again. The SDK's adaptive mode cuts to 70 % of the rate sent instead, which wastes the
//! quarter it cuts.
//!
//! Throttling that does not depend on the rate (a fault every Nth call, a service in trouble)
//! lets the successful answers fall in proportion to what is sent: pacing then only slows the
//! work down, so the pacer stops ([`follows_sending`]) until throttling says otherwise.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A decision needs answers over at least this long, or it would measure noise (and, after the
/// first throttle, the burst the bucket had saved).
const MIN_WINDOW: Duration = Duration::from_millis(500);
/// ... and at least this many answers, unless the window is [`LONG_WINDOW`] long.
const MIN_ANSWERS: u32 = 8;
/// A window this long decides whatever its number of answers (a bucket of a few per second).
const LONG_WINDOW: Duration = Duration::from_secs(4);
/// The pace is set this far under the rate measured, so the bucket refills a little.
const MARGIN: f64 = 0.95;
/// How fast the pace grows while nothing is throttled: 5 % per second.
const GROWTH: f64 = 0.05;
/// The slowest pace: one session every two seconds.
const MIN_RATE: f64 = 0.5;
/// Beyond this, pacing no longer binds; the pace stops growing there.
const MAX_RATE: f64 = 10_000.0;

/// The answers of one window: from the last change of pace to now.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    successes: u32,
    throttles: u32,
}

impl Window {
    fn new(start: Instant) -> Self {
        Self {
            start,
            successes: 0,
            throttles: 0,
        }
    }
}

/// What a window measured, per second.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Measure {
    sent: f64,
    succeeded: f64,
}

/// Whether the successful answers fell in proportion to what was sent, from `before` to
/// `now`: sending at least a fifth less got about the same share through, so AWS throttles a
/// share of the calls, not a rate (under a rate, what gets through stays the rate).
fn follows_sending(before: Measure, now: Measure) -> bool {
    if before.sent <= 0.0 || before.succeeded <= 0.0 || now.sent > 0.8 * before.sent {
        return false;
    }
    let sent = now.sent / before.sent;
    let succeeded = now.succeeded / before.succeeded;
    (0.8 * sent..=1.25 * sent).contains(&succeeded)
}

#[derive(Debug)]
struct State {
    /// Sessions per second; `None`: no pace.
    rate: Option<f64>,
    /// When the next session may be asked for.
    next: Instant,
    /// When the pace last grew.
    grown: Instant,
    window: Window,
    /// What the window before the last change measured.
    before: Option<Measure>,
}

/// The pace of `sts:AssumeRoot` for one configured provider.
#[derive(Debug)]
pub struct Pacer {
    state: Mutex<State>,
}

impl Default for Pacer {
    fn default() -> Self {
        let now = Instant::now();
        Self {
            state: Mutex::new(State {
                rate: None,
                next: now,
                grown: now,
                window: Window::new(now),
                before: None,
            }),
        }
    }
}

impl Pacer {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sessions per second now; `None` while no throttling taught a pace.
    pub fn rate(&self) -> Option<f64> {
        self.state().rate
    }

    /// Takes the next turn if it has come at `now`; otherwise how long until it comes (another
    /// caller may take it first: ask again then).
    fn try_take(&self, now: Instant) -> Option<Duration> {
        let mut state = self.state();
        let rate = state.rate?;
        if now < state.next {
            return Some(state.next - now);
        }
        // A turn not taken is not saved up: the bucket's burst is AWS's, not the pacer's.
        state.next = now + Duration::from_secs_f64(1.0 / rate);
        None
    }

    /// Waits for a turn to ask for a root session.
    pub async fn wait_turn(&self) {
        while let Some(wait) = self.try_take(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
    }

    /// AWS granted a session at `now`.
    pub fn succeeded(&self, now: Instant) {
        let mut state = self.state();
        state.window.successes += 1;
        if let Some(rate) = state.rate {
            let elapsed = now.saturating_duration_since(state.grown).as_secs_f64();
            state.rate = Some((rate * (1.0 + GROWTH * elapsed)).min(MAX_RATE));
        }
        state.grown = now;
    }

    /// AWS throttled a request for a session at `now`.
    pub fn throttled(&self, now: Instant) {
        let mut state = self.state();
        state.window.throttles += 1;
        let window = state.window;
        let elapsed = now.saturating_duration_since(window.start);
        let answers = window.successes + window.throttles;
        if elapsed < MIN_WINDOW || (answers < MIN_ANSWERS && elapsed < LONG_WINDOW) {
            return;
        }
        let seconds = elapsed.as_secs_f64();
        let measure = Measure {
            sent: f64::from(answers) / seconds,
            succeeded: f64::from(window.successes) / seconds,
        };
        state.rate = match state.before {
            Some(before) if follows_sending(before, measure) => None,
            _ => Some((MARGIN * measure.succeeded).max(MIN_RATE)),
        };
        tracing::debug!(
            sent_per_second = measure.sent,
            granted_per_second = measure.succeeded,
            paced_at = state.rate,
            "AssumeRoot throttled: a new pace for root sessions"
        );
        state.before = Some(measure);
        state.window = Window::new(now);
        state.grown = now;
        state.next = state.next.min(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drives `pacer` as a client sending `sent` requests per second for `seconds` against a
    /// token bucket of `rate` per second holding `tokens`, from `start`; answers the bucket's
    /// tokens left and the time reached.
    fn against_bucket(
        pacer: &Pacer,
        start: Instant,
        seconds: f64,
        sent: f64,
        rate: f64,
        mut tokens: f64,
    ) -> (f64, Instant, u32) {
        let mut now = start;
        let mut throttled = 0;
        let end = start + Duration::from_secs_f64(seconds);
        while now < end {
            let step = match pacer.try_take(now) {
                Some(wait) => wait,
                None => {
                    if tokens >= 1.0 {
                        tokens -= 1.0;
                        pacer.succeeded(now);
                    } else {
                        throttled += 1;
                        pacer.throttled(now);
                    }
                    Duration::from_secs_f64(1.0 / sent)
                }
            };
            let step = step.max(Duration::from_micros(100));
            tokens = (tokens + rate * step.as_secs_f64()).min(40.0);
            now += step;
        }
        (tokens, now, throttled)
    }

    #[test]
    fn no_pace_until_aws_throttles() {
        let pacer = Pacer::default();
        let now = Instant::now();
        for _ in 0..100 {
            assert_eq!(pacer.try_take(now), None);
            pacer.succeeded(now);
        }
        assert_eq!(pacer.rate(), None);
    }

    #[test]
    fn the_pace_settles_just_under_a_token_bucket_and_throttling_stays_rare() {
        let pacer = Pacer::default();
        let start = Instant::now();
        // 150 requests a second against 20 per second with a burst of 40.
        let (tokens, now, early) = against_bucket(&pacer, start, 3.0, 150.0, 20.0, 40.0);
        let rate = pacer.rate().expect("paced");
        assert!((15.0..=21.0).contains(&rate), "learned {rate} per second");
        let (_, _, late) = against_bucket(&pacer, now, 60.0, 150.0, 20.0, tokens);
        let rate = pacer.rate().expect("still paced");
        assert!((17.0..=22.0).contains(&rate), "after a minute: {rate}");
        assert!(early < 120, "learning throttled {early}");
        assert!(
            late < 60,
            "a minute at the pace throttled {late} of about 1,200"
        );
    }

    #[test]
    fn throttling_of_a_share_of_the_calls_lifts_the_pace() {
        let pacer = Pacer::default();
        let mut now = Instant::now();
        let mut calls = 0_u64;
        let mut unpaced = 0;
        // Every third call throttled, whatever the rate: 300 calls a second when unpaced.
        for _ in 0..60_000 {
            match pacer.try_take(now) {
                Some(wait) => now += wait,
                None => {
                    calls += 1;
                    if calls.is_multiple_of(3) {
                        pacer.throttled(now);
                    } else {
                        pacer.succeeded(now);
                    }
                    now += Duration::from_micros(3_333);
                }
            }
            if pacer.rate().is_none() {
                unpaced += 1;
            }
        }
        let rate = pacer.rate().unwrap_or(f64::INFINITY);
        assert!(rate > 100.0, "never down to a crawl: {rate}");
        assert!(unpaced > 0, "the pace was lifted");
    }

    #[test]
    fn a_window_too_short_decides_nothing() {
        let pacer = Pacer::default();
        let start = Instant::now();
        for n in 0..20 {
            pacer.throttled(start + Duration::from_millis(n * 10));
        }
        assert_eq!(pacer.rate(), None, "200 ms of answers");
        pacer.throttled(start + Duration::from_millis(600));
        assert_eq!(pacer.rate(), Some(MIN_RATE), "nothing got through");
    }

    /// A measure of `sent` calls and `succeeded` answers per second.
    fn measure(sent: f64, succeeded: f64) -> Measure {
        Measure { sent, succeeded }
    }

    #[test]
    fn a_fall_in_proportion_to_what_was_sent_is_no_rate_limit() {
        let before = measure(150.0, 100.0);
        let proportional = measure(95.0, 63.0);
        assert!(follows_sending(before, proportional));
        let capped = measure(95.0, 20.0);
        assert!(!follows_sending(before, capped), "the bucket's rate");
        let steady = measure(21.0, 20.0);
        assert!(
            !follows_sending(steady, steady),
            "sending as much as before"
        );
        let learning = measure(92.0, 20.0);
        assert!(
            !follows_sending(learning, steady),
            "sending less got as much through: a rate"
        );
    }
}
