"""`hardware`: the machine llmpick plans for, or the built-in GPU table."""

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
from .options import Format, FormatOpt, JsonOpt, is_json


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
    from ..hardware import gpu_table, report, table_report
    from ..output import hardware as out

    if list_gpus:
        specs = table_report(gpu_table())
        if is_json(fmt, json_):
            from ..schema.hardware import GpuListAnswer

            output.emit(GpuListAnswer(items=specs))
        else:
            out.render_gpu_table(specs)
        return
    hw = report(_hardware(vram, gpus, gpu, ram, ram_bandwidth, unified, unified_share, reserve, nodes, profile))
    if is_json(fmt, json_):
        from ..schema.hardware import HardwareAnswer

        output.emit(HardwareAnswer(item=hw, warnings=hw.notes))
    else:
        out.render_hardware(hw)
