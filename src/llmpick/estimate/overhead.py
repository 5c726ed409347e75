"""Runtime overhead per engine (CUDA context, compute buffers, CUDA graphs ...), each constant with its source."""

from __future__ import annotations

from ..schema import Architecture
from ..units import MIB

# --- Runtime overhead constants, each with its source --------------------------------------
# CUDA context + cuBLAS workspace per GPU: nvidia-smi shows ~300-500 MiB used by an idle CUDA process with
# cuBLAS loaded (CUDA 12, Ampere/Ada); llama.cpp and PyTorch both pay it once per device.  We take 400 MiB.
CUDA_CONTEXT_BYTES = 400 * MIB
# llama.cpp compute buffer (flash attention on, the default on CUDA since 2025): dominated by the f32 logits of
# one micro-batch, n_ubatch (512, llama.cpp default) x n_vocab x 4 bytes, plus a few hidden-sized activations.
# A llama.cpp log for Llama-3-8B (-c 8192 -fa) prints "CUDA0 compute buffer size = 258.50 MiB";
# 512 x 128256 x 4 B = 250.5 MiB, the rest is ~ 512 x 4096 x 4 x 4 B.
LLAMACPP_UBATCH = 512
# vLLM: CUDA graphs captured at start ("Graph capturing finished ... took 0.5 GiB" in typical vLLM logs), and the
# activation peak of its profiling run over max_num_batched_tokens (8192 in vLLM V1's default for serving).
VLLM_CUDA_GRAPHS_BYTES = 512 * MIB
VLLM_BATCHED_TOKENS = 8192
# MLX: no CUDA context; Metal command buffers and the mlx_lm prefill step (prefill_step_size = 2048 tokens).
MLX_RUNTIME_BYTES = 256 * MIB
MLX_PREFILL_TOKENS = 2048
# exllamav2: max_input_len 2048 tokens per forward pass (ExLlamaV2Config default).
EXLLAMA_INPUT_TOKENS = 2048


# --- Overhead -----------------------------------------------------------------------------


def overhead_bytes(a: Architecture, engine: str, context: int, parallel: int = 1) -> tuple[int, int, list[str]]:
    """(per-GPU bytes, shared bytes, notes) for one engine."""
    h = a.hidden_size or 4096
    ffn = a.intermediate_size or 4 * h
    vocab = a.vocab_size or 32000
    notes: list[str] = []
    if a.hidden_size is None or a.vocab_size is None:
        notes.append("overhead: no hidden_size/vocab_size; compute buffers sized for a 7B-class model")
    if engine == "llama.cpp":
        compute = LLAMACPP_UBATCH * 4 * (vocab + 4 * h)
        notes.append(
            f"overhead: llama.cpp compute buffer (n_ubatch {LLAMACPP_UBATCH}, flash attention) "
            f"+ {CUDA_CONTEXT_BYTES // MIB} MiB CUDA context per GPU"
        )
        return CUDA_CONTEXT_BYTES + compute, 0, notes
    if engine == "vllm":
        act = VLLM_BATCHED_TOKENS * (8 * h + 4 * ffn)
        notes.append(
            f"overhead: vLLM CUDA context, CUDA graphs and a {VLLM_BATCHED_TOKENS}-token profiling batch; "
            "vLLM itself reserves gpu_memory_utilization (0.9) of the card and fills it with KV cache"
        )
        return CUDA_CONTEXT_BYTES + VLLM_CUDA_GRAPHS_BYTES + act, 0, notes
    if engine == "transformers":
        tokens = min(context, 8192) * parallel
        act = tokens * (8 * h + 4 * ffn) + parallel * vocab * 4
        notes.append("overhead: PyTorch CUDA context + prefill activations (SDPA attention, chunks of <= 8192 tokens)")
        return CUDA_CONTEXT_BYTES + act, 0, notes
    if engine == "mlx":
        act = MLX_PREFILL_TOKENS * (8 * h + 4 * ffn) + vocab * 4 * parallel
        notes.append("overhead: MLX runtime + one 2048-token prefill step (unified memory, no CUDA context)")
        return MLX_RUNTIME_BYTES + act, 0, notes
    act = EXLLAMA_INPUT_TOKENS * (8 * h + 4 * ffn) + EXLLAMA_INPUT_TOKENS * vocab * 2
    notes.append("overhead: exllamav2 CUDA context + a 2048-token input pass")
    return CUDA_CONTEXT_BYTES + act, 0, notes
