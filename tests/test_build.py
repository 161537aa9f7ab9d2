"""`cxgraph build`: every export written, deterministic, clean and isomorphic."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .conftest import CliRunner

CXG = rdflib.Namespace("https://w3id.org/cxgraph/")
CX = rdflib.Namespace("https://w3id.org/cxgraph/ontology#")
RDF_EXPORTS = ["cxgraph.ttl", "cxgraph.jsonld", "context.jsonld", "cxgraph.nt", "cxgraph.rdf", "cxgraph.csv", "void.ttl"]
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


def build(cli: CliRunner, ontology: Path, out: Path) -> None:
    done = cli("build", "--ontology", ontology, "--out", out, "--no-view")
    assert done.returncode == 0, done.stderr
    assert f"{out.resolve()}" in done.stdout


def read(out: Path, name: str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(out / name, format=fmt)


def test_build_writes_every_export(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(RDF_EXPORTS)
    assert not list(out.glob(".*.tmp"))


def test_rebuild_gives_byte_identical_files(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    build(cli, mini_ontology, tmp_path / "a")
    build(cli, mini_ontology, tmp_path / "b")
    for name in RDF_EXPORTS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_every_rdf_export_is_isomorphic_to_the_turtle(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    turtle = read(out, "cxgraph.ttl", "turtle")
    assert len(turtle) > 100
    for name, fmt in [("cxgraph.jsonld", "json-ld"), ("cxgraph.nt", "nt"), ("cxgraph.rdf", "xml")]:
        assert isomorphic(turtle, read(out, name, fmt)), name


def test_jsonld_reads_back_identically_with_the_reference_processor(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    document = json.loads((out / "cxgraph.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert isomorphic(read(out, "cxgraph.ttl", "turtle"), rdflib.Graph().parse(data=nquads, format="nt"))


def test_jsonld_context_is_inline_readable_and_also_written_alone(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    document = json.loads((out / "cxgraph.jsonld").read_text(encoding="utf-8"))
    context = document["@context"]
    assert isinstance(context, dict), "the context must be embedded, never fetched"
    assert json.loads((out / "context.jsonld").read_text(encoding="utf-8")) == {"@context": context}
    assert context["prefLabel"] == {"@id": "skos:prefLabel", "@container": "@language"}
    assert context["broader"] == {"@id": "skos:broader", "@type": "@id"}
    csat = next(n for n in document["@graph"] if n["id"] == "cxg:customer-satisfaction-score")
    assert csat["prefLabel"] == {"en": "Customer Satisfaction Score"}
    assert csat["altLabel"] == {"en": ["CSAT", "Customer Satisfaction"]}
    assert csat["broader"] == "cxg:metrics"
    assert csat["direction"] == "cx:higherIsBetterDirection"
    assert csat["scaleMax"] == 100
    tiers = next(n for n in document["@graph"] if n["id"] == "cxg:support-tier-sequence")
    assert tiers["memberList"] == ["cxg:support-tier-1", "cxg:support-tier-2"]


def test_turtle_holds_the_skos_entailments_users_need(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    g = read(out, "cxgraph.ttl", "turtle")
    assert (CXG["metrics"], SKOS.narrower, CXG["handle-time"]) in g
    assert (CXG["omnichannel-support"], SKOS.related, CXG["multichannel-support"]) in g  # symmetric
    assert (CXG["customer-satisfaction-score"], SKOS.related, CXG["survey"]) in g  # from cx:measuredBy
    assert (CXG["survey"], CX.measures, CXG["customer-satisfaction-score"]) in g  # inverse
    assert (CXG["survey"], SKOS.related, CXG["customer-satisfaction-score"]) in g
    assert (CXG["vocabulary"], SKOS.hasTopConcept, CXG["metrics"]) in g
    assert (CXG["support-tier-2"], CX.escalatedFrom, CXG["support-tier-1"]) in g


def test_turtle_has_no_reasoning_clutter(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    g = read(out, "cxgraph.nt", "nt")
    assert not list(g.triples((None, OWL.sameAs, None)))
    assert not list(g.triples((None, RDF.type, RDFS.Resource)))
    for s, _, _ in g:
        assert not isinstance(s, rdflib.Literal)
        assert not str(s).startswith((str(RDF), str(RDFS), str(OWL)))


def test_csv_has_one_row_per_concept(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    rows = list(csv.DictReader(io.StringIO((out / "cxgraph.csv").read_text(encoding="utf-8"))))
    concepts = set(read(out, "cxgraph.ttl", "turtle").subjects(RDF.type, SKOS.Concept))
    assert sorted(r["iri"] for r in rows) == sorted(str(c) for c in concepts)
    csat = next(r for r in rows if r["iri"].endswith("/customer-satisfaction-score"))
    assert csat["prefLabel"] == "Customer Satisfaction Score"
    assert csat["altLabels"] == "CSAT | Customer Satisfaction"
    assert csat["broader"] == str(CXG["metrics"])
    assert csat["sources"] == "https://w3id.org/cxgraph/source/test-glossary"


def test_malformed_turtle_names_file_and_line_and_writes_nothing(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    bad = mini_ontology / "themes" / "broken.ttl"
    bad.parent.mkdir()
    bad.write_text('@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n<urn:x> skos:prefLabel "open\n', "utf-8")
    out = tmp_path / "out"
    done = cli("build", "--ontology", mini_ontology, "--out", out)
    assert done.returncode == 1
    assert "broken.ttl:3" in done.stderr
    assert "invalid Turtle" in done.stderr
    assert not out.exists()


def test_failing_checks_leave_existing_exports_untouched(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    concepts = mini_ontology / "concepts.ttl"
    concepts.write_text(concepts.read_text("utf-8") + "\ncxg:metrics skos:broader cxg:customer-satisfaction-score .\n")
    done = cli("build", "--ontology", mini_ontology, "--out", out)
    assert done.returncode == 1
    assert "broader-cycle" in done.stderr
    assert "no exports were written" in done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_missing_ontology_folder_is_a_clear_error(cli: CliRunner, tmp_path: Path) -> None:
    done = cli("build", "--ontology", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert done.returncode == 2
    assert "no such ontology folder" in done.stderr


@pytest.mark.parametrize("command", ["check", "view", "stats", "query nps-categories", "path CSAT NPS", "push http://127.0.0.1:9/store"])
def test_a_missing_ontology_folder_exits_2_in_every_command(cli: CliRunner, tmp_path: Path, command: str) -> None:
    done = cli(*command.split(), "--ontology", tmp_path / "nowhere")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: {tmp_path / 'nowhere'}: no such ontology folder"


def test_void_describes_the_dataset_and_its_files(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    void = rdflib.Graph().parse(out / "void.ttl", format="turtle")
    base = "https://w3id.org/cxgraph/"
    dataset = rdflib.URIRef(base + "void.ttl#dataset")
    triples = read(out, "cxgraph.nt", "nt")
    assert void.value(dataset, VOID.triples).toPython() == len(triples)
    concepts = set(triples.subjects(RDF.type, SKOS.Concept))
    assert void.value(dataset, VOID.entities).toPython() == len(concepts)
    dumps = {str(o) for o in void.objects(dataset, VOID.dataDump)}
    assert dumps == {base + f for f in ["cxgraph.ttl", "cxgraph.nt", "cxgraph.rdf", "cxgraph.jsonld"]}
    for distribution in void.objects(dataset, DCAT.distribution):
        assert (out / str(distribution).removeprefix(base)).is_file()


def test_void_has_only_absolute_iris_so_strict_loaders_read_it(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(cli, mini_ontology, out)
    store = ox.Store()
    store.load(path=str(out / "void.ttl"), format=ox.RdfFormat.TURTLE)  # no base IRI given: must not fail
    assert len(store) > 10
    assert "<#" not in (out / "void.ttl").read_text(encoding="utf-8")


def test_failing_checks_create_no_export_folder_and_leave_no_temporary_files(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    concepts = mini_ontology / "concepts.ttl"
    concepts.write_text(concepts.read_text("utf-8") + '\ncxg:survey skos:altLabel "CSAT"@en .\n', encoding="utf-8")
    out = tmp_path / "new" / "out"
    done = cli("build", "--ontology", mini_ontology, "--out", out)
    assert done.returncode == 1
    assert "label-on-two-concepts" in done.stderr
    assert not out.exists()
    assert list(tmp_path.rglob("*.tmp")) == []


def test_unwritable_export_folder_is_a_clear_error(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the export folder should be", encoding="utf-8")
    done = cli("build", "--ontology", mini_ontology, "--out", blocker / "out", "--no-view")
    assert done.returncode == 2
    assert "cannot write the exports" in done.stderr
    assert "Traceback" not in done.stderr


# --- the export set is swapped in as a whole ---------------------------------------------------


def folder_contents(folder: Path) -> dict[str, bytes]:
    """Every entry of ``folder``, hidden ones included, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def second_ontology(tmp_path: Path, mini_ontology: Path) -> Path:
    """The test vocabulary plus one concept, so that its exports differ in every file."""
    other = tmp_path / "ontology-b"
    shutil.copytree(mini_ontology, other)
    concepts = other / "concepts.ttl"
    concepts.write_text(
        concepts.read_text("utf-8")
        + '\ncxg:first-response a skos:Concept ; skos:inScheme cxg:vocabulary ; skos:broader cxg:metrics ;\n'
        '    skos:prefLabel "First Response"@en ;\n'
        '    skos:definition "The first answer a customer gets to a request."@en ;\n'
        "    rdfs:isDefinedBy cxg:vocabulary ; prov:wasDerivedFrom <https://w3id.org/cxgraph/source/test-glossary> ;\n"
        "    dct:source <https://w3id.org/cxgraph/source/test-glossary> .\n",
        encoding="utf-8",
    )
    return other


