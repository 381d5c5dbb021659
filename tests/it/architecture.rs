//! The shape of the library: arrows between its top-level modules run one
//! way, SQL lives in the store alone, and the database can be shared
//! between threads.

use crate::common::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a Rust file without its comments (`//` to the end of a line).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules of `src/` that a file names: `crate::NAME` paths,
/// and the names in `use crate::{a, b::c}` groups.
fn named_modules(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if modules.contains(&name) {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if modules.contains(&name) {
                out.insert(name);
            }
        }
    }
    out
}

/// The arrows between the top-level modules of `src/`: module → the
/// modules its files name, with the files that do.
fn module_graph() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let top = |p: &Path| -> Option<String> {
        let rel = p.strip_prefix(&src).ok()?;
        let first = rel.components().next()?.as_os_str().to_string_lossy();
        let name = first.trim_end_matches(".rs").to_string();
        (!["lib", "main", "bin"].contains(&name.as_str())).then_some(name)
    };
    let modules: BTreeSet<String> = files.iter().filter_map(|p| top(p)).collect();
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for f in &files {
        let Some(from) = top(f) else { continue };
        let text = std::fs::read_to_string(f).expect("read source");
        for to in named_modules(&code(&text), &modules) {
            if to != from {
                graph
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(f.strip_prefix(&src).unwrap_or(f).display().to_string());
            }
        }
    }
    graph
}

/// Every module from which `start` can be reached again, with a path.
fn circle_through(
    graph: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    start: &str,
) -> Option<Vec<String>> {
    let mut stack = vec![vec![start.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().cloned().unwrap_or_default();
        for next in graph.get(&last).into_iter().flat_map(|m| m.keys()) {
            if next == start {
                let mut circle = path.clone();
                circle.push(start.to_string());
                return Some(circle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_top_level_module_imports_one_that_imports_it_back() {
    let graph = module_graph();
    assert!(
        graph
            .get("database")
            .is_some_and(|m| m.contains_key("store")),
        "the parser finds no arrow database -> store; it is broken: {graph:?}"
    );
    let mut circles = BTreeSet::new();
    for module in graph.keys() {
        if let Some(c) = circle_through(&graph, module) {
            let arrows: Vec<String> = c
                .windows(2)
                .map(|w| {
                    let files = &graph[&w[0]][&w[1]];
                    format!(
                        "{} -> {} ({})",
                        w[0],
                        w[1],
                        files.iter().cloned().collect::<Vec<_>>().join(", ")
                    )
                })
                .collect();
            circles.insert(arrows.join("; "));
        }
    }
    assert!(
        circles.is_empty(),
        "modules that import each other in a circle:\n{}",
        circles.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_module_parser_sees_a_circle_when_there_is_one() {
    let modules: BTreeSet<String> = ["store", "os", "detect"].map(String::from).into();
    let found = named_modules(
        &code("use crate::{os::Os, detect};\nfn f() { crate::store::Store::open(p) } // crate::nothing"),
        &modules,
    );
    assert_eq!(found, modules);
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (a, b) in [("store", "os"), ("os", "detect"), ("detect", "store")] {
        graph
            .entry(a.into())
            .or_default()
            .insert(b.into(), BTreeSet::new());
    }
    assert_eq!(
        circle_through(&graph, "store"),
        Some(
            ["store", "os", "detect", "store"]
                .map(String::from)
                .to_vec()
        )
    );
}

#[test]
fn every_sql_statement_is_in_the_store_module() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("store.rs") && !f.ends_with("error.rs"))
        .filter_map(|f| {
            let text = code(&std::fs::read_to_string(f).expect("read source"));
            let hits: Vec<&str> = ["SELECT ", "prepare(", "prepare_cached(", "rusqlite::"]
                .into_iter()
                .filter(|w| text.contains(w))
                .collect();
            (!hits.is_empty()).then(|| format!("{} ({})", f.display(), hits.join(", ")))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "SQL outside src/store.rs:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn a_database_is_shared_between_threads() {
    let db = std::sync::Arc::new(guestdb::Database::embedded().expect("embedded"));
    let names = ["rhel6.10", "win11", "fedora43", "debian13"];
    let handles: Vec<_> = names
        .iter()
        .map(|name| {
            let db = db.clone();
            let name = name.to_string();
            std::thread::spawn(move || {
                let os = db.lookup(&name).expect("store").expect("known");
                let details = db.details(os).expect("details");
                (os.short_id().to_string(), details.virtio.len())
            })
        })
        .collect();
    for (h, name) in handles.into_iter().zip(names) {
        let (short, classes) = h.join().expect("no panic");
        assert_eq!(short, name);
        assert!(classes > 0, "{name}");
    }
}
