-- The compiled guestdb store: what `guestdb build` and build.rs write and the
-- library reads. Schema version 2 (the `schema_version` row of `meta`).
--
-- Facts are stored as they apply after inheritance ("effective"), each with
-- where it was declared: `from_os` is the OS it was inherited from (NULL when
-- the OS declares it itself), `path`/`line` the declaration, `source` the
-- source id from data/dataset.xml. Booleans are 0/1; dates are YYYY-MM-DD.
--
-- Lists that belong to one owner (an OS, a device, a host) are WITHOUT ROWID
-- tables keyed by (owner, ord), `ord` being the order in the data: they are
-- stored clustered by owner, so reading one owner's rows needs no index.
-- (Every CREATE statement is parsed when a store is opened; fewer of them
-- make opening cheaper.)

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
    ord    INTEGER NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('qemu', 'libvirt')),
    name   TEXT NOT NULL,
    slot   TEXT NOT NULL CHECK (slot IN ('any', 'pci', 'pcie', 'root')),
    PRIMARY KEY (device, ord)
) WITHOUT ROWID;

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
    ord       INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('derives-from', 'clones', 'upgrades')),
    target    TEXT NOT NULL,
    target_os INTEGER REFERENCES os (idx),
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;
CREATE INDEX os_relation_target ON os_relation (target_os);

