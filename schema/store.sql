-- The compiled guestdb store: what `guestdb build` and build.rs write and the
-- library reads. Schema version 2 (the `schema_version` row of `meta`).
--
-- Facts are stored as they apply after inheritance ("effective"), each with
-- where it was declared: `from_os` is the OS it was inherited from (NULL when
-- the OS declares it itself), `path`/`line` the declaration, `source` the
-- source id from data/dataset.xml. Booleans are 0/1; dates are YYYY-MM-DD.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,      -- schema_version, dataset_version, os_count, generator
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE source (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    url      TEXT,
    license  TEXT,
    snapshot TEXT
) WITHOUT ROWID;

CREATE TABLE device (
    idx         INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    osinfo_id   TEXT,
    class       TEXT NOT NULL,
    bus         TEXT NOT NULL,
    pci         TEXT,             -- vendor:device as QEMU shows it
    usb         TEXT,
    virtio_type INTEGER,
    generation  TEXT CHECK (generation IN ('legacy', 'modern')),
    vendor      TEXT,
    product     TEXT,
    note        TEXT
);

-- QEMU device names and libvirt models that yield a device, and where.
CREATE TABLE device_realisation (
    device INTEGER NOT NULL REFERENCES device (idx),
    kind   TEXT NOT NULL CHECK (kind IN ('qemu', 'libvirt')),
    name   TEXT NOT NULL,
    slot   TEXT NOT NULL CHECK (slot IN ('any', 'pci', 'pcie'))
);
CREATE INDEX device_realisation_device ON device_realisation (device);

CREATE TABLE os (
    idx            INTEGER PRIMARY KEY,  -- 0-based, in natural id order (5.6 before 5.10)
    id             TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    vendor         TEXT,
    family         TEXT,
    distro         TEXT,
    version        TEXT,
    codename       TEXT,
    release_date   TEXT,
    eol_date       TEXT,
    release_status TEXT NOT NULL,
    source         TEXT,
    path           TEXT NOT NULL,         -- the data file, relative to the data directory
    -- Summary of the effective virtio facts for arch "all", as bit masks:
    -- bit i is the i-th class of DESIGN.md §2.1 (net block console rng
    -- balloon scsi 9p gpu input vsock iommu mem sound fs pmem).
    virtio_legacy  INTEGER NOT NULL,
    virtio_modern  INTEGER NOT NULL,
    virtio_driver  INTEGER NOT NULL,      -- support needs a driver package
    chipsets       INTEGER NOT NULL,      -- bit 0: i440fx, bit 1: q35
    arches         TEXT NOT NULL,         -- space-separated, from media, resources, firmware, drivers
    short_ids      TEXT NOT NULL,         -- space-separated, in order (also in os_name)
    aliases        TEXT NOT NULL          -- space-separated, in order (also in os_name)
);

