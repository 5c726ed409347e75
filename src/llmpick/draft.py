"""Drafting a catalog entry from Hub data (`llmpick catalog add`), and catalog-like entries for any Hub repo.

Pure: takes a :class:`HubRepoData` (with config.json when there is one) and returns data and YAML text.

Policy for facts the Hub cannot give: the draft must load at once, so every *required* field gets a value
that validates, and every value that is a guess or a placeholder is preceded by a ``# TODO`` comment naming
what to check.  Optional facts that are unknown stay ``null`` (with a TODO when they matter).  The draft is
validated with the catalog's own rules before anything is written; ``catalog add`` lists the TODOs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import UsageError
from .schema import Architecture, CatalogEntry, HubRepoData, Model, is_hub_id

TEXT_PIPELINES = {"text-generation", "image-text-to-text", "conversational"}

# Hub tags (lower-cased) -> llmpick uses.
TAG_USES: dict[str, tuple[str, ...]] = {
    "conversational": ("assistant", "chat"),
    "chat": ("chat",),
    "instruct": ("assistant",),
    "code": ("coding",),
    "coding": ("coding",),
    "code-generation": ("coding",),
    "coder": ("coding",),
    "math": ("math",),
    "mathematics": ("math",),
    "roleplay": ("roleplay",),
    "roleplaying": ("roleplay",),
    "rp": ("roleplay",),
    "storytelling": ("storytelling",),
    "creative-writing": ("storytelling",),
    "creative writing": ("storytelling",),
    "translation": ("translation",),
    "summarization": ("summarization",),
    "rag": ("rag",),
    "function calling": ("tool-use",),
    "function-calling": ("tool-use",),
    "tool-use": ("tool-use",),
    "tools": ("tool-use",),
    "agent": ("tool-use",),
    "reasoning": ("reasoning",),
    "thinking": ("reasoning",),
    "cot": ("reasoning",),
    "multilingual": ("multilingual",),
    "image-text-to-text": ("vision",),
    "vision": ("vision",),
}
TAG_FLAGS = {"uncensored": "uncensored", "abliterated": "uncensored", "nsfw": "nsfw-capable"}


def parse_hf_ref(ref: str) -> str:
    """``hf:ORG/NAME`` (or a bare ``ORG/NAME``) -> ``ORG/NAME``, validated."""
    repo = ref[3:] if ref.lower().startswith("hf:") else ref
    repo = repo.strip().strip("/")
    if repo.lower().startswith(("https://huggingface.co/", "http://huggingface.co/")):
        repo = repo.split("huggingface.co/", 1)[1]
    if not is_hub_id(repo):
        raise UsageError(
            f"'{ref}' is not a Hub repo reference.", "Write it as hf:ORG/NAME, e.g. hf:Qwen/Qwen2.5-7B-Instruct."
        )
    return repo


def is_text_generation(data: HubRepoData) -> bool:
    if data.pipeline_tag:
        return data.pipeline_tag in TEXT_PIPELINES
    return "text-generation" in data.tags or "gguf" in data.tags


def require_text_generation(data: HubRepoData, repo: str) -> None:
    if not is_text_generation(data):
        kind = f"a '{data.pipeline_tag}'" if data.pipeline_tag else "not a text-generation"
        raise UsageError(
            f"{repo} is {kind} model, not a text-generation LLM; llmpick only handles LLMs.",
            "Pick a repo whose Hub page says 'Text Generation'.",
        )


# --- config.json -> arch ------------------------------------------------------------------


def _pos(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None


def arch_fields(c: dict[str, Any]) -> dict[str, Any]:
    """The one map from config.json keys to the catalog's ``arch`` fields (None where the config does not say).

    ``c`` is the config with a multimodal model's ``text_config`` merged over it.  The keys are read by
    :func:`llmpick.config_arch.arch_from_config` (hybrid architectures included); what is added here are the
    catalog's conventions for what a config leaves implicit (catalog/README.md): no ``num_key_value_heads`` means
    full multi-head attention, ``multi_query`` means one KV head, a head is hidden / heads wide unless stated, and
    a sliding window as long as the context (or switched off) is no window."""
    from .config_arch import arch_from_config as read

    out: dict[str, Any] = dict.fromkeys(Architecture.model_fields)
    out.update(read(c))
    heads, hidden = out["attention_heads"], out["hidden_size"]
    if out["kv_heads"] is None:
        out["kv_heads"] = (1 if c.get("multi_query") is True else None) or heads
    if out["head_dim"] is None and hidden and heads and hidden % heads == 0:
        out["head_dim"] = hidden // heads
    if out["max_context"] is None:
        out["max_context"] = _pos(c.get("n_positions")) or _pos(c.get("seq_length"))
    sliding = out["sliding_window"] if c.get("use_sliding_window") is not False else None
    if sliding and out["max_context"] and sliding >= out["max_context"]:
        sliding = None
    out["sliding_window"] = sliding
    if not sliding and not (out.get("layer_types") or {}).get("sliding_attention"):
        out["sliding_window_layers"] = None
    if not out["experts"]:
        out["experts_per_token"] = out["shared_experts"] = None
    return out


def arch_from_config(config: dict[str, Any] | None, data: HubRepoData | None = None) -> dict[str, Any]:
    """The catalog's ``arch`` facts from a config.json (text_config of multimodal models merged in), keeping only
    facts that validate (an inconsistent config loses the fields that contradict the others)."""
    cfg = dict(config or {})
    text = cfg.get("text_config") if isinstance(cfg.get("text_config"), dict) else None
    c = {**cfg, **text} if text else cfg
    if text and "architectures" in cfg:
        c["architectures"] = cfg["architectures"]  # the model's class, not the text tower's
    arch = {k: v for k, v in arch_fields(c).items() if v is not None}
    if "max_context" not in arch and data is not None and data.gguf and data.gguf.context_length:
        arch["max_context"] = data.gguf.context_length
    try:
        Architecture.model_validate(arch)
    except ValueError:  # inconsistent config: keep only the facts that validate on their own
        arch = {k: v for k, v in arch.items() if _valid_alone(k, v)}
        for k in ("kv_heads", "experts_per_token"):
            try:
                Architecture.model_validate(arch)
            except ValueError:
                arch.pop(k, None)
    return arch


def _valid_alone(key: str, value: Any) -> bool:
    try:
        Architecture.model_validate({key: value})
        return True
    except ValueError:
        return False


# --- Hub data -> catalog entry ------------------------------------------------------------


@dataclass
class Draft:
    repo: str
    data: dict[str, Any]
    todos: dict[str, str] = field(default_factory=dict)  # field -> what to check
    by: str = "catalog add"  # the command that drafted it, named in the file

    def entry(self) -> CatalogEntry:
        return CatalogEntry.model_validate(self.data)

    def model(self) -> Model:
        """The draft as a model, marked as not curated (``DraftModel``): answers say ``"curated": false``."""
        from .schema.models_out import DraftModel

        return DraftModel(self.repo, self.entry(), f"hf:{self.repo}")


def _license_class(license_id: str | None) -> str | None:
    if not license_id:
        return None
    try:
        from .licenses import lookup
    except ImportError:  # pragma: no cover
        return None
    lic = lookup(license_id)
    return lic.license_class if lic else None


def _words(name: str) -> str:
    return re.sub(r"[-_]+", " ", name).strip()


def _family(name: str) -> str:
    slug = name.lower()
    slug = re.sub(r"[-_.](instruct|chat|it|base|hf|gguf|awq|gptq|exl2|mlx)$", "", slug)
    slug = re.sub(r"[-_]\d+(\.\d+)?[bm]$", "", slug)
    slug = re.sub(r"[^a-z0-9.\-]+", "-", slug).strip("-.")
    return slug if re.match(r"^[a-z0-9][a-z0-9.\-]*$", slug or "") else "unknown"


def draft(
    repo: str,
    data: HubRepoData,
    *,
    endpoint: str,
    fetched_at: str,
    artifacts: list[dict[str, Any]] | None = None,
    by: str = "catalog add",
) -> Draft:
    """Every fact the Hub gives, with validating placeholders (and TODOs) for the rest.  ``artifacts``: quantized
    repos found for it (:func:`gguf_artifact`); ``by``: the command drafting it, named in the notes."""
    org, name = repo.split("/", 1)
    todos: dict[str, str] = {}
    tags = [t.lower() for t in data.tags] + ([data.pipeline_tag] if data.pipeline_tag else [])
    arch = arch_from_config(data.config, data)
    base = next((b for b in data.base_model if is_hub_id(b) and b.lower() != repo.lower()), None)

    if "merge" in tags or "mergekit" in tags:
        method, parents = "merge", [b for b in data.base_model if is_hub_id(b) and b.lower() != repo.lower()]
        todos["method"] = "tagged as a merge: check merge_parents and whether it was trained after merging"
        if not parents:
            method, parents = ("finetune" if base else "base"), []
    else:
        parents = []
        if base:
            method = "finetune"
            todos["method"] = "it names a base model: check finetune vs distill / merge"
        elif arch.get("experts"):
            method = "moe"
            todos["method"] = "no base model on the Hub and the config has experts: check"
        else:
            method = "base"
            todos["method"] = "no base model on the Hub: check it is a pretrained base model"

    uses: list[str] = []
    for t in tags:
        for u in TAG_USES.get(t, ()):
            if u not in uses:
                uses.append(u)
    langs = sorted({x.lower() for x in data.languages if re.match(r"^[a-z]{2,3}$", x.lower())})
    if len(langs) >= 4 and "multilingual" not in uses:
        uses.append("multilingual")
    if not uses and method != "base":
        uses = ["assistant"]
        todos["uses"] = "no Hub tag maps to a use; 'assistant' is a placeholder"
    elif uses:
        todos["uses"] = "derived from Hub tags: check and complete (see `llmpick uses`)"
    flags = sorted({TAG_FLAGS[t] for t in tags if t in TAG_FLAGS})
    modalities = ["text"]
    if data.pipeline_tag == "image-text-to-text" or (data.config or {}).get("vision_config"):
        modalities.append("image")
        if "vision" not in uses:
            uses.append("vision")

    license_id = data.license.strip() if data.license and data.license.strip() else None
    lclass = _license_class(license_id)
    if license_id is None:
        todos["license"] = "the Hub card names no license: find it"
    if lclass is None:
        todos["license_class"] = "license not in llmpick's table: classify it"

    total = data.safetensors_total or (data.gguf.total if data.gguf else None)
    if total is None:
        todos["params"] = "no safetensors/GGUF parameter count on the Hub: fill params.total"
    elif arch.get("experts"):
        todos["params"] = "MoE: fill params.active"
    missing_arch = [
        k
        for k in ("type", "layers", "hidden_size", "attention_heads", "kv_heads", "vocab_size", "max_context")
        if k not in arch
    ]
    if missing_arch:
        todos["arch"] = "not in config.json: " + ", ".join(missing_arch)

    released = (
        data.created_at[:7] if data.created_at and re.match(r"^(19|20)\d\d-(0[1-9]|1[0-2])", data.created_at) else None
    )
    todos["released"] = "month the repo was created on the Hub: check the release date" if released else "unknown: fill"
    todos["name"] = "made from the repo name: check"
    todos["family"] = "guessed from the repo name: check against `llmpick families`"
    todos["organization"] = "the Hub org id: use the organization's name"
    todos["origin"] = "country of the organization (ISO code)"
    todos["summary"] = "write one sentence: what it is and what it is good for"
    when = fetched_at[:10]
    asked = "model_info" if by == "catalog add" else "the model list"
    sources = [f"{endpoint}/api/models/{repo} ({asked}, sha {data.sha or '?'}, fetched {when})"]
    if data.config is not None:
        sources.append(f"{endpoint}/{repo}/resolve/{data.sha or 'main'}/config.json")

    out: dict[str, Any] = {
        "name": _words(name) or name,
        "family": _family(name),
        "organization": org,
        "origin": None,
        "released": released,
        "summary": "TODO: one-sentence summary.",
        "method": method,
        "base_model": base if method != "base" and method != "moe" else None,
        "merge_parents": parents,
        "params": {"total": total, "active": None},
        "arch": arch,
        "license": license_id or "unknown",
        "license_class": lclass or "unknown",
        "gated": bool(data.gated),
        "uses": uses,
        "flags": flags,
        "modalities": modalities,
        "languages": langs,
        "artifacts": list(artifacts or []),
        "sources": sources,
        "notes": f"Drafted by `llmpick {by}` from the Hub on {when}; resolve every TODO, then delete this note.",
    }
    if not out["merge_parents"]:
        del out["merge_parents"]
    if method == "moe" and base:
        out["base_model"] = base
    if artifacts:
        todos["artifacts"] = "found through the Hub's model tree (base_model:quantized): check each is a faithful quant"
    return Draft(repo, out, todos, by)


def gguf_artifact(repo: str, data: HubRepoData) -> dict[str, Any] | None:
    """A GGUF repo's files as a catalog artifact: each quantization llmpick knows, with its exact size (split files
    summed, ``mmproj`` files left out, as ``hubcache.file_size_in`` reads them); None when it holds none."""
    from .hubcache import file_size_in
    from .quant import all_quants

    files = []
    for q in all_quants():
        if q.family != "gguf":
            continue
        size = file_size_in(data, q.name)
        if size:
            files.append({"quant": q.name, "file": None, "size_bytes": size})
    return {"format": "gguf", "repo": repo, "files": files} if files else None


def to_yaml(d: Draft) -> str:
    """The draft as a catalog file: one key at a time, each TODO as a comment line above its key."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when built with it: a tenth of the time
    lines = [
        f"# id: {d.repo} (from the path)",
        f"# Drafted by `llmpick {d.by}`: check every TODO before committing.",
    ]
    for key, value in d.data.items():
        if key in d.todos:
            lines.append(f"# TODO {key}: {d.todos[key]}")
        dumped = yaml.dump(
            {key: value},
            Dumper=dumper,
            sort_keys=False,
            allow_unicode=False,
            width=110,
            default_flow_style=False,
        )
        lines.append(dumped.rstrip("\n"))
    return "\n".join(lines) + "\n"


def validate_yaml(text: str, where: str) -> list[str]:
    """The catalog's own checks on the drafted text: problems as ``file:line: field: message``."""
    from .catalog import parse_yaml, validate_entry

    raw = text.encode("utf-8")
    data, problem = parse_yaml(raw, where)
    if problem:
        return [str(problem)]
    _entry, problems = validate_entry(data, raw, where)
    return [str(p) for p in problems]