def reference_sets(cli: CliRunner, tmp_path: Path, ontologies: list[Path]) -> list[dict[str, bytes]]:
    sets = []
    for i, ontology in enumerate(ontologies):
        out = tmp_path / f"reference-{i}" / "exports"
        build(cli, ontology, out)
        (out / "README.txt").write_text("kept across builds\n", encoding="utf-8")
        sets.append(folder_contents(out))
    assert sets[0]["cxgraph.nt"] != sets[1]["cxgraph.nt"]
    return sets


BUILD_WITHOUT_EXCHANGE = (
    "import sys; import cxgraph.atomic as a; a._renameat2 = lambda: None; "
    "from cxgraph.cli import run; sys.argv[0] = 'cxgraph'; run()"
)


def kill_builds_at_random(
    cli: CliRunner, tmp_path: Path, mini_ontology: Path, command: list[str], kills: int, seed: int
) -> dict[str, int]:
    """SIGKILL ``kills`` builds at random moments; after each, the folder holds one whole set."""
    import random
    import signal
    import subprocess
    import sys
    import time

    from cxgraph.atomic import leftovers, recover_folder

    ontologies = [mini_ontology, second_ontology(tmp_path, mini_ontology)]
    sets = reference_sets(cli, tmp_path, ontologies)
    out = tmp_path / "site" / "exports"
    build(cli, ontologies[0], out)
    (out / "README.txt").write_text("kept across builds\n", encoding="utf-8")
    assert folder_contents(out) == sets[0]

    def run(ontology: Path) -> subprocess.Popen[bytes]:
        args = [*command, "build", "--ontology", str(ontology), "--out", str(out), "--no-view", "-q"]
        return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    started = time.monotonic()
    assert run(ontologies[1]).wait(timeout=120) == 0
    duration = time.monotonic() - started
    assert folder_contents(out) == sets[1]
    rng = random.Random(seed)
    seen = {"old": 0, "new": 0, "missing, restored": 0, "killed while staging": 0, "most leftovers": 0}
    current = 1
    for n in range(kills):
        target = 1 - current
        # Half the kills anywhere in the build, half around its end, where the swap happens.
        delay = rng.uniform(0, duration) if n % 2 else rng.uniform(0.7 * duration, 1.1 * duration)
        process = run(ontologies[target])
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if not out.exists():
            # Only the two-rename swap has this instant; the next build moves the old set back.
            assert command[-1] == BUILD_WITHOUT_EXCHANGE
            recover_folder(out)
            seen["missing, restored"] += 1
        contents = folder_contents(out)
        assert contents in (sets[0], sets[1]), f"kill {n} after {delay:.3f}s left a mixed folder"
        state = 0 if contents == sets[0] else 1
        seen["new" if state == target else "old"] += 1
        current = state
        found = leftovers(out)
        seen["most leftovers"] = max(seen["most leftovers"], len(found))
        seen["killed while staging"] += bool(found)
        assert len(found) <= 2, found
    assert run(ontologies[1 - current]).wait(timeout=120) == 0
    assert folder_contents(out) == sets[1 - current]
    assert leftovers(out) == []
    assert sorted(p.name for p in out.parent.iterdir()) == ["exports"]
    assert sys.executable  # the builds ran with this interpreter
    return seen


