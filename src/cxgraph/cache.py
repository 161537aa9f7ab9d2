"""A persistent cache of complete stores, so queries on big vocabularies skip the rebuild.

``cxgraph query``, ``view``, ``stats``, ``path`` and ``serve`` need the complete graph
(asserted plus entailed triples). Building it means parsing every Turtle file and running the
inference, seconds on a vocabulary of 100,000 concepts. The first run writes the result as an
on-disk Oxigraph store; later runs open that store read-only in milliseconds.

Where and how entries are found:

* The cache folder is ``$CXGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/cxgraph``, else
  ``~/.cache/cxgraph``. ``CXGRAPH_NO_CACHE=1`` (or ``cxgraph --no-cache``) turns it off;
  ``cxgraph cache clear`` empties it.
* An entry is named by a SHA-256 of the ontology files' relative paths and contents, together
  with the code that shapes the complete graph (inference rules, blank-node naming) and the
  Oxigraph version, so any edit to any file, or an upgrade, gives a new entry.
* Hashing the contents costs tens of milliseconds at 100,000 concepts; to skip even that, an
  index maps a quick key (paths, sizes and modification times) to the content key. A file
  modified in the last few seconds is not trusted by its time alone (an edit within the
  clock's resolution would keep it): its contents are hashed again.

Concurrent runs are safe: an entry is built in a private temporary folder and renamed into
place in one step, so readers see a complete store or none; a lock file per entry makes a
second run wait for the first build instead of repeating it. An entry that does not open
(a damaged or foreign folder) is removed and rebuilt. Readers open entries read-only and never
write to them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

__all__ = [
    "CACHE_DIR_ENV",
    "NO_CACHE_ENV",
    "CacheEntry",
    "cache_dir",
    "cache_enabled",
    "cached_store",
    "clear_cache",
    "content_key",
    "list_entries",
]

CACHE_DIR_ENV = "CXGRAPH_CACHE_DIR"
NO_CACHE_ENV = "CXGRAPH_NO_CACHE"
#: Bumped whenever the layout of an entry changes.
_LAYOUT = "1"
#: Files whose modification time is this recent (seconds) are hashed, not trusted by time.
_RACY_SECONDS = 3.0
#: Entries kept after a build: the most recently used ones.
_KEEP = 4
#: An entry used this recently (seconds) is never pruned, whatever the count.
_RECENT = 600.0
#: The modules whose code decides what the complete graph holds.
_CODE = ("infer.py", "canonical.py", "vocab.py", "pipeline.py", "skos-entailment.ttl")
_META = "entry.json"
_STORE = "store"

Say = Callable[[str], None]


def cache_dir() -> Path:
    """The cache folder (see the module documentation for how it is chosen)."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "cxgraph"


def cache_enabled() -> bool:
    """False when ``CXGRAPH_NO_CACHE`` is set to anything but ``""`` or ``0``."""
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def _root(base: Path | None = None) -> Path:
    return (base if base is not None else cache_dir()) / f"v{_LAYOUT}"


_code_digest: str | None = None


def _code_version() -> str:
    global _code_digest
    if _code_digest is None:
        h = hashlib.sha256(f"layout {_LAYOUT}; pyoxigraph {ox.__version__}\n".encode())
        here = Path(__file__).parent
        for name in _CODE:
            h.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
        _code_digest = h.hexdigest()
    return _code_digest


def _relative(directory: Path, path: Path) -> str:
    try:
        return path.relative_to(directory).as_posix()
    except ValueError:
        return path.as_posix()


