//! A QEMU started paused with a QMP socket, and the PCI functions it shows
//! (`query-pci`). Used by `guestdb verify` and the tests that check the
//! device catalogue against a real QEMU.
//!
//! Devices behind a bridge (a PCIe root port, a pcie-to-pci-bridge) appear
//! in `query-pci` only once the firmware has numbered the bridge's bus, so
//! [`Qemu::pci_functions`] lets the guest run briefly (cont, sleep, stop)
//! until every expected device shows up or a deadline passes.

use serde_json::{json, Value};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, ErrorKind, Write as _};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// From spawning QEMU to a working QMP connection.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);
/// For any one QMP reply.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the firmware may run until every device behind a bridge shows up.
pub const FIRMWARE_TIMEOUT: Duration = Duration::from_secs(90);

/// Starts the message of an error where QEMU did not answer in time.
pub const HUNG: &str = "QEMU hung:";

/// One PCI function as `query-pci` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PciFunction {
    /// The `-device id=`; empty for the machine's built-in devices.
    pub qdev_id: String,
    /// The PCI bus.
    pub bus: u64,
    /// The slot on the bus.
    pub slot: u64,
    /// The function of the slot.
    pub function: u64,
    /// The vendor ID.
    pub vendor: u16,
    /// The device ID.
    pub device: u16,
    /// The qdev id of the bridge it sits behind; `None` on a root bus.
    pub parent: Option<String>,
}

impl PciFunction {
    /// `1af4:1041`.
    pub fn id(&self) -> String {
        format!("{:04x}:{:04x}", self.vendor, self.device)
    }
}

pub use crate::process::{is_executable, search_path};

/// A running QEMU with a QMP connection. Dropping it kills QEMU.
pub struct Qemu {
    child: Child,
    qmp: Option<BufReader<UnixStream>>,
    /// The command line QEMU was started with.
    pub cmdline: String,
    stderr_path: PathBuf,
    /// "7.2.22 (Debian ...)", from the QMP greeting.
    pub version: String,
    /// Holds the QMP socket and QEMU's stderr; removed after QEMU is killed.
    _dir: tempfile::TempDir,
}

