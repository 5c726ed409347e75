"""`recommend` and `check`."""

from typing import Annotated, Any

import typer

from .. import output
from . import command
from .hardware_opts import (
    GpuOpt,
    GpusOpt,
    NodesOpt,
    ProfileOpt,
    RamBwOpt,
    RamOpt,
    ReserveOpt,
    UnifiedOpt,
    UnifiedShareOpt,
    VramOpt,
    _hardware,
)
from .hub_cmds import EndpointOpt, OfflineOpt, TimeoutOpt
from .options import CatalogOpt, CuratedOpt, Format, FormatOpt, JsonOpt, is_json, load, nonempty

QuantOpt = Annotated[str | None, typer.Option("--quant", "-q", help="Only this quantization, e.g. Q4_K_M, AWQ, BF16.")]
ContextOpt = Annotated[
    str | None, typer.Option("--context", "-c", help="Context in tokens, e.g. 8192 or 32k (default 8192).")
]
ExplainOpt = Annotated[
    bool, typer.Option("--explain", help="Show the full working: memory, placement, speed basis, score.")
]


def _asked(quant: str | None, context: str | None) -> None:
    """A bad --quant or --context is a usage error before any work (an empty one too: never the default)."""
    from ..api import check_quant
    from ..units import parse_tokens

    check_quant(quant)
    if context is not None:
        parse_tokens(context, "--context")


