"""`estimate`: memory needed by one model per quantization, context and engine."""

from typing import TYPE_CHECKING, Annotated

import typer

from .. import output
from ..units import GIB
from . import command
from .hub_cmds import EndpointOpt, OfflineOpt, TimeoutOpt
from .options import CatalogOpt, Format, FormatOpt, JsonOpt, is_json, load

if TYPE_CHECKING:
    from ..quant import QuantFormat
    from ..schema import Model


@command("estimate")
def estimate_cmd(
    model: Annotated[
        str,
        typer.Argument(
            help="Hub id or an unambiguous part of it, e.g. mistral-7b-instruct-v0.1; or any Hub repo as hf:ORG/NAME."
        ),
    ],
    quant: Annotated[
        list[str] | None,
        typer.Option(
            "--quant",
            "-q",
            help="Quantization (repeatable), e.g. Q4_K_M, Q8_0, GPTQ-4bit, EXL2-4.65bpw. Default: a table over the common GGUF quants.",
        ),
    ] = None,
    context: Annotated[
        str,
        typer.Option("--context", "-c", help="Tokens per sequence, e.g. 8192 or 32k (capped at the model's maximum)."),
    ] = "8192",
    parallel: Annotated[
        str,
        typer.Option("--parallel", "-p", metavar="N", help="Sequences served at once (each holds its own KV cache)."),
    ] = "1",
    kv_cache: Annotated[
        str, typer.Option("--kv-cache", help="KV cache type: f16, bf16, f32, q8_0, q4_0, fp8 ...")
    ] = "f16",
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine", help="llama.cpp, vllm, transformers, mlx, exllamav2 (default: the usual one for the format)."
        ),
    ] = None,
    fit_vram: Annotated[
        str | None,
        typer.Option("--fit-vram", metavar="GIB", help="GiB of memory: add the longest context that fits, per quant."),
    ] = None,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 10.0,
    offline: OfflineOpt = False,
) -> None:
    """Memory (GiB) for weights, KV cache and runtime overhead, per quantization."""
    from ..api import check_quant
    from ..estimate import check_context, estimate, max_context_that_fits
    from ..hubcache import cached_file_size
    from ..quant import COMMON_QUANTS, resolve_quant
    from ..units import MEMORY, PARALLEL, parse_int, parse_quantity, parse_tokens
    from .hub_cmds import hub_model

    asked = quant or COMMON_QUANTS
    for q in asked:
        check_quant(q)  # an empty --quant is an error, not "Unknown quantization ''"
    formats = [resolve_quant(q) for q in asked]
    ctx = check_context(parse_tokens(context, "--context"))
    n_parallel = parse_int(parallel, PARALLEL, "--parallel")
    fit_gib = parse_quantity(fit_vram, MEMORY, "--fit-vram") if fit_vram is not None else None
    cat, warnings = load(catalog, drafts=True)
    m = (
        hub_model(model, endpoint=endpoint, timeout=timeout, offline=offline)
        if model.lower().startswith("hf:")
        else cat.resolve(model)
    )
    rows = []
    for f in formats:
        est = estimate(
            m,
            f,
            ctx,
            parallel=n_parallel,
            kv_cache=kv_cache,
            engine=engine,
            file_size_bytes=cached_file_size(m, f.name),
        )
        fit = None
        if fit_gib is not None:
            fit = max_context_that_fits(m, f, int(fit_gib * GIB), parallel=n_parallel, kv_cache=kv_cache, engine=engine)
        rows.append((est, fit))
    from ..schema.models_out import is_curated

    notes = _not_published(m, formats) if quant and not model.lower().startswith("hf:") else []
    if not is_curated(m) and not model.lower().startswith("hf:"):
        notes.insert(0, f"{m.id} is a draft made from the Hub (`refresh --discover`), not curated: check its facts")
    for est, _ in rows:
        for n in [a for a in est.assumptions if a.startswith("context ")] + est.missing:
            if n not in notes:
                notes.append(n)
    for n in notes:
        output.warn(n)
    if is_json(fmt, json_):
        from ..schema.estimate import EstimateAnswer, EstimateFitOut, MemoryEstimate

        items: list[EstimateFitOut | MemoryEstimate] = [
            est
            if fit_gib is None
            else EstimateFitOut(**dict(est), vram_bytes=int(fit_gib * GIB), max_context_in_vram=fit)
            for est, fit in rows
        ]
        output.emit(EstimateAnswer(items=items, warnings=warnings + notes, curated=is_curated(m)))
    else:
        from ..output.estimate import render_estimates

        render_estimates(m.id, rows, fit_gib)


def _not_published(m: "Model", formats: "list[QuantFormat]") -> list[str]:
    """A note per asked quantization the catalog lists no file of: the estimate stands, the file must be made."""
    from ..recommend.artifacts import published

    return [
        f"{m.id}: the catalog lists no {f.name} file; `llmpick check {m.id} --quant {f.name} --explain` says how "
        "to make one"
        for f in formats
        if not published(m, f)
    ]


@command("quants")
def quants_cmd(fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """The quantization formats llmpick knows, with their typical bits per weight."""
    from ..quant import all_quants
    from ..schema.estimate import QuantOut, QuantsAnswer

    items = [
        QuantOut(
            name=q.name, family=q.family, bits_per_weight=q.bits, aliases=list(q.aliases), description=q.description
        )
        for q in all_quants()
    ]
    if is_json(fmt, json_):
        output.emit(QuantsAnswer(items=items))
    else:
        from ..output.estimate import render_quants

        render_quants(items)
