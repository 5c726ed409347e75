"""`hardware` through the CLI: the typed JSON answers, the tables, errors on stderr."""

from __future__ import annotations

from llmpick.hardware import report, resolve_hardware
from llmpick.schema import GpuListAnswer, HardwareAnswer


def test_hardware_command(cli):
    r = cli("hardware", "--gpu", "M2 Max 64GB", "--json")
    assert r.exit_code == 0
    item = r.json["item"]
    assert item["unified"] is True and item["ram_bytes"] == 64 * 2**30
    listed = cli("hardware", "--list-gpus", "--json")
    assert listed.exit_code == 0 and len(listed.json["items"]) > 60
    assert all(i["source"] for i in listed.json["items"])
    detected = cli("hardware")
    assert detected.exit_code == 0 and "LLMPICK_NO_DETECT" in detected.stderr


def test_hardware_json_is_the_typed_answer(cli):
    r = cli("hardware", "--gpu", "2x RTX 3090", "--ram", "64", "--reserve", "1.5", "--format", "json")
    assert r.exit_code == 0, r.stderr
    answer = HardwareAnswer.model_validate(r.json)
    assert answer.command == "hardware" and answer.schema_version == 1
    assert answer.warnings == answer.item.notes and answer.warnings  # no --ram-bandwidth: a note
    # The CLI prints exactly what the core's report() gives for the same flags.
    hw = resolve_hardware(gpu="2x RTX 3090", ram="64", reserve="1.5")
    assert r.json["item"] == report(hw).model_dump(mode="json")
    assert list(r.json["item"]) == list(report(hw).model_dump(mode="json"))
    assert r.stderr == ""


def test_hardware_list_gpus_json_is_the_typed_answer(cli):
    r = cli("hardware", "--list-gpus", "--json")
    assert r.exit_code == 0
    answer = GpuListAnswer.model_validate(r.json)
    assert answer.command == "hardware --list-gpus" and answer.warnings == []
    keys = {i.key: i for i in answer.items}
    assert keys["rtx-4090"].vram_bytes == 24 * 2**30 and keys["apple-m2-max"].vram_bytes is None
    assert set(r.json["items"][0]) == {
        "key",
        "name",
        "vendor",
        "kind",
        "vram_bytes",
        "bandwidth_gb_per_s",
        "aliases",
        "source",
    }


def test_detected_machine_json(cli):
    r = cli("hardware", "--json")
    assert r.exit_code == 0
    answer = HardwareAnswer.model_validate(r.json)
    assert answer.item.origin == "detected" and answer.item.gpus == [] and answer.item.ram_bytes is None
    assert any("LLMPICK_NO_DETECT" in w for w in answer.warnings)


def test_hardware_table(cli):
    r = cli("hardware", "--gpu", "RTX 4090 + RTX 3090", "--ram", "64", "--ram-bandwidth", "51.2")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == (
        "1x GeForce RTX 4090 (24 GiB, 1008 GB/s), 1x GeForce RTX 3090 (24 GiB, 936 GB/s), 64 GiB RAM   (flags)"
    )
    assert "table:rtx-4090" in r.stdout and "1008 GB/s" in r.stdout
    assert lines[-1] == "RAM: 64.0 GiB, 51.2 GB/s; usable for models: GPUs 48.0 GiB, RAM 57.6 GiB"
    assert r.stderr == ""


def test_unified_table_and_notes_on_stderr(cli):
    r = cli("hardware", "--unified", "--ram", "16")
    assert r.exit_code == 0
    assert "unified" in r.stdout and "GPU share 67%" in r.stdout
    assert "note: RAM bandwidth not given" in r.stderr and "note:" not in r.stdout


def test_gpu_table(cli):
    r = cli("hardware", "--list-gpus")
    assert r.exit_code == 0
    assert "rtx-4090" in r.stdout and "GeForce RTX 4090" in r.stdout and "unified" in r.stdout
    assert "memory in GiB (2^30 bytes)" in r.stdout


def test_bad_flags_exit_2_with_a_hint(cli):
    r = cli("hardware", "--gpu", "GTX 4090")
    assert r.exit_code == 2 and r.stdout == ""
    assert "Unknown GPU 'GTX 4090'" in r.stderr and "RTX 4090" in r.stderr
    both = cli("hardware", "--vram", "24", "--gpu", "RTX 4090")
    assert both.exit_code == 2 and "give one of them" in both.stderr


