//! The Python exceptions (one class per kind of error) and the conversion of the library's errors to them.

use super::*;

create_exception!(
    guestdb,
    GuestdbError,
    PyException,
    "The base of every error guestdb raises."
);
create_exception!(
    guestdb,
    UnknownOS,
    GuestdbError,
    "No OS of the database answers to the name; `.name` is the name asked \
     for, `.suggestions` the known names closest to it, best first."
);
create_exception!(
    guestdb,
    UnknownHost,
    GuestdbError,
    "No host profile of the dataset has the name; `.name` is the name asked \
     for, `.known` every profile's name."
);
create_exception!(
    guestdb,
    NoRecommendation,
    GuestdbError,
    "The rules found no possible choice: `.rule` names the rule that found \
     none, `.reason` says why, in words."
);
create_exception!(
    guestdb,
    InputError,
    GuestdbError,
    "An input that cannot be used: a file (`.path`, and `.line` and \
     `.column` where the error is in its text, else None), or a value."
);
create_exception!(
    guestdb,
    StoreError,
    GuestdbError,
    "A compiled store that is damaged, not a guestdb store, or of another \
     schema version; `.path` names it."
);

/// Sets the attributes of an exception instance.
pub(crate) fn with_attrs(py: Python<'_>, err: PyErr, attrs: &[(&str, Bound<'_, PyAny>)]) -> PyErr {
    let value = err.value(py);
    for (name, v) in attrs {
        if let Err(e) = value.setattr(*name, v) {
            return e;
        }
    }
    err
}

/// The library's error as the exception of its kind.
pub(crate) fn error(py: Python<'_>, e: guestdb::Error) -> PyErr {
    let none = || py.None().into_bound(py);
    let path = |p: Option<&str>| p.map_or_else(none, |p| PyString::new(py, p).into_any());
    let message = e.to_string();
    match e.kind() {
        ErrorKind::Store | ErrorKind::SchemaVersion => with_attrs(
            py,
            StoreError::new_err(message),
            &[("path", path(e.path()))],
        ),
        ErrorKind::Data => {
            let first = e.findings().first();
            let findings: Vec<String> = e.findings().iter().map(|f| f.to_string()).collect();
            let num = |n: Option<u32>| match n {
                Some(n) => n
                    .into_pyobject(py)
                    .map_or_else(|_| none(), |v| v.into_any()),
                None => none(),
            };
            with_attrs(
                py,
                InputError::new_err(message),
                &[
                    ("path", path(first.map(|f| f.loc.path.as_ref()))),
                    ("line", num(first.map(|f| f.loc.line))),
                    ("column", num(first.map(|f| f.loc.col))),
                    ("findings", to_list(py, &findings)),
                ],
            )
        }
        _ => with_attrs(
            py,
            InputError::new_err(message),
            &[
                ("path", path(e.path())),
                ("line", none()),
                ("column", none()),
                ("findings", PyList::empty(py).into_any()),
            ],
        ),
    }
}

/// An input error without a file: a value that cannot be used.
pub(crate) fn input_error(py: Python<'_>, message: String) -> PyErr {
    error(py, guestdb::Error::input(message))
}
