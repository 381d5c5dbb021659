//! In-process benchmarks of the library (DESIGN.md §6).
//!
//! `cargo bench --bench lookup`. Targets from DESIGN.md: lookup by short-id
//! under 1 µs; validating the whole dataset under 1 s; a `SCHEME:NAME`
//! lookup under 100 ns (issue 18). These are measured
//! here, never asserted.

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use guestdb::{Database, Filter};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod common;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn store(c: &mut Criterion) {
    c.bench_function("embedded_open", |b| {
        b.iter(|| black_box(Database::embedded().expect("embedded store opens")))
    });

    // What `guestdb show` does in process: open, look up (reading the OS's
    // summary from the store the first time), read every fact.
    c.bench_function("open_lookup_details", |b| {
        b.iter(|| {
            let db = Database::embedded().expect("embedded store opens");
            let os = db
                .lookup(black_box("rhel6.10"))
                .expect("store")
                .expect("known");
            black_box(db.details(os).expect("details load"));
        })
    });

    let db = Database::embedded().expect("embedded store opens");
    // Lookups after the first (the summary is then in memory).
    c.bench_function("lookup_short_id", |b| {
        b.iter(|| black_box(db.lookup(black_box("rhel6.10"))))
    });
    c.bench_function("lookup_full_id", |b| {
        b.iter(|| black_box(db.lookup(black_box("http://redhat.com/rhel/6.10"))))
    });

    // SCHEME:NAME (the crosswalk, indexed on first use), then the OS.
    let cw = db.crosswalk().expect("crosswalk");
    c.bench_function("lookup_scheme_name", |b| {
        b.iter(|| black_box(cw.lookup(black_box("vmware:rhel9_64Guest"))))
    });
    c.bench_function("lookup_scheme_name_other_case", |b| {
        b.iter(|| black_box(cw.lookup(black_box("VMware:RHEL9_64Guest"))))
    });
    c.bench_function("lookup_scheme_name_to_os", |b| {
        b.iter(|| {
            let found = cw.lookup(black_box("vmware:rhel9_64Guest")).expect("known");
            let (id, _) = found.best().expect("not a gap");
            black_box(db.lookup(id))
        })
    });

    // The names show gives an OS: per scheme and architecture, with the
    // family names of its series (rhel6.10: VMware's and VirtualBox's RHEL 6).
    c.bench_function("crosswalk_names_of_rhel6.10", |b| {
        b.iter(|| black_box(cw.names_of(black_box("http://redhat.com/rhel/6.10"))))
    });
    c.bench_function("lookup_scheme_name_with_arch", |b| {
        b.iter(|| {
            let found = cw
                .lookup(black_box("kubevirt:rhel.9.arm64"))
                .expect("known");
            black_box((found.best(), found.arch()))
        })
    });

    let rhel = db
        .lookup("rhel6.10")
        .expect("store")
        .expect("rhel6.10 is in the dataset");
    c.bench_function("details_rhel6.10", |b| {
        b.iter(|| black_box(db.details(black_box(rhel)).expect("details load")))
    });

    let filter = Filter {
        distro: Some("rhel".into()),
        ..Default::default()
    };
    c.bench_function("list_distro_rhel", |b| {
        b.iter(|| black_box(db.list(black_box(&filter))))
    });
}

fn validate(c: &mut Criterion) {
    let dir = data_dir();
    assert!(
        guestdb::data::load_dir(&dir).is_ok(),
        "{} does not validate",
        dir.display()
    );
    let mut group = c.benchmark_group("validate");
    // About 150 ms an iteration: few samples, each of the same iteration count.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function("load_dir_data", |b| {
        b.iter(|| black_box(guestdb::data::load_dir(black_box(&dir))))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = store, validate
}
criterion_main!(benches);