def test_profile_flag(cli, tmp_path):
    cfg = tmp_path / "config"
    cfg.mkdir(exist_ok=True)
    (cfg / "config.yaml").write_text("profiles:\n  laptop: {gpu: RTX 4060, ram: 16, ram_bandwidth: 51.2}\n")
    r = cli("hardware", "--profile", "laptop", "--json")
    assert r.exit_code == 0, r.stderr
    item = HardwareAnswer.model_validate(r.json).item
    assert item.origin == "config" and item.gpus[0].name == "GeForce RTX 4060" and item.notes == []
    missing = cli("hardware", "--profile", "desk")
    assert missing.exit_code == 2 and "no profile 'desk'" in missing.stderr


def test_counts_are_text_parsed_with_their_range(cli):
    """--gpus/--nodes/--unified-share are parsed by llmpick.units, not typer: one message shape, nan refused."""
    r = cli("hardware", "--vram", "24", "--gpus", "200", "--json")
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    assert r.json["error"]["message"] == "--gpus: '200' is out of range: a number of cards must be from 1 to 128."
    assert r.json["error"]["hint"] == "For example: --gpus 2."
    nan = cli("hardware", "--unified", "--ram", "64", "--unified-share", "nan")
    assert nan.exit_code == 2 and "--unified-share: 'nan' is not a number" in nan.stderr and nan.stdout == ""
    ok = cli("hardware", "--vram", "24", "--gpus", "2", "--nodes", "3", "--json")
    assert ok.exit_code == 0 and len(ok.json["item"]["gpus"]) == 2 and ok.json["item"]["nodes"] == 3
    helptext = cli("hardware", "--help").stdout
    assert "--gpus N" in helptext and "--nodes N" in helptext


def test_vram_zero_with_ram_is_a_machine_without_a_gpu(cli):
    r = cli("recommend", "--vram", "0", "--ram", "32", "--top", "3", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.json["hardware"]["gpu_count"] == 0 and r.json["items"]
    assert all(i["fit"] == "cpu" for i in r.json["items"])


def test_recommend_on_unified_machines_beyond_apple(cli):
    spark = cli("recommend", "--gpu", "DGX Spark", "--top", "3", "--json")
    assert spark.exit_code == 0, spark.stderr
    hw = spark.json["hardware"]
    assert hw["unified"] is True and hw["ram_bytes"] == 128 * 2**30 and hw["unified_gpu_share"] == 0.9
    assert hw["gpus"][0]["name"] == "DGX Spark" and hw["gpus"][0]["vendor"] == "nvidia"
    assert hw["ram_bandwidth_gb_per_s"] == 273.0 and hw["usable_gpu_bytes"] == [int(128 * 2**30 * 0.9)]
    assert spark.json["items"] and all(i["tokens_per_second"] for i in spark.json["items"])
    halo = cli("recommend", "--gpu", "Ryzen AI Max+ 395 128GB", "--top", "3", "--json")
    assert halo.exit_code == 0, halo.stderr
    hw = halo.json["hardware"]
    assert hw["unified"] is True and hw["unified_gpu_share"] == 0.75 and hw["ram_bandwidth_gb_per_s"] == 256.0
    assert hw["gpus"][0]["vendor"] == "amd" and hw["usable_gpu_bytes"] == [96 * 2**30]
    assert any("--unified-share 0.5" in w for w in halo.json["warnings"])
    table = cli("recommend", "--gpu", "Jetson AGX Orin 64GB", "--top", "2")
    assert table.exit_code == 0 and "Jetson AGX Orin 64GB, 64 GiB unified memory (GPU share 90%)" in table.stderr


def test_unified_machine_needs_its_memory(cli):
    r = cli("hardware", "--gpu", "Ryzen AI Max+ 395", "--json")
    assert r.exit_code == 2 and "how much memory" in r.json["error"]["message"]
    assert "--gpu 'Ryzen AI Max+ 395 128GB' or --ram 128" in r.json["error"]["hint"]
    ok = cli("hardware", "--gpu", "Ryzen AI Max+ 395", "--ram", "64", "--json")
    assert ok.exit_code == 0 and ok.json["item"]["usable_gpu_bytes"] == [48 * 2**30]


def test_gpu_table_shows_unified_machines(cli):
    r = cli("hardware", "--list-gpus")
    assert r.exit_code == 0
    spark = next(line for line in r.stdout.splitlines() if "dgx-spark" in line)
    assert "128.0 GiB unified" in spark and "273 GB/s" in spark
    rows = {i["key"]: i for i in cli("hardware", "--list-gpus", "--json").json["items"]}
    assert rows["dgx-spark"]["kind"] == "unified" and rows["ryzen-ai-max-395"]["vram_bytes"] is None
