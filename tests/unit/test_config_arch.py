"""config.json -> arch fields.  The config dicts hold the keys and values of the sources named above each (the
rows of benchmarks/data/architectures_2025_26.csv cite them); keys the tests do not need are left out."""

from __future__ import annotations

from llmpick.config_arch import arch_from_config
from llmpick.schema import Architecture, LayerTypes


def test_qwen3_next_full_attention_interval() -> None:
    # NVIDIA-NeMo/Megatron-Bridge@067f987d tests/unit_tests/models/qwen/test_qwen3_next_bridge.py
    # qwen3_next_80b_a3b_config_dict
    cfg = {
        "architectures": ["Qwen3NextForCausalLM"],
        "num_hidden_layers": 48,
        "hidden_size": 2048,
        "intermediate_size": 5120,
        "moe_intermediate_size": 512,
        "shared_expert_intermediate_size": 512,
        "num_attention_heads": 16,
        "num_key_value_heads": 2,
        "head_dim": 256,
        "vocab_size": 151936,
        "max_position_embeddings": 262144,
        "num_experts": 512,
        "num_experts_per_tok": 10,
        "full_attention_interval": 4,
        "linear_num_key_heads": 16,
        "linear_key_head_dim": 128,
        "linear_num_value_heads": 32,
        "linear_value_head_dim": 128,
        "linear_conv_kernel_dim": 4,
        "tie_word_embeddings": False,
    }
    a = arch_from_config(cfg)
    assert a["layer_types"] == {"full_attention": 12, "linear_attention": 36}
    assert a["intermediate_size"] == 512 and a["shared_expert_intermediate_size"] == 512
    assert "dense_intermediate_size" not in a  # no dense layers: 5120 is not a layer's width
    assert (a["linear_key_heads"], a["linear_value_heads"], a["conv_kernel"]) == (16, 32, 4)
    Architecture(**{**a, "layer_types": LayerTypes(**a["layer_types"])})  # a valid catalog arch


def test_qwen36_text_config_and_layer_types_list() -> None:
    # https://huggingface.co/UnionStreet/Helios-Rabbit-1.0/raw/main/config.json (Qwen3.6-35B-A3B derivative)
    cfg = {
        "architectures": ["Qwen3_5MoeForConditionalGeneration"],
        "text_config": {
            "num_hidden_layers": 40,
            "hidden_size": 2048,
            "head_dim": 256,
            "layer_types": ["linear_attention"] * 3 + ["full_attention"],
            "linear_num_key_heads": 16,
            "linear_key_head_dim": 128,
            "linear_num_value_heads": 32,
            "linear_value_head_dim": 128,
            "linear_conv_kernel_dim": 4,
            "mamba_ssm_dtype": "float32",
        },
    }
    cfg["text_config"]["layer_types"] = cfg["text_config"]["layer_types"] * 10
    a = arch_from_config(cfg)
    assert a["type"] == "Qwen3_5MoeForConditionalGeneration" and a["layers"] == 40
    assert a["layer_types"] == {"linear_attention": 30, "full_attention": 10}


def test_nemotron_h_pattern() -> None:
    # https://huggingface.co/OpenResearcher/OpenResearcher-30B-A3B/blob/main/config.json (Nemotron 3 Nano finetune)
    cfg = {
        "architectures": ["NemotronHForCausalLM"],
        "num_hidden_layers": 52,
        "hybrid_override_pattern": "MEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEMEM*EMEMEMEME",
        "mamba_num_heads": 64,
        "mamba_head_dim": 64,
        "n_groups": 8,
        "conv_kernel": 4,
        "ssm_state_size": 128,
        "n_routed_experts": 128,
        "num_experts_per_tok": 6,
        "moe_intermediate_size": 1856,
        "moe_shared_expert_intermediate_size": 3712,
        "n_shared_experts": 1,
    }
    a = arch_from_config(cfg)
    assert a["layer_types"] == {"mamba": 23, "ffn": 23, "full_attention": 6}
    assert (a["ssm_heads"], a["ssm_head_dim"], a["ssm_groups"], a["ssm_state_size"]) == (64, 64, 8, 128)
    assert a["shared_expert_intermediate_size"] == 3712 and a["experts"] == 128 and a["shared_experts"] == 1


