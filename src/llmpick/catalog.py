"""Load the catalog (built-in folder plus overlays), check it across files, and look models up.

Every problem in every file is collected (``file:line: field: problem``) instead of stopping at the first; good
files still load.  Reading one file is ``catalog_files``; the warm index is ``catalog_index``.

A warm start reads the index instead of the YAML files: each entry's JSON form and, once `list` has needed it,
the JSON form of its :class:`~llmpick.schema.ModelSummaryOut` (VRAM need included).  Models are built from the
index only when a command asks for one, and `list --format json` writes the stored summaries as they are: a warm
`list` neither validates nor builds a model, and imports neither pydantic, PyYAML nor the estimator.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .catalog_checks import lineage_problems
from .catalog_facts import ModelFacts
from .catalog_files import MAX_FILE_BYTES, Problem, load_file, parse_yaml, validate_entry
from .catalog_index import SUMMARIES, Index, Stamp, stamp_of
from .catalog_shape_checks import entry_ok, list_envelope_ok, summary_ok
from .catalog_walk import files_under, layer_files
from .errors import CatalogError, UsageError

if TYPE_CHECKING:
    from .schema import CatalogEntry, Model

__all__ = [
    "MAX_FILE_BYTES",
    "Catalog",
    "ModelFacts",
    "Problem",
    "StoredAnswer",
    "load_catalog",
    "parse_yaml",
    "require_valid",
    "validate_entry",
    "validate_files",
    "validate_paths",
]


@dataclass(slots=True)
class _Slot:
    """One model of a loaded catalog: where it comes from, its lineage, and as much of the rest as was needed."""

    id: str
    path: str
    stamp: Stamp | None  # the file's (size, mtime_ns) when it was read; None without an index
    base_model: str | None
    parents: tuple[str, ...]
    model: Model | None = None
    data: dict[str, Any] | None = None  # CatalogEntry.model_dump(mode="json"), from the index
    facts: ModelFacts | None = None
    summary: dict[str, Any] | None = None  # ModelSummaryOut JSON with the VRAM need, without Hub data
    curated: bool = True  # False: a draft `refresh --discover` keeps in the cache (built as a DraftModel)

    @classmethod
    def of_model(cls, m: Model, stamp: Stamp | None = None) -> _Slot:
        from .schema.models_out import is_curated

        return cls(m.id, m.path, stamp, m.entry.base_model, tuple(m.entry.parents), model=m, curated=is_curated(m))

    @classmethod
    def of_json(cls, model_id: str, where: str, stamp: Stamp, data: dict[str, Any]) -> _Slot:
        base = data["base_model"]
        parents = [base] if base else []
        parents += [p for p in data["merge_parents"] if p not in parents]
        return cls(model_id, where, stamp, base, tuple(parents), data=data)


@dataclass(frozen=True)
class StoredAnswer:
    """A JSON answer assembled from JSON that the pydantic models produced earlier (kept in the index).

    ``output.emit`` writes it as it is: no model is built, validated or serialised again.
    """

    doc: dict[str, Any]

    def model_dump(self, *, mode: str = "json") -> dict[str, Any]:
        return self.doc


class Catalog:
    """The loaded catalog: its models by id (file order; an overlay replaces an entry in place) and the problems
    found.  Models are built on first use; ids, lineage and :class:`ModelFacts` need none."""

    def __init__(self, models: Iterable[Model] = (), problems: Sequence[Problem] = ()) -> None:
        self._slots: dict[str, _Slot] = {m.id: _Slot.of_model(m) for m in models}
        self.problems: list[Problem] = list(problems)
        self.files: list[str] = [m.path for m in models]  # every catalog file read, overridden ones included
        self.draft_problems: list[Problem] = []  # drafts in the cache that could not be read: left out, warned of
        self._cached = False  # whether the index may be used (load_catalog's use_cache)
        self._summaries: Index | None = None
        self._models: list[Model] | None = None

    @classmethod
    def _of(cls, slots: dict[str, _Slot], cached: bool) -> Catalog:
        cat = cls()
        cat._slots, cat._cached = slots, cached
        return cat

    @property
    def models(self) -> list[Model]:
        """Every model, built now if need be (with the cycle collector off: tens of thousands of small objects)."""
        if self._models is None:
            collecting = gc.isenabled()
            gc.disable()
            try:
                self._models = [self._model(s) for s in self._slots.values()]
            finally:
                if collecting:
                    gc.enable()
        return self._models

    def __iter__(self) -> Iterator[Model]:
        return iter(self.models)

    def __len__(self) -> int:
        return len(self._slots)

    @property
    def ids(self) -> list[str]:
        return list(self._slots)

    def facts(self) -> list[ModelFacts]:
        """What `list` filters and sorts on, for every model (from the index on a warm start: no model built)."""
        out = []
        for s in self._slots.values():
            if s.facts is None:
                if s.data is not None:
                    s.facts = ModelFacts.of_json(s.id, s.path, s.data)
                else:
                    s.facts = ModelFacts.of(self._model(s))
            out.append(s.facts)
        return out

    def is_curated(self, model_id: str) -> bool:
        """Whether the model comes from a catalog file, not from a draft of `refresh --discover`."""
        slot = self._slots.get(model_id)
        return slot is None or slot.curated

    def get(self, model_id: str) -> Model | None:
        slot = self._slots.get(model_id)
        return None if slot is None else self._model(slot)

    def parents_of(self, model_id: str) -> list[str]:
        """Direct ancestors (base model, then merge parents); empty for a model outside the catalog."""
        slot = self._slots.get(model_id)
        return list(slot.parents) if slot else []

    def base_model_of(self, model_id: str) -> str | None:
        slot = self._slots.get(model_id)
        return slot.base_model if slot else None

    def _model(self, slot: _Slot) -> Model:
        if slot.model is None:
            from .schema import CatalogEntry, Model

            try:
                entry = CatalogEntry.from_trusted(slot.data or {})
            except Exception:  # an index that is not what this code wrote: read the file again
                entry = _reread(slot.path, slot.id)
            if slot.curated:
                slot.model = Model(slot.id, entry, slot.path)
            else:
                from .schema.models_out import DraftModel

                slot.model = DraftModel(slot.id, entry, slot.path)
        return slot.model

    def resolve(self, name: str) -> Model:
        """Find a model by its id or an unambiguous, case-insensitive part of it."""
        model = self.get(name)
        if model is not None:
            return model
        needle = name.strip().lower()
        ids = self.ids
        exact = [i for i in ids if i.lower() == needle]
        if exact:
            return self._model(self._slots[exact[0]])
        by_name = [i for i in ids if i.lower().split("/", 1)[-1] == needle]
        if len(by_name) == 1:
            return self._model(self._slots[by_name[0]])
        partial = [i for i in ids if needle in i.lower()]
        if len(partial) > 1:
            # "openhermes-2.5": the names that start with it, then the one the others derive from.
            prefixed = [i for i in partial if i.lower().split("/", 1)[-1].startswith(needle)] or partial
            root = self._common_ancestor(prefixed)
            partial = [root] if root else prefixed
        if len(partial) == 1:
            return self._model(self._slots[partial[0]])
        if partial:
            shown = ", ".join(sorted(partial)[:8])
            more = f" (and {len(partial) - 8} more)" if len(partial) > 8 else ""
            raise UsageError(f"'{name}' matches several models: {shown}{more}.", "Give more of the id.")
        close = get_close_matches(needle, [i.lower() for i in ids], n=3, cutoff=0.5)
        lower = {i.lower(): i for i in ids}
        hint = f"Did you mean: {', '.join(lower[c] for c in close)}?" if close else "Run `llmpick list` to see ids."
        raise UsageError(f"Unknown model '{name}'.", hint)

    def _common_ancestor(self, ids: list[str]) -> str | None:
        """The one id among ``ids`` that every other one descends from, if there is one."""
        for cand in ids:
            if all(cand == i or cand in self._ancestors(i) for i in ids):
                return cand
        return None if len(set(ids)) > 1 else ids[0]

    def _ancestors(self, model_id: str) -> set[str]:
        seen: set[str] = set()
        todo = [model_id]
        while todo:
            for p in self.parents_of(todo.pop()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen

    def fingerprint(self) -> str | None:
        """Every model's file and stamp and every problem found, as one string (what answers depend on); None
        when a file was read without a stamp."""
        parts = []
        for s in self._slots.values():
            if s.stamp is None:
                return None
            parts.append(f"{s.id}={s.path}:{s.stamp[0]}:{s.stamp[1]}")
        parts += (str(p) for p in self.problems + self.draft_problems)
        return "\n".join(parts)

    def children(self, model_id: str) -> list[Model]:
        return [self._model(s) for s in self._slots.values() if model_id in s.parents]

    # --- What `list` prints, kept in the index ------------------------------------------------

    def summaries(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """The JSON form of ``ModelSummaryOut`` (with its VRAM need, without Hub data) of each model: from the
        index when it holds them, else made now and stored there for the next run."""
        slots = [self._slots[i] for i in ids]
        todo = [s for s in slots if s.summary is None]
        if todo:
            store = self._store()
            made = []
            for s in todo:
                got = store.get(s.path, s.stamp) if store is not None and s.stamp is not None else None
                s.summary = got if got is not None and summary_ok(got, s.id) else None  # never trusted blindly
                if s.summary is None:
                    made.append(s)
            if made:
                from .estimate import vram_need
                from .schema import ModelSummaryOut

                for s in made:
                    m = self._model(s)
                    s.summary = ModelSummaryOut.of(m, vram=vram_need(m)).model_dump(mode="json")
                    if store is not None and s.stamp is not None:
                        store.put(s.path, s.stamp, s.summary)
            if store is not None:
                store.save()
        return [s.summary for s in slots if s.summary is not None]

    def vram_needs(self, ids: Iterable[str]) -> dict[str, tuple[int | None, list[str]]]:
        """``estimate.vram_need`` of each model (Q4_K_M, 8K context), as the summaries hold it."""
        return {s["id"]: (s["vram_need_bytes"], s["vram_need_assumptions"]) for s in self.summaries(ids)}

    def list_envelope(self) -> dict[str, Any]:
        """``ListAnswer``'s JSON with no items and no warnings, as pydantic wrote it (kept with the summaries)."""
        store = self._store()
        if store is not None and list_envelope_ok(store.meta):
            return dict(store.meta or {})
        from .schema import ListAnswer

        envelope = ListAnswer(items=[]).model_dump(mode="json")
        if store is not None:
            store.put_meta(envelope)
            store.save()
        return envelope

    def _store(self) -> Index | None:
        """The summaries store, opened on first use (only `list` needs it)."""
        if not self._cached:
            return None
        if self._summaries is None:
            self._summaries = Index.open(SUMMARIES)
        return self._summaries


