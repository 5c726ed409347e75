"""The Python API: the README's example runs, its answers are the CLI's JSON, and nothing it is given changes."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README's Python API section has no python block"
    return match.group(1)


def test_the_readme_example_runs():
    out = io.StringIO()
    scope: dict = {}
    with contextlib.redirect_stdout(out):
        exec(compile(readme_example(), "README.md", "exec"), scope)
    lines = out.getvalue().splitlines()
    assert len(lines) >= 3
    assert scope["answer"].command == "recommend" and scope["verdict"].fits is True
    assert scope["est"].weights_bytes > 4 * 10**9


def test_api_answers_equal_the_cli_json(cli):
    import llmpick

    hw = llmpick.resolve_hardware(gpu="RTX 4090", ram=64)
    api = llmpick.recommend_models(hw, use="coding", top=3).model_dump(mode="json")
    r = cli("recommend", "--gpu", "RTX 4090", "--ram", "64", "--use", "coding", "--top", "3", "--json")
    assert r.exit_code == 0, r.stderr
    assert api == r.json

    api = llmpick.check_fit("Mistral-7B-Instruct-v0.1", hw, quant="Q4_K_M", context="32k").model_dump(mode="json")
    r = cli(
        "check", "Mistral-7B-Instruct-v0.1", "--gpu", "RTX 4090", "--ram", "64", "-q", "Q4_K_M", "-c", "32k", "--json"
    )
    assert r.exit_code == 0, r.stderr
    assert api == r.json

    est = llmpick.estimate_memory("mistralai/Mistral-7B-Instruct-v0.1", quant="Q8_0", context=4096)
    r = cli("estimate", "mistralai/Mistral-7B-Instruct-v0.1", "-q", "Q8_0", "-c", "4096", "--json")
    assert r.exit_code == 0, r.stderr
    assert est.model_dump(mode="json") == r.json["items"][0]


def test_no_function_changes_its_arguments():
    import llmpick
    from llmpick.recommend import Constraints, check, recommend

    cat = llmpick.load_catalog()
    hw = llmpick.resolve_hardware(vram=[24, 12])
    before = (hw, list(cat), hw.usable_card_bytes)
    cons = Constraints(quant="q4_k_m", context=4096)
    recommend(cat, hw, cons)
    check(cat.resolve("Mistral-7B-Instruct-v0.1"), hw, cons)
    llmpick.recommend_models(hw, use=["chat"], quant="q4_k_m", catalog=cat)
    assert cons == Constraints(quant="q4_k_m", context=4096)
    assert (hw, list(cat), hw.usable_card_bytes) == before


def test_bad_input_raises_a_usage_error():
    import llmpick

    with pytest.raises(llmpick.UsageError, match="Unknown GPU"):
        llmpick.resolve_hardware(gpu="RTX 9999 Imaginary")
    hw = llmpick.resolve_hardware(vram=24)
    with pytest.raises(llmpick.UsageError, match="Unknown quantization"):
        llmpick.recommend_models(hw, quant="Q9_Z")
    with pytest.raises(llmpick.UsageError):
        llmpick.check_fit("no-such-model-anywhere", hw)


def test_import_llmpick_loads_nothing_heavy():
    code = (
        "import sys, llmpick; llmpick.__version__; "
        "heavy = [m for m in ('pydantic', 'typer', 'rich', 'yaml', 'huggingface_hub', 'llmpick.api') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_public_names_resolve():
    import llmpick

    for name in llmpick.__all__:
        assert getattr(llmpick, name) is not None, name
    with pytest.raises(AttributeError):
        llmpick.no_such_name  # noqa: B018