impl Drop for Qemu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Qemu {
    /// Starts `binary` paused (`-S`) with `args` and a QMP socket, and
    /// negotiates capabilities. The caller chooses machine, memory and devices.
    pub fn start(binary: &Path, args: &[String]) -> Result<Qemu, String> {
        let dir = tempfile::Builder::new()
            .prefix("guestdb-qemu-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let socket = dir.path().join("qmp.sock");
        let stderr_path = dir.path().join("stderr.txt");
        let stderr = File::create(&stderr_path)
            .map_err(|e| format!("cannot create {}: {e}", stderr_path.display()))?;
        let mut all: Vec<String> = args.to_vec();
        all.extend(["-S".to_string(), "-qmp".to_string()]);
        all.push(format!("unix:{},server=on,wait=off", socket.display()));
        let cmdline = format!("{} {}", binary.display(), all.join(" "));
        let child = Command::new(binary)
            .args(&all)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(stderr))
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
        let mut q = Qemu {
            child,
            qmp: None,
            cmdline,
            stderr_path,
            version: String::new(),
            _dir: dir,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        let stream = loop {
            if let Ok(Some(status)) = q.child.try_wait() {
                return Err(q.failure(&format!(
                    "QEMU exited ({status}) before its QMP socket was up"
                )));
            }
            match UnixStream::connect(&socket) {
                Ok(s) => break s,
                Err(e) if Instant::now() >= deadline => {
                    return Err(q.failure(&format!(
                        "{HUNG} no QMP connection within {START_TIMEOUT:?}: {e}"
                    )));
                }
                Err(_) => sleep(Duration::from_millis(5)),
            }
        };
        q.qmp = Some(BufReader::new(stream));
        let greeting = q.read_message(deadline)?;
        let Some(v) = greeting.get("QMP").and_then(|g| g.get("version")) else {
            return Err(q.failure(&format!("unexpected QMP greeting: {greeting}")));
        };
        let n = |k: &str| v["qemu"][k].as_u64().unwrap_or(0);
        q.version = format!(
            "{}.{}.{} ({})",
            n("major"),
            n("minor"),
            n("micro"),
            v["package"].as_str().unwrap_or("").trim()
        );
        q.execute("qmp_capabilities")?;
        Ok(q)
    }

    /// An error message with `what`, the command line and everything QEMU
    /// wrote to stderr. Lets QEMU finish dying first, then kills it.
    pub fn failure(&mut self, what: &str) -> String {
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until && matches!(self.child.try_wait(), Ok(None)) {
            sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Its first 64 KiB: QEMU may have written without end.
        let stderr = {
            use std::io::Read;
            let mut bytes = Vec::new();
            if let Ok(f) = File::open(&self.stderr_path) {
                let _ = f.take(64 << 10).read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        };
        let mut msg = format!("{what}\n    command: {}\n    QEMU stderr:", self.cmdline);
        if stderr.trim().is_empty() {
            msg.push_str(" (empty)");
        }
        for line in stderr.lines() {
            let _ = write!(msg, "\n      {line}");
        }
        msg
    }

    fn read_raw(&mut self, deadline: Instant) -> Result<Value, String> {
        let reader = self.qmp.as_mut().ok_or("QMP is not connected")?;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Err(format!("{HUNG} no answer on QMP in time"));
            }
            reader
                .get_ref()
                .set_read_timeout(Some(deadline - now))
                .map_err(|e| format!("QMP socket: {e}"))?;
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) => return Err("QEMU closed the QMP connection".into()),
                Ok(_) if line.trim().is_empty() => continue,
                Ok(_) => {
                    return serde_json::from_str(&line)
                        .map_err(|e| format!("bad QMP message {line:?}: {e}"))
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err(format!("{HUNG} no answer on QMP in time"));
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("QMP read error: {e}")),
            }
        }
    }

    fn read_message(&mut self, deadline: Instant) -> Result<Value, String> {
        self.read_raw(deadline).map_err(|e| self.failure(&e))
    }

    /// Runs a QMP command and returns its `return` value, skipping events.
    pub fn execute(&mut self, command: &str) -> Result<Value, String> {
        self.execute_with(command, None)
    }

    /// Runs a QMP command with `arguments` (`qom-get` and the like).
    pub fn execute_with(
        &mut self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Value, String> {
        let message = match arguments {
            Some(a) => json!({ "execute": command, "arguments": a }),
            None => json!({ "execute": command }),
        };
        let line = format!("{message}\n");
        let sent = match self.qmp.as_mut() {
            Some(r) => r.get_mut().write_all(line.as_bytes()),
            None => Err(std::io::Error::new(
                ErrorKind::NotConnected,
                "QMP is not connected",
            )),
        };
        if let Err(e) = sent {
            return Err(self.failure(&format!("QMP {command}: cannot send: {e}")));
        }
        let deadline = Instant::now() + REPLY_TIMEOUT;
        loop {
            let msg = self
                .read_raw(deadline)
                .map_err(|e| match e.strip_prefix(HUNG) {
                    Some(rest) => self.failure(&format!("{HUNG} QMP {command}:{rest}")),
                    None => self.failure(&format!("QMP {command}: {e}")),
                })?;
            if msg.get("event").is_some() {
                continue;
            }
            if let Some(ret) = msg.get("return") {
                return Ok(ret.clone());
            }
            if let Some(err) = msg.get("error") {
                return Err(self.failure(&format!("QMP {command} failed: {err}")));
            }
            return Err(self.failure(&format!("QMP {command}: unexpected reply {msg}")));
        }
    }

    /// `qom-get` of `property` of the device with id `id` (`-device ...,id=ID`).
    pub fn qom_get(&mut self, id: &str, property: &str) -> Result<Value, String> {
        self.execute_with(
            "qom-get",
            Some(json!({"path": format!("/machine/peripheral/{id}"), "property": property})),
        )
    }

    /// Every PCI function, bridges' subordinate buses included.
    pub fn query_pci(&mut self) -> Result<Vec<PciFunction>, String> {
        let buses = self.execute("query-pci")?;
        match parse_query_pci(&buses) {
            Ok(f) => Ok(f),
            Err(e) => Err(self.failure(&e)),
        }
    }

    /// Queries the PCI functions; while one of `expected` (qdev ids) or
    /// fewer than `at_least` functions are seen, lets the firmware run a
    /// little (cont, sleep, stop) and asks again. Gives up after
    /// [`FIRMWARE_TIMEOUT`] and returns what it sees.
    pub fn pci_functions(
        &mut self,
        expected: &[String],
        at_least: usize,
    ) -> Result<Vec<PciFunction>, String> {
        let deadline = Instant::now() + FIRMWARE_TIMEOUT;
        let mut pause = Duration::from_millis(200);
        loop {
            let functions = self.query_pci()?;
            let complete = functions.len() >= at_least
                && expected
                    .iter()
                    .all(|id| functions.iter().any(|f| &f.qdev_id == id));
            if complete || Instant::now() >= deadline {
                return Ok(functions);
            }
            self.execute("cont")?;
            sleep(pause);
            self.execute("stop")?;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }
}

/// Flattens the `return` of `query-pci` (buses with devices, bridges with
/// their own devices) into a list of functions.
pub fn parse_query_pci(buses: &Value) -> Result<Vec<PciFunction>, String> {
    let mut out = Vec::new();
    let buses = buses
        .as_array()
        .ok_or_else(|| format!("query-pci returned {buses}"))?;
    for b in buses {
        flatten(&b["devices"], None, &mut out)?;
    }
    Ok(out)
}

fn flatten(
    devices: &Value,
    parent: Option<&str>,
    out: &mut Vec<PciFunction>,
) -> Result<(), String> {
    let Some(devices) = devices.as_array() else {
        return Ok(()); // a bridge whose secondary bus is not numbered yet has no "devices"
    };
    for d in devices {
        let num = |v: &Value| {
            v.as_u64()
                .ok_or_else(|| format!("query-pci: bad device {d}"))
        };
        let id16 = |v: &Value| {
            num(v).and_then(|n| u16::try_from(n).map_err(|_| format!("query-pci: bad id in {d}")))
        };
        let f = PciFunction {
            qdev_id: d["qdev_id"].as_str().unwrap_or("").to_string(),
            bus: num(&d["bus"])?,
            slot: num(&d["slot"])?,
            function: num(&d["function"])?,
            vendor: id16(&d["id"]["vendor"])?,
            device: id16(&d["id"]["device"])?,
            parent: parent.map(str::to_string),
        };
        if let Some(sub) = d.get("pci_bridge").and_then(|b| b.get("devices")) {
            flatten(sub, Some(&f.qdev_id), out)?;
        }
        out.push(f);
    }
    Ok(())
}