# --- Loading ------------------------------------------------------------------------------


def load_catalog(
    extra_dirs: Iterable[Path | str] | None = None,
    *,
    builtin: bool = True,
    use_cache: bool = True,
    drafts: bool = False,
) -> Catalog:
    """Load the built-in catalog plus overlay folders (later folders override earlier ones by id).

    Invalid files are left out and reported in ``Catalog.problems``; they never stop the rest.  ``drafts``: also the
    drafts of `refresh --discover` (``hubcache.drafts_root()``) whose id no catalog file has, as not curated; a
    draft that cannot be read is left out and reported in ``Catalog.draft_problems``.
    """
    # The catalog is a large, acyclic tree of small objects: collecting cycles while building it only
    # rescans the growing heap (over half the load time at 10,000 entries).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(extra_dirs, builtin, use_cache, drafts)
    finally:
        if collecting:
            gc.enable()


def _load(extra_dirs: Iterable[Path | str] | None, builtin: bool, use_cache: bool, drafts: bool = False) -> Catalog:
    layers: list[Path] = [paths.builtin_catalog_dir()] if builtin else []
    layers += paths.user_catalog_dirs([Path(d) for d in (extra_dirs or [])])
    index = Index.open() if use_cache else None
    slots: dict[str, _Slot] = {}
    problems: list[Problem] = []
    files: list[str] = []
    for layer in layers:
        if not _is_dir(layer):
            missing = not os.path.lexists(layer)
            problems.append(Problem(str(layer), None, None, "catalog folder not found" if missing else "not a folder"))
            continue
        seen: dict[str, str] = {}
        found, walk_problems = layer_files(layer)
        problems += walk_problems
        files += (path for path, _ in found)
        for path, model_id in found:
            key = model_id.lower()
            if key in seen:
                problems.append(Problem(str(path), 1, None, f"duplicate id {model_id} (also in {seen[key]})"))
                continue
            seen[key] = str(path)
            slot, file_problems = _load_slot(path, model_id, index)
            problems += file_problems
            if slot is not None:
                slots[model_id] = slot
    draft_slots, draft_problems = _load_drafts(slots, index) if drafts else ({}, [])
    if index is not None:
        index.save()
    catalog = Catalog._of(slots, use_cache)
    catalog.problems = problems + _cross_check(catalog)  # the catalog's own lineage: drafts cannot break it
    catalog._slots.update(draft_slots)
    catalog.draft_problems = draft_problems
    catalog.files = files
    return catalog


