"""The vocabulary in five languages, and every output that can show one of them.

The shipped vocabulary declares en, es, fr, de and pt-BR (the scheme's dct:language); these
tests read the shipped files and exports, and a copy of the ontology edited to break one rule.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from cxgraph.checks import run_checks
from cxgraph.languages import declared_languages, languages_from, parse_accept_language
from cxgraph.pipeline import complete_store
from cxgraph.query_language import narrow_rows

from .conftest import CliRunner
from .shipped import ONTOLOGY, ROOT, rows

LANGUAGES = ("en", "es", "fr", "de", "pt-BR")
NPS = "https://w3id.org/cxgraph/net-promoter-score"


def test_the_scheme_declares_five_complete_languages(store: ox.Store) -> None:
    languages = declared_languages(store)
    assert set(languages.declared) == set(LANGUAGES) and languages.declared[0] == "en"
    assert languages.partial == frozenset()


@pytest.mark.parametrize("tag", LANGUAGES)
def test_every_concept_collection_and_the_scheme_has_one_label_and_one_definition(store: ox.Store, tag: str) -> None:
    found = rows(
        store,
        f"""SELECT ?r (COUNT(DISTINCT ?p) AS ?prefs) (COUNT(DISTINCT ?d) AS ?defs) WHERE {{
          {{ ?r skos:inScheme cxg:vocabulary }} UNION {{ BIND(cxg:vocabulary AS ?r) }}
          OPTIONAL {{ ?r skos:prefLabel ?p FILTER(LCASE(LANG(?p)) = "{tag.lower()}") }}
          OPTIONAL {{ ?r skos:definition ?d FILTER(LCASE(LANG(?d)) = "{tag.lower()}") }}
        }} GROUP BY ?r""",
    )
    assert len(found) == 602
    wrong = [r for r in found if r["prefs"] != "1" or r["defs"] != "1"]
    assert wrong == [], wrong[:5]


@pytest.mark.parametrize("tag", ["es", "fr", "de", "pt-BR"])
def test_definitions_are_written_for_the_language_not_copied_from_english(store: ox.Store, tag: str) -> None:
    same = rows(
        store,
        f"""SELECT ?c WHERE {{ ?c a skos:Concept ; skos:definition ?en, ?other .
          FILTER(LANG(?en) = "en" && LCASE(LANG(?other)) = "{tag.lower()}" && STR(?en) = STR(?other)) }}""",
    )
    assert same == []


def _ontology_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, copy)
    return copy


def _violations(ontology: Path, check: str) -> list[tuple[str, str, str]]:
    report = run_checks(complete_store(ontology))
    return [(v.severity, v.focus, v.message) for v in report.violations if v.check == check]


def test_a_missing_spanish_label_is_an_error_and_a_partial_language_a_warning(tmp_path: Path) -> None:
    ontology = _ontology_copy(tmp_path)
    spanish = ontology / "languages" / "es" / "metrics.ttl"
    text = spanish.read_text(encoding="utf-8")
    start = text.index("cxg:net-promoter-score\n")
    end = text.index(" .\n", start) + 3
    spanish.write_text(text[:start] + text[end:], encoding="utf-8")
    found = _violations(ontology, "language-missing")
    assert {(s, f) for s, f, _ in found} == {("error", NPS)}
    assert any("preferred label in 'es'" in m for _, _, m in found)
    scheme = ontology / "cx.ttl"
    scheme.write_text(
        scheme.read_text(encoding="utf-8").replace(
            "    dcat:contactPoint cxg:contact ;", '    dcat:contactPoint cxg:contact ;\n    cx:partialLanguage "es"^^xsd:language ;'
        ),
        encoding="utf-8",
    )
    assert _violations(ontology, "language-missing") == []
    (partial,) = _violations(ontology, "language-partial")
    assert partial[0] == "warning" and "'es' is declared partial: 1 of 602" in partial[2]


def test_a_label_shared_within_a_language_is_an_error_but_across_languages_is_not(tmp_path: Path) -> None:
    ontology = _ontology_copy(tmp_path)
    extra = ontology / "languages" / "de" / "zz-test.ttl"
    extra.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix cxg: <https://w3id.org/cxgraph/> .\n"
        'cxg:agent skos:altLabel "Abbruchrate"@de .\n'  # the German label of abandonment rate
        'cxg:supervisor skos:altLabel "Tasa de abandono"@de .\n',  # a Spanish label, tagged German
        encoding="utf-8",
    )
    clashes = _violations(ontology, "label-on-two-concepts")
    assert [m for _, _, m in clashes if "Abbruchrate" in m]
    assert not [m for _, _, m in clashes if "Tasa de abandono" in m]


def test_a_label_in_an_undeclared_language_is_a_warning(tmp_path: Path) -> None:
    ontology = _ontology_copy(tmp_path)
    (ontology / "languages" / "it.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix cxg: <https://w3id.org/cxgraph/> .\n"
        'cxg:agent skos:altLabel "Operatore"@it .\n',
        encoding="utf-8",
    )
    (found,) = _violations(ontology, "text-in-undeclared-language")
    assert found[0] == "warning" and "'it'" in found[2]


def test_json_ld_language_maps_carry_every_language() -> None:
    document = json.loads((ROOT / "exports" / "cxgraph.jsonld").read_text(encoding="utf-8"))
    nodes = document["@graph"] if isinstance(document, dict) else document
    (nps,) = [n for n in nodes if n.get("id", n.get("@id")) in ("cxg:net-promoter-score", NPS)]
    assert {k.lower() for k in nps["prefLabel"]} == {t.lower() for t in LANGUAGES}
    assert {k.lower() for k in nps["definition"]} == {t.lower() for t in LANGUAGES}


def test_the_csv_has_a_column_set_per_language() -> None:
    table = list(csv.DictReader(io.StringIO((ROOT / "exports" / "cxgraph.csv").read_text(encoding="utf-8"))))
    header = list(table[0])
    assert header[:7] == ["iri", "prefLabel", "altLabels", "definition", "broader", "related", "sources"]
    for tag in ("de", "es", "fr", "pt-BR"):
        assert [f"prefLabel@{tag}", f"altLabels@{tag}", f"definition@{tag}"] == header[header.index(f"prefLabel@{tag}"):][:3]
    rate = next(r for r in table if r["iri"].endswith("/abandonment-rate"))
    assert rate["prefLabel"] == "Abandonment Rate" and rate["prefLabel@es"] == "Tasa de abandono"
    assert rate["prefLabel@de"] == "Abbruchrate" and rate["definition@pt-BR"]
    assert all(r[f"prefLabel@{t}"] and r[f"definition@{t}"] for r in table for t in ("de", "es", "fr", "pt-BR"))


def test_query_lang_answers_a_named_query_and_sparql_text_in_that_language(cli: CliRunner) -> None:
    done = cli("query", "synonyms-of-term", "--param", "term=TMO", "--lang", "es", "--format", "csv")
    assert done.returncode == 0, done.stderr
    table = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {r["prefLabel"] for r in table} == {"Tiempo medio de operación"}
    assert "TMO" in {r["label"] for r in table}
    done = cli("query", "--sparql", f"SELECT ?l WHERE {{ <{NPS}> skos:definition ?l }}", "--lang", "pt-br", "--format", "json")
    (answer,) = json.loads(done.stdout)["results"]["bindings"]
    assert answer["l"]["xml:lang"].lower() == "pt-br"
    refused = cli("query", "nps-categories", "--lang", "it")
    assert refused.returncode == 2 and "no language 'it'" in refused.stderr and "pt-BR" in refused.stderr


def test_narrowing_keeps_english_where_a_row_has_no_text_in_the_language() -> None:
    a, b = ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/b")
    found = [
        [a, ox.Literal("Agent", language="en")],
        [a, ox.Literal("Agente", language="es")],
        [a, ox.Literal("Agent", language="de")],
        [b, ox.Literal("Queue", language="en")],
        [b, ox.Literal("Warteschlange", language="de")],
    ]
    assert narrow_rows(found, "es") == [1, 3]
    assert narrow_rows(found, "es-419") == [1, 3]


def test_accept_language_and_regional_variants() -> None:
    assert parse_accept_language("de-CH, fr;q=0.8, *;q=0.1, en;q=0") == ["de-CH", "fr"]
    languages = languages_from(["pt-br", "es", "en"])
    assert languages.declared == ("en", "es", "pt-BR")
    assert languages.resolve("es-419") == "es"  # a regional variant belongs to its language
    assert languages.resolve("pt-PT") == "pt-BR"
    assert languages.resolve("fr") is None and languages.fallback == "en"


@pytest.mark.parametrize(
    ("glossary", "language"),
    [("equipo-soporte-es.md", "es"), ("team-glossar-de.txt", "de")],
)
def test_import_maps_a_spanish_and_a_german_glossary(cli: CliRunner, glossary: str, language: str) -> None:
    expected = {
        "es": ["average-handle-time", "service-level", "abandonment-rate", "first-contact-resolution",
               "customer-satisfaction-score", "net-promoter-score", "customer-effort-score", "agent", "supervisor",
               "after-call-work", "schedule-adherence", "occupancy", "shrinkage", "knowledge-base", "escalation",
               "service-level-agreement", "omnichannel-support", "live-chat", "self-service", "churn-rate",
               "average-wait-time"],
        "de": ["average-handle-time", "service-level", "abandonment-rate", "first-contact-resolution",
               "customer-satisfaction-score", "net-promoter-score", "customer-effort-score", "agent", "team-lead",
               "after-call-work", "schedule-adherence", "occupancy", "shrinkage", "knowledge-base", "escalation",
               "service-level-agreement", "omnichannel-support", "live-chat", "workforce-management", "churn-rate",
               "cost-per-contact"],
    }[language]
    done = cli("import", ROOT / "tests" / "data" / "glossaries" / glossary, "--json")
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert len(records) == len(expected)
    right = sum(1 for r, slug in zip(records, expected, strict=True) if r["match"] == f"https://w3id.org/cxgraph/{slug}")
    assert right / len(expected) >= 0.9, [(r["term"], r["match"]) for r in records]
    assert right == len(expected) == 21  # as the README says
    assert {r["language"].split("-")[0] for r in records if r["match"]} == {language}
    report = cli("import", ROOT / "tests" / "data" / "glossaries" / glossary).stdout
    assert f"matched in {'Español (es)' if language == 'es' else 'Deutsch (de)'}: 21 of 21 terms" in report


def test_import_in_the_wrong_language_is_worse_and_the_patch_uses_the_glossary_language(
    cli: CliRunner, tmp_path: Path
) -> None:
    glossary = ROOT / "tests" / "data" / "glossaries" / "equipo-soporte-es.md"
    forced = json.loads(cli("import", glossary, "--json", "--lang", "fr").stdout)
    detected = json.loads(cli("import", glossary, "--json").stdout)
    assert sum(1 for r in forced if r["match"]) < sum(1 for r in detected if r["match"])
    patch = tmp_path / "patch.ttl"
    assert cli("import", glossary, "--out", patch).returncode == 0
    assert '"Agentes"@es' in patch.read_text(encoding="utf-8")


def test_the_printed_glossary_is_in_the_language_asked_for(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "glosario.md"
    done = cli("glossary", "--format", "md", "--lang", "es", "--out", out, "-q")
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "**Tasa de abandono**\n: Métrica de cola" in text
    assert "Abandonment Rate" not in text and "*see* Tasa de abandono" in text


@pytest.mark.parametrize(("term", "language", "concept"), [("TME", "es", "average-wait-time"), ("CPC", "de", "cost-per-contact")])
def test_an_acronym_two_languages_give_to_two_concepts_is_resolved_by_the_glossary_language(
    store: ox.Store, term: str, language: str, concept: str
) -> None:
    from cxgraph.glossary.entries import Entry
    from cxgraph.glossary.match import VocabularyIndex, match_entry

    everywhere = match_entry(Entry(term=term, acronym=None, definition="", line=1), VocabularyIndex.from_store(store))
    assert everywhere.kind == "ambiguous"
    found = match_entry(Entry(term=term, acronym=None, definition="", line=1), VocabularyIndex.from_store(store, language))
    assert found.concept == f"https://w3id.org/cxgraph/{concept}" and found.language.lower() == language
