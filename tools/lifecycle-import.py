#!/usr/bin/env python3
"""One-off conversion (issue 21): writes each release's support phases into
its data/os file as a <lifecycle> element, makes <eol-date> the end of the
security phase, corrects the release dates the lifecycle research found
wrong, and records in data/corrections.xml every date that now differs
from osinfo-db.

Usage: tools/lifecycle-import.py RESEARCH_DIR [DATA_DIR]

RESEARCH_DIR holds the lifecycle research tables phases-community.tsv and
phases-enterprise.tsv (short_id, phase ga|standard|security|extended, date
YYYY-MM-DD|unknown|tba|none, source, note), built for this issue from
Debian's distro-info-data, endoflife.date (endoflife-date/endoflife.date @
a70eca33, endoflife-date/release-data @ f626bdef), Microsoft's lifecycle
data (MicrosoftDocs/lifecycle-data-pr.lt-lt), Red Hat's, AlmaLinux's and
Rocky Linux's pages and the vendors' announcements. Only dates and the
citations of the `source` column are carried over; notes are written here.
Ubuntu's extended phase (ESM) is read from the installed distro-info-data
(/usr/share/distro-info/ubuntu.csv). Running it again gives the same files.
"""

import csv
import html
import os
import re
import sys

RESEARCH = sys.argv[1] if len(sys.argv) > 1 else "/work/research/lifecycle"
DATA = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "data")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PHASES = ["standard", "security", "extended"]

# ------------------------------------------------------------------ input

def load():
    rows = {}
    for name in ["phases-community.tsv", "phases-enterprise.tsv"]:
        with open(os.path.join(RESEARCH, name)) as f:
            for r in csv.DictReader(f, delimiter="\t"):
                # openSUSE is in both tables: the community one counts the
                # free Evergreen extension as security maintenance.
                if name == "phases-enterprise.tsv" and r["short_id"].startswith("opensuse"):
                    if r["short_id"] != "opensuse15.4":
                        continue
                rows.setdefault(r["short_id"], {})[r["phase"]] = r
    return rows


def ubuntu_csv():
    out = {}
    with open("/usr/share/distro-info/ubuntu.csv") as f:
        for r in csv.DictReader(f):
            out[r["version"].split()[0]] = r
    return out


# ------------------------------------------------------------------ sources

def source_of(cite):
    """The dataset source id for a citation of the research tables."""
    c = cite.strip()
    table = [
        ("distro-info-data", "distro-info-data"),
        ("endoflife-release-data", "endoflife-release-data"),
        ("endoflife-date/release-data", "endoflife-release-data"),
        ("endoflife-date/endoflife.date:tools/centos.md", "centos-faq-minor-rule"),
        ("endoflife-date", "endoflife-date"),
        ("fedora-docs-eol", "fedora-docs-eol"),
        ("fedora-schedule", "fedora-schedule"),
        ("fedora-legacy", "fedora-legacy"),
        ("freebsd-security-officer", "freebsd-security"),
        ("freebsd-announce-2024-07", "freebsd-security"),
        ("freebsd-security", "freebsd-security"),
        ("netbsd-formal", "netbsd-formal"),
        ("openbsd-www", "openbsd-www"),
        ("alpine-releases", "alpine-releases"),
        ("nixos-announcements", "nixos-announcements"),
        ("opensuse-lifetime", "opensuse-lifetime"),
        ("opensuse-evergreen", "opensuse-evergreen"),
        ("https://en.opensuse.org", "opensuse-lifetime"),
        ("mageia-support", "mageia-support"),
        ("slackware-changelog", "slackware-changelog"),
        ("clearlinux-shutdown", "clearlinux-shutdown"),
        ("oracle-lifetime-support", "oracle-lifetime-support"),
        ("https://www.it-server-room.com", "oracle-lifetime-support"),
        ("https://stigaview.com", "oracle-lifetime-support"),
        ("ubuntu-release-cycle", "distro-info-data"),
        ("debian-lts", "distro-info-data"),
        ("pop-os", "endoflife-date"),
        ("osinfo-db", "osinfo-db"),
        ("guestdb", "guestdb"),
        ("MicrosoftDocs/lifecycle-data", "microsoft-lifecycle-data"),
        ("MicrosoftDocs/windows-itpro-docs", "microsoft-esu"),
        ("RedHatInsights", "redhat-insights-roadmap"),
        ("access.redhat.com/articles/3078", "redhat-docs"),
        ("https://downloads.redhat.com", "redhat-docs"),
        ("https://www.redhat.com/en/blog", "redhat-docs"),
        ("https://docs.redhat.com", "redhat-docs"),
        ("http://fr.redhat.com", "redhat-docs"),
        ("mitre/", "redhat-docs"),
        ("AlmaLinux/wiki", "almalinux-wiki"),
        ("rocky-linux/wiki", "rocky-wiki"),
        ("https://blog.centos.org", "distro-release-notes"),
        ("https://altusintel.com", "distro-release-notes"),
        ("http://smoogespace.blogspot.com", "distro-release-notes"),
        ("future-architect/vuls", "endoflife-date"),
        ("https://www.computerworld.com", "windows-news"),
        ("https://rcpmag.com", "windows-news"),
        ("https://www.cnet.com", "windows-news"),
        ("https://a.osmarks.net", "windows-news"),
        ("https://windowsforum.com", "windows-news"),
        ("https://www.helpnetsecurity.com", "windows-news"),
    ]
    for prefix, sid in table:
        if c.startswith(prefix):
            return sid
    return None


