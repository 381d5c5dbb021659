# Type stubs of guestdb's native module (crates/guestdb-py/src/lib.rs).
# tests/python/test_api.py checks that every public name of the module is
# declared here and nothing else is.
import datetime
import os as _os
from typing import Any, Dict, List, Optional, Sequence, Union

_Path = Union[str, "_os.PathLike[str]"]
_DateLike = Union[str, datetime.date]

__version__: str
DATASET_VERSION: str
SCHEMA_VERSION: int
ARCHES: List[str]

class GuestdbError(Exception):
    """The base of every error guestdb raises."""

class UnknownOS(GuestdbError):
    """No OS of the database answers to the name."""
    name: str
    suggestions: List[str]

class UnknownHost(GuestdbError):
    """No host profile of the dataset has the name."""
    name: str
    known: List[str]

class NoRecommendation(GuestdbError):
    """The rules found no possible choice."""
    rule: str
    reason: str
    rules: List[Dict[str, Any]]

class InputError(GuestdbError):
    """An input that cannot be used (a file, a value)."""
    path: Optional[str]
    line: Optional[int]
    column: Optional[int]
    findings: List[str]

class StoreError(GuestdbError):
    """A compiled store that is damaged or of another schema version."""
    path: Optional[str]

def export_osinfo(out: _Path, data: Optional[_Path] = None) -> Dict[str, int]: ...

def open(store: Optional[_Path] = None, data: Optional[_Path] = None) -> Database: ...

class Database:
    @property
    def dataset_version(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    def __len__(self) -> int: ...
    def os(self, name: str) -> Os: ...
    def resolve(self, name: str) -> Resolved: ...
    def list(
        self,
        *,
        family: Optional[str] = None,
        distro: Optional[str] = None,
        vendor: Optional[str] = None,
        arch: Optional[str] = None,
        status: Optional[str] = None,
        virtio: Optional[str] = None,
        virtio_class: str = "net",
        chipset: Optional[str] = None,
        supported_on: Optional[_DateLike] = None,
        support: str = "security",
    ) -> List[Os]: ...
    def host_profiles(self) -> List[str]: ...
    def detect(self, path: _Path, *, arch: Optional[str] = None) -> List[Dict[str, Any]]: ...
    def recommend(
        self,
        os: Union[str, Os, Resolved, None] = None,
        *,
        media: Optional[_Path] = None,
        host: Optional[str] = None,
        domcaps: Optional[_Path] = None,
        qemu: Optional[_Path] = None,
        migrate_to: Optional[Sequence[str]] = None,
        arch: Optional[str] = None,
        chipset: str = "auto",
        firmware: str = "auto",
        secure_boot: bool = False,
        drivers: str = "none",
        models: str = "plain",
        hyperv: str = "auto",
        profile: str = "auto",
        virt_type: str = "auto",
        ecosystem: Optional[str] = None,
        today: Optional[_DateLike] = None,
    ) -> Recommendation: ...

class Os:
    @property
    def id(self) -> str: ...
    @property
    def short_id(self) -> str: ...
    @property
    def short_ids(self) -> List[str]: ...
    @property
    def aliases(self) -> List[str]: ...
    @property
    def name(self) -> str: ...
    @property
    def vendor(self) -> Optional[str]: ...
    @property
    def family(self) -> Optional[str]: ...
    @property
    def distro(self) -> Optional[str]: ...
    @property
    def version(self) -> Optional[str]: ...
    @property
    def codename(self) -> Optional[str]: ...
    @property
    def release_date(self) -> Optional[datetime.date]: ...
    @property
    def eol_date(self) -> Optional[datetime.date]: ...
    @property
    def release_status(self) -> str: ...
    @property
    def arches(self) -> List[str]: ...
    @property
    def chipsets(self) -> List[str]: ...
    @property
    def lifecycle(self) -> Dict[str, Dict[str, Any]]: ...
    def supported_on(self, date: _DateLike, support: str = "security") -> bool: ...
    @property
    def firmware(self) -> List[Dict[str, Any]]: ...
    @property
    def boot_security(self) -> List[Dict[str, Any]]: ...
    @property
    def resources(self) -> List[Dict[str, Any]]: ...
    @property
    def media(self) -> List[Dict[str, Any]]: ...
    @property
    def trees(self) -> List[Dict[str, Any]]: ...
    @property
    def devices(self) -> List[str]: ...
    @property
    def variants(self) -> List[Dict[str, Any]]: ...
    @property
    def other_names(self) -> List[Dict[str, str]]: ...
    def virtio(self, cls: str, arch: Optional[str] = None) -> Dict[str, bool]: ...
    def to_json(self, explain: bool = False) -> Dict[str, Any]: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class Resolved:
    @property
    def os(self) -> Os: ...
    @property
    def fallback(self) -> Optional[str]: ...
    @property
    def requested(self) -> Optional[str]: ...

class Recommendation:
    def to_json(self) -> Dict[str, Any]: ...
    def text(self, explain: bool = False) -> str: ...
    def libvirt_xml(
        self,
        *,
        name: Optional[str] = None,
        disk: Optional[str] = None,
        cdrom: Optional[str] = None,
        network: str = "network=default",
        drivers_iso: Optional[str] = None,
    ) -> str: ...
    def qemu_argv(
        self,
        *,
        name: Optional[str] = None,
        disk: Optional[str] = None,
        cdrom: Optional[str] = None,
        network: str = "network=default",
        drivers_iso: Optional[str] = None,
    ) -> List[str]: ...
    def virt_install_args(
        self,
        *,
        name: Optional[str] = None,
        disk: Optional[str] = None,
        cdrom: Optional[str] = None,
        network: str = "network=default",
        drivers_iso: Optional[str] = None,
    ) -> List[str]: ...
    def render(
        self,
        format: str,
        *,
        name: Optional[str] = None,
        disk: Optional[str] = None,
        cdrom: Optional[str] = None,
        network: str = "network=default",
        drivers_iso: Optional[str] = None,
        kubevirt_vm: bool = False,
        explain: bool = False,
    ) -> str: ...
    @property
    def ecosystem(self) -> str: ...
    @property
    def os(self) -> Dict[str, str]: ...
    @property
    def arch(self) -> str: ...
    @property
    def machine(self) -> Dict[str, Any]: ...
    @property
    def firmware(self) -> Dict[str, Any]: ...
    @property
    def devices(self) -> List[Dict[str, Any]]: ...
    @property
    def resources(self) -> Dict[str, int]: ...
    @property
    def warnings(self) -> List[Dict[str, str]]: ...
    @property
    def rules(self) -> List[Dict[str, Any]]: ...
