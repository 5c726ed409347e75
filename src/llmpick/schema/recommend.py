"""Answers of `recommend` and `check`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import Lazy
from .models_out import ModelSummaryOut

# --- Recommendation (recommend, check, hardware) --------------------------------------------


class RecommendationOut(Lazy):
    """One item of `recommend` / `check`: a model at one quantization, how it fits, how fast, why, how to run it."""

    model: ModelSummaryOut
    quant: str
    quant_family: str
    artifact: dict[str, Any] = Field(description="{format, repo}: where the weights come from")
    fit: Literal["gpu", "split", "cpu", "none"]
    engine: str
    memory: dict[str, Any] = Field(description="bytes: total_bytes, available_bytes, weights/kv/overhead, per card")
    placement: dict[str, Any]
    tokens_per_second: float | None = Field(description="estimated decode speed; null when a bandwidth is unknown")
    tokens_per_second_range: list[float] | None
    speed_basis: dict[str, Any]
    score: float
    score_parts: dict[str, Any]
    reasons: list[str]
    run: dict[str, Any]
    assumptions: list[str] = Field(default_factory=list)
