//! The data reader on hostile sizes (issue 8): reading must be linear in the
//! file's size. A 35 MB OS file with 1,000,000 children took more than 300 s
//! before (quadratic text handling); measured here, never asserted.
//!
//! `cargo bench --bench reader`

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use guestdb::data::diag::Findings;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

mod common;

/// An OS file with `n` alias children, 35 bytes each.
fn big_os(n: usize) -> String {
    let mut text = String::from("<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n");
    for i in 0..n {
        text.push_str(&format!("  <alias>b{:<10}</alias>          \n", i % 1000));
    }
    text.push_str("</os>\n");
    text
}

fn reader(c: &mut Criterion) {
    let mut group = c.benchmark_group("reader");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    for n in [10_000, 100_000, 1_000_000] {
        let text = big_os(n);
        group.bench_function(
            format!("xml_parse_{n}_children_{}MB", text.len() / 1_000_000),
            |b| b.iter(|| black_box(guestdb::data::xml::parse(black_box(&text)).is_ok())),
        );
        let path: Arc<str> = Arc::from("os/guestdb.test/b-1.xml");
        group.bench_function(format!("read_os_{n}_children"), |b| {
            b.iter(|| {
                let mut f = Findings::default();
                black_box(guestdb::data::read::read_os(&path, text.as_bytes(), &mut f).is_some())
            })
        });
    }
    group.finish();
}

fn suggest(c: &mut Criterion) {
    let db = guestdb::Database::embedded().expect("embedded store");
    let _ = db.suggest("warm", 1); // builds the name index once
    c.bench_function("suggest_typo_rhel6.1o", |b| {
        b.iter(|| black_box(db.suggest(black_box("rhel6.1o"), 1)))
    });
    c.bench_function("suggest_typo_full_id", |b| {
        b.iter(|| black_box(db.suggest(black_box("http://redhat.com/rhel/6.1o"), 1)))
    });
    let long = "a".repeat(100_000);
    c.bench_function("suggest_100kb_name", |b| {
        b.iter(|| black_box(db.suggest(black_box(&long), 1)))
    });
    let near = "x".repeat(190);
    c.bench_function("suggest_190_char_name", |b| {
        b.iter(|| black_box(db.suggest(black_box(&near), 1)))
    });
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = reader, suggest
}
criterion_main!(benches);