def citation(cite):
    """The research table's citation, shortened to what names the place."""
    c = cite.strip()
    if not c or c.startswith("(none") or c == "none" or "rules-community" in c or "none reachable" in c:
        return ""
    if source_of(c) == c:
        return ""
    c = re.sub(r"^[a-z0-9-]+: ", "", c) if not c.startswith("http") else c
    c = re.sub(r"@([0-9a-f]{8})[0-9a-f]{32}", r"@\1", c)
    c = c.replace("Debian package distro-info-data 2026.10.12-1 (sid), ", "")
    c = c.replace("osinfo-db via guestdb ", "")
    return c


# ------------------------------------------------------------------ labels

def labels(sid, rows):
    """The vendor's names for the phases (None: the phase's usual name)."""
    ext_note = rows.get("extended", {}).get("note", "")
    if sid.startswith("rhel"):
        ext = "extended life-cycle support" if "ELS" in ext_note else "extended update support"
        if "EUS" not in ext_note and "ELS" not in ext_note:
            ext = None
        return {"standard": "full support", "security": "maintenance support", "extended": ext}
    if sid in ("win10", "win11"):
        # Modern Lifecycle: the product is serviced until its last feature update ends.
        return {"standard": "servicing", "security": "servicing", "extended": "extended security updates"}
    if re.match(r"^(win|msdos)", sid):
        return {"standard": "mainstream support", "security": "extended support",
                "extended": "extended security updates"}
    if sid.startswith("ubuntu"):
        server = sid in ("ubuntu6.06", "ubuntu8.04", "ubuntu10.04")
        return {"standard": "standard support" + (" (desktop)" if server else ""),
                "security": "standard support (server)" if server else "standard support",
                "extended": "expanded security maintenance (ESM, Ubuntu Pro)"}
    if sid.startswith("debian"):
        # Debian LTS began with 6.0 squeeze.
        m = re.match(r"debian(\d+)", sid)
        lts = bool(m) and int(m.group(1)) >= 6
        return {"standard": "security team support",
                "security": "long term support (LTS)" if lts else "security team support",
                "extended": "extended LTS (Freexian)"}
    if re.match(r"^(sles|sled|sle15|slem|sle-)", sid):
        return {"standard": "general support", "security": "general support",
                "extended": "long term service pack support"}
    if re.match(r"^(ol|oel)", sid):
        return {"standard": "premier support", "security": "premier support",
                "extended": "extended support"}
    if re.match(r"^(almalinux|rocky)", sid):
        return {"standard": "active support", "security": "security support", "extended": None}
    if sid.startswith("alpinelinux"):
        return {"standard": "community repository support", "security": "main repository support",
                "extended": None}
    if sid.startswith("opensuse"):
        ev = "Evergreen" in rows.get("security", {}).get("note", "") or \
            rows.get("security", {}).get("source", "").startswith("opensuse-evergreen")
        return {"standard": "maintenance", "security": "Evergreen community support" if ev else "maintenance",
                "extended": None}
    if sid.startswith("solaris"):
        return {"standard": "premier support", "security": "premier support",
                "extended": "extended support"}
    if sid.startswith("fedora") or sid.startswith("silverblue"):
        legacy = rows["security"]["date"] == "unknown" and sid in ("fedora1", "fedora2", "fedora3", "fedora4")
        return {"standard": "maintenance", "security": "Fedora Legacy updates" if legacy else "maintenance",
                "extended": None}
    if sid.startswith("slackware"):
        return {"standard": "security patches", "security": "security patches",
                "extended": "security support for a fee"}
    return {"standard": None, "security": None, "extended": None}


