"""The Python API: the same answers as the command line, as pydantic models.

Each function takes the CLI's flag names as keyword arguments and returns the model whose
``model_dump(mode="json")`` the CLI prints with ``--format json`` (the CLI calls these very functions), so the two
cannot disagree.  No function changes its arguments.  ``catalog`` is a loaded :class:`~llmpick.catalog.Catalog`
(default: the built-in catalog, read once per call).  Bad input raises :class:`llmpick.errors.UsageError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catalog import Catalog
    from .hardware import Hardware
    from .schema import MemoryEstimate, Model
    from .schema.recommend import CheckAnswer, RecommendAnswer, RepoCheckAnswer


def load_catalog(*dirs: str | Path, builtin: bool = True, curated: bool = False) -> Catalog:
    """The built-in catalog plus overlay folders (later folders override earlier ones by id), and the drafts of
    `llmpick refresh --discover` (models the Hub lists that no catalog file has, ``curated`` False in answers)
    unless ``curated``, as the CLI's ``--curated``.  Invalid files are left out and listed in ``.problems``."""
    from .catalog import load_catalog as _load

    return _load(list(dirs), builtin=builtin, drafts=not curated)


def resolve_hardware(**flags: Any) -> Hardware:
    """The machine to plan for, from the CLI's hardware flags as keyword arguments: ``gpu="2x RTX 3090"``,
    ``vram=24`` or ``vram="24,24"`` (GiB per card), ``gpus``, ``ram=64`` (GiB), ``ram_bandwidth=51.2`` (GB/s),
    ``unified``, ``unified_share``, ``reserve``, ``nodes``, ``profile``.  With no machine flag, the config profile,
    else detection (as the CLI).  See :func:`llmpick.hardware.resolve_hardware`."""
    from .hardware import resolve_hardware as _resolve

    return _resolve(**flags)


def _tokens(context: int | str | None) -> tuple[int, bool]:
    """(tokens, asked for): the default 8192 unless given; '32k' = 32768.  An empty string is an error, never
    the default: a script that passes an empty variable must hear about it."""
    from .units import parse_tokens

    if context is None:
        return 8192, False
    return parse_tokens(context, "--context"), True


def check_quant(quant: str | None) -> str | None:
    """``quant`` as given, or a UsageError when it is empty (which would otherwise mean "any quantization")."""
    if quant is not None and (not isinstance(quant, str) or not quant.strip()):
        from .errors import UsageError
        from .units import shown

        raise UsageError(
            f"--quant: {shown(quant)} is not a quantization." if quant else "--quant: the value is empty.",
            "For example: --quant Q4_K_M (`llmpick quants` lists them).",
        )
    return quant


def _catalog(catalog: Catalog | None) -> Catalog:
    return catalog if catalog is not None else load_catalog()


def _model(model: str | Model, catalog: Catalog) -> Model:
    return catalog.resolve(model) if isinstance(model, str) else model


def recommend_models(
    hardware: Hardware,
    *,
    use: str | Iterable[str] | None = None,
    top: int | str = 10,
    commercial: bool = False,
    license_class: Iterable[str] | None = None,
    origin: Iterable[str] | None = None,
    max_params: int | str | None = None,
    quant: str | None = None,
    context: int | str | None = None,
    min_speed: float | str | None = None,
    include_offload: bool = False,
    kv_cache: str = "f16",
    catalog: Catalog | None = None,
    warnings: Sequence[str] = (),
) -> RecommendAnswer:
    """The best models for ``hardware``, ranked (`llmpick recommend`).  Real file sizes from the Hub cache of
    `llmpick refresh` are used where present.  Without ``quant``, only published weights; with it, also the
    quantization made from the original weights (``artifact.published`` False)."""
    from .hubcache import file_size_source
    from .recommend import Constraints, recommend
    from .recommend.report import recommend_answer
    from .units import PARAMS, SPEED, TOP, parse_int, parse_quantity

    tokens, explicit = _tokens(context)
    cons = Constraints(
        uses=[use] if isinstance(use, str) else list(use or []),
        commercial=commercial,
        license_classes=list(license_class or []),
        origins=list(origin or []),
        max_params=None if max_params is None else parse_int(max_params, PARAMS, "--max-params"),
        quant=check_quant(quant),
        context=tokens,
        context_explicit=explicit,
        min_speed=None if min_speed is None else parse_quantity(min_speed, SPEED, "--min-speed"),
        top=parse_int(top, TOP, "--top"),
        include_offload=include_offload,
        kv_cache=kv_cache,
    ).resolved()
    result = recommend(_catalog(catalog), hardware, cons, file_size=file_size_source())
    return recommend_answer(result, warnings)


