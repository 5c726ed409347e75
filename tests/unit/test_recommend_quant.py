"""Issue #12 item 4: any quantization of any model.  A quantization asked with --quant that nobody published is a
candidate too, marked ``published=False`` with the tool that makes it; without --quant nothing changes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmpick.catalog import load_catalog
from llmpick.errors import UsageError
from llmpick.hardware import HardwareFlags, resolve
from llmpick.recommend import Constraints, candidates, check, rank_exhaustively, recommend, score_bound
from llmpick.recommend.search import _setup
from llmpick.runcmd import IMATRIX_REQUIRED
from tests.unit.test_recommend import LLAMA_70B, MISTRAL_7B, model
from tests.unit.test_recommend_search import machines


@pytest.fixture(scope="module")
def real():
    return list(load_catalog(use_cache=False))


def hw(**flags):
    return resolve(HardwareFlags(**flags))


def by_id(real, mid):
    return next(m for m in real if m.id == mid)


# Only Q4_K_M is listed: every other mix must be made.
LISTED = model(
    "t/listed-7b",
    7_241_732_096,
    MISTRAL_7B,
    artifacts=[{"format": "gguf", "repo": "t/listed-7b-GGUF", "files": [{"quant": "Q4_K_M", "file": "x.gguf"}]}],
)


# --- the acceptance criteria ----------------------------------------------------------------------------------


@pytest.mark.parametrize("quant", ["F16", "BF16"])
@pytest.mark.parametrize("flags", [{"vram": "24"}, {"gpu": "M2 Max 64GB"}, {"ram": "64"}])
def test_f16_and_bf16_work_for_every_catalog_model(real, quant, flags):
    """`check --quant F16|BF16` never refuses a catalog model: the original weights are always there."""
    machine = hw(**flags)
    for m in real:
        _, o, why = check(m, machine, Constraints(quant=quant), catalog=real)
        assert o.quant == quant and why and o.run is not None, m.id
        if m.entry.params.total:
            assert o.estimate.weights_bytes is not None, m.id


def test_an_unpublished_gguf_mix_is_made_with_llama_quantize():
    ok, o, why = check(LISTED, hw(vram="24"), Constraints(quant="Q5_K_S"))
    assert ok and o.quant == "Q5_K_S" and not o.published and o.made_with == "llama-quantize"
    assert o.repo == "t/listed-7b" and o.placement.engine == "llama.cpp"
    assert "not published" in why and "llama-quantize" in why
    notes = " ".join(o.run.notes)
    assert "hf download t/listed-7b" in notes and "convert_hf_to_gguf.py" in notes
    assert "llama-quantize listed-7b-BF16.gguf listed-7b-Q5_K_S.gguf Q5_K_S" in notes
    assert o.run.llama_cpp.startswith("llama-server -m listed-7b-Q5_K_S.gguf -ngl 33 -c 8192")
    assert "ollama create" in o.run.ollama and "num_ctx 8192" in o.run.ollama
    # The listed file stays what it was: published, pulled with -hf.
    ok, o, _ = check(LISTED, hw(vram="24"), Constraints(quant="Q4_K_M"))
    assert ok and o.published and o.made_with is None and o.run.llama_cpp.startswith("llama-server -hf t/listed")


def test_mistral_q5_k_s_and_an_unlisted_mix(real):
    m = by_id(real, "mistralai/Mistral-7B-Instruct-v0.1")
    ok, o, _ = check(m, hw(vram="24"), Constraints(quant="Q5_K_S"), catalog=real)
    assert ok and o.published  # TheBloke lists it
    ok, o, why = check(m, hw(vram="24"), Constraints(quant="IQ3_M"), catalog=real)
    assert ok and not o.published and "not published" in why


@pytest.mark.parametrize("quant", sorted(IMATRIX_REQUIRED))
def test_llama_quantize_gets_an_importance_matrix_where_it_requires_one(quant):
    _, o, _ = check(LISTED, hw(vram="24"), Constraints(quant=quant))
    assert "--imatrix imatrix.dat" in " ".join(o.run.notes)


def test_unknown_formats_stay_usage_errors():
    with pytest.raises(UsageError, match="Unknown quantization"):
        check(LISTED, hw(vram="24"), Constraints(quant="Q9_Z"))


# --- which route for a float -----------------------------------------------------------------------------------


def test_f16_of_a_bf16_release_is_llama_cpps_file_and_bf16_the_original():
    ok, o, _ = check(LISTED, hw(gpu="RTX 4090"), Constraints(quant="F16"))
    assert ok and o.artifact_format == "gguf" and not o.published and o.made_with == "convert_hf_to_gguf.py"
    assert any("vllm serve t/listed-7b --dtype float16" in n for n in o.run.notes)  # the other route, named
    ok, o, _ = check(LISTED, hw(gpu="RTX 4090"), Constraints(quant="BF16"))
    assert ok and o.artifact_format == "original" and o.published and o.placement.engine == "vllm"
    assert o.run.vllm.startswith("vllm serve t/listed-7b ") and "--dtype" not in o.run.vllm


def test_float_on_a_mac_or_from_ram_is_the_gguf(real):
    for flags, fit, offload in (({"gpu": "M2 Max 64GB"}, "gpu", False), ({"ram": "64"}, "cpu", True)):
        ok, o, _ = check(LISTED, hw(**flags), Constraints(quant="BF16"), allow_offload=offload)
        assert ok and o.fit == fit and o.artifact_format == "gguf" and not o.published, flags


def test_float_that_needs_ram_uses_the_gguf_split():
    big = model("t/big-70b", 68_976_648_192, LLAMA_70B)
    ok, o, why = check(big, hw(vram="24", ram="256"), Constraints(quant="BF16"), allow_offload=True)
    assert ok and o.fit == "split" and o.artifact_format == "gguf" and "not published" in why


def test_a_cast_when_llama_cpp_cannot_place_it():
    """vLLM casts at load: its line says --dtype float16, and it is marked as made at load."""
    tiny = model("t/x-7b", 7_241_732_096, MISTRAL_7B, artifacts=[])
    opts = {(c.artifact_format, c.published) for c in candidates(tiny, "F16", hw(vram="24"))}
    assert opts == {("original", False), ("gguf", False)}
    cast = next(c for c in candidates(tiny, "F16", hw(vram="24")) if c.artifact_format == "original")
    assert cast.made_with == "vllm --dtype float16" and cast.engine == "vllm"


# --- the other formats -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quant, kind, engine, tool, run_key",
    [
        ("GPTQ-4bit", "gptq", "vllm", "GPTQModel", "vllm"),
        ("AWQ-4bit", "awq", "vllm", "AutoAWQ", "vllm"),
        ("AWQ-8bit", "awq", "vllm", "llm-compressor", "vllm"),
        ("FP8", "fp8", "vllm", "vllm --quantization fp8", "vllm"),
        ("MXFP4", "mxfp4", "vllm", "llm-compressor", "vllm"),
        ("EXL2-4.65bpw", "exl2", "exllamav2", "exllamav2 convert.py", None),
        ("NF4", "bnb", "transformers", "bitsandbytes", None),
        ("INT8", "bnb", "transformers", "bitsandbytes", None),
    ],
)
def test_each_format_names_its_engine_and_tool(quant, kind, engine, tool, run_key):
    ok, o, _ = check(LISTED, hw(gpu="RTX 4090"), Constraints(quant=quant))
    assert ok and o.quant == quant and o.artifact_format == kind and o.placement.engine == engine
    assert not o.published and o.made_with == tool and o.run.notes
    if run_key:
        assert getattr(o.run, run_key)


def test_fp8_is_quantized_at_load_by_vllm():
    _, o, _ = check(LISTED, hw(gpu="RTX 4090"), Constraints(quant="FP8"))
    assert o.run.vllm.startswith("vllm serve t/listed-7b ") and o.run.vllm.endswith("--quantization fp8")


def test_mlx_is_converted_and_runs_only_on_apple_silicon():
    ok, o, _ = check(LISTED, hw(gpu="M2 Max 64GB"), Constraints(quant="MLX-4bit"))
    assert ok and o.placement.engine == "mlx" and not o.published
    assert o.run.mlx == "mlx_lm.server --model listed-7b-MLX-4bit"
    assert any("mlx_lm.convert --hf-path t/listed-7b" in n and "--q-bits 4" in n for n in o.run.notes)
    ok, o, why = check(LISTED, hw(gpu="RTX 4090"), Constraints(quant="MLX-4bit"))
    assert not ok and o.fit == "none" and "MLX runs only on Apple silicon" in why  # exit 1, not 2


def test_exl2_needs_a_cuda_or_rocm_gpu():
    ok, _, why = check(LISTED, hw(gpu="M2 Max 64GB"), Constraints(quant="EXL2-4.0bpw"))
    assert not ok and "ExLlamaV2 runs only on CUDA or ROCm GPUs" in why


def test_qmoe_only_for_switch_models(real):
    with pytest.raises(UsageError, match="Switch Transformers"):
        check(LISTED, hw(vram="24"), Constraints(quant="QMoE"))
    sw = by_id(real, "google/switch-c-2048")
    _, o, _ = check(sw, hw(gpu="8x A100 80GB"), Constraints(quant="BF16"), catalog=real)
    assert o.artifact_format == "original" and o.placement.engine == "transformers"
    assert any("transformers" in n for n in o.run.notes)
    with pytest.raises(UsageError, match="Switch Transformers"):
        check(sw, hw(vram="24"), Constraints(quant="Q4_K_M"), catalog=real)


def test_fp8_releases_are_published_at_fp8(real):
    """DeepSeek-V3's weights are FP8 on the Hub: asking for FP8 is the original, not a re-quantization."""
    m = by_id(real, "deepseek-ai/DeepSeek-V3")
    cands = candidates(m, "FP8", hw(gpu="8x H100 80GB"))
    assert [(c.artifact_format, c.published) for c in cands] == [("original", True)]