# ------------------------------------------------------------------ notes

def note_for(sid, phase, row):
    """A short note in this project's words: how the day follows (from the
    research's reasoning, restated), then the citation."""
    n = row.get("note", "")
    date = row["date"]
    parts = []
    m = re.search(r"superseded by (RHEL|SL|CentOS|OL|RHEL Atomic Host|Rocky Linux|AlmaLinux) ([\w.]+) on (\d{4}-\d{2}-\d{2})", n)
    if m:
        who = {"SL": "Scientific Linux", "OL": "Oracle Linux"}.get(m.group(1), m.group(1))
        osinfo = " (osinfo-db's release date)" if "osinfo-only" in n else ""
        parts.append(f"the update stream moved on to {who} {m.group(2)} on {m.group(3)}{osinfo}")
    elif "value repeats" in n:
        pass
    elif re.search(r"minor ends when the next minor is released", n):
        parts.append("a minor release is maintained until the next one is released")
    elif date == "unknown" or date == "tba":
        parts.append(unknown_reason(sid, phase, n, date))
    cite = citation(row.get("source", ""))
    if cite and date not in ("unknown",):
        parts.append(cite)
    elif cite and date == "unknown" and source_of(row.get("source", "")) not in (None, "osinfo-db"):
        parts.append(cite)
    return "; ".join(p for p in parts if p)


def unknown_reason(sid, phase, n, date):
    """Why an end is unknown or not announced, in a few words."""
    guestdb = re.search(r"guestdb(?:/osinfo-db)? (?:has|says|uses the next release's date) \(?(\d{4}-\d{2}-\d{2})", n)
    had = f" (osinfo-db's {guestdb.group(1)} is not confirmed by any source)" if guestdb else ""
    if date == "tba":
        if "not released" in n or "not yet released" in n:
            return "not released yet"
        m = re.search(r"(?:until|ends at the GA of|depends on|ends about .* after) ([A-Za-z]+ ?[\d.]+)", n)
        if m:
            return f"not announced yet: it ends when {m.group(1)} comes out"
        return "not announced yet"
    if "generic entry" in n:
        return "a catch-all entry without a version"
    if sid.startswith(("dragonflybsd", "haiku", "freedos", "cirros", "gnome", "guix", "android-x86")):
        return "the project publishes no support period per release" + had
    if sid.startswith("popos"):
        m = re.search(r"endoflife.date derives (\d{4}-\d{2}-\d{2})", n)
        derived = f"; endoflife.date's {m.group(1)} is derived from its own rule (three months after the next release, five years for an LTS), not a System76 date" if m else ""
        return "System76 publishes no end per release" + derived
    if sid.startswith(("alt", "eos", "mandr", "mes", "mbs", "pureos", "hyperbola", "freenix", "trisquel", "elementary")):
        return "no lifecycle page of the vendor was reachable" + had
    m = re.search(r"ends at the GA of (OL|Oracle Linux) ([\d.]+).*distrowatch[^)]*\) (\d{4}-\d\d-\d\d); osinfo-db (\d{4}-\d\d-\d\d)", n)
    if m:
        return (f"it ended when Oracle Linux {m.group(2)} came out, a day the sources disagree on "
                f"(Distrowatch {m.group(3)}, osinfo-db {m.group(4)}) and Oracle's announcement was not reachable")
    if "EUS existed" in n:
        return "Red Hat sold Extended Update Support for some minors of this major; no source gives this minor's end"
    if "for a fee" in n:
        return "the 2012 ChangeLog notice offers security support for a fee, with no end"
    if "month only" in n or "gives the month only" in n or re.search(r"month \d{4}-\d{2}\)", n):
        m2 = re.search(r"(\d{4}-\d{2})(?:\)|;| \(| \b)", n)
        return "the vendor gives the month only" + (f" ({m2.group(1)})" if m2 else "")
    if "Evergreen" in n:
        return "the community Evergreen project maintained it longer; no source gives the last day"
    if "Fedora Legacy" in n:
        return "the community Fedora Legacy project shipped updates after the Fedora end of life until 2006; the last day is not known"
    if "predates" in n:
        return "older than FreeBSD's table of unsupported releases" + had
    if "SLED row" in n:
        return "SUSE's lifecycle row for the desktop product was not reachable" + had
    if "same as standard" in n:
        return "the same end as standard support, whose day is not known"
    return "no source that gives the day was reachable" + had