@pytest.mark.slow
def test_killed_builds_leave_the_old_or_the_new_set_never_a_mix(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    import sys

    seen = kill_builds_at_random(cli, tmp_path, mini_ontology, [sys.executable, "-m", "cxgraph"], kills=100, seed=7)
    print("kills with renameat2 exchange:", seen)
    assert seen["missing, restored"] == 0
    assert seen["most leftovers"] <= 1


@pytest.mark.slow
def test_killed_builds_without_rename_exchange_recover_the_old_set(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    import sys

    seen = kill_builds_at_random(cli, tmp_path, mini_ontology, [sys.executable, "-c", BUILD_WITHOUT_EXCHANGE],
                                 kills=40, seed=11)
    print("kills with two renames:", seen)


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no handler catches it."""


def test_a_build_killed_between_the_two_renames_is_recovered_by_the_next(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import cxgraph.atomic as atomic

    out = tmp_path / "exports"
    build(cli, mini_ontology, out)
    old = folder_contents(out)
    monkeypatch.setattr(atomic, "_renameat2", lambda: None)
    renames: list[tuple[str, str]] = []
    real_rename = os.rename

    def rename(a: str | Path, b: str | Path) -> None:
        renames.append((str(a), str(b)))
        if len(renames) == 2:
            raise _Killed
        real_rename(a, b)

    staged = atomic.StagedFiles(out)
    staged.add("cxgraph.ttl", b"new\n")
    monkeypatch.setattr(atomic.os, "rename", rename)
    with pytest.raises(_Killed):
        staged.commit()
    monkeypatch.setattr(atomic.os, "rename", real_rename)
    staged._release()  # the process is gone, and its lock with it
    assert not out.exists()
    assert [Path(p).name for p in os.listdir(tmp_path) if ".old-" in p]
    done = cli("build", "--ontology", mini_ontology, "--out", out, "--no-view")
    assert done.returncode == 0, done.stderr
    assert folder_contents(out) == old  # same vocabulary, so the same set, and nothing else
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_stale_staging_folders_and_temporary_files_are_removed_by_the_next_build(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exports"
    build(cli, mini_ontology, out)
    before = folder_contents(out)
    stale = [tmp_path / ".exports.build-abcd1234", tmp_path / ".exports.old-efgh5678"]
    for folder in stale:
        folder.mkdir()
        (folder / "cxgraph.ttl").write_text("half", encoding="utf-8")
    (out / ".cxgraph.ttl.k2j4h5g6.tmp").write_text("half", encoding="utf-8")
    build(cli, mini_ontology, out)
    assert folder_contents(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".exports")) == []


def test_a_staging_folder_of_a_running_build_is_left_alone(tmp_path: Path) -> None:
    from cxgraph.atomic import StagedFiles, leftovers, recover_folder

    out = tmp_path / "exports"
    running = StagedFiles(out)
    running.add("cxgraph.ttl", b"new\n")
    assert recover_folder(out) == []
    assert len(leftovers(out)) == 1
    assert [p.name for p in running.commit()] == ["cxgraph.ttl"]
    assert folder_contents(out) == {"cxgraph.ttl": b"new\n"}
    assert leftovers(out) == []


def test_a_rebuild_keeps_other_files_in_the_folder(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    done = cli("build", "--ontology", mini_ontology, "--out", out)
    assert done.returncode == 0, done.stderr
    (out / "notes").mkdir()
    (out / "notes" / "read-me.txt").write_text("ours\n", encoding="utf-8")
    view = (out / "cxgraph.html").read_bytes()
    build(cli, mini_ontology, out)  # --no-view: the earlier view stays
    assert (out / "cxgraph.html").read_bytes() == view
    assert (out / "notes" / "read-me.txt").read_text(encoding="utf-8") == "ours\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_the_export_folder_cannot_be_the_current_folder(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    done = cli("build", "--ontology", mini_ontology, "--out", ".", "--no-view", cwd=tmp_path)
    assert done.returncode == 2
    assert "cannot write the exports" in done.stderr and "a folder of their own" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "x"
