"""What the catalog index may hold: the shapes of its records, and the generator of the code that checks them.

The index (``catalog_index``) is a file in the user's cache folder: anything may have been written there, by a
crash, a disk error, another program or a person.  Before a warm start uses a record, the record must have the
exact shape this code writes: an entry as ``CatalogEntry.model_dump(mode="json")`` (every key, the JSON type of
every value, the schema's bounds on every count, finite scores), a summary as ``ModelSummaryOut``'s JSON.  A record
that does not is a miss: the file is read and validated again.

A warm start must not import pydantic, and checks up to 10,000 records of ~45 values each: the shapes below are
turned into plain Python (``catalog_shape_checks.py``, committed, byte-compiled like any module; nested closures
cost three times as much per record, and compiling at run time costs more than all the checks of a small
catalog).  ``python -m llmpick.catalog_shape`` rewrites it; a test fails when it is stale, and another when a
shape disagrees with the pydantic model it mirrors (keys, JSON types, enums, bounds).  The bounds repeat
``schema.catalog``'s, which cannot be imported without pydantic.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# The schema's bounds (schema/catalog.py: MAX_*), repeated; tests/unit/test_catalog_shape.py keeps them equal.
MAX_PARAMS = 10**14
MAX_LAYERS = 1_000
MAX_WIDTH = 1 << 17
MAX_FFN = 1 << 20
MAX_HEADS = 1_024
MAX_HEAD_DIM = 1 << 17
MAX_VOCAB = 1 << 22
MAX_CONTEXT = 1 << 28
MAX_EXPERTS = 1 << 16
MAX_SHARED_EXPERTS = 1_024
MAX_KV_LORA_RANK = 1 << 16
MAX_FILE_SIZE = 1 << 50
MAX_SCORE = 1_000_000.0
# What llmpick itself prints: a memory need in bytes, however large the model (10^14 parameters x 4 bytes,
# plus a cache of 2^28 tokens) stays far below this.
MAX_BYTES = 1 << 62

USES = {
    "assistant",
    "chat",
    "coding",
    "roleplay",
    "storytelling",
    "vision",
    "translation",
    "summarization",
    "rag",
    "reasoning",
    "math",
    "multilingual",
    "tool-use",
}
FLAGS = {"uncensored", "nsfw-capable"}
METHODS = {"base", "finetune", "merge", "merge+finetune", "moe", "distill"}
LICENSE_CLASSES = {"permissive", "commercial-with-conditions", "non-commercial", "research-only", "unknown"}
MODALITIES = {"text", "image", "audio", "video"}
ARTIFACT_FORMATS = {"gguf", "gptq", "awq", "exl2", "mlx", "safetensors", "bnb", "fp8", "qmoe"}


# --- Building blocks -------------------------------------------------------------------------------------------
# A shape is data: ("str",), ("int", lo, hi), ("num", lo, hi), ("bool",), ("enum", choices), ("eq", value),
# ("null",), ("opt", shape), ("list", shape), ("record", {key: shape}), ("sparse", {key: optional shape}).  :func:`source` writes them as Python.

Shape = tuple[Any, ...]
TEXT: Shape = ("str",)
BOOL: Shape = ("bool",)


def opt(shape: Shape) -> Shape:
    return ("opt", shape)


def count(hi: int, lo: int = 1) -> Shape:
    return ("int", lo, hi)


def number(lo: float, hi: float) -> Shape:
    return ("num", lo, hi)


def one_of(choices: set[str]) -> Shape:
    return ("enum", frozenset(choices))


def list_of(shape: Shape) -> Shape:
    return ("list", shape)


def record(fields: dict[str, Shape]) -> Shape:
    return ("record", fields)


def sparse(fields: dict[str, Shape]) -> Shape:
    """A record whose keys are all optional and stored only when not null (an absent key reads as null): the
    architecture, whose ~45 facts are mostly null for any one model; 10,000 index records carry less JSON."""
    assert all(shape[0] == "opt" for shape in fields.values()), "a sparse record holds only optional values"
    return ("sparse", fields)


# --- The records -----------------------------------------------------------------------------------------------

LAYER_TYPES = record(
    {
        k: count(MAX_LAYERS, lo=0)
        for k in (
            "full_attention",
            "sliding_attention",
            "chunked_attention",
            "linear_attention",
            "mamba",
            "conv",
            "ffn",
        )
    }
)
PARAMS = record({"total": opt(count(MAX_PARAMS)), "active": opt(count(MAX_PARAMS))})
ARCH = sparse(
    {
        "type": opt(TEXT),
        "layers": opt(count(MAX_LAYERS)),
        "hidden_size": opt(count(MAX_WIDTH)),
        "intermediate_size": opt(count(MAX_FFN)),
        "attention_heads": opt(count(MAX_HEADS)),
        "kv_heads": opt(count(MAX_HEADS)),
        "head_dim": opt(count(MAX_HEAD_DIM)),
        "vocab_size": opt(count(MAX_VOCAB)),
        "max_context": opt(count(MAX_CONTEXT)),
        "sliding_window": opt(count(MAX_CONTEXT)),
        "sliding_window_layers": opt(count(MAX_LAYERS, lo=0)),
        "experts": opt(count(MAX_EXPERTS)),
        "experts_per_token": opt(count(MAX_EXPERTS)),
        "shared_experts": opt(count(MAX_SHARED_EXPERTS, lo=0)),
        "kv_lora_rank": opt(count(MAX_KV_LORA_RANK)),
        "qk_rope_head_dim": opt(count(MAX_HEAD_DIM)),
        "q_lora_rank": opt(count(MAX_KV_LORA_RANK)),
        "qk_nope_head_dim": opt(count(MAX_HEAD_DIM)),
        "v_head_dim": opt(count(MAX_HEAD_DIM)),
        "index_heads": opt(count(MAX_HEADS)),
        "index_head_dim": opt(count(MAX_HEAD_DIM)),
        "index_topk": opt(count(MAX_CONTEXT)),
        "layer_types": opt(LAYER_TYPES),
        "attention_chunk_size": opt(count(MAX_CONTEXT)),
        "linear_key_heads": opt(count(MAX_HEADS)),
        "linear_value_heads": opt(count(MAX_HEADS)),
        "linear_key_head_dim": opt(count(MAX_HEAD_DIM)),
        "linear_value_head_dim": opt(count(MAX_HEAD_DIM)),
        "conv_kernel": opt(count(MAX_HEADS)),
        "ssm_state_size": opt(count(MAX_HEAD_DIM)),
        "ssm_heads": opt(count(MAX_HEADS * 8)),
        "ssm_head_dim": opt(count(MAX_HEAD_DIM)),
        "ssm_groups": opt(count(MAX_HEADS)),
        "dense_layers": opt(count(MAX_LAYERS, lo=0)),
        "dense_intermediate_size": opt(count(MAX_FFN)),
        "shared_expert_intermediate_size": opt(count(MAX_FFN)),
        "mtp_layers": opt(count(MAX_LAYERS, lo=0)),
        "kv_shared_layers": opt(count(MAX_LAYERS, lo=0)),
        "global_head_dim": opt(count(MAX_HEAD_DIM)),
        "global_kv_heads": opt(count(MAX_HEADS)),
        "per_layer_embedding_dim": opt(count(MAX_WIDTH)),
        "per_layer_vocab_size": opt(count(MAX_VOCAB)),
        "tie_word_embeddings": opt(BOOL),
        "vision_params": opt(count(MAX_PARAMS)),
        "audio_params": opt(count(MAX_PARAMS)),
        "dtype": opt(TEXT),
    }
)
SCORE = record({"name": TEXT, "value": number(-MAX_SCORE, MAX_SCORE), "source": TEXT, "date": opt(TEXT)})
ARTIFACT = record(
    {
        "format": one_of(ARTIFACT_FORMATS),
        "repo": TEXT,
        "files": list_of(
            record({"quant": TEXT, "file": opt(TEXT), "size_bytes": opt(count(MAX_FILE_SIZE))}),
        ),
    }
)
ENTRY = record(
    {
        "name": TEXT,
        "family": TEXT,
        "organization": TEXT,
        "origin": opt(TEXT),
        "released": opt(TEXT),
        "summary": TEXT,
        "method": one_of(METHODS),
        "base_model": opt(TEXT),
        "merge_parents": list_of(TEXT),
        "superseded_by": opt(TEXT),
        "params": PARAMS,
        "arch": ARCH,
        "license": TEXT,
        "license_class": one_of(LICENSE_CLASSES),
        "gated": opt(BOOL),
        "uses": list_of(one_of(USES)),
        "flags": list_of(one_of(FLAGS)),
        "modalities": list_of(one_of(MODALITIES)),
        "languages": list_of(TEXT),
        "scores": list_of(SCORE),
        "artifacts": list_of(ARTIFACT),
        "sources": list_of(TEXT),
        "notes": opt(TEXT),
    }
)
SUMMARY = record(
    {
        "id": TEXT,
        "name": TEXT,
        "family": TEXT,
        "organization": TEXT,
        "origin": opt(TEXT),
        "released": opt(TEXT),
        "method": one_of(METHODS),
        "params": PARAMS,
        "license": TEXT,
        "license_class": one_of(LICENSE_CLASSES),
        "uses": list_of(one_of(USES)),
        "flags": list_of(one_of(FLAGS)),
        "modalities": list_of(one_of(MODALITIES)),
        "languages": list_of(TEXT),
        "context_length": opt(count(MAX_CONTEXT)),
        "parents": list_of(TEXT),
        "superseded_by": opt(TEXT),
        "scores": list_of(SCORE),  # ScoreOut: the same keys
        "curated": BOOL,
        "hub": ("null",),  # stored without Hub data: that is added when printed
        "vram_need_bytes": opt(count(MAX_BYTES)),
        "vram_need_assumptions": list_of(TEXT),
    }
)
LIST_ENVELOPE = record(
    {"schema_version": count(1 << 16), "command": ("eq", "list"), "warnings": list_of(TEXT), "items": list_of(TEXT)}
)


# --- The generated module -------------------------------------------------------------------------------------

GENERATED = Path(__file__).with_name("catalog_shape_checks.py")
# (function name, shape, what it checks): the functions the generated module defines.
FUNCTIONS = (
    ("entry_ok", "ENTRY", "an index record is an entry as this code writes it (``CatalogEntry.model_dump()``)"),
    ("summary_record_ok", "SUMMARY", "a summaries record is ``ModelSummaryOut``'s JSON as stored (no Hub data)"),
    ("envelope_record_ok", "LIST_ENVELOPE", "the stored `list` envelope has ``ListAnswer``'s keys"),
)
_WRAPPERS = '''

def summary_ok(value: Any, model_id: str) -> bool:
    """Whether a summaries record is ``ModelSummaryOut``'s JSON of this very model, as this code writes it."""
    return summary_record_ok(value) and value["id"] == model_id