# ------------------------------------------------------------------ decisions

# Phases the research left as unknown/none that the data states otherwise,
# each with the reason (the notes say it too).
OVERRIDES = {
    # The project maintains only the newest beta: it is in support until
    # the next one, whose day is not announced.
    ("haikur1beta6", "standard"): ("tba", None, "maintained until the next beta, not announced yet"),
    ("haikur1beta6", "security"): ("tba", None, "maintained until the next beta, not announced yet"),
    # Minors end when the next minor ships; RHEL 9.9/10.3 and OL 9.9 are not
    # in the data yet (due November 2026; the freshness records expect them
    # by 2027-01-31).
    ("rhel9.8", "standard"): ("tba", "2027-01-31", "ends when RHEL 9.9 comes out (Red Hat ships minors in May and November)"),
    ("rhel9.8", "security"): ("tba", "2027-01-31", "ends when RHEL 9.9 comes out (Red Hat ships minors in May and November)"),
    ("rhel10.2", "standard"): ("tba", "2027-01-31", "ends when RHEL 10.3 comes out (Red Hat ships minors in May and November)"),
    ("rhel10.2", "security"): ("tba", "2027-01-31", "ends when RHEL 10.3 comes out (Red Hat ships minors in May and November)"),
    ("ol9.8", "standard"): ("tba", "2027-01-31", "ends when Oracle Linux 9.9 comes out"),
    ("ol9.8", "security"): ("tba", "2027-01-31", "ends when Oracle Linux 9.9 comes out"),
    ("ol10.2", "standard"): ("tba", "2027-01-31", "ends when Oracle Linux 10.3 comes out"),
    ("ol10.2", "security"): ("tba", "2027-01-31", "ends when Oracle Linux 10.3 comes out"),
    # Fedora 45's end is planned in its own fedora-release package.
    ("fedora45", "standard"): ("2027-12-08", None, "planned: fedora-release 45-14 sets the end of life to 2027-12-08 to match the schedule (four weeks after Fedora 47 is due)"),
    ("fedora45", "security"): ("2027-12-08", None, "planned: fedora-release 45-14 sets the end of life to 2027-12-08 to match the schedule (four weeks after Fedora 47 is due)"),
    # osinfo-db dates Scientific Linux 5.10 a day after 5.11 (2014-11-14 and
    # 2014-11-13): one of them is wrong, so 5.10's end is not known.
    ("scientificlinux5.10", "standard"): ("unknown", None, "it ended when SL 5.11 came out, but osinfo-db dates 5.11 (2014-11-13) a day before 5.10 itself (2014-11-14), so one of the two is wrong"),
    ("scientificlinux5.10", "security"): ("unknown", None, "it ended when SL 5.11 came out, but osinfo-db dates 5.11 (2014-11-13) a day before 5.10 itself (2014-11-14), so one of the two is wrong"),
    # Windows 10 (Home, Pro, Enterprise, Education 22H2): commercial ESU
    # runs at most three years, to the October 2028 Patch Tuesday.
    ("win10", "extended"): ("2028-10-10", None, "organizations can buy ESU for 22H2 for up to three years after 2025-10-14 (learn.microsoft.com/windows/whats-new/extended-security-updates; endoflife.date products/windows.md @ a70eca33 gives 2028-10-10); consumer ESU (free with a Microsoft account or paid) ended 2026-10-13 and was extended in June 2026 to 2027-10-12"),
    # Debian 2.1: www.debian.org/releases gives 2000-09-30 for the end of
    # security support and 2000-10-30 as the end; distro-info-data has
    # 2000-10-30, which the data follows (one free phase).
    ("debian2.1", "standard"): ("2000-10-30", None, "debian.csv (slink row) column eol; www.debian.org/releases gives 2000-09-30 for the end of security support and 2000-10-30 as the end"),
    ("debian2.1", "security"): ("2000-10-30", None, "debian.csv (slink row) column eol; www.debian.org/releases gives 2000-09-30 for the end of security support and 2000-10-30 as the end"),
}
OVERRIDE_SOURCE = {"fedora45": "fedora", "win10": "microsoft-esu", "debian2.1": "distro-info-data"}