# --- recommend ---------------------------------------------------------------------------------------------------


def test_recommend_without_quant_offers_only_what_is_published(real):
    res = recommend(real, hw(gpu="RTX 4090", ram="64"), Constraints(top=len(real), include_offload=True))
    assert res.items and all(o.published and o.made_with is None for o in res.items)
    for m in real:
        assert all(c.published for c in candidates(m, None, hw(gpu="RTX 4090"))), m.id


@pytest.mark.parametrize("quant", ["F16", "IQ3_M", "AWQ-4bit", "EXL2-5.0bpw", "MLX-8bit", "NF4"])
@pytest.mark.parametrize(
    "flags, offload",
    [({"gpu": "RTX 4090", "ram": "64", "ram_bandwidth": "60"}, True), ({"gpu": "M2 Max 64GB"}, False)],
)
def test_recommend_with_quant_ranks_like_evaluating_everything(real, quant, flags, offload):
    machine = hw(**flags)
    cons = Constraints(quant=quant, top=12, include_offload=offload)
    got = recommend(real, machine, cons)
    want = rank_exhaustively(real, machine, cons)
    assert [(o.model.id, o.quant, o.fit, o.score) for o in got.items] == [
        (o.model.id, o.quant, o.fit, o.score) for o in want
    ]
    assert all(o.quant == resolve_name(quant) for o in got.items)