def quick_key(directory: Path, files: tuple[Path, ...]) -> tuple[str, bool]:
    """A key from the files' paths, sizes and modification times, and whether any is too recent to trust."""
    h = hashlib.sha256(_code_version().encode() + b"\n" + str(directory.resolve()).encode() + b"\n")
    now = time.time()
    racy = False
    for path in files:
        st = path.stat()
        h.update(f"{_relative(directory, path)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        racy = racy or now - st.st_mtime < _RACY_SECONDS
    return h.hexdigest(), racy


def content_key(directory: Path, files: tuple[Path, ...]) -> str:
    """The key of an entry: a SHA-256 of the files' relative paths and bytes, and of the code."""
    h = hashlib.sha256(_code_version().encode() + b"\n")
    for path in files:
        data = path.read_bytes()
        h.update(f"{_relative(directory, path)}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    """One complete store in the cache."""

    key: str
    path: Path
    triples: int
    asserted: int
    entailed: int
    source: str
    bytes: int
    last_used: float


def _entry_dir(root: Path, key: str) -> Path:
    return root / "stores" / key


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _discard(path: Path) -> None:
    """Remove a folder: renamed aside first, so no reader can open it half-deleted."""
    if not path.exists():
        return
    trash = path.with_name(f".{path.name}.trash.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    try:
        os.rename(path, trash)
    except FileNotFoundError:
        return
    shutil.rmtree(trash, ignore_errors=True)


def _open(entry: Path) -> ox.Store | None:
    """The entry's store opened read-only, or None when the entry is missing or damaged."""
    meta = entry / _META
    try:
        json.loads(meta.read_text(encoding="utf-8"))
        store = ox.Store.read_only(str(entry / _STORE))
        store.query("ASK { ?s ?p ?o }")  # reads the data files, not just the manifest
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RuntimeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(meta)  # when it was last used, for pruning
    return store


@contextlib.contextmanager
def _locked(root: Path, key: str) -> Iterator[None]:
    locks = root / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{key}.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _build(root: Path, key: str, directory: Path, say: Say) -> None:
    """Build the entry ``key`` in a temporary folder and rename it into place."""
    from .pipeline import complete
    from .vocab import load_vocabulary

    graph = complete(load_vocabulary(directory))
    say(f"inferred {graph.entailed:,} SKOS triples; writing the cache")
    tmp = root / "tmp" / f"{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        disk = ox.Store(str(tmp / _STORE))
        disk.bulk_extend(graph.store)
        disk.flush()
        del disk
        meta = {"asserted": graph.asserted, "entailed": graph.entailed, "source": str(directory.resolve()),
                "built": time.time()}
        (tmp / _META).write_text(json.dumps(meta), encoding="utf-8")
        target = _entry_dir(root, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _prune(root: Path, keep: str) -> None:
    now = time.time()
    for folder in (root / "tmp", root / "stores"):  # builds that were killed, removals cut short
        for stale in folder.iterdir() if folder.is_dir() else ():
            if (folder.name == "tmp" or stale.name.startswith(".")) and now - stale.stat().st_mtime > 3600:
                shutil.rmtree(stale, ignore_errors=True)
    entries = sorted(list_entries(root.parent), key=lambda e: e.last_used, reverse=True)
    for entry in entries[_KEEP:]:
        if entry.key != keep and now - entry.last_used > _RECENT:
            _discard(entry.path)


def cached_store(directory: Path, files: tuple[Path, ...], progress: Say | None = None,
                 base: Path | None = None) -> ox.Store:
    """The complete store of the vocabulary in ``directory``, from the cache or built into it.

    ``files`` are its ontology files (:func:`cxgraph.vocab.ontology_files`). The store is
    read-only. When the cache folder cannot be written, the store is built in memory instead.
    """
    say = progress or (lambda _message: None)
    root = _root(base)
    quick, racy = quick_key(directory, files)
    index = root / "index" / quick
    if not racy:
        with contextlib.suppress(OSError, ValueError):
            store = _open(_entry_dir(root, index.read_text(encoding="utf-8").strip()))
            if store is not None:
                return store
    key = content_key(directory, files)
    store = _open(_entry_dir(root, key))
    if store is None:
        try:
            with _locked(root, key):
                store = _open(_entry_dir(root, key))  # another run may have built it meanwhile
                if store is None:
                    _discard(_entry_dir(root, key))  # a damaged entry
                    say("building the complete graph (first run on these files)")
                    _build(root, key, directory, say)
                    store = _open(_entry_dir(root, key))
        except OSError as exc:
            say(f"cache unavailable ({exc.strerror or exc}); building in memory")
            store = None
        if store is None:
            from .pipeline import complete
            from .vocab import load_vocabulary

            return complete(load_vocabulary(directory)).store
        with contextlib.suppress(OSError):
            _prune(root, key)
    if not racy:
        with contextlib.suppress(OSError):
            _write_atomic(index, key)
    return store


def list_entries(base: Path | None = None) -> list[CacheEntry]:
    """The entries of the cache, most recently used first."""
    stores = _root(base) / "stores"
    out = []
    for entry in stores.iterdir() if stores.is_dir() else ():
        if entry.name.startswith("."):
            continue
        try:
            meta_path = entry / _META
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            size = sum(p.stat().st_size for p in entry.rglob("*") if p.is_file())
            out.append(CacheEntry(key=entry.name, path=entry, asserted=int(meta["asserted"]),
                                  entailed=int(meta["entailed"]), triples=int(meta["asserted"]) + int(meta["entailed"]),
                                  source=str(meta["source"]), bytes=size, last_used=meta_path.stat().st_mtime))
        except (OSError, ValueError, KeyError):
            continue
    return sorted(out, key=lambda e: e.last_used, reverse=True)


def clear_cache(base: Path | None = None) -> int:
    """Remove every entry (and the index); returns how many entries there were."""
    root = _root(base)
    stores = root / "stores"
    count = sum(1 for p in stores.iterdir() if not p.name.startswith(".")) if stores.is_dir() else 0
    for name in ("stores", "index", "tmp"):
        _discard(root / name)
    return count