# Unknown extensions that the data leaves out: no paid extension is known.
NO_EXTENSION = re.compile(
    r"unknown whether a paid extension existed|no paid extension known|only private Custom Support"
    r"|no public ESU|custom \(paid, private\) support|no LTSS for the desktop|LTSS is a server-only"
    r"|generic entry|no paid extension|^no reachable source$|suse.com/lifecycle scrape has no LTSS column"
)
# Entries that have no lifecycle of their own.
NO_LIFECYCLE = re.compile(r"generic entry without a (major )?version")


def decide(sid, rows, ubuntu):
    """The phases of one release: {phase: (end, expected, label, source, note)}, or None."""
    st, se = rows["standard"], rows["security"]
    if st["date"] == "none" and se["date"] == "none":
        return None
    if NO_LIFECYCLE.search(se["note"]):
        return None
    lab = labels(sid, rows)
    out = {}
    for phase in PHASES:
        row = dict(rows[phase])
        end = row["date"]
        if (phase == "security" and end == rows["standard"]["date"]
                and row["note"].startswith("same as standard")):
            row["note"] = rows["standard"]["note"]
        expected = None
        if end == "none":
            continue
        if phase == "extended":
            if end == rows["security"]["date"] and DATE.match(end):
                continue
            if end == "unknown" and NO_EXTENSION.search(row["note"]):
                continue
            if end == "unknown" and rows["security"]["date"] == "unknown" and "Atomic" in row["note"]:
                continue
        if (sid, phase) in OVERRIDES:
            end, expected, note = OVERRIDES[(sid, phase)]
            source = OVERRIDE_SOURCE.get(sid) or source_of(row["source"]) or "guestdb"
            if sid in OVERRIDE_SOURCE or source == "osinfo-db" or end in ("tba", "unknown"):
                source = OVERRIDE_SOURCE.get(sid, "guestdb")
            out[phase] = (end, expected, lab[phase], source, note)
            continue
        note = note_for(sid, phase, row)
        source = source_of(row["source"]) or ("guestdb" if end in ("unknown", "tba") else None)
        if sid.startswith("ubuntu") and phase == "extended":
            version = sid[len("ubuntu"):]
            esm = ubuntu.get(version, {}).get("eol-esm")
            if not esm:
                continue
            legacy = re.search(r"(\d{4}-\d{2}-\d{2})", row["note"]) if row["date"] != esm else None
            end = esm
            source = "distro-info-data"
            note = f"ubuntu.csv {ubuntu[version]['series']}: eol-esm"
            if DATE.match(row["date"]) and row["date"] != esm:
                note += (f"; the paid Legacy add-on on top of Ubuntu Pro extends it to {row['date']} "
                         "(15 years since Canonical's November 2025 extension; distro-info-data 0.58+deb12u7 "
                         f"still has the 12-year {ubuntu[version].get('eol-legacy')})")
        if source is None:
            raise SystemExit(f"{sid} {phase}: no source for {row['source']!r}")
        if end == "unknown" and not note:
            note = "no source that gives the day was reachable"
        out[phase] = (end, expected, lab[phase], source, note)
    if "security" not in out:
        raise SystemExit(f"{sid}: no security phase")
    # One free phase (Fedora, an RHEL minor, an Ubuntu LTS's five years):
    # no separate standard support is stated.
    if "standard" in out and out["standard"][0] == out["security"][0]:
        del out["standard"]
    return out


# ------------------------------------------------------------------ files

def files_by_short_id():
    out = {}
    for root, _, names in os.walk(os.path.join(DATA, "os")):
        for name in names:
            if not name.endswith(".xml"):
                continue
            path = os.path.join(root, name)
            text = open(path).read()
            m = re.search(r"<short-id[^>]*>([^<]+)</short-id>", text)
            if m:
                out[m.group(1)] = path
    return out


def attr(name, value):
    if value is None:
        return ""
    v = html.escape(value, quote=False).replace('"', "&quot;")
    return f' {name}="{v}"'


def lifecycle_block(phases):
    lines = ["  <lifecycle>"]
    for phase in PHASES:
        if phase not in phases:
            continue
        end, expected, label, source, note = phases[phase]
        lines.append(
            f'    <phase name="{phase}" end="{end}"{attr("label", label)}{attr("expected", expected)}'
            f'{attr("source", source)}{attr("note", note or None)}/>'
        )
    lines.append("  </lifecycle>")
    return "\n".join(lines) + "\n"


def element_value(text, name):
    m = re.search(rf"<{name}[^>]*>([^<]*)</{name}>", text)
    return m.group(1) if m else None