def resolve_name(q):
    from llmpick.quant import resolve_quant

    return resolve_quant(q).name


@pytest.mark.parametrize("quant", ["F16", "BF16", "Q5_K_S", "IQ2_M", "GPTQ-8bit", "FP8", "EXL2-3.0bpw", "INT8"])
def test_the_bound_is_above_every_exact_score_of_made_candidates(real, quant):
    machine = hw(gpu="RTX 4090", ram="64", ram_bandwidth="60")
    s, _ = _setup(real, machine, Constraints(include_offload=True, quant=quant), None, None)
    for m in real:
        for c in candidates(m, s.cons.quant, machine):
            o = s.evaluate(m, c)
            b = score_bound(s, m, c)
            if b is None:
                assert not s.accepts(o), (m.id, c.quant, o.fit)
            else:
                assert o.score <= b + 0.01, (m.id, c.quant, c.artifact_format, o.score, b)


QUANTS = st.sampled_from(["F16", "BF16", "Q8_0", "Q5_K_S", "IQ3_M", "GPTQ-4bit", "AWQ-4bit", "FP8", "MLX-4bit", "NF4"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(machines, QUANTS, st.booleans(), st.integers(1, 12), st.data())
def test_search_equals_exhaustive_with_any_quant(real, flags, quant, offload, top, data):
    """With --quant, made candidates join the search: it still returns what evaluating everything returns."""
    subset = data.draw(st.lists(st.sampled_from(real), min_size=1, max_size=40, unique_by=lambda m: m.id))
    machine = hw(**flags)
    cons = Constraints(quant=quant, include_offload=offload, top=top)
    got = recommend(subset, machine, cons)
    want = rank_exhaustively(subset, machine, cons)
    assert [(o.model.id, o.quant, o.fit, o.score, o.artifact_format) for o in got.items] == [
        (o.model.id, o.quant, o.fit, o.score, o.artifact_format) for o in want
    ]
