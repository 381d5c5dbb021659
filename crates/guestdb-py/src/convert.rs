//! Conversions between Python values and the library's (JSON to Python objects, dates, policy words, architectures).

use super::*;

/// A cache's lock (a poisoned one still holds whole entries).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn to_list<'py>(py: Python<'py>, items: &[String]) -> Bound<'py, PyAny> {
    PyList::new(py, items).map_or_else(|_| PyList::empty(py).into_any(), |l| l.into_any())
}

/// A JSON value as the Python value `json.loads` would give.
pub(crate) fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// A date as `datetime.date`.
pub(crate) fn to_date<'py>(py: Python<'py>, d: Option<Date>) -> PyResult<Bound<'py, PyAny>> {
    match d {
        None => Ok(py.None().into_bound(py)),
        Some(d) => py
            .import("datetime")?
            .getattr("date")?
            .call1((d.year, d.month, d.day)),
    }
}

/// A date argument: a `datetime.date` or a `YYYY-MM-DD` string.
pub(crate) fn from_date(py: Python<'_>, what: &str, v: &Bound<'_, PyAny>) -> PyResult<Date> {
    let text: String = match v.extract::<String>() {
        Ok(s) => s,
        Err(_) => v.call_method0("isoformat")?.extract()?,
    };
    Date::parse(&text).ok_or_else(|| {
        input_error(
            py,
            format!("{what} '{text}' is not a date; expected YYYY-MM-DD, e.g. 2026-11-22"),
        )
    })
}

/// A policy word, or an InputError naming the argument and the words.
pub(crate) fn word<T>(
    py: Python<'_>,
    what: &str,
    v: &str,
    parse: fn(&str) -> Option<T>,
    words: &str,
) -> PyResult<T> {
    parse(v).ok_or_else(|| input_error(py, format!("unknown {what} '{v}'; expected {words}")))
}

pub(crate) fn check_arch(py: Python<'_>, arch: &str) -> PyResult<()> {
    if ARCHES.contains(&arch) {
        Ok(())
    } else {
        Err(input_error(
            py,
            format!(
                "unknown architecture '{arch}'; expected one of {}",
                ARCHES.join(", ")
            ),
        ))
    }
}
