//! In-process benchmarks of `guestdb check` (issue 20): reading one domain
//! XML, and checking it (the recommendation it compares with computed, or
//! taken from the context's cache as in a fleet). Measured, never asserted.
//!
//! `cargo bench --bench check`

use criterion::{criterion_group, criterion_main, Criterion};
use guestdb::check::{self, Context};
use guestdb::Database;
use std::hint::black_box;

mod common;

fn check_domain(c: &mut Criterion) {
    let db = Database::embedded().expect("embedded store opens");
    let hosts = [db
        .profile_host("debian-12", None)
        .expect("host")
        .expect("debian-12")];
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/examples/centos7.0-q35.xml"
    );
    let xml = std::fs::read_to_string(path).expect("docs/examples/centos7.0-q35.xml");
    c.bench_function("check_read_centos7.0-q35", |b| {
        b.iter(|| black_box(check::domain::read(black_box(&xml)).expect("reads")))
    });
    c.bench_function("check_centos7.0-q35_fresh", |b| {
        b.iter(|| {
            let ctx = Context::new(&db, &hosts, Vec::new());
            black_box(check::check(&ctx, "vm.xml", black_box(&xml)).expect("checks"))
        })
    });
    let ctx = Context::new(&db, &hosts, Vec::new());
    c.bench_function("check_centos7.0-q35_cached", |b| {
        b.iter(|| black_box(check::check(&ctx, "vm.xml", black_box(&xml)).expect("checks")))
    });
    let (report, domain) = check::check(&ctx, "vm.xml", &xml).expect("checks");
    c.bench_function("check_fix_centos7.0-q35", |b| {
        b.iter(|| {
            black_box(check::fix::apply(
                black_box(&xml),
                &domain,
                &report.findings,
            ))
        })
    });
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = check_domain
}
criterion_main!(benches);