def test_granite_layers_block_type_and_lfm2() -> None:
    # granite-4.0-h-350m layer list (see tests/unit/hybrid_archs.py) as config.json's layers_block_type
    kinds = ["mamba"] * 32
    for i in (10, 13, 17, 27):
        kinds[i] = "attention"
    a = arch_from_config({"layers_block_type": kinds, "mamba_n_heads": 48, "mamba_d_head": 32, "mamba_d_state": 128})
    assert a["layers"] == 32 and a["layer_types"] == {"mamba": 28, "full_attention": 4}
    assert (a["ssm_heads"], a["ssm_head_dim"], a["ssm_state_size"]) == (48, 32, 128)
    # https://huggingface.co/LiquidAI/LFM2-2.6B-Transcript-ONNX/blob/main/config.json: attention at 2,5,9,...
    idx = [2, 5, 9, 13, 17, 21, 24, 27]
    lfm = arch_from_config({"num_hidden_layers": 30, "full_attn_idxs": idx, "conv_L_cache": 3})
    assert lfm["layer_types"] == {"full_attention": 8, "conv": 22} and lfm["conv_kernel"] == 3


def test_mla_first_k_dense_and_mtp() -> None:
    # https://huggingface.co/Intel/GLM-4.7-Flash-int4-AutoRound/blob/main/config.json + THUDM/slime glm4.7-30B-A3B.sh
    cfg = {
        "architectures": ["Glm4MoeLiteForCausalLM"],
        "num_hidden_layers": 47,
        "intermediate_size": 10240,
        "moe_intermediate_size": 1536,
        "first_k_dense_replace": 1,
        "n_routed_experts": 64,
        "n_shared_experts": 1,
        "kv_lora_rank": 512,
        "q_lora_rank": 768,
        "qk_rope_head_dim": 64,
        "qk_nope_head_dim": 192,
        "v_head_dim": 256,
        "num_nextn_predict_layers": 1,
    }
    a = arch_from_config(cfg)
    assert a["intermediate_size"] == 1536 and a["dense_intermediate_size"] == 10240 and a["dense_layers"] == 1
    assert (a["kv_lora_rank"], a["q_lora_rank"], a["qk_nope_head_dim"], a["v_head_dim"]) == (512, 768, 192, 256)
    assert a["mtp_layers"] == 1 and "layer_types" not in a


def test_gemma3n_per_layer_inputs_and_shared_kv() -> None:
    cfg = {
        "text_config": {
            "num_hidden_layers": 5,
            "layer_types": ["sliding_attention"] * 4 + ["full_attention"],
            "num_kv_shared_layers": 2,
            "hidden_size_per_layer_input": 256,
            "vocab_size_per_layer_input": 262144,
            "sliding_window": 512,
        }
    }
    a = arch_from_config(cfg)
    assert a["layer_types"] == {"sliding_attention": 4, "full_attention": 1} and a["sliding_window_layers"] == 4
    assert (a["kv_shared_layers"], a["per_layer_embedding_dim"], a["per_layer_vocab_size"]) == (2, 256, 262144)


def test_unknown_and_plain() -> None:
    assert arch_from_config({}) == {}
    # every layer full attention: a plain transformer, no layer_types
    assert "layer_types" not in arch_from_config({"num_hidden_layers": 2, "layer_types": ["full_attention"] * 2})
    # a kind llmpick does not know, or counts that do not add up: nothing said
    assert "layer_types" not in arch_from_config({"num_hidden_layers": 2, "layer_types": ["x", "full_attention"]})
    assert "layer_types" not in arch_from_config({"num_hidden_layers": 3, "hybrid_override_pattern": "M*"})
    assert arch_from_config({"num_hidden_layers": True, "hidden_size": -1}) == {}


def test_drafts_carry_the_hybrid_facts() -> None:
    """`catalog add` / `refresh --discover` draft through the same map: a Qwen3-Next config drafts its layer kinds
    and linear-attention sizes, and the catalog's conventions fill what the config leaves implicit."""
    from llmpick.draft import arch_from_config as draft_arch

    cfg = {
        "architectures": ["Qwen3NextForCausalLM"],
        "num_hidden_layers": 48,
        "hidden_size": 2048,
        "num_attention_heads": 16,
        "num_key_value_heads": 2,
        "head_dim": 256,
        "vocab_size": 151936,
        "moe_intermediate_size": 512,
        "num_experts": 512,
        "num_experts_per_tok": 10,
        "full_attention_interval": 4,
        "linear_num_key_heads": 16,
        "linear_conv_kernel_dim": 4,
    }
    a = draft_arch(cfg)
    assert a["layer_types"] == {"full_attention": 12, "linear_attention": 36}
    assert a["linear_key_heads"] == 16 and a["conv_kernel"] == 4 and a["experts"] == 512
    # A plain GPT-2-style config: no num_key_value_heads (full MHA), head size from the hidden size.
    plain = draft_arch({"n_layer": 12, "n_embd": 768, "n_head": 12, "vocab_size": 50257, "n_positions": 1024})
    assert (plain["kv_heads"], plain["head_dim"], plain["max_context"]) == (12, 64, 1024)
    assert "layer_types" not in plain
