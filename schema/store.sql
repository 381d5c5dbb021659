-- The compiled guestdb store: what `guestdb build` and build.rs write and the
-- library reads. Schema version 6 (the `schema_version` row of `meta`).
--
-- Each OS is one row of `os`: its identity and a summary in typed columns
-- (for SQL queries and listing); every effective fact (after inheritance),
-- each with where it was declared, is one JSON document in `os_facts`. The
-- catalogues beside the OSes (devices, machine types) and the host profiles
-- are JSON documents too. SQLite's JSON functions read them,
-- e.g. every OS whose block virtio driver is legacy-only:
--
--   SELECT id FROM os JOIN os_facts ON os_facts.os = os.idx,
--        json_each(os_facts.facts, '$.virtio') AS v
--   WHERE v.value->>'class' = 'block' AND v.value->>'arch' = 'all'
--     AND v.value->>'legacy' AND NOT v.value->>'modern';
--
-- Few tables on purpose: SQLite parses every CREATE statement whenever a
-- store is opened, and one-shot commands open it once (a third of their time
-- with a table per fact kind). Booleans are 0/1 (JSON true/false); dates are
-- YYYY-MM-DD; `declared_at` is `path:line` relative to the data directory.

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
    eol_date       TEXT,                  -- end of security maintenance without a paid add-on
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
    aliases        TEXT NOT NULL,         -- space-separated, in order (also in os_name)
    -- The ends of the release's lifecycle phases (facts: lifecycle): YYYY-MM-DD,
    -- 'unknown' or 'tba'; NULL when the phase is not stated (no paid extension,
    -- or no lifecycle at all). security_end is what eol_date means: the end of
    -- security maintenance without a paid add-on (eol_date holds it when dated).
    standard_end   TEXT,
    security_end   TEXT,
    extended_end   TEXT
);

-- Every effective fact of an OS, apart from its summary row so that listing
-- and lookups read only the small rows of `os`. A JSON object with the arrays
--   relations     {kind, target, short_id}
--   lifecycle     {phase: standard|security|extended, end: YYYY-MM-DD|unknown|tba, label?,
--                  expected?, provenance}
--   virtio        {class, arch, legacy, modern, driver?, provenance}
--   chipsets      {chipset, arch, supported, provenance}
--   firmware      {arch, type, supported, preferred, provenance}
--   boot_security {kind: secure-boot|tpm, arch, version?, supported, required, provenance}
--   devices       {name, class, pci?, provenance}
--   drivers       {arch, location, pre_installable, signed, devices: [name]}
--   variants      {id, name}
--   media         {arch, variants, live, installer, installer_reboots?, installer_script,
--                  url?, kernel?, initrd?, volume_id?, system_id?, publisher_id?,
--                  application_id?, volume_size?, languages: [{value, regex, map?}]}
--   resources     {arch, kind, n_cpus?, cpu?, ram?, storage?, inherited_from?}
--   fact_sources  {fact, provenance}
-- where provenance is {source?, note?, inherited_from? (a short-id), declared_at}.
CREATE TABLE os_facts (
    os    INTEGER PRIMARY KEY REFERENCES os (idx),
    facts TEXT NOT NULL
);

-- Short-ids and aliases (the name index of one-shot lookups).
CREATE TABLE os_name (
    name TEXT PRIMARY KEY,
    os   INTEGER NOT NULL REFERENCES os (idx),
    kind TEXT NOT NULL CHECK (kind IN ('short-id', 'alias')),
    ord  INTEGER NOT NULL
) WITHOUT ROWID;

-- derives-from, clones and upgrades, also by target (the releases that
-- derive from an OS).
CREATE TABLE os_relation (
    os        INTEGER NOT NULL REFERENCES os (idx),
    ord       INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('derives-from', 'clones', 'upgrades')),
    target    TEXT NOT NULL,
    target_os INTEGER REFERENCES os (idx),
    PRIMARY KEY (os, ord)
) WITHOUT ROWID;
CREATE INDEX os_relation_target ON os_relation (target_os);

-- The catalogues, one JSON document each:
--   devices     [{name, osinfo_id?, class, bus, pci?, usb?, virtio_type?, generation?,
--                 vendor?, product?, qemu_devices: [{name, slot}], libvirt_models: [...], note?}]
--   machines    {releases: [{version, date?, at}], families: [{name, arches, prefix, alias?,
--                 alias_since?, first, default_machine, at}], extras: [{name, family, version,
--                 added, at}], changes: [{removed, family, from, to, release, note?, at}],
--                 lifecycle: {since, deprecate_after, delete_after, delete_since, at}?}
--   line/ID     {id, name, with_upstream, aliases: [[alias, family]], machines: [{name, family,
--                 arches, since, deprecated_since, variant?, at}], at}
-- where at is {path, line}.
CREATE TABLE catalogue (
    name TEXT PRIMARY KEY,
    doc  TEXT NOT NULL
) WITHOUT ROWID;

-- Detection: the media and tree patterns, filed for lookup by what a
-- medium's text contains (written by crates/guestdb-data/src/emit/detect.rs,
-- which documents the rows: detect/pattern/N, detect/gram/FIELD/GRAM,
-- detect/always/FIELD, detect/media/N, detect/trees/N, detect/newest,
-- datamaps). A table of its own keeps the catalogue small for the commands
-- that do not detect.
CREATE TABLE detect (
    name TEXT PRIMARY KEY,
    doc  TEXT NOT NULL
) WITHOUT ROWID;

-- Host profiles: {id, name, released?, qemu, qemu_package?, libvirt?, libvirt_package?,
-- upstream_machines, machine_line: [line, release]?, arches, default, firmware: [{arch, type,
-- secure_boot, code?, vars?}], tpm: [{arch, model, versions}], missing_devices, source?,
-- note?, at}.
CREATE TABLE host (
    id         TEXT PRIMARY KEY,
    is_default INTEGER NOT NULL,
    doc        TEXT NOT NULL
) WITHOUT ROWID;