def list_envelope_ok(value: Any) -> bool:
    """Whether the stored `list` envelope is ``ListAnswer(items=[])``'s JSON: no item, no warning."""
    return envelope_record_ok(value) and not value["items"] and not value["warnings"]
'''


def source() -> str:
    """The text of ``catalog_shape_checks.py``."""
    consts: dict[str, str] = {}  # text -> name: each set of keys or choices once
    bodies = []
    n = [0]
    for name, shape_name, doc in FUNCTIONS:
        lines = [f"def {name}(v0: Any) -> bool:", f'    """Whether {doc}."""']
        _emit(globals()[shape_name], "v0", 1, lines, consts, n)
        lines.append("    return True")
        bodies.append("\n".join(lines))
    head = [
        "# ruff: noqa: SIM103, SIM110 - generated: one flat `if` per value, the fastest to run",
        '"""Generated by `python -m llmpick.catalog_shape` from the shapes in catalog_shape.py: do not edit.',
        "",
        "Each function says whether a JSON value read from the catalog index has exactly the shape this code writes.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from math import isfinite",
        "from typing import Any",
        "",
    ]
    head += [f"{name} = {text}" for text, name in consts.items()]
    return "\n".join(head) + "\n\n\n" + "\n\n\n".join(bodies) + "\n" + _WRAPPERS


def _emit(shape: Shape, var: str, depth: int, lines: list[str], consts: dict[str, str], n: list[int]) -> None:
    pad = "    " * depth
    kind = shape[0]
    if kind == "opt" and shape[1][0] in ("str", "bool", "int", "num"):
        fails = _scalar_fails(shape[1], var)
        lines.append(f"{pad}if {var} is not None and {f'({fails})' if ' or ' in fails else fails}:")
        lines.append(f"{pad}    return False")
    elif kind == "opt":
        lines.append(f"{pad}if {var} is not None:")
        _emit(shape[1], var, depth + 1, lines, consts, n)
    elif kind in ("str", "bool", "int", "num"):
        lines.append(f"{pad}if {_scalar_fails(shape, var)}:")
        lines.append(f"{pad}    return False")
    elif kind == "null":
        lines.append(f"{pad}if {var} is not None:")
        lines.append(f"{pad}    return False")
    elif kind == "enum":
        name = _const(consts, "C", _collection("frozenset", sorted(shape[1]), ""))
        lines.append(f"{pad}if type({var}) is not str or {var} not in {name}:")
        lines.append(f"{pad}    return False")
    elif kind == "eq":
        lines.append(f"{pad}if type({var}) is not {type(shape[1]).__name__} or {var} != {json.dumps(shape[1])}:")
        lines.append(f"{pad}    return False")
    elif kind == "list":
        n[0] += 1
        item = f"v{n[0]}"
        lines.append(f"{pad}if type({var}) is not list:")
        lines.append(f"{pad}    return False")
        lines.append(f"{pad}for {item} in {var}:")
        _emit(shape[1], item, depth + 1, lines, consts, n)
    elif kind in ("record", "sparse"):
        # A record has exactly its keys; a sparse one any of them, an absent key reading as null.
        keys = _const(consts, "K", _collection("dict.fromkeys", list(shape[1]), ".keys()"))
        keys_fail = f"{var}.keys() != {keys}" if kind == "record" else f"not {var}.keys() <= {keys}"
        lines.append(f"{pad}if type({var}) is not dict or {keys_fail}:")
        lines.append(f"{pad}    return False")
        for key, sub in shape[1].items():
            n[0] += 1
            item = f"v{n[0]}"
            lines.append(
                f"{pad}{item} = {var}[{json.dumps(key)}]"
                if kind == "record"
                else f"{pad}{item} = {var}.get({json.dumps(key)})"
            )
            _emit(sub, item, depth, lines, consts, n)
    else:  # pragma: no cover - a typo in the shapes above
        raise ValueError(f"unknown shape {kind!r}")


def _const(consts: dict[str, str], prefix: str, text: str) -> str:
    if text not in consts:
        consts[text] = f"{prefix}{len(consts) + 1}"
    return consts[text]


def _collection(call: str, items: list[str], after: str) -> str:
    """``call([items...])`` on one line when it fits, else one item a line: as ruff formats it."""
    line = f"{call}([" + ", ".join(json.dumps(x) for x in items) + f"]){after}"
    if len(line) <= 110:
        return line
    inner = "".join(f"        {json.dumps(x)},\n" for x in items)
    return f"{call}(\n    [\n{inner}    ]\n){after}"


def _scalar_fails(shape: Shape, var: str) -> str:
    """The condition under which ``var`` is not this scalar."""
    kind = shape[0]
    if kind == "str":
        return f"type({var}) is not str"
    if kind == "bool":
        return f"type({var}) is not bool"
    if kind == "int":
        return f"type({var}) is not int or not {shape[1]!r} <= {var} <= {shape[2]!r}"
    return f"type({var}) not in (int, float) or not isfinite({var}) or not {shape[1]!r} <= {var} <= {shape[2]!r}"


def main(argv: list[str] | None = None) -> int:
    """Rewrite catalog_shape_checks.py (or check it, with ``--check``)."""
    args = sys.argv[1:] if argv is None else argv
    text = source()
    current = GENERATED.read_text(encoding="utf-8") if GENERATED.is_file() else None
    if "--check" in args:
        print("up to date" if current == text else f"{GENERATED.name} is stale: run python -m llmpick.catalog_shape")
        return 0 if current == text else 1
    if current != text:
        GENERATED.write_text(text, encoding="utf-8")
    print(f"{GENERATED}: {'unchanged' if current == text else 'written'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
