//! The recommendation as JSON: the keys of [`Recommendation`] (snake_case),
//! documented in the README; a device's `pci_id` is null for non-PCI devices.

use crate::recommend::Recommendation;
use serde_json::Value;

/// The recommendation as JSON (the keys the README documents).
pub fn render(rec: &Recommendation) -> Value {
    serde_json::to_value(rec).unwrap_or(Value::Null)
}
