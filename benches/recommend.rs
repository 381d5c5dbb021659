//! In-process benchmarks of the recommendation (DESIGN.md §6): one call of
//! the engine on prepared inputs (target: at most 10 µs), and what `guestdb
//! recommend` does in process. Measured here, never asserted.
//!
//! `cargo bench --bench recommend`

use criterion::{criterion_group, criterion_main, Criterion};
use guestdb::recommend::{recommend, Policy, Target};
use guestdb::Database;
use std::hint::black_box;

mod common;

fn engine(c: &mut Criterion) {
    let db = Database::embedded().expect("embedded store opens");
    let host = db
        .profile_host("debian-12", None)
        .expect("host")
        .expect("debian-12");
    let hosts = [host];
    let catalogue = db.recommend_catalogue().expect("catalogues");
    let day = guestdb::Date::parse("2026-12-01");
    for os in ["rhel6.10", "fedora43", "win11"] {
        let facts = db
            .os_facts(db.lookup(os).expect("store").expect("known"), "x86_64")
            .expect("facts");
        c.bench_function(&format!("recommend_{os}_debian-12"), |b| {
            b.iter(|| {
                let target = Target {
                    arch: "x86_64",
                    hosts: &hosts,
                    policy: Policy::default(),
                    today: day,
                };
                black_box(
                    recommend(black_box(&facts), &catalogue, &target).expect("recommendation"),
                )
            })
        });
    }
    let facts = db
        .os_facts(
            db.lookup("rhel6.10").expect("store").expect("known"),
            "x86_64",
        )
        .expect("facts");
    let rec = recommend(
        &facts,
        &catalogue,
        &Target {
            arch: "x86_64",
            hosts: &hosts,
            policy: Policy::default(),
            today: day,
        },
    )
    .expect("recommendation");
    let opts = guestdb::render::Options::default();
    c.bench_function("render_libvirt_rhel6.10", |b| {
        b.iter(|| black_box(guestdb::render::libvirt::render(black_box(&rec), &opts)))
    });
}

fn whole(c: &mut Criterion) {
    // What `guestdb recommend rhel6.10 --host debian-12` does, output aside.
    c.bench_function("open_facts_host_recommend", |b| {
        b.iter(|| {
            let db = Database::embedded().expect("embedded store opens");
            let os = db
                .resolve(black_box("rhel6.10"))
                .expect("store")
                .expect("known");
            let hosts = [db
                .profile_host("debian-12", Some("x86_64"))
                .expect("host")
                .expect("debian-12")];
            let target = Target {
                arch: "x86_64",
                hosts: &hosts,
                policy: Policy::default(),
                today: None,
            };
            black_box(db.recommend(&os, &target).expect("recommendation"))
        })
    });
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = engine, whole
}
criterion_main!(benches);
