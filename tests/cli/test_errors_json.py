"""Errors with --format json: one JSON object on stdout (schema.ErrorAnswer), the human line still on stderr."""

from __future__ import annotations

import json

import pytest

from llmpick import hub as H
from llmpick.schema import ErrorAnswer, RefreshAnswer
from tests.conftest import FIXTURES

CAT = str(FIXTURES / "estimate_catalog")
MISTRAL = "mistralai/Mistral-7B-v0.1"
CHATTY = "llmpick-tests/Chatty-Llama-8B"


def one_object(stdout: str) -> dict:
    """stdout holds exactly one JSON object (compact: not a terminal), and nothing else."""
    assert stdout.endswith("\n") and stdout.count("\n") == 1, stdout
    doc = json.loads(stdout)
    assert isinstance(doc, dict)
    return doc


def error_of(stdout: str, command: str, code: int, kind: str) -> dict:
    doc = one_object(stdout)
    assert ErrorAnswer.model_validate(doc).model_dump(mode="json") == doc  # exactly the documented keys
    assert doc["schema_version"] == 1 and doc["command"] == command
    assert doc["error"]["code"] == code and doc["error"]["kind"] == kind
    return doc["error"]


@pytest.fixture
def main(capsys, monkeypatch):
    """Run the real entry point, `llmpick.cli.main(argv)`: exit code, stdout, stderr."""
    from llmpick.cli import main as entry

    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")  # main() sets it; keep it from leaking

    def run(*argv: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exit_:
            entry(list(argv))
        out, err = capsys.readouterr()
        return exit_.value.code, out, err

    return run


# --- errors raised by llmpick (the command() boundary) ---------------------------------------------


@pytest.mark.parametrize("flag", [["--json"], ["--format", "json"], ["--format=json"]])
def test_unknown_model_is_a_usage_error(cli, flag):
    r = cli("estimate", "no-such-model", "--catalog", CAT, *flag)
    assert r.exit_code == 2
    error = error_of(r.stdout, "estimate", 2, "usage")
    assert error["message"] == "Unknown model 'no-such-model'." and "llmpick list" in error["hint"]
    assert error["problems"] == []
    assert "Error: Unknown model 'no-such-model'." in r.stderr and "Traceback" not in r.stderr


def test_without_json_an_error_leaves_stdout_empty(cli):
    r = cli("estimate", "no-such-model", "--catalog", CAT)
    assert r.exit_code == 2 and r.stdout == "" and "Error: Unknown model" in r.stderr


def test_bad_value_checked_by_the_command(cli):
    r = cli("estimate", "testorg/tiny-7b", "--catalog", CAT, "--context", "lots", "--json")
    assert r.exit_code == 2
    assert "token count" in error_of(r.stdout, "estimate", 2, "usage")["message"]
    assert "token count" in r.stderr


def test_sub_command_names_its_group(cli):
    r = cli("catalog", "verify", "no-such-model-xyz", "--json")
    assert r.exit_code == 2 and error_of(r.stdout, "catalog verify", 2, "usage")


def test_catalog_error_lists_every_problem(cli, fake, tmp_path, monkeypatch):
    from llmpick import draft

    problems = [f"{tmp_path}/x/y.yaml:3: params.total: must be > 0", f"{tmp_path}/x/y.yaml:9: arch: bad"]
    monkeypatch.setattr(draft, "validate_yaml", lambda text, where: problems)
    r = cli("catalog", "add", f"hf:{CHATTY}", "--endpoint", fake.url, "--output", str(tmp_path), "--json")
    assert r.exit_code == 3
    error = error_of(r.stdout, "catalog add", 3, "catalog")
    assert error["problems"] == problems and "does not validate" in error["message"]
    assert all(p in r.stderr for p in problems) and "Error: The draft" in r.stderr


def test_network_error(cli, fake, monkeypatch):
    monkeypatch.setattr(H, "MAX_ATTEMPTS", 2)
    fake.fault(CHATTY, "500")
    r = cli("estimate", f"hf:{CHATTY}", "--endpoint", fake.url, "--timeout", "0.5", "--json")
    assert r.exit_code == 4
    assert "HTTP 500" in error_of(r.stdout, "estimate", 4, "network")["message"]
    assert "Error:" in r.stderr and "HTTP 500" in r.stderr
    missing = cli("catalog", "add", "hf:nobody/nothing", "--endpoint", fake.url, "--json")
    assert missing.exit_code == 4 and error_of(missing.stdout, "catalog add", 4, "network")


def test_refresh_failure_keeps_the_answer_and_adds_the_error(cli, fake, monkeypatch):
    """A refresh where some models fail: every model's outcome, and the error, in one object; exit 4."""
    monkeypatch.setattr(H, "MAX_ATTEMPTS", 2)
    fake.fault(MISTRAL, "500")
    r = cli("refresh", "Qwen/Qwen2.5-7B-Instruct", MISTRAL, "--endpoint", fake.url, "--timeout", "0.5", "--json")
    assert r.exit_code == 4
    doc = one_object(r.stdout)
    assert RefreshAnswer.model_validate(doc).model_dump(mode="json") == doc
    assert doc["summary"] == {"updated": 1, "failed": 1}
    failed = next(i for i in doc["items"] if i["outcome"] == "failed")
    assert failed["model"] == MISTRAL and "HTTP 500" in failed["reason"]
    assert doc["error"]["code"] == 4 and doc["error"]["kind"] == "network"
    assert doc["error"]["message"].startswith("1 of 2 model(s) could not be refreshed")
    assert "Error: 1 of 2 model(s) could not be refreshed" in r.stderr
    ok = cli("refresh", "Qwen/Qwen2.5-7B-Instruct", "--all", "--endpoint", fake.url, "--json")
    assert ok.exit_code == 0 and ok.json["error"] is None


def test_internal_error(cli, monkeypatch):
    from llmpick import quant

    def broken():
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(quant, "all_quants", broken)
    r = cli("quants", "--json")
    assert r.exit_code == 70
    error = error_of(r.stdout, "quants", 70, "internal")
    assert error["message"] == "internal error: ZeroDivisionError: boom" and "report" in error["hint"]
    assert "Error: internal error: ZeroDivisionError: boom" in r.stderr and "Traceback" not in r.stderr
    monkeypatch.setenv("LLMPICK_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli("quants", "--json")


def test_interrupted(cli, monkeypatch):
    from llmpick import quant

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(quant, "all_quants", interrupted)
    r = cli("quants", "--json")
    assert r.exit_code == 130
    assert error_of(r.stdout, "quants", 130, "interrupted")["message"] == "Interrupted."
    assert "Error: Interrupted." in r.stderr


# --- errors found by typer while parsing, before any command runs (through main()) -------------------


@pytest.mark.parametrize(
    ("argv", "command", "words"),
    [
        (["estimate", "testorg/tiny-7b", "--json", "--context"], "estimate", "requires an argument"),
        (["estimate", "--format", "json"], "estimate", "Missing argument"),
        (["refresh", "--concurrency", "abc", "--json"], "refresh", "not a valid int"),
        (["quants", "--json", "--bogus"], "quants", "No such option"),
        (["quants", "--format", "xml", "--json"], "quants", "'xml' is not one of"),
        (["catalog", "verify", "--json", "--bogus"], "catalog verify", "No such option"),
        (["catalog", "add", "--json"], "catalog add", "Missing argument"),
        (["no-such-command", "--json"], "", "No such command"),
    ],
)
def test_parse_errors_in_json(main, argv, command, words):
    code, out, err = main(*argv)
    assert code == 2
    error = error_of(out, command, 2, "usage")
    assert words in error["message"] and "--help" in error["hint"]
    assert f"Error: {error['message']}" in err and "Traceback" not in err


def test_parse_errors_without_json_are_typer_s_own(main):
    code, out, err = main("refresh", "--concurrency", "abc")
    assert code == 2 and out == ""
    assert "Usage:" in err and "Error: Invalid value for '--concurrency'" in err


def test_main_keeps_help_version_and_exit_codes(main, fake):
    code, out, err = main("estimate", "--json", "--help")
    assert code == 0 and "Usage:" in out and "--fit-vram" in out
    code, out, _ = main("--version")
    assert code == 0 and out.startswith("llmpick ")
    code, out, _ = main("quants", "--json")
    assert code == 0 and one_object(out)["command"] == "quants"
    code, out, err = main("estimate", "no-such-model", "--json")
    assert code == 2 and error_of(out, "estimate", 2, "usage") and "Unknown model" in err
    code, out, _ = main("catalog", "verify", "--json")
    assert code == 0 and one_object(out)["command"] == "catalog verify"


# --- issue #10: what outside trouble becomes (D14, D19, outside data) ----------------------------------


def test_a_wrapped_interrupt_is_still_interrupted(cli, monkeypatch):
    """pydantic-core turns a KeyboardInterrupt raised while it builds a validator into its own error: after a real
    Ctrl-C (the handler main() installs remembers it) that error is still exit 130, not an internal error."""
    from llmpick import cli as cli_mod
    from llmpick import quant

    def wrapped():
        raise RuntimeError("SchemaError: ... KeyboardInterrupt")

    monkeypatch.setattr(quant, "all_quants", wrapped)
    monkeypatch.setattr(cli_mod, "_SIGINT_SEEN", [True])
    r = cli("quants", "--json")
    assert r.exit_code == 130 and error_of(r.stdout, "quants", 130, "interrupted")


def test_a_broken_pipe_inside_a_command_is_141_and_quiet(cli, monkeypatch):
    from llmpick import quant

    def closed():
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(quant, "all_quants", closed)
    r = cli("quants", "--json")
    assert r.exit_code == 141 and r.stdout == "" and r.stderr == ""


def test_json_with_a_file_name_that_is_not_utf8_stays_valid(capsys):
    from llmpick import output

    class Answer:
        def model_dump(self, *, mode: str = "json") -> dict:
            return {"file": "/tmp/\udcff-out/x.yaml", "name": "caf\u00e9"}

    output.emit(Answer())
    text = capsys.readouterr().out
    assert text.isascii() and json.loads(text) == Answer().model_dump()


def test_hub_data_the_catalog_refuses_is_a_hub_error_not_a_crash(cli, fake, monkeypatch):
    from pydantic import BaseModel

    from llmpick import draft

    def refuse(self):
        class Strict(BaseModel):
            n: int

        Strict.model_validate({"n": "not a number"})

    monkeypatch.setattr(draft.Draft, "model", refuse)
    r = cli("estimate", "hf:" + CHATTY, "--endpoint", fake.url, "--json")
    assert (
        r.exit_code == 4
        and "does not make a valid catalog entry" in error_of(r.stdout, "estimate", 4, "network")["message"]
    )
