"""`cxgraph import`: the report, --json, --out, --apply, and refusals that write nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from .conftest import CliRunner, ontology_copy

GLOSSARIES = Path(__file__).resolve().parent / "data" / "glossaries"
TEAM = GLOSSARIES / "team.txt"


@pytest.fixture
def vocabulary(tmp_path: Path) -> Path:
    """A copy of the import-test vocabulary (with the real ontology/cx.ttl) that --apply may change."""
    return ontology_copy(tmp_path, GLOSSARIES / "vocabulary" / "concepts.ttl")


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_report_lists_matched_new_and_ambiguous_terms_with_reasons(cli: CliRunner, vocabulary: Path) -> None:
    done = cli("import", TEAM, "--ontology", vocabulary)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "matched 7 (1 by label, 1 by acronym, 4 by normalised, 1 by fuzzy), new 3, ambiguous 1" in out
    assert "Degredation" in out and "cxg:degradation [fuzzy 90.9, en]" in out
    assert "NEW (3)" in out and "Warm Transfer" in out
    assert "AMBIGUOUS (1)" in out and "cxg:customer-satisfaction-score" in out


def test_json_gives_one_object_per_entry_with_the_documented_fields(cli: CliRunner, vocabulary: Path) -> None:
    done = cli("import", TEAM, "--ontology", vocabulary, "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 11
    for row in rows:
        assert {"term", "acronym", "definition", "match", "match_kind", "score"} <= row.keys()
        assert row["match_kind"] in ("label", "acronym", "normalised", "fuzzy", "none", "ambiguous")
        assert (row["match"] is None) == (row["match_kind"] in ("none", "ambiguous"))
    first = rows[0]
    assert first["term"] == "Average Handle Time" and first["acronym"] == "AHT"
    assert first["match"] == "https://w3id.org/cxgraph/average-handle-time" and first["match_kind"] == "label"
    assert first["score"] == 100.0


def test_out_writes_a_turtle_patch_and_leaves_the_ontology_alone(
    cli: CliRunner, vocabulary: Path, tmp_path: Path
) -> None:
    before = snapshot(vocabulary)
    patch = tmp_path / "team.ttl"
    done = cli("import", TEAM, "--ontology", vocabulary, "--out", patch)
    assert done.returncode == 0, done.stderr
    graph = ox.Store()
    graph.load(patch.read_bytes(), format=ox.RdfFormat.TURTLE)
    assert len(graph) > 20
    assert snapshot(vocabulary) == before


def test_apply_adds_the_patch_under_imports_and_the_vocabulary_still_passes_check(
    cli: CliRunner, vocabulary: Path
) -> None:
    done = cli("import", TEAM, "--ontology", vocabulary, "--apply")
    assert done.returncode == 0, done.stderr
    written = vocabulary / "imports" / "our-team-glossary.ttl"
    assert written.is_file()
    assert cli("check", "--ontology", vocabulary).returncode == 0
    again = cli("import", TEAM, "--ontology", vocabulary, "--json")
    kinds = {row["term"]: row["match_kind"] for row in json.loads(again.stdout)}
    assert kinds["Warm Transfer"] == "label"  # the candidate is now part of the vocabulary


def test_apply_refuses_when_the_import_file_already_exists(cli: CliRunner, vocabulary: Path) -> None:
    assert cli("import", TEAM, "--ontology", vocabulary, "--apply").returncode == 0
    before = snapshot(vocabulary)
    done = cli("import", TEAM, "--ontology", vocabulary, "--apply")
    assert done.returncode == 1
    assert "already exists" in done.stderr and "--source-title" in done.stderr
    assert snapshot(vocabulary) == before


def test_apply_refuses_when_the_result_fails_check_and_writes_nothing(
    cli: CliRunner, vocabulary: Path, tmp_path: Path
) -> None:
    concepts = vocabulary / "concepts.ttl"
    text = concepts.read_text(encoding="utf-8")
    concepts.write_text(text.replace('skos:definition "An event that disrupts a service."@en', ""), encoding="utf-8")
    before = snapshot(vocabulary)
    patch = tmp_path / "never.ttl"
    done = cli("import", TEAM, "--ontology", vocabulary, "--apply", "--out", patch)
    assert done.returncode == 1
    assert "not applied" in done.stderr and "already fails its checks" in done.stderr
    assert snapshot(vocabulary) == before
    assert not patch.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("latin1.txt", "Agent\nPersonne qui répond.\n".encode("latin-1"), "not UTF-8 text"),
        ("noterm.csv", b"Entry,Meaning\nAgent,A person.\n", "no term column"),
    ],
)
def test_bad_input_exits_2_with_a_specific_message_and_writes_nothing(
    cli: CliRunner, vocabulary: Path, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    patch = tmp_path / "patch.ttl"
    before = snapshot(vocabulary)
    done = cli("import", source, "--ontology", vocabulary, "--out", patch, "--apply")
    assert done.returncode == 2
    assert message in done.stderr and str(source) in done.stderr
    assert not patch.exists()
    assert snapshot(vocabulary) == before


def test_source_title_names_the_source_and_its_slug(cli: CliRunner, vocabulary: Path, tmp_path: Path) -> None:
    patch = tmp_path / "p.ttl"
    done = cli("import", TEAM, "--ontology", vocabulary, "--source-title", "Acme Help Centre", "--out", patch)
    assert done.returncode == 0, done.stderr
    text = patch.read_text(encoding="utf-8")
    assert 'src:acme-help-centre a dct:BibliographicResource ;\n    dct:title "Acme Help Centre"@en .' in text


def test_apply_refuses_a_patch_that_would_break_a_check_naming_the_check(vocabulary: Path) -> None:
    from cxgraph.errors import VocabularyError
    from cxgraph.glossary import Patch, apply_patch

    broken = Patch(
        text="@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/cxgraph/live-chat> skos:altLabel "AHT"@en .\n',
        source_iri="https://w3id.org/cxgraph/source/broken",
        source_slug="broken",
        source_title="Broken",
    )
    with pytest.raises(VocabularyError, match="would break these checks: label-on-two-concepts") as caught:
        apply_patch(broken, vocabulary)
    assert caught.value.exit_code == 1
    assert not (vocabulary / "imports").exists()


def test_an_unclosed_csv_quote_exits_2_naming_the_line_and_writes_nothing(
    cli: CliRunner, vocabulary: Path, tmp_path: Path
) -> None:
    source = tmp_path / "team.csv"
    source.write_text('term,definition\nWarm Transfer,"A hand-over with an introduction.\nSalvage Offer,A discount.\n',
                      encoding="utf-8")
    patch = tmp_path / "patch.ttl"
    before = snapshot(vocabulary)
    done = cli("import", source, "--ontology", vocabulary, "--out", patch, "--apply")
    assert done.returncode == 2
    assert f"{source}: line 2: a quoted field opens here and is never closed" in done.stderr
    assert not patch.exists() and snapshot(vocabulary) == before


def test_max_size_caps_the_input_with_a_clear_message(cli: CliRunner, vocabulary: Path) -> None:
    done = cli("import", "/dev/zero", "--ontology", vocabulary, "--max-size", "2M", timeout=60)
    assert done.returncode == 2
    assert "/dev/zero: larger than the 2 MiB a glossary may be" in done.stderr and "--max-size" in done.stderr
    done = cli("import", "/dev/zero", "--ontology", vocabulary, timeout=120)  # the default limit, 50 MiB
    assert done.returncode == 2 and "larger than the 50 MiB" in done.stderr
    bad = cli("import", TEAM, "--ontology", vocabulary, "--max-size", "huge")
    assert bad.returncode == 2 and "--max-size 'huge'" in bad.stderr


def test_out_cannot_overwrite_the_glossary_itself(cli: CliRunner, vocabulary: Path, tmp_path: Path) -> None:
    source = tmp_path / "team.txt"
    source.write_bytes(TEAM.read_bytes())
    done = cli("import", source, "--ontology", vocabulary, "--out", source)
    assert done.returncode == 2 and "would overwrite the glossary" in done.stderr
    assert source.read_bytes() == TEAM.read_bytes()


def run_import_in_process(*args: str | Path) -> tuple[int, str]:
    from click.testing import CliRunner as ClickRunner

    from cxgraph.cli import main

    result = ClickRunner().invoke(main, ["import", *map(str, args)])
    return result.exit_code, result.stderr


def no_space(*args: object, **kwargs: object) -> None:
    import errno

    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_when_applying_names_the_file_and_leaves_nothing_behind(
    vocabulary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cxgraph.atomic

    before = snapshot(vocabulary)
    patch = tmp_path / "new-folder" / "patch.ttl"
    monkeypatch.setattr(cxgraph.atomic.os, "fsync", no_space)  # the disk fills up as the files are written
    code, stderr = run_import_in_process(TEAM, "--ontology", vocabulary, "--apply", "--out", patch)
    assert code == 2
    assert f"error: {patch}: cannot write: No space left on device; nothing was written" in stderr
    assert "unexpected" not in stderr
    assert snapshot(vocabulary) == before
    assert not (vocabulary / "imports").exists()
    assert not (tmp_path / "new-folder").exists()
    assert [p for p in tmp_path.rglob("*.tmp")] == []


def test_a_full_disk_for_the_import_file_alone_names_it(
    vocabulary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cxgraph.atomic

    monkeypatch.setattr(cxgraph.atomic.os, "fsync", no_space)
    code, stderr = run_import_in_process(TEAM, "--ontology", vocabulary, "--apply")
    assert code == 2
    assert f"{vocabulary / 'imports' / 'our-team-glossary.ttl'}: cannot write: No space left on device" in stderr
    assert not (vocabulary / "imports").exists()


# The device tests go through a link in tmp_path: a regression that replaced the file it writes
# (instead of writing to the device) then replaces only the link, never the system's /dev entry.


def test_writing_the_patch_to_dev_full_is_a_clear_error(cli: CliRunner, vocabulary: Path, tmp_path: Path) -> None:
    import stat

    if not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full")
    full = tmp_path / "full"
    full.symlink_to("/dev/full")
    done = cli("import", TEAM, "--ontology", vocabulary, "--out", full)
    assert done.returncode == 2
    assert f"{full}: cannot write: No space left on device" in done.stderr
    assert full.is_symlink() and stat.S_ISCHR(full.stat().st_mode)  # written to, never replaced
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_patch_to_standard_output_by_its_device_name(cli: CliRunner, vocabulary: Path, tmp_path: Path) -> None:
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/dev/stdout")
    done = cli("import", TEAM, "--ontology", vocabulary, "--out", stdout)
    assert done.returncode == 0, done.stderr
    assert "src:our-team-glossary a dct:BibliographicResource" in done.stdout
    assert stdout.is_symlink()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (needs root and permission to mount; skipped otherwise)."""
    import os
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the full disk is simulated by the tests above")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_apply_on_a_really_full_disk_leaves_no_imports_folder(cli: CliRunner, tiny_disk: Path) -> None:
    vocabulary = ontology_copy(tiny_disk, GLOSSARIES / "vocabulary" / "concepts.ttl")
    with (tiny_disk / "filler").open("wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError:
            pass
    before = snapshot(vocabulary)
    done = cli("import", TEAM, "--ontology", vocabulary, "--apply")
    assert done.returncode == 2, done.stderr
    assert "our-team-glossary.ttl: cannot write: No space left on device; nothing was written" in done.stderr
    assert snapshot(vocabulary) == before
    assert not (vocabulary / "imports").exists()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("acme.md", "# Acme Support Glossary\n\n## Live Chat\nTyped conversation with an agent on a website.\n\n"
                    "## Triage\nSorting requests by urgency.\n"),
        ("acme.txt", "Acme Support Glossary\n\nLive Chat\nTyped conversation with an agent on a website.\n\n"
                     "Triage\nSorting requests by urgency.\n\nBacklog\nThe requests still waiting.\n"),
    ],
)
def test_the_glossarys_title_line_is_the_source_title(cli: CliRunner, tmp_path: Path, name: str, text: str) -> None:
    glossary = tmp_path / name
    glossary.write_text(text, encoding="utf-8")
    done = cli("import", glossary, "--json")
    assert done.returncode == 0, done.stderr
    terms = [entry["term"] for entry in json.loads(done.stdout)]
    assert "Acme Support Glossary" not in terms and "Live Chat" in terms
    report = cli("import", glossary)
    assert 'for the source "Acme Support Glossary"' in report.stdout


@pytest.mark.parametrize(("new_terms", "said"), [(1, "(1 candidate)"), (2, "(2 candidates)")])
def test_apply_counts_its_candidates_in_words_that_agree(
    cli: CliRunner, vocabulary: Path, tmp_path: Path, new_terms: int, said: str
) -> None:
    glossary = tmp_path / "ours.txt"
    entries = ["Queue Jockey\nAn agent who picks the easy contacts from the queue.",
               "Shadow Shift\nA shift a new agent works beside an experienced one."][:new_terms]
    glossary.write_text("Our glossary\nTerms our team uses.\n" + "\n".join(entries) + "\n", encoding="utf-8")
    done = cli("import", glossary, "--ontology", vocabulary, "--apply")
    assert done.returncode == 0, done.stderr
    assert said in done.stdout + done.stderr
    assert f"{new_terms} {'entry' if new_terms == 1 else 'entries'} read" in done.stdout
