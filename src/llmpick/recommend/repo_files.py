"""The weights files of one Hub repo, as quantizations to check (`check hf:ORG/REPO`).  Pure: reads a
:class:`~llmpick.schema.HubRepoData` (file list with sizes, tags, config.json when fetched).

* GGUF: one option per file, its quantization read from the name as ``hubcache.file_size_in`` reads it (the
  name carries the quant as a separate token: ``...-Q4_K_M.gguf``, ``q8_0-00001-of-00003.gguf``); split parts
  are summed, and a split with parts missing is left out (its size would be wrong).  ``mmproj`` files are the
  vision projector, not the weights.  A name that carries no quantization llmpick knows (``UD-Q4_K_XL``) is left
  out and said so: its mix is unknown, so its quality and memory cannot be estimated.
* Safetensors: the repo is one option, at its ``quantization_config`` (AWQ, GPTQ, FP8, MXFP4, bitsandbytes),
  MLX ``quantization``, or released dtype; its size is the sum of the top-level ``*.safetensors`` files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..quant import GGUF_QUANTS
from ..schema import HubRepoData

_SPLIT_RE = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)
# Longest names first: "Q4_K_M" is tried before "Q4_K_S"; the token rule keeps "Q4_0" from matching "Q4_0_4_4".
_GGUF_NAMES = sorted(GGUF_QUANTS, key=len, reverse=True)
_TOKEN = {q: re.compile(r"(?<![A-Za-z0-9_])" + re.escape(q) + r"(?![A-Za-z0-9_])", re.IGNORECASE) for q in GGUF_QUANTS}
# Mistral repos ship the same weights twice: Hugging Face shards and consolidated.safetensors (mistral-inference).
_CONSOLIDATED = re.compile(r"^consolidated(\.\d+)?\.safetensors$")


@dataclass(frozen=True)
class RepoFile:
    """One quantization in the repo: its files (split parts in order) and their summed size."""

    quant: str
    artifact_format: str  # gguf, original (the released dtype), awq, gptq, fp8, mxfp4, bnb, mlx
    files: tuple[str, ...]
    size_bytes: int | None  # None: a size the Hub did not give, or one that is not what is loaded (F32)
    basis: str  # where the quantization was read from

    @property
    def file(self) -> str:
        return self.files[0]


@dataclass(frozen=True)
class Skipped:
    file: str
    reason: str


def gguf_quant(name: str) -> str | None:
    """The GGUF quantization a file name carries as a separate token (the file's own name first, then its
    folders); the rightmost match when there are several (the quant comes last: ``Llama-3-8B-Q8_0.gguf``)."""
    parts = name.split("/")
    for part in [parts[-1], *reversed(parts[:-1])]:
        best: tuple[int, str] | None = None
        for q in _GGUF_NAMES:
            for m in _TOKEN[q].finditer(part):
                if best is None or m.start() > best[0]:
                    best = (m.start(), q)
        if best is not None:
            return best[1]
    return None


def weight_files(data: HubRepoData) -> tuple[list[RepoFile], list[Skipped]]:
    """The quantizations in the repo, and the weights-like files left out (with why)."""
    out, skipped = _gguf(data)
    st, st_skipped = _safetensors(data)
    return out + st, skipped + st_skipped


def _gguf(data: HubRepoData) -> tuple[list[RepoFile], list[Skipped]]:
    groups: dict[str, list[tuple[int, int, str, int | None]]] = {}
    skipped: list[Skipped] = []
    for f in data.files:
        base = f.name.rsplit("/", 1)[-1]
        if not base.lower().endswith(".gguf"):
            continue
        if "mmproj" in base.lower():
            skipped.append(Skipped(f.name, "vision projector (mmproj), not the model's weights"))
            continue
        m = _SPLIT_RE.search(f.name)
        key = f.name[: m.start()] if m else f.name
        part, total = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        groups.setdefault(key, []).append((part, total, f.name, f.size))
    out: list[RepoFile] = []
    for key, parts in groups.items():
        parts.sort()
        names = tuple(p[2] for p in parts)
        quant = gguf_quant(key)
        if quant is None:
            skipped.append(Skipped(names[0], "no quantization llmpick knows in the file name"))
            continue
        total = parts[0][1]
        if sorted({p[0] for p in parts}) != list(range(1, total + 1)) or any(p[1] != total for p in parts):
            skipped.append(Skipped(names[0], f"split file with parts missing ({len(parts)} of {total} listed)"))
            continue
        sizes = [p[3] for p in parts]
        size = None if any(s is None for s in sizes) else sum(s for s in sizes if s is not None)
        out.append(RepoFile(quant, "gguf", names, size, "file name"))
    out.sort(key=lambda r: (r.size_bytes is None, r.size_bytes or 0, r.quant))
    return out, skipped


def _safetensors(data: HubRepoData) -> tuple[list[RepoFile], list[Skipped]]:
    top = [f for f in data.files if "/" not in f.name and f.name.endswith(".safetensors")]
    if any(not _CONSOLIDATED.match(f.name) for f in top):
        top = [f for f in top if not _CONSOLIDATED.match(f.name)]
    if not top:
        return [], []
    names = tuple(sorted(f.name for f in top))
    found = safetensors_quant(data)
    if found is None:
        return [], [Skipped(names[0], "a quantization_config llmpick does not know")]
    quant, kind, basis = found
    size = None if any(f.size is None for f in top) else sum(f.size or 0 for f in top)
    if quant == "BF16" and "32" in basis:
        size = None  # an F32 checkpoint is served at 16 bits: its files are twice what is loaded
    return [RepoFile(quant, kind, names, size, basis)], []


def _config(data: HubRepoData) -> dict[str, Any]:
    cfg = data.config if isinstance(data.config, dict) else {}
    text = cfg.get("text_config")
    return {**cfg, **text} if isinstance(text, dict) else cfg


def safetensors_quant(data: HubRepoData) -> tuple[str, str, str] | None:
    """(quantization, artifact format, basis) of a safetensors repo: config.json's ``quantization_config`` (or
    MLX's ``quantization``), else the Hub's tags, else the released dtype; None for a quantization llmpick does
    not model (compressed-tensors, HQQ, ...)."""
    cfg = _config(data)
    tags = {t.lower() for t in data.tags}
    qc = cfg.get("quantization_config")
    if isinstance(qc, dict):
        method = str(qc.get("quant_method", "")).lower()
        bits = qc.get("bits", qc.get("w_bit"))
        where = f"config.json quantization_config (quant_method {method or '?'})"
        if method in ("awq", "gptq") and bits in (4, 8):
            return f"{method.upper()}-{bits}bit", method, where
        if method == "fp8":
            return "FP8", "fp8", where
        if method == "mxfp4":
            return "MXFP4", "mxfp4", where
        if method == "bitsandbytes":
            return ("INT8", "bnb", where) if qc.get("load_in_8bit") else ("NF4", "bnb", where)
        return None
    mq = cfg.get("quantization")
    if isinstance(mq, dict) and mq.get("bits") in (4, 8) and ("mlx" in tags or data.library_name == "mlx"):
        return f"MLX-{mq['bits']}bit", "mlx", "config.json quantization (MLX)"
    for tag, quant, kind in (("awq", "AWQ-4bit", "awq"), ("gptq", "GPTQ-4bit", "gptq"), ("fp8", "FP8", "fp8")):
        if tag in tags:
            return quant, kind, f"the Hub tag '{tag}' (config.json not read)"
    dtype = cfg.get("torch_dtype") or cfg.get("dtype")
    if isinstance(dtype, str):
        return _float(dtype.lower(), f"config.json torch_dtype {dtype}")
    kinds = {k.upper() for k in data.safetensors_parameters}
    if len(kinds) == 1:
        (only,) = kinds
        if only.startswith("F8"):
            return "FP8", "fp8", f"the Hub's safetensors parameters ({only})"
        return _float(only.lower(), f"the Hub's safetensors parameters ({only})")
    return "BF16", "original", "assumed bfloat16 (neither config.json nor the Hub says the dtype)"


def _float(dtype: str, basis: str) -> tuple[str, str, str]:
    if dtype in ("float16", "fp16", "f16"):
        return "F16", "original", basis
    if dtype in ("float32", "fp32", "f32"):
        return "BF16", "original", basis + "; served at 16 bits (bfloat16), as vLLM does"
    if dtype.startswith(("float8", "f8")):
        return "FP8", "fp8", basis
    return "BF16", "original", basis