def _load_drafts(slots: dict[str, _Slot], index: Index | None) -> tuple[dict[str, _Slot], list[Problem]]:
    """The drafts of `refresh --discover` (not curated), except those a catalog file describes, and the problems of
    the drafts that could not be read."""
    from .hubcache import drafts_root

    layer = drafts_root()
    if not _is_dir(layer):
        return {}, []
    curated = {i.lower() for i in slots}
    found, problems = layer_files(layer)
    out: dict[str, _Slot] = {}
    for path, model_id in found:
        if model_id.lower() in curated:
            continue
        slot, file_problems = _load_slot(path, model_id, index)
        problems += file_problems
        if slot is not None:
            slot.curated = False
            if slot.model is not None:
                from .schema.models_out import DraftModel

                slot.model = DraftModel(slot.model.id, slot.model.entry, slot.model.path)
            out[model_id] = slot
    return out, problems


def validate_files(files: Iterable[Path | str]) -> tuple[list[Model], list[Problem]]:
    """Validate the given files (no cache), deriving each id from its last two path parts; lineage loops among
    them are problems too."""
    models, problems = [], []
    for path in files:
        model_id = f"{Path(path).parent.name}/{Path(path).stem}"
        model, file_problems = load_file(path, model_id)
        problems += file_problems
        if model:
            models.append(model)
    nodes = [(m.id, m.path, m.entry.base_model, tuple(m.entry.parents)) for m in models]
    problems += [Problem(where, None, field, msg) for where, field, msg in lineage_problems(nodes)]
    return models, problems