def rewrite(path, phases, ga):
    text = open(path).read()
    old = {"release-date": element_value(text, "release-date"), "eol-date": element_value(text, "eol-date")}
    text = re.sub(r"  <lifecycle>\n(?:    <phase [^\n]*\n)*  </lifecycle>\n", "", text)
    sec = phases["security"] if phases else None
    if phases is not None:
        eol = sec[0] if DATE.match(sec[0]) else None
        if eol != old["eol-date"]:
            text = re.sub(r"  <eol-date[^>]*>[^<]*</eol-date>\n", "", text)
            if eol:
                line = f"  <eol-date{attr('source', sec[3])}{attr('note', 'the end of the security phase (see lifecycle)')}>{eol}</eol-date>\n"
                text = insert_after(text, ["release-date", "codename", "version", "distro"], line)
    if ga and ga[0] != old["release-date"]:
        text = re.sub(r"  <release-date[^>]*>[^<]*</release-date>\n", "", text)
        line = f"  <release-date{attr('source', ga[1])}{attr('note', ga[2])}>{ga[0]}</release-date>\n"
        text = insert_after(text, ["codename", "version", "distro"], line)
    if phases is not None:
        text = insert_after(text, ["release-status", "eol-date", "release-date", "codename", "version", "distro"],
                            lifecycle_block(phases))
    new = {"release-date": element_value(text, "release-date"), "eol-date": element_value(text, "eol-date")}
    open(path, "w").write(text)
    return old, new


def insert_after(text, names, line):
    for name in names:
        m = re.search(rf"  <{name}[^>]*>[^<]*</{name}>\n|  <{name}[^>]*/>\n", text)
        if m:
            return text[: m.end()] + line + text[m.end():]
    raise SystemExit("no place for " + line)


# ------------------------------------------------------------------ corrections

def corrections_update(changes):
    """changes: [(os id, field, old value, new value, reason)]; the osinfo
    value is the existing correction's, else the old data value."""
    path = os.path.join(DATA, "corrections.xml")
    text = open(path).read()
    for os_id, field, old, new, reason in changes:
        # An OS osinfo-db does not have is one "exists" correction, no more.
        if f'subject="os:{os_id}" field="exists"' in text:
            continue
        pat = re.compile(
            rf'  <correction subject="os:{re.escape(os_id)}" field="{field}" osinfo="([^"]*)" guestdb="[^"]*">[^\n]*</correction>\n'
        )
        m = pat.search(text)
        osinfo = m.group(1) if m else (old or "-")
        text = pat.sub("", text)
        if osinfo == (new or "-"):
            continue
        line = (f'  <correction subject="os:{os_id}" field="{field}" osinfo="{osinfo}" guestdb="{new or "-"}">'
                f"{html.escape(reason, quote=False)}</correction>\n")
        text = text.replace("</corrections>", line + "</corrections>")
    open(path, "w").write(text)


# ------------------------------------------------------------------ main

def main():
    rows = load()
    ubuntu = ubuntu_csv()
    files = files_by_short_id()
    changes = []
    for sid in sorted(rows):
        r = rows[sid]
        path = files[sid]
        phases = decide(sid, r, ubuntu)
        ga = None
        g = r["ga"]
        if DATE.match(g["date"]) and not sid.endswith("-unknown") and source_of(g["source"]) not in (None, "osinfo-db"):
            ga = (g["date"], source_of(g["source"]), citation(g["source"]))
        old, new = rewrite(path, phases, ga)
        os_id = re.search(r'<os id="([^"]+)"', open(path).read()).group(1)
        if old["eol-date"] != new["eol-date"]:
            sec = phases["security"]
            why = (f"lifecycle: the end of security maintenance without a paid add-on is {sec[0]}"
                   f" (source {sec[3]}{': ' + sec[4] if sec[4] else ''})")
            changes.append((os_id, "eol-date", old["eol-date"], new["eol-date"], why))
        if old["release-date"] != new["release-date"]:
            changes.append((os_id, "release-date", old["release-date"], new["release-date"],
                            f"general availability {ga[0]} (source {ga[1]}: {ga[2]})"))
    corrections_update(changes)
    print(f"{len(rows)} releases, {sum(1 for c in changes if c[1] == 'eol-date')} eol-date and "
          f"{sum(1 for c in changes if c[1] == 'release-date')} release-date changes")


if __name__ == "__main__":
    main()