def check_fit(
    model: str | Model,
    hardware: Hardware,
    *,
    quant: str | None = None,
    context: int | str | None = None,
    allow_offload: bool = False,
    catalog: Catalog | None = None,
    warnings: Sequence[str] = (),
) -> CheckAnswer:
    """Does ``model`` (a catalog id, an unambiguous part of one, or a Model) fit on the GPUs (`llmpick check`)?
    ``.fits`` is the verdict; ``items[0]`` the best option, or the closest one with what it would take.  ``quant``
    is any format llmpick knows, published or not: one nobody published has ``artifact.published`` False and
    ``run.notes`` that say how to make it."""
    from .hubcache import file_size_source
    from .recommend import Constraints, check
    from .recommend.report import check_answer

    cat = _catalog(catalog)
    tokens, explicit = _tokens(context)
    cons = Constraints(quant=check_quant(quant), context=tokens, context_explicit=explicit).resolved()
    m = _model(model, cat)
    ok, option, reason = check(
        m, hardware, cons, allow_offload=allow_offload, catalog=cat.facts(), file_size=file_size_source()
    )
    return check_answer(ok, option, reason, hardware, cons, warnings)


def check_repo(
    repo: str,
    hardware: Hardware,
    *,
    quant: str | None = None,
    context: int | str | None = None,
    allow_offload: bool = False,
    catalog: Catalog | None = None,
    endpoint: str | None = None,
    timeout: float = 10.0,
    offline: bool = False,
    warnings: Sequence[str] = (),
) -> RepoCheckAnswer:
    """A verdict for every quantization file of one Hub repo (`llmpick check hf:ORG/REPO`): a GGUF repo's files
    (split parts summed) or a safetensors repo's one quantization, each judged as :func:`check_fit` judges a model.
    ``repo`` is ``hf:ORG/NAME`` or ``ORG/NAME``; its Hub data comes from llmpick's Hub cache, else from the Hub
    (``offline`` or ``HF_HUB_OFFLINE=1``: the cache only).  ``.fits`` is true when any file fits; ``quant`` keeps
    that quantization's file only.  Hub failures raise :class:`llmpick.errors.HubError` (exit 4)."""
    from . import hubrepo
    from .draft import parse_hf_ref, require_text_generation
    from .errors import UsageError
    from .quant import resolve_quant
    from .recommend import Constraints
    from .recommend import repo_check as rc
    from .recommend.repo_files import weight_files

    name = parse_hf_ref(repo)
    asked = check_quant(quant)
    want = resolve_quant(asked).name if asked is not None else None
    tokens, explicit = _tokens(context)
    cons = Constraints(quant=want, context=tokens, context_explicit=explicit).resolved()
    cat = _catalog(catalog)
    session = hubrepo.HubSession(endpoint, timeout, offline)
    got = hubrepo.load(name, session)
    require_text_generation(got.data, name)
    if any(f.name.endswith(".safetensors") for f in got.data.files):
        hubrepo.with_config(got, session)  # the quantization_config / dtype of its one option
    files, skipped = weight_files(got.data)
    if not files:
        raise UsageError(
            f"{name} has no model files llmpick can check (GGUF files or safetensors weights)"
            + (f"; left out: {skipped[0].file} ({skipped[0].reason})" if skipped else "")
            + ".",
            "Point it at a repo of GGUF files or safetensors weights, or run `llmpick estimate` for a catalog model.",
        )
    if want is not None:
        files = [f for f in files if f.quant == want]
        if not files:
            raise UsageError(
                f"{name} has no {want} file.",
                "Its quantizations: " + ", ".join(dict.fromkeys(f.quant for f in weight_files(got.data)[0])) + ".",
            )
    model, source = rc.catalog_model(name, got.data, cat)
    if model is None:
        packed = any(f.artifact_format not in ("gguf", "original") for f in files)
        model = hubrepo.drafted(got, session, packed=packed)
        source = f"a draft from the Hub's model_info{' and config.json' if got.data.config else ''} (not curated)"
    verdicts = rc.check_files(model, name, files, hardware, cons, allow_offload=allow_offload, catalog=cat)
    return rc.repo_answer(
        name,
        got.data,
        fetched_at=got.fetched_at,
        from_cache=got.from_cache,
        model_source=source,
        verdicts=verdicts,
        skipped=skipped,
        hw=hardware,
        cons=cons,
        warnings=[*warnings, *got.notes],
    )


def estimate_memory(
    model: str | Model,
    *,
    quant: str = "Q4_K_M",
    context: int | str = 8192,
    kv_cache: str = "f16",
    engine: str | None = None,
    parallel: int | str = 1,
    catalog: Catalog | None = None,
) -> MemoryEstimate:
    """Memory to run ``model`` at ``quant`` with ``parallel`` sequences of ``context`` tokens (`llmpick
    estimate`).  ``engine`` None is the format's usual engine (llama.cpp for GGUF), as in the CLI; a real file
    size from the Hub cache wins over the formula, as in the CLI."""
    from .estimate import estimate
    from .hubcache import cached_file_size
    from .units import PARALLEL, parse_int

    check_quant(quant)
    tokens, _ = _tokens(context)
    parallel = parse_int(parallel, PARALLEL, "--parallel")
    m = _model(model, _catalog(catalog))
    return estimate(
        m,
        quant,
        tokens,
        parallel=parallel,
        kv_cache=kv_cache,
        engine=engine,
        file_size_bytes=cached_file_size(m, quant),
    )
