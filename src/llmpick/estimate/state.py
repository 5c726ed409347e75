"""The recurrent state of hybrid models: a fixed size per sequence, whatever the context.  Pure.

Linear-attention (Gated DeltaNet, KDA), Mamba-2 and short-convolution layers keep no KV cache; each keeps, per
sequence, a convolution state and (except short-conv) a recurrent matrix state.  llama.cpp allocates them in
``llama_memory_recurrent`` (src/llama-memory-recurrent.cpp: ``r = ggml_new_tensor_1d(ctx, type_r,
hparams.n_embd_r()*mem_size)``, ``s = ... n_embd_s()*mem_size``) for every recurrent layer, with ``mem_size =
max(1, n_seq_max)`` cells and ``type_r = type_s = GGML_TYPE_F32`` (``create_memory`` in src/llama-model.cpp) -
whatever the KV cache type.  The sizes are ``llama_hparams::n_embd_r()`` / ``n_embd_s()`` (src/llama-hparams.cpp;
ggml-org/llama.cpp at ec98e2002 as vendored by ollama/ollama@f63eea3d, unchanged at 01b77b57):

* Mamba-2 (nemotron_h, granitehybrid): r = (d_conv - 1) x (d_inner + 2 x n_group x d_state),
  s = d_state x d_inner, with d_inner = mamba heads x head size.
* Gated DeltaNet (qwen3next, qwen35, qwen35moe: ssm_d_inner = value heads x value head size, ssm_d_state = key
  head size, ssm_n_group = key heads; llama-model.cpp): the same formulas, i.e. conv over q, k and v
  (2 x key heads x key size + value heads x value size channels) and one key x value matrix per value head.
  Kimi Linear's KDA keeps the same two states (conv over q, k, v and a key x value matrix per head).
* LFM2 short convolution: r = hidden x (conv_L_cache - 1), s = 0 (``n_shortconv_l_cache`` branch).
"""

from __future__ import annotations

from ..schema import Architecture

STATE_BYTES_PER_ELEMENT = 4  # GGML_TYPE_F32: llama.cpp keeps recurrent states in f32 (create_memory)
# Architectures that are hybrids even when a catalog entry does not (yet) carry layer_types: their state is
# unknown then, not zero.
HYBRID_TYPES = (
    "Qwen3Next",
    "Qwen3_5",
    "NemotronH",
    "GraniteMoeHybrid",
    "Lfm2",
    "KimiLinear",
    "FalconH1",
    "Jamba",
    "Mamba",
    "Zamba",
    "Plamo2",
)


def looks_hybrid(a: Architecture) -> bool:
    """A recurrent or hybrid architecture by its config.json class or by linear-attention / SSM sizes."""
    typ = a.type or ""
    return typ.startswith(HYBRID_TYPES) or any(
        getattr(a, f) is not None for f in ("linear_key_heads", "linear_value_heads", "ssm_state_size", "ssm_heads")
    )


def state_per_layer(a: Architecture) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """(kind -> (conv elements, matrix elements) per layer per sequence, missing) for each recurrent kind present."""
    lt = a.layer_types
    out: dict[str, tuple[int, int]] = {}
    missing: list[str] = []
    if lt is None:
        return out, missing
    k = a.conv_kernel
    if lt.linear_attention:
        kh, vh, kd, vd = a.linear_key_heads, a.linear_value_heads, a.linear_key_head_dim, a.linear_value_head_dim
        if kh and vh and kd and vd and k:
            out["linear_attention"] = ((k - 1) * (2 * kh * kd + vh * vd), vh * kd * vd)
        else:
            missing.append(
                "recurrent state unknown: linear-attention layers without linear_key_heads, linear_value_heads, "
                "their head sizes and conv_kernel in the catalog entry"
            )
    if lt.mamba:
        heads, hd, ds = a.ssm_heads, a.ssm_head_dim, a.ssm_state_size
        groups = a.ssm_groups or 1
        if heads and hd and ds and k:
            d_inner = heads * hd
            out["mamba"] = ((k - 1) * (d_inner + 2 * groups * ds), ds * d_inner)
        else:
            missing.append(
                "recurrent state unknown: Mamba layers without ssm_heads, ssm_head_dim, ssm_state_size and "
                "conv_kernel in the catalog entry"
            )
    if lt.conv:
        if a.hidden_size and k:
            out["conv"] = (a.hidden_size * (k - 1), 0)
        else:
            missing.append("recurrent state unknown: short-conv layers without hidden_size and conv_kernel")
    return out, missing


def state_bytes(a: Architecture, *, parallel: int = 1) -> tuple[int | None, list[str], list[str]]:
    """Bytes of the recurrent state of ``parallel`` sequences: (bytes | None, notes, missing).

    0 for a model without recurrent layers (a plain transformer has no state: a known zero); None for a hybrid
    whose layer counts or state sizes the catalog entry lacks."""
    lt = a.layer_types
    if lt is None or not (lt.linear_attention or lt.mamba or lt.conv):
        if lt is None and looks_hybrid(a):
            return None, [], ["recurrent state unknown: a hybrid architecture without layer_types in the catalog"]
        return 0, [], []
    per, missing = state_per_layer(a)
    if missing:
        return None, [], missing
    cells = max(1, parallel)
    total = 0
    parts = []
    for kind, (r, s) in per.items():
        n = getattr(lt, kind)
        total += n * (r + s) * STATE_BYTES_PER_ELEMENT * cells
        parts.append(f"{n} {kind.replace('_', ' ')} layers x {(r + s) * STATE_BYTES_PER_ELEMENT:,} bytes")
    notes = [
        "state: recurrent state per sequence, f32 as llama.cpp keeps it, whatever the context: " + "; ".join(parts)
    ]
    return total, notes, []
