//! Differences between two datasets (stores or data directories): the OSes
//! added and removed, and per changed OS every field that differs, down to
//! the facts recommendations stand on (virtio generations per class and
//! architecture, chipsets, firmware, devices). What is compared is an OS's
//! `show --json` form ([`Os::to_json`]) without its file path, plus its
//! architecture-specific virtio facts.

use crate::error::Error;
use crate::os::{Os, OsDetails};
use crate::Database;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// One OS as a diff names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OsRef {
    /// Its id.
    pub id: String,
    /// Its first short-id.
    pub short_id: String,
    /// Its name.
    pub name: String,
}

/// One field that differs. `old`/`new` are set for a changed value (a
/// field present on one side only has `null` on the other); `removed` and
/// `added` for a list, with the items each side has alone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field, as a dotted path in the OS's JSON form (`virtio.net.modern`).
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its value before (a scalar field).
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its value after (a scalar field).
    pub new: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// Items of a list field only the old dataset has.
    pub removed: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// Items of a list field only the new dataset has.
    pub added: Vec<Value>,
}

/// An OS both sides have, with its differences.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OsChange {
    #[serde(flatten)]
    /// The OS.
    pub os: OsRef,
    /// What changed, field by field.
    pub changes: Vec<FieldChange>,
}

/// Everything that differs between two datasets, OSes in id order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatasetDiff {
    /// The old dataset's version.
    pub old_version: String,
    /// The new dataset's version.
    pub new_version: String,
    /// OSes only the new dataset has.
    pub added: Vec<OsRef>,
    /// OSes only the old dataset has.
    pub removed: Vec<OsRef>,
    /// OSes both have whose facts differ.
    pub changed: Vec<OsChange>,
}

impl DatasetDiff {
    /// Whether the datasets are the same.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn os_ref(os: &Os) -> OsRef {
    OsRef {
        id: os.id.clone(),
        short_id: os.short_id().to_string(),
        name: os.name.clone(),
    }
}

/// The form of an OS that is compared.
fn comparable(os: &Os, details: &OsDetails) -> Value {
    let mut v = os.to_json(details, false);
    if let Value::Object(map) = &mut v {
        map.remove("path");
        let mut by_arch: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
        for f in details.virtio.iter().filter(|f| f.arch != "all") {
            by_arch.entry(f.arch.clone()).or_default().insert(
                f.class.name.to_string(),
                json!({"legacy": f.legacy, "modern": f.modern, "driver": f.driver, "since": f.since}),
            );
        }
        if !by_arch.is_empty() {
            map.insert("virtio_by_arch".into(), json!(by_arch));
        }
    }
    v
}

fn walk(field: &str, old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    if old == new {
        return;
    }
    let child = |key: &str| {
        if field.is_empty() {
            key.to_string()
        } else {
            format!("{field}.{key}")
        }
    };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (x, y) = (
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                );
                walk(&child(k), x, y, out);
            }
        }
        // Lists of records of the same length (media, trees, resources):
        // item by item, so a changed pattern shows as that field alone.
        (Value::Array(a), Value::Array(b))
            if a.len() == b.len() && a.iter().chain(b).all(Value::is_object) =>
        {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                walk(&format!("{field}[{i}]"), x, y, out);
            }
        }
        (Value::Array(a), Value::Array(b)) => out.push(FieldChange {
            field: field.to_string(),
            old: None,
            new: None,
            removed: a.iter().filter(|x| !b.contains(x)).cloned().collect(),
            added: b.iter().filter(|x| !a.contains(x)).cloned().collect(),
        }),
        _ => out.push(FieldChange {
            field: field.to_string(),
            old: Some(old.clone()),
            new: Some(new.clone()),
            removed: Vec::new(),
            added: Vec::new(),
        }),
    }
}

/// The differences of one OS between two sides.
pub fn os_changes(old: (&Os, &OsDetails), new: (&Os, &OsDetails)) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk(
        "",
        &comparable(old.0, old.1),
        &comparable(new.0, new.1),
        &mut out,
    );
    // A list that only changed its order has no added or removed items.
    out.retain(|c| c.old.is_some() || !c.added.is_empty() || !c.removed.is_empty());
    out
}

fn get(db: &Database, idx: u32) -> Result<&Os, Error> {
    db.get(idx)?.ok_or_else(|| {
        db.store()
            .damaged(format_args!("OS row {idx} vanished while reading"))
    })
}

/// Compares two datasets OS by OS (by id).
pub fn diff(old: &Database, new: &Database) -> Result<DatasetDiff, Error> {
    let by_id = |db: &Database| -> Result<BTreeMap<String, u32>, Error> {
        Ok(db
            .oses()?
            .into_iter()
            .map(|o| (o.id.clone(), o.idx))
            .collect())
    };
    let (a, b) = (by_id(old)?, by_id(new)?);
    let mut d = DatasetDiff {
        old_version: old.dataset_version().to_string(),
        new_version: new.dataset_version().to_string(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
    };
    for (id, &i) in &a {
        let o = get(old, i)?;
        match b.get(id) {
            None => d.removed.push(os_ref(o)),
            Some(&j) => {
                let n = get(new, j)?;
                let changes = os_changes((o, &old.details(o)?), (n, &new.details(n)?));
                if !changes.is_empty() {
                    d.changed.push(OsChange {
                        os: os_ref(n),
                        changes,
                    });
                }
            }
        }
    }
    for (id, &j) in &b {
        if !a.contains_key(id) {
            d.added.push(os_ref(get(new, j)?));
        }
    }
    Ok(d)
}

/// A value as one line of text: strings bare, the rest as compact JSON.
pub fn brief(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "(none)".into(),
        other => other.to_string(),
    }
}

impl FieldChange {
    /// The change in words: `old → new`, or `+ added, - removed`.
    pub fn describe(&self) -> String {
        match (&self.old, &self.new) {
            (Some(o), Some(n)) => format!("{} → {}", brief(o), brief(n)),
            _ => {
                let mut parts: Vec<String> = self
                    .added
                    .iter()
                    .map(|v| format!("+ {}", brief(v)))
                    .collect();
                parts.extend(self.removed.iter().map(|v| format!("- {}", brief(v))));
                parts.join(", ")
            }
        }
    }
}
