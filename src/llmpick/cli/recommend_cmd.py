"""`recommend` and `check`."""

from typing import Annotated

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
from .options import CatalogOpt, Format, FormatOpt, JsonOpt, is_json, load

QuantOpt = Annotated[str | None, typer.Option("--quant", "-q", help="Only this quantization, e.g. Q4_K_M, AWQ, BF16.")]
ContextOpt = Annotated[
    str | None, typer.Option("--context", "-c", help="Context in tokens, e.g. 8192 or 32k (default 8192).")
]
ExplainOpt = Annotated[
    bool, typer.Option("--explain", help="Show the full working: memory, placement, speed basis, score.")
]


def _context(context: str | None) -> tuple[int, bool]:
    from ..units import parse_tokens

    return (parse_tokens(context, "--context"), True) if context else (8192, False)


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
        float | None, typer.Option("--min-speed", help="Minimum estimated decode speed, tokens/s.")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many models to show.")] = 10,
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
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """The best models for this hardware, ranked, with quantization, fit, memory, speed and how to run them."""
    from ..api import recommend_models

    _context(context)  # a bad --context is a usage error before any work
    hw = _hardware(vram, gpus, gpu, ram, ram_bandwidth, unified, unified_share, reserve, nodes, profile)
    cat, warnings = load(catalog)
    answer = recommend_models(
        hw,
        use=use or [],
        top=top,
        commercial=commercial,
        license_class=license_class,
        origin=origin,
        max_params=max_params,
        quant=quant,
        context=context,
        min_speed=min_speed,
        include_offload=include_offload,
        catalog=cat,
        warnings=warnings,
    )
    if is_json(fmt, json_):
        from ..output.recommend import emit_recommend

        emit_recommend(answer)
    else:
        from ..output.recommend import render_recommend

        render_recommend(answer, explain)


@command("check")
def check_cmd(
    model: Annotated[str, typer.Argument(help="Hub id or an unambiguous part of it, e.g. goliath-120b.")],
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
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Does MODEL fit on the GPUs?  Exit 0 when it does, 1 when it does not (the CI gate)."""
    from ..api import check_fit

    _context(context)
    hw = _hardware(vram, gpus, gpu, ram, ram_bandwidth, unified, unified_share, reserve, nodes, profile)
    cat, warnings = load(catalog)
    answer = check_fit(
        model, hw, quant=quant, context=context, allow_offload=allow_offload, catalog=cat, warnings=warnings
    )
    ok = answer.fits
    if is_json(fmt, json_):
        output.emit(answer)
    else:
        from ..output.recommend import render_check

        render_check(answer, explain)
    if not ok:
        raise typer.Exit(1)
