"""`check hf:ORG/REPO`: a verdict for every quantization file of one Hub repo.  Pure; the Hub data comes in.

Each file (``repo_files``) becomes one candidate with its real size and is judged exactly as `check` judges a
model (``search.check`` with that one candidate): the same estimate, placement (gpu / moe-offload / split / cpu),
speed, score and fit rule.  The architecture is the catalog's when the repo is a catalog model, an artifact a
catalog model lists, or a quantization of a catalog model (its base model); else a draft from the Hub data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..catalog import Catalog, ModelFacts
from ..hardware import Hardware, report
from ..hubrepo import base_models
from ..schema import HubRepoData, Model
from ..schema.recommend import RepoCheckAnswer, RepoFileOut, SkippedFileOut
from .artifacts import ENGINE_OF, resolved, switch_moe
from .candidates import Candidate
from .model import Constraints, Option
from .quality import QualityModel
from .repo_files import RepoFile, Skipped
from .report import constraints_out, recommendation_out
from .search import check, option_key


@dataclass
class FileVerdict:
    file: RepoFile
    fits: bool
    option: Option
    reason: str


def catalog_model(repo: str, data: HubRepoData, catalog: Catalog) -> tuple[Model | None, str]:
    """(the catalog model whose architecture the repo has, how it was found); (None, "") when there is none."""
    by_id = {i.lower(): i for i in catalog.ids}
    own = by_id.get(repo.lower())
    if own is not None:
        m = catalog.get(own)
        if m is not None:
            return m, f"the catalog entry {m.id}"
    for m in catalog:
        if any(a.repo.lower() == repo.lower() for a in m.entry.artifacts):
            return m, f"the catalog entry {m.id} (it lists this repo as an artifact)"
    for b in base_models(repo, data):
        found = by_id.get(b.lower())
        m = catalog.get(found) if found else None
        if m is not None:
            return m, f"the catalog entry {m.id} (the repo's base model)"
    return None, ""


def candidate(f: RepoFile, repo: str, m: Model) -> Candidate:
    """One file as the recommender's candidate: its quantization, engine and real size."""
    q = resolved(f.quant)
    if q is None:  # repo_files only yields names the quant table knows
        raise ValueError(f"unknown quantization {f.quant!r}")
    engine = "transformers" if f.artifact_format == "original" and switch_moe(m) else ENGINE_OF[f.artifact_format]
    return Candidate(q.name, q.family, q.bits, f.artifact_format, repo, engine, f.size_bytes)


def check_files(
    m: Model,
    repo: str,
    files: Sequence[RepoFile],
    hw: Hardware,
    cons: Constraints,
    *,
    allow_offload: bool = False,
    catalog: Catalog | None = None,
) -> list[FileVerdict]:
    """The verdict of each file, in the order given, by `check`'s rule (``search.check`` on that file alone)."""
    rated: list[Model | ModelFacts] = [*catalog.facts(), m] if catalog is not None else [m]
    qm = QualityModel(rated)  # once for every file: the same quality model `check` builds from the catalog
    out = []
    for f in files:
        ok, option, reason = check(m, hw, cons, allow_offload=allow_offload, quality=qm, cands=[candidate(f, repo, m)])
        out.append(FileVerdict(f, ok, option, reason))
    return out


def best(verdicts: Sequence[FileVerdict]) -> FileVerdict | None:
    """The best file that fits (by `check`'s order of options), or None."""
    fitting = [v for v in verdicts if v.fits]
    return min(fitting, key=lambda v: option_key(v.option), default=None)


def repo_answer(
    repo: str,
    data: HubRepoData,
    *,
    fetched_at: str,
    from_cache: bool,
    model_source: str,
    verdicts: Sequence[FileVerdict],
    skipped: Sequence[Skipped],
    hw: Hardware,
    cons: Constraints,
    warnings: Sequence[str] = (),
) -> RepoCheckAnswer:
    top = best(verdicts)
    items = [
        RepoFileOut(
            **dict(recommendation_out(v.option, hw)),
            file=v.file.file,
            files=list(v.file.files),
            file_size_bytes=v.file.size_bytes,
            quant_basis=v.file.basis,
            fits=v.fits,
            verdict=v.reason,
        )
        for v in verdicts
    ]
    return RepoCheckAnswer(
        repo=repo,
        revision=data.sha,
        fetched_at=fetched_at,
        from_cache=from_cache,
        model_source=model_source,
        hardware=report(hw),
        constraints=constraints_out(cons),
        fits=top is not None,
        best_file=top.file.file if top is not None else None,
        items=items,
        skipped=[SkippedFileOut(file=s.file, reason=s.reason) for s in skipped],
        warnings=[*warnings, *hw.notes],
    )
