"""The single definition of llmpick's data: the catalog file format, Hub data and every JSON answer.

Pydantic models only; nothing here does I/O or imports the rest of llmpick.  One module per kind of data:

* ``base``: the lazy/strict bases, id patterns and the :class:`Answer` envelope of every JSON answer;
* ``catalog``: a catalog file (:class:`CatalogEntry`) and a loaded :class:`Model`;
* ``models_out``: a model as JSON answers show it (summary, detail);
* ``hub``: Hub cache files and Hub answers;
* ``estimate``: :class:`MemoryEstimate`, and the answers of `estimate` and `quants`;
* ``hardware``: the machine (`hardware`, `hardware --list-gpus`, and inside `recommend` / `check`);
* ``recommend``: the answers of `recommend` and `check`;
* ``errors``: :class:`ErrorAnswer`, what any command prints on failure with ``--format json``;
* ``export``: writes the JSON Schema of every answer to ``schemas/`` (``python -m llmpick.schema.export``).
* ``catalog_answers``: the answers of `list`, `show`, `uses`, `tree`, `catalog validate` and `catalog stats`.
"""

from __future__ import annotations

from .base import (
    HUB_ID_PATTERN,
    SCHEMA_VERSION,
    Answer,
    Date,
    HubId,
    Lazy,
    NonEmpty,
    PositiveInt,
    Strict,
    YearMonth,
    is_hub_id,
)
from .catalog import (
    FLAGS,
    LICENSE_CLASSES,
    METHODS,
    USES,
    Architecture,
    Artifact,
    ArtifactFile,
    ArtifactFormat,
    CatalogEntry,
    Flag,
    LayerTypes,
    LicenseClass,
    Method,
    Modality,
    Model,
    Params,
    Score,
    Use,
    catalog_json_schema,
)
from .catalog_answers import (
    CatalogStatsOut,
    FamilyTreeOut,
    ListAnswer,
    ProblemOut,
    ShowAnswer,
    StatsAnswer,
    TreeAnswer,
    TreeEdgeOut,
    TreeNodeOut,
    UsesAnswer,
    UseTagOut,
    ValidateAnswer,
)
from .errors import ErrorAnswer, ErrorKind, ErrorOut
from .estimate import EstimateAnswer, EstimateFitOut, MemoryEstimate, QuantOut, QuantsAnswer
from .hardware import GpuListAnswer, GpuOut, GpuSpecOut, HardwareAnswer, HardwareOut
from .hub import (
    HUB_CACHE_VERSION,
    AddAnswer,
    AddedOut,
    FactValue,
    HubCacheFile,
    HubFile,
    HubGguf,
    HubRepoData,
    HubSummaryOut,
    RefreshAnswer,
    RefreshItemOut,
    RefreshOutcome,
    RepoOutcomeOut,
    VerifyAnswer,
    VerifyDiffOut,
)
from .models_out import ModelDetailOut, ModelSummaryOut, ParamsOut, ScoreOut
from .recommend import CheckAnswer, ConstraintsOut, RecommendAnswer, RecommendationOut

__all__ = [
    "FLAGS",
    "HUB_CACHE_VERSION",
    "HUB_ID_PATTERN",
    "LICENSE_CLASSES",
    "METHODS",
    "SCHEMA_VERSION",
    "USES",
    "AddAnswer",
    "AddedOut",
    "Answer",
    "Architecture",
    "Artifact",
    "ArtifactFile",
    "ArtifactFormat",
    "CatalogEntry",
    "CatalogStatsOut",
    "CheckAnswer",
    "ConstraintsOut",
    "Date",
    "ErrorAnswer",
    "ErrorKind",
    "ErrorOut",
    "EstimateAnswer",
    "EstimateFitOut",
    "FactValue",
    "FamilyTreeOut",
    "Flag",
    "GpuListAnswer",
    "GpuOut",
    "GpuSpecOut",
    "HardwareAnswer",
    "HardwareOut",
    "HubCacheFile",
    "HubFile",
    "HubGguf",
    "HubId",
    "HubRepoData",
    "HubSummaryOut",
    "LayerTypes",
    "Lazy",
    "LicenseClass",
    "ListAnswer",
    "MemoryEstimate",
    "Method",
    "Modality",
    "Model",
    "ModelDetailOut",
    "ModelSummaryOut",
    "NonEmpty",
    "Params",
    "ParamsOut",
    "PositiveInt",
    "ProblemOut",
    "QuantOut",
    "QuantsAnswer",
    "RecommendAnswer",
    "RecommendationOut",
    "RefreshAnswer",
    "RefreshItemOut",
    "RefreshOutcome",
    "RepoOutcomeOut",
    "Score",
    "ScoreOut",
    "ShowAnswer",
    "StatsAnswer",
    "Strict",
    "TreeAnswer",
    "TreeEdgeOut",
    "TreeNodeOut",
    "Use",
    "UseTagOut",
    "UsesAnswer",
    "ValidateAnswer",
    "VerifyAnswer",
    "VerifyDiffOut",
    "YearMonth",
    "catalog_json_schema",
    "is_hub_id",
]