-- short-ids and aliases
CREATE TABLE os_name (
    name TEXT PRIMARY KEY,
    os   INTEGER NOT NULL REFERENCES os (idx),
    kind TEXT NOT NULL CHECK (kind IN ('short-id', 'alias')),
    ord  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE os_relation (
    os        INTEGER NOT NULL REFERENCES os (idx),
    kind      TEXT NOT NULL CHECK (kind IN ('derives-from', 'clones', 'upgrades')),
    target    TEXT NOT NULL,
    target_os INTEGER REFERENCES os (idx)
);
CREATE INDEX os_relation_os ON os_relation (os);
CREATE INDEX os_relation_target ON os_relation (target_os);

CREATE TABLE os_virtio (
    os      INTEGER NOT NULL REFERENCES os (idx),
    class   TEXT NOT NULL,
    arch    TEXT NOT NULL,
    legacy  INTEGER NOT NULL,
    modern  INTEGER NOT NULL,
    driver  TEXT,                 -- NULL: in-box
    source  TEXT,
    note    TEXT,
    from_os INTEGER REFERENCES os (idx),
    path    TEXT NOT NULL,
    line    INTEGER NOT NULL
);
CREATE INDEX os_virtio_os ON os_virtio (os);

CREATE TABLE os_chipset (
    os        INTEGER NOT NULL REFERENCES os (idx),
    chipset   TEXT NOT NULL CHECK (chipset IN ('i440fx', 'q35')),
    arch      TEXT NOT NULL,
    supported INTEGER NOT NULL,
    source    TEXT,
    note      TEXT,
    from_os   INTEGER REFERENCES os (idx),
    path      TEXT NOT NULL,
    line      INTEGER NOT NULL
);
CREATE INDEX os_chipset_os ON os_chipset (os);

CREATE TABLE os_firmware (
    os        INTEGER NOT NULL REFERENCES os (idx),
    arch      TEXT NOT NULL,
    type      TEXT NOT NULL CHECK (type IN ('bios', 'efi')),
    supported INTEGER NOT NULL,
    source    TEXT,
    note      TEXT,
    from_os   INTEGER REFERENCES os (idx),
    path      TEXT NOT NULL,
    line      INTEGER NOT NULL
);
CREATE INDEX os_firmware_os ON os_firmware (os);

-- Supported devices after inheritance.
CREATE TABLE os_device (
    os      INTEGER NOT NULL REFERENCES os (idx),
    device  INTEGER NOT NULL REFERENCES device (idx),
    source  TEXT,
    note    TEXT,
    from_os INTEGER REFERENCES os (idx),
    path    TEXT NOT NULL,
    line    INTEGER NOT NULL
);
CREATE INDEX os_device_os ON os_device (os);

CREATE TABLE os_driver (
    os              INTEGER NOT NULL REFERENCES os (idx),
    idx             INTEGER NOT NULL,
    arch            TEXT NOT NULL,
    location        TEXT NOT NULL,
    pre_installable INTEGER NOT NULL,
    signed          INTEGER NOT NULL
);
CREATE INDEX os_driver_os ON os_driver (os);

CREATE TABLE os_driver_device (
    os     INTEGER NOT NULL REFERENCES os (idx),
    driver INTEGER NOT NULL,
    device INTEGER NOT NULL REFERENCES device (idx)
);
CREATE INDEX os_driver_device_os ON os_driver_device (os);

CREATE TABLE os_variant (
    os   INTEGER NOT NULL REFERENCES os (idx),
    id   TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE INDEX os_variant_os ON os_variant (os);

CREATE TABLE os_media (
    os                INTEGER NOT NULL REFERENCES os (idx),
    idx               INTEGER NOT NULL,
    arch              TEXT NOT NULL,
    live              INTEGER NOT NULL,
    installer         INTEGER NOT NULL,
    installer_reboots INTEGER,
    installer_script  INTEGER NOT NULL,
    url               TEXT,
    kernel            TEXT,
    initrd            TEXT,
    volume_id         TEXT,   -- regexes, searched unanchored
    system_id         TEXT,
    publisher_id      TEXT,
    application_id    TEXT,
    volume_size       INTEGER
);
CREATE INDEX os_media_os ON os_media (os);

CREATE TABLE os_media_variant (
    os      INTEGER NOT NULL REFERENCES os (idx),
    media   INTEGER NOT NULL,
    variant TEXT NOT NULL
);
CREATE INDEX os_media_variant_os ON os_media_variant (os);

CREATE TABLE os_media_language (
    os    INTEGER NOT NULL REFERENCES os (idx),
    media INTEGER NOT NULL,
    value TEXT NOT NULL,
    regex INTEGER NOT NULL,
    map   TEXT
);
CREATE INDEX os_media_language_os ON os_media_language (os);

-- Resources after `inherit` is applied.
CREATE TABLE os_resources (
    os      INTEGER NOT NULL REFERENCES os (idx),
    arch    TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('minimum', 'recommended', 'maximum', 'network-install')),
    n_cpus  INTEGER,
    cpu     INTEGER,
    ram     INTEGER,
    storage INTEGER,
    from_os INTEGER REFERENCES os (idx)
);
CREATE INDEX os_resources_os ON os_resources (os);

-- Provenance an OS states for its plain facts (name, dates, relations,
-- media...); `fact` as in guestdb_data::model::FactSource.
CREATE TABLE os_fact_source (
    os     INTEGER NOT NULL REFERENCES os (idx),
    fact   TEXT NOT NULL,
    source TEXT,
    note   TEXT,
    path   TEXT NOT NULL,
    line   INTEGER NOT NULL
);
CREATE INDEX os_fact_source_os ON os_fact_source (os);