@command("recommend")
def recommend_cmd(
    use: Annotated[
        list[str] | None,
        typer.Option("--use", "-u", help="What the model is for (repeatable), e.g. coding. See `llmpick uses`."),
    ] = None,
    commercial: Annotated[bool, typer.Option("--commercial", help="Only licenses that allow commercial use.")] = False,
    license_class: Annotated[
        list[str] | None,
        typer.Option(
            "--license-class", help="permissive, commercial-with-conditions, non-commercial, research-only, unknown."
        ),
    ] = None,
    origin: Annotated[
        list[str] | None, typer.Option("--origin", help="Country of the releasing organization (ISO code).")
    ] = None,
    max_params: Annotated[str | None, typer.Option("--max-params", help="e.g. 14B.")] = None,
    quant: QuantOpt = None,
    context: ContextOpt = None,
    min_speed: Annotated[
        str | None, typer.Option("--min-speed", metavar="TOKENS/S", help="Minimum estimated decode speed, tokens/s.")
    ] = None,
    top: Annotated[str, typer.Option("--top", metavar="N", help="How many models to show.")] = "10",
    include_offload: Annotated[
        bool,
        typer.Option(
            "--include-offload", help="Also models that need layers in RAM (llama.cpp partial offload) or run from RAM."
        ),
    ] = False,
    vram: VramOpt = None,
    gpus: GpusOpt = None,
    gpu: GpuOpt = None,
    ram: RamOpt = None,
    ram_bandwidth: RamBwOpt = None,
    unified: UnifiedOpt = None,
    unified_share: UnifiedShareOpt = None,
    reserve: ReserveOpt = None,
    nodes: NodesOpt = None,
    profile: ProfileOpt = None,
    explain: ExplainOpt = False,
    curated: CuratedOpt = False,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """The best models for this hardware, ranked, with quantization, fit, memory, speed and how to run them."""
    from ..units import PARAMS, SPEED, TOP, parse_int, parse_quantity

    _asked(quant, context)
    nonempty(origin, "--origin")
    top_n = parse_int(top, TOP, "--top")
    speed = parse_quantity(min_speed, SPEED, "--min-speed") if min_speed is not None else None
    params = parse_int(max_params, PARAMS, "--max-params") if max_params is not None else None
    hw = _hardware(vram, gpus, gpu, ram, ram_bandwidth, unified, unified_share, reserve, nodes, profile)
    cat, warnings = load(catalog, models=False, drafts=not curated)
    question = dict(
        use=use or [],
        top=top_n,
        commercial=commercial,
        license_class=license_class,
        origin=origin,
        max_params=params,
        quant=quant,
        context=context,
        min_speed=speed,
        include_offload=include_offload,
    )

    def ask() -> Any:
        from ..api import recommend_models

        return recommend_models(hw, **question, catalog=cat, warnings=warnings)  # type: ignore[arg-type]

    json_mode = is_json(fmt, json_)
    doc, answer = _answer("recommend", question, cat, hw, ask, None if json_mode else _model("RecommendAnswer"))
    if json_mode:
        from ..catalog import StoredAnswer  # imported here: `--help` and other commands do not load the catalog

        output.emit(StoredAnswer(doc))
        if not doc["items"]:
            output.info(doc["hint"] or "Nothing fits.")
    else:
        from ..output.recommend import render_recommend

        render_recommend(answer, explain)


def _answer(
    command: str, question: dict[str, Any], cat: Any, hw: Any, ask: Any, model: Any = None
) -> tuple[dict[str, Any], Any]:
    """(the answer's JSON, the answer model or None): from the answer cache when the same question was asked of
    the same machine, catalog, Hub cache and code, else asked now and kept.  ``model``: the answer class, when a
    stored answer is needed as a model (tables); one that does not validate is asked again."""
    from .. import answer_cache

    key = answer_cache.key(command, question, cat, hw)
    doc = answer_cache.get(key)
    if doc is not None:
        if model is None:
            return doc, None
        from pydantic import ValidationError

        try:
            return doc, model.model_validate(doc)
        except ValidationError:
            pass  # damaged or edited by hand: ask again below
    answer = ask()
    doc = answer.model_dump(mode="json")
    answer_cache.put(key, doc)
    return doc, answer


def _model(name: str) -> Any:
    from .. import schema

    return getattr(schema, name)


@command("check")
def check_cmd(
    model: Annotated[
        str,
        typer.Argument(
            help="Hub id or an unambiguous part of it, e.g. goliath-120b; or hf:ORG/REPO for a verdict on every "
            "quantization file of a Hub repo (GGUF or safetensors)."
        ),
    ],
    quant: QuantOpt = None,
    context: ContextOpt = None,
    allow_offload: Annotated[
        bool, typer.Option("--allow-offload", help="Count a fit with layers in RAM (or CPU only) as a fit.")
    ] = False,
    vram: VramOpt = None,
    gpus: GpusOpt = None,
    gpu: GpuOpt = None,
    ram: RamOpt = None,
    ram_bandwidth: RamBwOpt = None,
    unified: UnifiedOpt = None,
    unified_share: UnifiedShareOpt = None,
    reserve: ReserveOpt = None,
    nodes: NodesOpt = None,
    profile: ProfileOpt = None,
    explain: ExplainOpt = False,
    curated: CuratedOpt = False,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 10.0,
    offline: OfflineOpt = False,
) -> None:
    """Does MODEL fit on the GPUs?  Exit 0 when it does, 1 when it does not or llmpick cannot tell (the CI gate).
    With hf:ORG/REPO, a verdict per file: exit 0 when any file fits."""
    _asked(quant, context)
    hw = _hardware(vram, gpus, gpu, ram, ram_bandwidth, unified, unified_share, reserve, nodes, profile)
    cat, warnings = load(catalog, models=False, drafts=not curated)
    if model.lower().startswith("hf:"):
        from ..api import check_repo

        answer = check_repo(
            model,
            hw,
            quant=quant,
            context=context,
            allow_offload=allow_offload,
            catalog=cat,
            endpoint=endpoint,
            timeout=timeout,
            offline=offline,
            warnings=warnings,
        )
        for w in answer.warnings:
            if w not in warnings and w not in hw.notes:  # the catalog's were shown by load, the machine's below
                output.warn(w)
        if is_json(fmt, json_):
            output.emit(answer)
        else:
            from ..output.recommend import render_repo_check

            render_repo_check(answer, explain)
        if not answer.fits:
            raise typer.Exit(1)
        return
    question = dict(model=model, quant=quant, context=context, allow_offload=allow_offload)

    def ask() -> Any:
        from ..api import check_fit

        return check_fit(
            model, hw, quant=quant, context=context, allow_offload=allow_offload, catalog=cat, warnings=warnings
        )

    json_mode = is_json(fmt, json_)
    doc, answer = _answer("check", question, cat, hw, ask, None if json_mode else _model("CheckAnswer"))
    ok = bool(doc["fits"])
    if json_mode:
        from ..catalog import StoredAnswer

        output.emit(StoredAnswer(doc))
    else:
        from ..output.recommend import render_check

        render_check(answer, explain)
    if not ok:
        raise typer.Exit(1)
