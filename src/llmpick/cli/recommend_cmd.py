"""`recommend`, `check` and `hardware`."""

from typing import Annotated

import typer

from .. import output
from . import command
from .options import CatalogOpt, Format, FormatOpt, JsonOpt, is_json, load

VramOpt = Annotated[
    str | None,
    typer.Option("--vram", help="GiB per card (2^30 bytes; a '24 GB' card is 24), or a per-card list: 24,24,12."),
]
GpusOpt = Annotated[int | None, typer.Option("--gpus", help="Number of cards of --vram size.")]
GpuOpt = Annotated[
    str | None,
    typer.Option(
        "--gpu", help="Cards by name: 'RTX 4090', '2x RTX 3090', 'M2 Max 64GB'. See `llmpick hardware --list-gpus`."
    ),
]
RamOpt = Annotated[str | None, typer.Option("--ram", help="System RAM in GiB.")]
RamBwOpt = Annotated[
    str | None,
    typer.Option("--ram-bandwidth", help="RAM bandwidth in GB/s (dual-channel DDR4-3200: 51.2, DDR5-5600: 89.6)."),
]
UnifiedOpt = Annotated[
    bool | None,
    typer.Option(
        "--unified/--no-unified", help="Apple-style unified memory: the GPU uses a share of --ram.", show_default=False
    ),
]
UnifiedShareOpt = Annotated[
    float | None,
    typer.Option(
        "--unified-share", help="Share of unified memory the GPU may use (default: 0.67 up to 36 GiB, else 0.75)."
    ),
]
ReserveOpt = Annotated[
    str | None,
    typer.Option("--reserve", help="GiB kept free on the first GPU for the desktop (in RAM when there is no GPU)."),
]
NodesOpt = Annotated[
    int | None, typer.Option("--nodes", help="Machines like this one for multi-node serving (vLLM over Ray).")
]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="A named hardware profile from config.yaml in the config dir.")
]
QuantOpt = Annotated[str | None, typer.Option("--quant", "-q", help="Only this quantization, e.g. Q4_K_M, AWQ, BF16.")]
ContextOpt = Annotated[
    str | None, typer.Option("--context", "-c", help="Context in tokens, e.g. 8192 or 32k (default 8192).")
]
ExplainOpt = Annotated[
    bool, typer.Option("--explain", help="Show the full working: memory, placement, speed basis, score.")
]


def _hardware(vram, gpus, gpu, ram, ram_bandwidth, unified, unified_share, reserve, nodes, profile):
    from ..hardware import HardwareFlags, resolve

    return resolve(
        HardwareFlags(
            vram=vram,
            gpus=gpus,
            gpu=gpu,
            ram=ram,
            ram_bandwidth=ram_bandwidth,
            unified=unified,
            unified_share=unified_share,
            reserve=reserve,
            nodes=nodes,
            profile=profile,
        )
    )


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
    from ..recommend import Constraints, recommend
    from ..units import parse_count

    ctx, explicit = _context(context)
    cons = Constraints(
        uses=use or [],
        commercial=commercial,
        license_classes=license_class or [],
        origins=origin or [],
        max_params=parse_count(max_params, "--max-params") if max_params else None,
        quant=quant,
        context=ctx,
        context_explicit=explicit,
        min_speed=min_speed,
        top=top,
        include_offload=include_offload,
    )
    cons.check()
    hw = _hardware(vram, gpus, gpu, ram, ram_bandwidth, unified, unified_share, reserve, nodes, profile)
    cat, warnings = load(catalog)
    from ..hubcache import cached_file_size

    result = recommend(cat, hw, cons, file_size=cached_file_size)
    if is_json(fmt, json_):
        from ..output.recommend import emit_recommend

        emit_recommend(result, warnings)
        if not result.items:
            output.info(result.hint or "Nothing fits.")
    else:
        from ..output.recommend import render_recommend

        render_recommend(result, explain)


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
    from ..recommend import Constraints, check

    ctx, explicit = _context(context)
    cons = Constraints(quant=quant, context=ctx, context_explicit=explicit)
    cons.check()
    hw = _hardware(vram, gpus, gpu, ram, ram_bandwidth, unified, unified_share, reserve, nodes, profile)
    cat, warnings = load(catalog)
    m = cat.resolve(model)
    from ..hubcache import cached_file_size

    ok, option, reason = check(m, hw, cons, allow_offload=allow_offload, catalog=list(cat), file_size=cached_file_size)
    if is_json(fmt, json_):
        from ..output.recommend import emit_check

        emit_check(ok, option, reason, hw, cons, warnings)
    else:
        from ..output.recommend import render_check

        render_check(ok, option, reason, hw, explain)
    if not ok:
        raise typer.Exit(1)


@command("hardware")
def hardware_cmd(
    list_gpus: Annotated[
        bool, typer.Option("--list-gpus", help="Print the built-in GPU table (with sources).")
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
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """What llmpick plans for: this machine as detected, or as described by the flags or the config profile."""
    if list_gpus:
        from ..hardware import gpu_table

        specs = gpu_table()
        if is_json(fmt, json_):
            output.emit_json(
                "hardware --list-gpus",
                items=[
                    {
                        "key": s.key,
                        "name": s.name,
                        "vendor": s.vendor,
                        "kind": s.kind,
                        "vram_bytes": s.vram_bytes,
                        "bandwidth_gb_per_s": s.bandwidth_gbs,
                        "aliases": list(s.aliases),
                        "source": s.source,
                    }
                    for s in specs
                ],
            )
        else:
            from ..output.recommend import render_gpu_table

            render_gpu_table(specs)
        return
    hw = _hardware(vram, gpus, gpu, ram, ram_bandwidth, unified, unified_share, reserve, nodes, profile)
    if is_json(fmt, json_):
        from ..hardware import hardware_dict

        output.emit_json("hardware", item=hardware_dict(hw), warnings=list(hw.notes))
    else:
        from ..output.recommend import render_hardware

        render_hardware(hw)
