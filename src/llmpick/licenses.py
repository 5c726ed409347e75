"""License ids found in the catalog, each with its class and the one condition a user must know.

Ids are those the Hub shows (`license:` in the model card metadata, or its `license_name` when
the id is `other`).  The class is what `list --license-class` and `recommend --commercial` filter
on; the note is the main condition, in a line, with the license text as its source.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class License:
    id: str
    license_class: str
    note: str
    source: str


_ROWS = [
    # Permissive: attribution and notice only.
    License(
        "apache-2.0",
        "permissive",
        "Commercial use allowed; keep the license and notices.",
        "https://www.apache.org/licenses/LICENSE-2.0",
    ),
    License(
        "mit", "permissive", "Commercial use allowed; keep the copyright notice.", "https://opensource.org/license/mit"
    ),
    License(
        "cc-by-4.0",
        "permissive",
        "Commercial use allowed with attribution.",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    License(
        "cc-by-sa-4.0",
        "permissive",
        "Commercial use allowed with attribution; share derivatives alike.",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    # Commercial use allowed under conditions.
    License(
        "llama2",
        "commercial-with-conditions",
        "Services with over 700M monthly active users need a license from Meta; acceptable-use policy applies.",
        "https://ai.meta.com/llama/license/ (Llama 2 Community License, section 2)",
    ),
    License(
        "llama3",
        "commercial-with-conditions",
        "Over 700M monthly active users need a license from Meta; 'Built with Meta Llama 3' attribution; "
        "acceptable-use policy.",
        "https://llama.meta.com/llama3/license/",
    ),
    License(
        "llama3.1",
        "commercial-with-conditions",
        "Over 700M monthly active users need a license from Meta; 'Built with Llama' attribution; "
        "acceptable-use policy.",
        "https://llama.meta.com/llama3_1/license/",
    ),
    License(
        "llama3.2",
        "commercial-with-conditions",
        "Over 700M monthly active users need a license from Meta; acceptable-use policy; the multimodal "
        "models' rights are not granted to EU-domiciled entities.",
        "https://llama.meta.com/llama3_2/license/",
    ),
    License(
        "llama3.3",
        "commercial-with-conditions",
        "Over 700M monthly active users need a license from Meta; 'Built with Llama' attribution; "
        "acceptable-use policy.",
        "https://llama.meta.com/llama3_3/license/",
    ),
    License(
        "llama4",
        "commercial-with-conditions",
        "Over 700M monthly active users need a license from Meta; 'Built with Llama' attribution; "
        "acceptable-use policy.",
        "https://www.llama.com/llama4/license/",
    ),
    License(
        "gemma",
        "commercial-with-conditions",
        "Commercial use allowed; the Gemma prohibited-use policy binds you and your users.",
        "https://ai.google.dev/gemma/terms",
    ),
    License(
        "tongyi-qianwen",
        "commercial-with-conditions",
        "Commercial use allowed; over 100M monthly active users need a license from Alibaba Cloud.",
        "https://github.com/QwenLM/Qwen/blob/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT",
    ),
    License(
        "qwen",
        "commercial-with-conditions",
        "Commercial use allowed; over 100M monthly active users need a license from Alibaba Cloud.",
        "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE",
    ),
    License(
        "deepseek",
        "commercial-with-conditions",
        "Commercial use allowed; the use-based restrictions of its Attachment A apply.",
        "https://github.com/deepseek-ai/DeepSeek-LLM/blob/main/LICENSE-MODEL",
    ),
    License(
        "yi-license",
        "commercial-with-conditions",
        "Commercial use allowed after registering with 01.AI (the 2023 Yi license).",
        "https://huggingface.co/01-ai/Yi-34B/blob/main/LICENSE",
    ),
    License(
        "falcon-180b-tii-license",
        "commercial-with-conditions",
        "Commercial use allowed, but offering it as a hosted service needs a separate license from TII; "
        "acceptable-use policy.",
        "https://huggingface.co/spaces/tiiuae/falcon-180b-license/blob/main/LICENSE.txt",
    ),
    License(
        "openrail",
        "commercial-with-conditions",
        "Commercial use allowed; use-based restrictions pass on to users.",
        "https://huggingface.co/blog/open_rail",
    ),
    License(
        "openrail++",
        "commercial-with-conditions",
        "Commercial use allowed; use-based restrictions pass on to users.",
        "https://huggingface.co/blog/open_rail",
    ),
    License(
        "bigscience-openrail-m",
        "commercial-with-conditions",
        "Commercial use allowed; use-based restrictions pass on to users.",
        "https://huggingface.co/spaces/bigscience/license",
    ),
    License(
        "bigcode-openrail-m",
        "commercial-with-conditions",
        "Commercial use allowed; use-based restrictions pass on to users.",
        "https://huggingface.co/spaces/bigcode/bigcode-model-license-agreement",
    ),
    # Non-commercial and research.
    License(
        "cc-by-nc-4.0",
        "non-commercial",
        "No commercial use; attribution required.",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    License(
        "cc-by-nc-sa-4.0",
        "non-commercial",
        "No commercial use; attribution; share derivatives alike.",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    ),
    License(
        "cc-by-nc-nd-4.0",
        "non-commercial",
        "No commercial use and no derivatives.",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    ),
    License(
        "stabilityai-non-commercial-research-community",
        "non-commercial",
        "Non-commercial and research use; commercial use needs a Stability AI membership.",
        "https://huggingface.co/stabilityai/stablelm-zephyr-3b/blob/main/LICENSE",
    ),
    License(
        "mrl",
        "non-commercial",
        "Mistral Research License: research and non-commercial use only.",
        "https://mistral.ai/licenses/MRL-0.1.md",
    ),
    License(
        "mnpl",
        "non-commercial",
        "Mistral Non-Production License: no production or commercial use.",
        "https://mistral.ai/licenses/MNPL-0.1.md",
    ),
    License(
        "qwen-research",
        "non-commercial",
        "Qwen Research License: research and non-commercial use only.",
        "https://huggingface.co/Qwen/Qwen2.5-3B-Instruct/blob/main/LICENSE",
    ),
    License(
        "other",
        "unknown",
        "A license of its own: read the model card before use.",
        "https://huggingface.co/docs/hub/repositories-licenses",
    ),
    License(
        "unknown",
        "unknown",
        "No license stated: assume no rights granted.",
        "https://huggingface.co/docs/hub/repositories-licenses",
    ),
]

LICENSES: dict[str, License] = {row.id: row for row in _ROWS}


def lookup(license_id: str) -> License | None:
    return LICENSES.get(license_id.lower())


_STRICTNESS = ["permissive", "commercial-with-conditions", "non-commercial", "research-only"]


def class_conflict(license_id: str, license_class: str) -> str | None:
    """Why an entry's license_class is looser than its license allows, or None.

    An entry may be stricter than its license id (an MIT-licensed distill of a Llama model still
    carries Llama's conditions), never looser.  `other` and `unknown` may be any class.
    """
    row = lookup(license_id)
    if row is None or row.license_class == "unknown" or license_class == "unknown":
        return None
    if _STRICTNESS.index(license_class) >= _STRICTNESS.index(row.license_class):
        return None
    return f"license {license_id} is {row.license_class} ({row.note}), not {license_class}"
