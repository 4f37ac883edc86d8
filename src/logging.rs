//! Logs on stderr as hclog JSON lines, the shape Terraform re-logs with their
//! level kept: `{"@level":"debug","@message":"…","@module":"…","@timestamp":"…",…}`.
//!
//! The level comes from `TF_LOG_PROVIDER`, else `TF_LOG`, read the way
//! Terraform reads them; unset means no logs at all.

use std::fmt;
use std::io::Write;

use serde_json::{Map, Value};
use time::format_description::FormatItem;
use time::macros::format_description;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};

/// The `@module` of every line, as Terraform names the provider's logger.
pub const MODULE: &str = "provider.terraform-provider-centralroot";

/// hclog's time layout `2006-01-02T15:04:05.000000Z07:00`, always written in UTC.
const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// Our own crates log at the chosen level; dependencies (HTTP/2, TLS, AWS SDK)
/// no more than warnings, so their trace output never floods Terraform's log.
const OWN_TARGETS: &[&str] = &["centralroot", "terraform_provider_centralroot"];

/// Installs the stderr logger for the level in the environment, if any.
pub fn init() {
    let level = level_from_env(
        std::env::var("TF_LOG_PROVIDER").ok().as_deref(),
        std::env::var("TF_LOG").ok().as_deref(),
    );
    if level == LevelFilter::OFF {
        return;
    }
    let filter = OWN_TARGETS
        .iter()
        .fold(Targets::new(), |targets, target| {
            targets.with_target(*target, level)
        })
        .with_default(level.min(LevelFilter::WARN));
    let subscriber =
        tracing_subscriber::registry().with(HclogLayer::new(std::io::stderr).with_filter(filter));
    // Fails only when a subscriber is already installed, which then keeps logging.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Terraform's reading of a log level: provider-specific first, case-insensitive,
/// `JSON` meaning trace, anything unrecognised meaning trace, empty meaning unset.
pub fn level_from_env(provider: Option<&str>, global: Option<&str>) -> LevelFilter {
    let chosen = provider
        .filter(|v| !v.trim().is_empty())
        .or(global.filter(|v| !v.trim().is_empty()));
    let Some(value) = chosen else {
        return LevelFilter::OFF;
    };
    match value.trim().to_ascii_uppercase().as_str() {
        "OFF" => LevelFilter::OFF,
        "ERROR" => LevelFilter::ERROR,
        "WARN" => LevelFilter::WARN,
        "INFO" => LevelFilter::INFO,
        "DEBUG" => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

/// A layer writing each event as one hclog JSON line.
pub struct HclogLayer<W> {
    writer: W,
    clock: fn() -> time::OffsetDateTime,
}

impl<W> HclogLayer<W> {
    /// Writes lines to whatever `writer` makes (stderr in the binary).
    pub fn new(writer: W) -> Self {
        Self {
            writer,
            clock: time::OffsetDateTime::now_utc,
        }
    }

    /// Stamps lines with `clock` instead of the system clock, so a test can pin the timestamp.
    #[cfg(test)]
    fn with_clock(self, clock: fn() -> time::OffsetDateTime) -> Self {
        Self { clock, ..self }
    }
}

impl<S, W> Layer<S> for HclogLayer<W>
where
    S: Subscriber,
    W: for<'a> MakeWriter<'a> + 'static,
{
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let line = render(event, (self.clock)());
        // A log line that cannot be written has nowhere else to go.
        let _ = self.writer.make_writer().write_all(line.as_bytes());
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

fn render(event: &Event<'_>, now: time::OffsetDateTime) -> String {
    let mut fields = JsonFields::default();
    event.record(&mut fields);
    let mut line = Map::new();
    line.insert(
        "@level".into(),
        level_name(*event.metadata().level()).into(),
    );
    line.insert("@message".into(), fields.message.unwrap_or_default().into());
    line.insert("@module".into(), MODULE.into());
    let timestamp = now
        .to_offset(time::UtcOffset::UTC)
        .format(TIMESTAMP)
        .unwrap_or_default();
    line.insert("@timestamp".into(), timestamp.into());
    line.extend(fields.values);
    let mut text = Value::Object(line).to_string();
    text.push('\n');
    text
}

/// Collects an event's fields: `message` apart, the rest as JSON values.
#[derive(Default)]
struct JsonFields {
    message: Option<String>,
    values: Map<String, Value>,
}

impl JsonFields {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                Value::String(text) => text,
                other => other.to_string(),
            });
        } else {
            self.values.insert(field.name().to_owned(), value);
        }
    }
}

impl Visit for JsonFields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, Value::String(format!("{value:?}")));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::String(value.to_owned()));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::from(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, Value::String(value.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::layer::SubscriberExt as _;

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Buffer;

        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    #[test]
    fn events_become_hclog_json_lines() {
        let buffer = Buffer::default();
        let subscriber = tracing_subscriber::registry().with(HclogLayer::new(buffer.clone()));
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(rpc = "GetProviderSchema", count = 3, ok = true, "handled");
            tracing::warn!("second line");
        });
        let output = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with(r#"{"@level":"debug","@message":"handled","@module":"#));
        let first: Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(first["@module"], MODULE);
        assert_eq!(first["rpc"], "GetProviderSchema");
        assert_eq!(first["count"], 3);
        assert_eq!(first["ok"], true);
        let second: Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(second["@level"], "warn");
        assert_eq!(second["@message"], "second line");
        for line in [&first, &second] {
            let stamp = line["@timestamp"].as_str().unwrap();
            assert!(
                time::PrimitiveDateTime::parse(stamp, TIMESTAMP).is_ok(),
                "{stamp} is not in hclog's layout"
            );
        }
    }

    #[test]
    fn timestamp_follows_the_hclog_layout_in_utc() {
        let buffer = Buffer::default();
        let layer = HclogLayer::new(buffer.clone())
            .with_clock(|| time::macros::datetime!(2026-11-23 09:05:07.123456789 +02:00));
        tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
            tracing::info!("stamped");
        });
        let output = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert_eq!(
            output,
            format!(
                "{{\"@level\":\"info\",\"@message\":\"stamped\",\"@module\":\"{MODULE}\",\"@timestamp\":\"2026-11-23T07:05:07.123456Z\"}}\n"
            )
        );
    }

    #[test]
    fn level_is_read_like_terraform_does() {
        assert_eq!(level_from_env(None, None), LevelFilter::OFF);
        assert_eq!(level_from_env(Some(""), Some("")), LevelFilter::OFF);
        assert_eq!(level_from_env(None, Some("debug")), LevelFilter::DEBUG);
        assert_eq!(
            level_from_env(Some("WARN"), Some("TRACE")),
            LevelFilter::WARN
        );
        assert_eq!(level_from_env(Some(""), Some("INFO")), LevelFilter::INFO);
        assert_eq!(level_from_env(None, Some("JSON")), LevelFilter::TRACE);
        assert_eq!(level_from_env(None, Some("loud")), LevelFilter::TRACE);
        assert_eq!(level_from_env(Some("off"), Some("TRACE")), LevelFilter::OFF);
        assert_eq!(level_from_env(None, Some("ERROR")), LevelFilter::ERROR);
    }
}
