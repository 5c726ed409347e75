"""Issue #10, numbers, flags and hardware input: one case per reproduction, run as a user runs llmpick.

Each case runs `llmpick ... --format json` in a subprocess (its own cache and config dirs, a hang guard) and
asserts the documented exit code, no traceback, exactly one `Error:` line on stderr naming the problem, and one
strict JSON error object on stdout (README, "JSON contract").  A few cases also run without JSON: nothing on
stdout then.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmpick.schema import ErrorAnswer

BIG = "9" * 300  # int() takes it; float() makes it 1e300; neither is a size
MODEL = "mistralai/Mistral-7B-v0.1"

# (id, args, config.yaml text or None, phrase of the message).  Every case exits 2 (a usage error).
CASES = [
    ("D4-unified-4090", ["recommend", "--unified", "--ram", "64", "--gpu", "RTX 4090"], None, "own VRAM"),
    ("D5-unified-quoted-false", ["hardware"], "hardware: {ram: 64, unified: 'false'}\n", "not true or false"),
    ("D27-gpus-2.7", ["recommend"], "hardware: {vram: 24, gpus: 2.7}\n", "whole number"),
    ("D27-gpus-true", ["recommend"], "hardware: {vram: 24, gpus: true}\n", "not a number of cards"),
    ("D9-vram-300-digits", ["recommend", "--vram", BIG], None, "--vram"),
    ("D9-ram-300-digits", ["recommend", "--ram", BIG], None, "--ram"),
    ("D9-reserve-300-digits", ["recommend", "--vram", "24", "--reserve", BIG], None, "--reserve"),
    ("D9-context-1e999", ["recommend", "--vram", "24", "--context", "1e999"], None, "--context"),
    ("D9-check-context-1e999", ["check", MODEL, "--vram", "24", "--context", "1e999"], None, "--context"),
    ("D9-estimate-context-1e999", ["estimate", MODEL, "--context", "1e999"], None, "--context"),
    ("D9-min-params-1e999", ["list", "--min-params", "1e999"], None, "--min-params"),
    ("D9-max-params-1e999", ["recommend", "--vram", "24", "--max-params", "1e999"], None, "--max-params"),
    ("D9-gpus-20-digits", ["recommend", "--vram", "24", "--gpus", "99999999999999999999"], None, "--gpus"),
    ("D9-config-nodes-inf", ["recommend"], "hardware: {vram: 24, nodes: .inf}\n", "hardware.nodes"),
    ("D9-config-ram-300-digits", ["hardware"], f"hardware: {{ram: {BIG}}}\n", "hardware.ram"),
    ("D16-config-not-utf8", ["hardware"], b"hardware:\n  gpu: 'RTX \xff'\n", "not UTF-8"),
    ("D6-config-fifo", ["hardware"], "FIFO", "not a regular file"),
    ("D6-config-dev-zero", ["hardware"], "/dev/zero", "not a regular file"),
    ("D27-config-60MB", ["hardware"], "60MB", "limit"),
    ("D11-config-deep-flow", ["hardware"], "hardware: " + "[" * 100_000 + "]" * 100_000 + "\n", "not valid YAML"),
    ("D11-config-deep-block", ["hardware"], "".join(" " * i + "a:\n" for i in range(1200)), "not valid YAML"),
    ("D11-config-bad-date", ["hardware"], "hardware: {ram: 2020-13-45}\n", "not valid YAML"),
    ("D20-gpus-1000000", ["hardware", "--vram", "24", "--gpus", "1000000"], None, "--gpus"),
    ("D20-nodes-1000000", ["recommend", "--vram", "24", "--nodes", "1000000"], None, "--nodes"),
    ("D20-gpu-999x", ["hardware", "--gpu", "999x RTX 4090"], None, "more than 128 cards"),
    ("D20-vram-list", ["hardware", "--vram", ",".join(["24"] * 1000)], None, "--vram"),
    ("D21-mac-0GB", ["recommend", "--gpu", "M2 Max 0GB"], None, "a Mac's memory"),
    ("D22-recommend-context-empty", ["recommend", "--vram", "24", "--context", ""], None, "--context"),
    ("D22-recommend-quant-empty", ["recommend", "--vram", "24", "--quant", ""], None, "--quant"),
    ("D22-check-context-empty", ["check", MODEL, "--vram", "24", "--context", ""], None, "--context"),
    ("D22-check-quant-empty", ["check", MODEL, "--vram", "24", "--quant", ""], None, "--quant"),
    ("D22-estimate-quant-empty", ["estimate", MODEL, "--quant", ""], None, "--quant"),
    ("D22-estimate-context-empty", ["estimate", MODEL, "--context", ""], None, "--context"),
    ("min-speed-nan", ["recommend", "--vram", "24", "--min-speed", "nan"], None, "--min-speed"),
    ("unified-share-inf", ["hardware", "--unified", "--ram", "64", "--unified-share", "inf"], None, "--unified-share"),
    ("ram-bandwidth-negative", ["hardware", "--ram", "64", "--ram-bandwidth", "-51.2"], None, "--ram-bandwidth"),
    ("top-huge", ["recommend", "--vram", "24", "--top", "99999999999999999999"], None, "--top"),
    ("parallel-nan", ["estimate", MODEL, "--parallel", "nan"], None, "--parallel"),
    ("fit-vram-inf", ["estimate", MODEL, "--fit-vram", "inf"], None, "--fit-vram"),
    ("max-vram-nan", ["list", "--max-vram", "nan"], None, "--max-vram"),
    ("gpu-long-spaces", ["hardware", "--gpu", "a" + " " * 100_000 + "b"], None, "too long"),
    ("profile-empty", ["hardware", "--profile", ""], None, "--profile"),
    ("origin-empty", ["recommend", "--vram", "24", "--origin", ""], None, "--origin"),
]


def _write_config(config_dir: Path, config: str | bytes) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "config.yaml"
    if config == "FIFO":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(path)
    elif config == "/dev/zero":
        if not os.path.exists("/dev/zero"):
            pytest.skip("no /dev/zero here")
        path.symlink_to("/dev/zero")
    elif config == "60MB":
        with path.open("wb") as f:
            f.write(b"hardware: {ram: 64}\n")
            f.truncate(60_000_000)  # sparse: nothing is written, the size is what counts
    else:
        path.write_bytes(config if isinstance(config, bytes) else config.encode())


def _one_error_line(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    return errors[0]


@pytest.mark.parametrize(("args", "config", "phrase"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_exit_2(run, tmp_path, args, config, phrase):
    if config is not None:
        _write_config(tmp_path / "config", config)
    r = run(*args, "--format", "json").no_traceback()
    assert r.code == 2, (r.code, r.stderr)
    line = _one_error_line(r.stderr)
    assert phrase in line, line
    assert BIG[:30] not in r.stderr and len(line) < 400  # a huge value is never echoed whole
    doc = r.json  # strict: NaN or Infinity fail the test
    assert ErrorAnswer.model_validate(doc).model_dump(mode="json") == doc  # exactly the documented keys
    assert doc["schema_version"] == 1 and doc["command"] == args[0]
    assert doc["error"]["code"] == 2 and doc["error"]["kind"] == "usage"
    assert phrase in doc["error"]["message"] and line == "Error: " + doc["error"]["message"]


@pytest.mark.parametrize(
    "case", ["D4-unified-4090", "D9-vram-300-digits", "D22-recommend-context-empty", "D16-config-not-utf8"]
)
def test_without_json_stdout_stays_empty(run, tmp_path, case):
    _, args, config, phrase = next(c for c in CASES if c[0] == case)
    if config is not None:
        _write_config(tmp_path / "config", config)
    r = run(*args).no_traceback()
    assert r.code == 2 and r.stdout == ""
    assert phrase in _one_error_line(r.stderr)


def test_the_limits_themselves_are_accepted(run, tmp_path):
    """The bounds refuse the absurd, not the large: 128 cards of 4 TiB, 1024 nodes, 64 TiB of RAM."""
    r = run("hardware", "--vram", "4096", "--gpus", "128", "--nodes", "1024", "--ram", "65536", "--json")
    assert r.code == 0, r.stderr
    item = r.no_traceback().json["item"]
    assert len(item["gpus"]) == 128 and item["nodes"] == 1024 and item["ram_bytes"] == 65536 * 2**30
    _write_config(tmp_path / "config", "hardware: {vram: [24, 24], unified: false, nodes: 2}\n")
    r = run("hardware", "--json")
    assert r.code == 0 and r.json["item"]["nodes"] == 2 and len(r.json["item"]["gpus"]) == 2


# --- fuzz: the numeric and text flags of recommend, check, hardware, estimate and list ------------------------
#
# In-process through the real entry point, llmpick.cli.main (parse errors included), for speed.  Whatever the
# values, every run ends with a documented exit code (0, 1 or 2: never 70), without a traceback, and with
# --json prints exactly one strict JSON object (an error object for exit 2).


HARDWARE_FLAGS = [
    "--vram",
    "--gpus",
    "--gpu",
    "--ram",
    "--ram-bandwidth",
    "--unified-share",
    "--reserve",
    "--nodes",
    "--profile",
]
FUZZED = {
    "recommend": (
        ["recommend"],
        [*HARDWARE_FLAGS, "--context", "--quant", "--max-params", "--min-speed", "--top", "--origin", "--use"],
    ),
    "check": (["check", MODEL], [*HARDWARE_FLAGS, "--context", "--quant"]),
    "hardware": (["hardware"], HARDWARE_FLAGS),
    "estimate": (["estimate", MODEL], ["--context", "--quant", "--parallel", "--fit-vram", "--kv-cache", "--engine"]),
    "list": (["list"], ["--min-params", "--max-params", "--max-vram", "--min-context"]),
}
_TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")  # what argv can hold
# fmt: off
_SPECIAL = [
    "", " ", "0", "-0", "1", "2", "24", "-1", "1e999", "-1e999", "1e-12", BIG, "9" * 20, "nan", "NaN", "inf",
    "-inf", "0x10", "1_000", "٣", "２４", "24GB", "24 GiB", "24 TB", "51.2 GB/s", "32k", "1m", "7B", "1.5", ".5",
    "5.", "M2 Max 0GB", "M2 Max 64GB", "2x RTX 3090", "RTX 4090", "128x RTX 4090", "999x RTX 4090", "24,24",
    "24,,24", ",".join(["1"] * 200), "Q4_K_M", "EXL2-4.65bpw", "EXL2-1e999bpw", "\x1b[31m", "a\nb", "💥", "laptop",
]
# fmt: on
VALUES = st.one_of(
    st.sampled_from(_SPECIAL),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(repr),  # 'nan', 'inf', '1e+300', '-0.0', '5e-324'
    st.tuples(
        st.floats(min_value=0, max_value=1e6).map(lambda x: f"{x:g}"), st.sampled_from(["k", "B", "GB", "x"])
    ).map("".join),
    st.text(_TEXT, max_size=12),
)


# Values that make sense for each flag: drawn half of the time, so that the fuzz also reaches answers, not only
# the first bad value's error.
PLAUSIBLE = {
    "--vram": ["24", "8", "12.5", "24,24", "80GB"],
    "--gpus": ["1", "2", "8", "128"],
    "--gpu": ["RTX 4090", "2x RTX 3090", "M2 Max 64GB", "A100 80GB", "4090 + 3090"],
    "--ram": ["16", "64", "512"],
    "--ram-bandwidth": ["51.2", "400 GB/s"],
    "--unified-share": ["0.5", "1"],
    "--reserve": ["0", "1.5"],
    "--nodes": ["1", "2"],
    "--profile": ["laptop"],
    "--context": ["4096", "32k", "1m"],
    "--quant": ["Q4_K_M", "Q8_0", "AWQ-4bit"],
    "--max-params": ["7B", "70B"],
    "--min-params": ["1B", "500M"],
    "--min-speed": ["0", "10"],
    "--top": ["1", "3"],
    "--origin": ["US", "FR"],
    "--use": ["coding", "chat"],
    "--parallel": ["1", "4"],
    "--fit-vram": ["12", "80"],
    "--kv-cache": ["f16", "q8_0"],
    "--engine": ["llama.cpp", "vllm"],
    "--max-vram": ["12", "0.5"],
    "--min-context": ["32k", "8192"],
}
SWITCHES = {
    "recommend": ["--unified", "--no-unified", "--include-offload", "--explain"],
    "check": ["--unified", "--allow-offload"],
    "hardware": ["--unified", "--no-unified"],
    "estimate": [],
    "list": [],
}


@st.composite
def command_lines(draw):
    name = draw(st.sampled_from(sorted(FUZZED)))
    head, flags = FUZZED[name]
    chosen = draw(st.lists(st.sampled_from(flags), min_size=1, max_size=3, unique=True))
    args = [*head]
    for flag in chosen:
        value = draw(st.one_of(st.sampled_from(PLAUSIBLE[flag]), VALUES))
        args.append(f"{flag}={value}")  # '=': a value may start with '-'
    if SWITCHES[name]:
        args += draw(st.lists(st.sampled_from(SWITCHES[name]), max_size=1))
    if draw(st.booleans()):
        args.append("--json")
    return name, args


def _main(args: list[str]) -> tuple[int, str, str]:
    from llmpick.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_:
        main(args)
    code = exit_.value.code
    return (code if isinstance(code, int) else 0), out.getvalue(), err.getvalue()


def _check_run(name: str, args: list[str]) -> None:
    code, out, err = _main(args)
    assert code in (0, 1, 2), (args, code, err[-2000:])
    assert code != 1 or name == "check", (args, err)
    assert "Traceback" not in out + err and "internal error" not in err, (args, err[-2000:])
    if code == 2:
        assert sum(line.startswith("Error:") for line in err.splitlines()) == 1, (args, err)
    if "--json" in args:
        assert out.endswith("\n") and out.count("\n") == 1, (args, out[:500])
        doc = json.loads(out, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c} for {args}"))
        assert isinstance(doc, dict) and doc["schema_version"] == 1
        if code == 2:
            assert doc["error"]["code"] == 2 and doc["error"]["kind"] == "usage", (args, doc)
        else:
            assert "error" not in doc, (args, doc)
    elif code == 2:
        assert out == "", (args, out[:500])


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(command_lines())
def test_fuzz_flags_never_crash(monkeypatch, case):
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")  # main() sets it; keep it from leaking
    _check_run(*case)


_CONFIG_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(),
    st.sampled_from(_SPECIAL),
    st.text(_TEXT, max_size=12),
    st.lists(st.one_of(st.integers(-5, 100), st.floats(), st.booleans(), st.text(_TEXT, max_size=4)), max_size=4),
    st.dictionaries(st.text(_TEXT, max_size=4), st.integers(), max_size=2),
)
_CONFIG_KEYS = ["vram", "gpus", "gpu", "ram", "ram_bandwidth", "unified", "unified_share", "reserve", "nodes", "x"]


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.dictionaries(st.sampled_from(_CONFIG_KEYS), _CONFIG_VALUES, min_size=1, max_size=4), st.booleans())
def test_fuzz_config_yaml_never_crashes(monkeypatch, hardware, as_profile):
    """config.yaml values of every YAML type (D5, D9, D27): each is taken as its flag would be, or refused."""
    import yaml

    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")
    config = Path(os.environ["LLMPICK_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    doc = {"profiles": {"p": hardware}} if as_profile else {"hardware": hardware}
    (config / "config.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    args = ["hardware", "--json", *(["--profile", "p"] if as_profile else [])]
    _check_run("hardware", args)
