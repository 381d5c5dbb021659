//! In-process benchmarks of media detection (DESIGN.md §6): matching one
//! descriptor against the whole dataset once the matcher has warmed up
//! (target: at most 20 µs), and what `guestdb detect` does in process
//! (open the store, read the rows the descriptor needs, match). Measured
//! here, never asserted.
//!
//! `cargo bench --bench detect`

use criterion::{criterion_group, criterion_main, Criterion};
use guestdb::detect::{MediaInfo, TreeInfo};
use guestdb::Database;
use std::hint::black_box;

mod common;

fn fedora() -> MediaInfo {
    MediaInfo {
        volume_id: Some("Fedora-S-dvd-x86_64-36".into()),
        system_id: Some("LINUX".into()),
        application_id: Some(
            "GENISOIMAGE ISO 9660/HFS FILESYSTEM CREATOR (C) 1993 E.YOUNGDALE".into(),
        ),
        volume_size: Some(2_469_396_480),
        bootable: true,
        ..Default::default()
    }
}

fn windows() -> MediaInfo {
    MediaInfo {
        volume_id: Some("CCCOMA_X64FRE_EN-US_DV9".into()),
        publisher_id: Some("MICROSOFT CORPORATION".into()),
        application_id: Some("CDIMAGE 2.56 (01/01/2005 TM)".into()),
        volume_size: Some(5_426_421_760),
        bootable: true,
        ..Default::default()
    }
}

fn detect(c: &mut Criterion) {
    let db = Database::embedded().expect("embedded store");
    for (name, media) in [("fedora36_iso", fedora()), ("win10_iso", windows())] {
        let _ = db.identify_media(&media).expect("warm up");
        c.bench_function(&format!("identify_media_{name}_warm"), |b| {
            b.iter(|| black_box(db.identify_media(black_box(&media)).expect("identify")))
        });
    }
    let tree = TreeInfo {
        family: Some("Red Hat Enterprise Linux".into()),
        version: Some("9.4".into()),
        arch: Some("x86_64".into()),
        variant: Some("BaseOS".into()),
    };
    let _ = db.identify_tree(&tree).expect("warm up");
    c.bench_function("identify_tree_rhel9.4_warm", |b| {
        b.iter(|| black_box(db.identify_tree(black_box(&tree)).expect("identify")))
    });
    c.bench_function("open_identify_media_fedora36", |b| {
        b.iter(|| {
            let db = Database::embedded().expect("embedded store");
            black_box(db.identify_media(&fedora()).expect("identify").len())
        })
    });
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = detect
}
criterion_main!(benches);
