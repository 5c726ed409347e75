"""Architectures of 2025-26 hybrid / MLA models for the estimator's tests, each from config.json facts with its
source (rows of benchmarks/data/architectures_2025_26.csv unless said otherwise).  Built here so the tests do not
depend on what the catalog holds."""

from __future__ import annotations

from llmpick.schema import Architecture, LayerTypes

# Qwen/Qwen3.6-35B-A3B: csv row Qwen/Qwen3.6-35B-A3B (layer_types 3 linear : 1 full x 10, head_dim 256, GDN
# 16 x 128 keys, 32 x 128 values, kernel 4); heads 16 / kv 2 / vocab 248320 / experts 256 top-8 / widths 512 from
# the same-architecture row Qwen/Qwen3.5-35B-A3B (THUDM/slime scripts/models/qwen3.5-35B-A3B.sh).
QWEN36_35B = Architecture(
    type="Qwen3_5MoeForConditionalGeneration",
    layers=40,
    hidden_size=2048,
    intermediate_size=512,
    attention_heads=16,
    kv_heads=2,
    head_dim=256,
    vocab_size=248320,
    max_context=262144,
    experts=256,
    experts_per_token=8,
    shared_experts=1,
    shared_expert_intermediate_size=512,
    layer_types=LayerTypes(full_attention=10, linear_attention=30),
    linear_key_heads=16,
    linear_value_heads=32,
    linear_key_head_dim=128,
    linear_value_head_dim=128,
    conv_kernel=4,
    tie_word_embeddings=False,
)
# Qwen/Qwen3-Next-80B-A3B-Instruct: csv row (Megatron-Bridge fixture qwen3_next_80b_a3b_config_dict).
QWEN3_NEXT_80B = Architecture(
    type="Qwen3NextForCausalLM",
    layers=48,
    hidden_size=2048,
    intermediate_size=512,
    attention_heads=16,
    kv_heads=2,
    head_dim=256,
    vocab_size=151936,
    max_context=262144,
    experts=512,
    experts_per_token=10,
    shared_experts=1,
    shared_expert_intermediate_size=512,
    layer_types=LayerTypes(full_attention=12, linear_attention=36),
    linear_key_heads=16,
    linear_value_heads=32,
    linear_key_head_dim=128,
    linear_value_head_dim=128,
    conv_kernel=4,
    tie_word_embeddings=False,
)
# nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16: csv row (hybrid_override_pattern: 23 M, 23 E, 6 *; 2 KV heads x 128;
# mamba 64 heads x 64, 8 groups, kernel 4); ssm_state_size 128 and vocab 131072 from the full config.json quoted in
# the catalog entry's source (a public test fixture).
NEMOTRON3_NANO = Architecture(
    type="NemotronHForCausalLM",
    layers=52,
    hidden_size=2688,
    intermediate_size=1856,
    attention_heads=32,
    kv_heads=2,
    head_dim=128,
    vocab_size=131072,
    max_context=262144,
    experts=128,
    experts_per_token=6,
    shared_experts=1,
    shared_expert_intermediate_size=3712,
    layer_types=LayerTypes(mamba=23, ffn=23, full_attention=6),
    ssm_state_size=128,
    ssm_heads=64,
    ssm_head_dim=64,
    ssm_groups=8,
    conv_kernel=4,
    tie_word_embeddings=False,
)
# ibm-granite/granite-4.0-h-350m: csv row (GGUF metadata: 32 layers, hidden 768, 12 heads, ssm time_step_rank 48,
# inner 1536 -> head 32, state 128, 1 group, kernel 4); 4 attention layers with 4 KV heads x 64 from a public
# granitehybrid GGUF loader's layer list (find_string id 54804919380: attention at layers 10, 13, 17, 27).
GRANITE4_H_350M = Architecture(
    type="GraniteMoeHybridForCausalLM",
    layers=32,
    hidden_size=768,
    intermediate_size=2048,
    attention_heads=12,
    kv_heads=4,
    head_dim=64,
    vocab_size=100352,
    layer_types=LayerTypes(mamba=28, full_attention=4),
    ssm_state_size=128,
    ssm_heads=48,
    ssm_head_dim=32,
    ssm_groups=1,
    conv_kernel=4,
    tie_word_embeddings=True,
)
# LiquidAI/LFM2-2.6B: csv row (22 conv : 8 full attention, 32 heads, 8 KV heads, hidden 2048, conv_L_cache 3).
LFM2_26B = Architecture(
    type="Lfm2ForCausalLM",
    layers=30,
    hidden_size=2048,
    intermediate_size=10752,
    attention_heads=32,
    kv_heads=8,
    layer_types=LayerTypes(conv=22, full_attention=8),
    conv_kernel=3,
    tie_word_embeddings=True,
)
# zai-org/GLM-4.7-Flash: csv row (47 layers, MLA: q_lora 768, kv_lora 512, nope 192, rope 64, v 256; 64 experts
# top-4, 1 shared, 1 dense layer of 10240, expert width 1536, 1 MTP layer).
GLM47_FLASH = Architecture(
    type="Glm4MoeLiteForCausalLM",
    layers=47,
    hidden_size=2048,
    intermediate_size=1536,
    attention_heads=20,
    kv_heads=20,
    vocab_size=154880,
    max_context=202752,
    experts=64,
    experts_per_token=4,
    shared_experts=1,
    shared_expert_intermediate_size=1536,
    dense_layers=1,
    dense_intermediate_size=10240,
    kv_lora_rank=512,
    q_lora_rank=768,
    qk_rope_head_dim=64,
    qk_nope_head_dim=192,
    v_head_dim=256,
    mtp_layers=1,
    tie_word_embeddings=False,
)