def validate_paths(targets: Iterable[Path | str]) -> tuple[list[str], list[Model], list[Problem]]:
    """`catalog validate PATH...`: each folder searched at any depth, each file taken as given.  Returns the
    files checked, the models that passed and every problem (a folder that cannot be read or holds no catalog
    file is one too: nothing is passed over in silence)."""
    files: list[str] = []
    problems: list[Problem] = []
    for target in targets:
        if _is_dir(Path(target)):
            found, walk_problems = files_under(target)
            files += found
            problems += walk_problems
        else:
            files.append(str(target))
    models, file_problems = validate_files(files)
    return files, models, problems + file_problems


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # is_dir() passes on ENOENT and ELOOP but raises on EACCES: the reader then says what it is
        return False


def _load_slot(where: str, model_id: str, index: Index | None) -> tuple[_Slot | None, list[Problem]]:
    """One file as a slot: from the index when it holds this file as it is now, else parsed and validated."""
    stamp: Stamp | None = None
    if index is not None:
        with contextlib.suppress(OSError):  # else the reader says what is wrong with it
            stamp = stamp_of(os.stat(where))
        data = index.get(where, stamp) if stamp is not None else None
        if stamp is not None and data is not None and entry_ok(data):  # else: not what this code wrote
            return _Slot.of_json(model_id, where, stamp, data), []
    model, problems = load_file(where, model_id)
    if model is None:
        return None, problems
    if index is not None and stamp is not None:
        # Every field, defaults included (rebuilding then never runs a default factory), but the architecture's
        # nulls: most of its ~45 facts are null for any one model, and a large catalog's index is read on every start.
        data = model.entry.model_dump(mode="json")
        data["arch"] = {k: v for k, v in data["arch"].items() if v is not None}
        index.put(where, stamp, data)
    return _Slot.of_model(model, stamp), []


def _reread(where: str, model_id: str) -> CatalogEntry:
    model, problems = load_file(where, model_id)
    if model is None:
        raise CatalogError(
            f"{where} changed while llmpick was reading it.", "Run the command again.", [str(p) for p in problems]
        )
    return model.entry


def _cross_check(catalog: Catalog) -> list[Problem]:
    """Invariants across files: lineage has no cycles (through base models or merge parents)."""
    # superseded_by and parents may name models outside the catalog (they are valid Hub ids by
    # schema); only a lineage that loops back on itself is an error.
    nodes = [(s.id, s.path, s.base_model, s.parents) for s in catalog._slots.values()]
    return [Problem(where, None, field, msg) for where, field, msg in lineage_problems(nodes)]


def require_valid(catalog: Catalog) -> None:
    if catalog.problems:
        raise CatalogError(
            f"{len(catalog.problems)} problem(s) in the catalog.",
            "Fix the files named above, then run `llmpick catalog validate`.",
            [str(p) for p in catalog.problems],
        )