CREATE TABLE os_virtio (
    os      INTEGER NOT NULL REFERENCES os (idx),
    ord     INTEGER NOT NULL,
    class   TEXT NOT NULL,
    arch    TEXT NOT NULL,
    legacy  INTEGER NOT NULL,
    modern  INTEGER NOT NULL,
    driver  TEXT,                 -- NULL: in-box
    source  TEXT,
    note    TEXT,
    from_os INTEGER REFERENCES os (idx),
    path    TEXT NOT NULL,
    line    INTEGER NOT NULL,
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;

CREATE TABLE os_chipset (
    os        INTEGER NOT NULL REFERENCES os (idx),
    ord       INTEGER NOT NULL,
    chipset   TEXT NOT NULL CHECK (chipset IN ('i440fx', 'q35')),
    arch      TEXT NOT NULL,
    supported INTEGER NOT NULL,
    source    TEXT,
    note      TEXT,
    from_os   INTEGER REFERENCES os (idx),
    path      TEXT NOT NULL,
    line      INTEGER NOT NULL,
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;

CREATE TABLE os_firmware (
    os        INTEGER NOT NULL REFERENCES os (idx),
    ord       INTEGER NOT NULL,
    arch      TEXT NOT NULL,
    type      TEXT NOT NULL CHECK (type IN ('bios', 'efi')),
    supported INTEGER NOT NULL,
    preferred INTEGER NOT NULL,
    source    TEXT,
    note      TEXT,
    from_os   INTEGER REFERENCES os (idx),
    path      TEXT NOT NULL,
    line      INTEGER NOT NULL,
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;

-- Secure Boot and TPM support and requirements.
CREATE TABLE os_boot_security (
    os        INTEGER NOT NULL REFERENCES os (idx),
    ord       INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('secure-boot', 'tpm')),
    arch      TEXT NOT NULL,
    version   TEXT,                 -- the TPM version (1.2, 2.0); NULL for Secure Boot
    supported INTEGER NOT NULL,
    required  INTEGER NOT NULL,
    source    TEXT,
    note      TEXT,
    from_os   INTEGER REFERENCES os (idx),
    path      TEXT NOT NULL,
    line      INTEGER NOT NULL,
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;

-- Supported devices after inheritance.
CREATE TABLE os_device (
    os      INTEGER NOT NULL REFERENCES os (idx),
    ord     INTEGER NOT NULL,
    device  INTEGER NOT NULL REFERENCES device (idx),
    source  TEXT,
    note    TEXT,
    from_os INTEGER REFERENCES os (idx),
    path    TEXT NOT NULL,
    line    INTEGER NOT NULL,
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;

CREATE TABLE os_driver (
    os              INTEGER NOT NULL REFERENCES os (idx),
    idx             INTEGER NOT NULL,
    arch            TEXT NOT NULL,
    location        TEXT NOT NULL,
    pre_installable INTEGER NOT NULL,
    signed          INTEGER NOT NULL,
    PRIMARY KEY (os, idx)
) WITHOUT ROWID;

CREATE TABLE os_driver_device (
    os     INTEGER NOT NULL REFERENCES os (idx),
    ord    INTEGER NOT NULL,
    driver INTEGER NOT NULL,
    device INTEGER NOT NULL REFERENCES device (idx),
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;

CREATE TABLE os_variant (
    os   INTEGER NOT NULL REFERENCES os (idx),
    ord  INTEGER NOT NULL,
    id   TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;

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
    volume_size       INTEGER,
    PRIMARY KEY (os, idx)
) WITHOUT ROWID;

-- A medium's variants (kind 'variant', value the variant id) and language
-- patterns (kind 'language', value the literal or regex).
CREATE TABLE os_media_item (
    os    INTEGER NOT NULL REFERENCES os (idx),
    ord   INTEGER NOT NULL,
    media INTEGER NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('variant', 'language')),
    value TEXT NOT NULL,
    regex INTEGER NOT NULL,
    map   TEXT,
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;

-- Resources after `inherit` is applied.
CREATE TABLE os_resources (
    os      INTEGER NOT NULL REFERENCES os (idx),
    ord     INTEGER NOT NULL,
    arch    TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('minimum', 'recommended', 'maximum', 'network-install')),
    n_cpus  INTEGER,
    cpu     INTEGER,
    ram     INTEGER,
    storage INTEGER,
    from_os INTEGER REFERENCES os (idx),
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;

-- Provenance an OS states for its plain facts (name, dates, relations,
-- media...); `fact` as in guestdb_data::model::FactSource.
CREATE TABLE os_fact_source (
    os     INTEGER NOT NULL REFERENCES os (idx),
    ord    INTEGER NOT NULL,
    fact   TEXT NOT NULL,
    source TEXT,
    note   TEXT,
    path   TEXT NOT NULL,
    line   INTEGER NOT NULL,
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;

-- ------------------------------------------------------------ machine types
-- data/machines/qemu.xml: upstream QEMU releases, versioned families, extra
-- names, deliberate deprecations/removals and the lifecycle rule (kind
-- 'release', 'family', 'machine', 'deprecated', 'removed', 'lifecycle'), in
-- data order. Columns by kind:
--   release:    version, date
--   family:     name, arches, prefix, alias, version (first), since (alias-since), flag (default)
--   machine:    name, family, version (lifecycle version), since (added)
--   deprecated/removed: family, version (from), until (to), since (release)
--   lifecycle:  since, until (delete-since), deprecate_after, delete_after
CREATE TABLE upstream_machine_fact (
    ord             INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('release', 'family', 'machine', 'deprecated', 'removed', 'lifecycle')),
    name            TEXT,
    family          TEXT,
    arches          TEXT,
    prefix          TEXT,
    alias           TEXT,
    version         TEXT,
    since           TEXT,
    until           TEXT,
    date            TEXT,
    flag            INTEGER,
    deprecate_after INTEGER,
    delete_after    INTEGER,
    source          TEXT,
    note            TEXT,
    path            TEXT NOT NULL,
    line            INTEGER NOT NULL
);

-- data/machines/<line>.xml: a distribution's own machine types, each family's
-- oldest first; `since`/`deprecated_since` are space-separated per-line
-- starting releases (guestdb_data::model::from_release).
CREATE TABLE downstream_line (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    upstream INTEGER NOT NULL,   -- the distribution's QEMU also offers the upstream types
    aliases  TEXT NOT NULL,      -- space-separated alias=family pairs
    source   TEXT,
    note     TEXT,
    path     TEXT NOT NULL,
    line     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE downstream_machine (
    line_id          TEXT NOT NULL REFERENCES downstream_line (id),
    ord              INTEGER NOT NULL,
    name             TEXT NOT NULL,
    family           TEXT NOT NULL,
    arches           TEXT NOT NULL,
    since            TEXT NOT NULL,
    deprecated_since TEXT NOT NULL,
    variant          TEXT,
    source           TEXT,
    note             TEXT,
    path             TEXT NOT NULL,
    line             INTEGER NOT NULL,
    PRIMARY KEY (line_id, ord)
) WITHOUT ROWID;

-- ------------------------------------------------------------ host profiles
CREATE TABLE host (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    released        TEXT,
    qemu            TEXT NOT NULL,
    qemu_package    TEXT,
    libvirt         TEXT,
    libvirt_package TEXT,
    upstream        INTEGER NOT NULL, -- offers the upstream machine types of its QEMU
    machine_line    TEXT,             -- a downstream line and its release
    machine_release TEXT,
    arches          TEXT NOT NULL,    -- space-separated
    is_default      INTEGER NOT NULL,
    source          TEXT,
    note            TEXT,
    path            TEXT NOT NULL,
    line            INTEGER NOT NULL
) WITHOUT ROWID;

-- What a host offers guests besides machine types: firmware (kind
-- 'firmware': arch, type, secure_boot, code, vars), TPM models (kind 'tpm':
-- arch, name = model, versions) and devices its QEMU lacks (kind
-- 'missing-device': name).
CREATE TABLE host_item (
    host        TEXT NOT NULL REFERENCES host (id),
    ord         INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('firmware', 'tpm', 'missing-device')),
    arch        TEXT,
    name        TEXT,
    type        TEXT,
    secure_boot INTEGER,
    code        TEXT,
    vars        TEXT,
    versions    TEXT,
    source      TEXT,
    note        TEXT,
    path        TEXT NOT NULL,
    line        INTEGER NOT NULL,
    PRIMARY KEY (host, ord)
) WITHOUT ROWID;
