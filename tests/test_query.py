"""`cxgraph query`: named queries, files and SPARQL text, in every output format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from .conftest import CliRunner

CSAT_BY_ACRONYM = 'SELECT ?concept WHERE { ?concept skos:altLabel "CSAT"@en }'


def test_sparql_text_answers_from_the_complete_graph(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("query", "--ontology", mini_ontology, "--sparql",
               "SELECT ?n WHERE { cxg:metrics skos:narrower ?n } ORDER BY ?n")
    assert done.returncode == 0, done.stderr
    assert "cxg:after-call-work" in done.stdout
    assert "(3 rows)" in done.stdout


def test_json_output_follows_sparql_results_json(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("query", "--ontology", mini_ontology, "--sparql", CSAT_BY_ACRONYM, "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["head"]["vars"] == ["concept"]
    assert result["results"]["bindings"] == [
        {"concept": {"type": "uri", "value": "https://w3id.org/cxgraph/customer-satisfaction-score"}}
    ]


def test_csv_and_tsv_output(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("query", "--ontology", mini_ontology, "--sparql", CSAT_BY_ACRONYM, "--format", "csv")
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows == [["concept"], ["https://w3id.org/cxgraph/customer-satisfaction-score"]]
    done = cli("query", "--ontology", mini_ontology, "--sparql", CSAT_BY_ACRONYM, "--format", "tsv")
    assert done.stdout.splitlines() == ["?concept", "<https://w3id.org/cxgraph/customer-satisfaction-score>"]


def test_ask_and_construct_queries(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("query", "--ontology", mini_ontology, "--sparql", "ASK { cxg:survey skos:related ?x }")
    assert done.stdout.strip() == "true"
    done = cli("query", "--ontology", mini_ontology, "--sparql",
               "CONSTRUCT { ?c skos:prefLabel ?l } WHERE { ?c skos:altLabel 'CSAT'@en ; skos:prefLabel ?l }")
    assert done.returncode == 0, done.stderr
    assert 'cxg:customer-satisfaction-score skos:prefLabel "Customer Satisfaction Score"@en' in done.stdout


def test_query_file(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    rq = tmp_path / "tiers.rq"
    rq.write_text("# title: Tiers\nSELECT ?t WHERE { ?t skos:broader cxg:support-tiers ; skos:notation ?n } "
                  "ORDER BY ?n", encoding="utf-8")
    done = cli("query", rq, "--ontology", mini_ontology, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:3] == [
        "https://w3id.org/cxgraph/support-tier-1", "https://w3id.org/cxgraph/support-tier-2"]


def test_malformed_query_is_one_line_with_position_and_exit_2(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("query", "--ontology", mini_ontology, "--sparql", "SELECT ?s WHERE { ?s ?p }")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "invalid SPARQL" in lines[0]
    assert "1:" in lines[0]
    assert done.stdout == ""


def test_undeclared_prefix_is_one_line_naming_the_prefix(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("query", "--ontology", mini_ontology, "--sparql", "SELECT * WHERE { ?s foo:bar ?o }")
    assert done.returncode == 2
    assert done.stderr == "error: --sparql: invalid SPARQL: undeclared prefix foo: at 1:21\n"


def test_expected_tokens_fit_on_one_line_without_character_classes() -> None:
    import pyoxigraph as ox

    from cxgraph.query import describe_syntax_error

    text = "SELECT * WHERE {\n  ?s a ex:Thing .\n  ?s ?p ?o "
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(text)
    assert describe_syntax_error(caught.value, text) == "undeclared prefix ex: at 2:8"
    text = "SELECT * WHERE { ?s ?p ?o } LIMIT x"
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(text)
    message = describe_syntax_error(caught.value, text)
    assert "\n" not in message and "[" not in message
    assert message.endswith(" at 1:35")


def test_malformed_query_file_names_the_file(cli: CliRunner, mini_ontology: Path, tmp_path: Path) -> None:
    rq = tmp_path / "broken.rq"
    rq.write_text("SELECT * WHERE {\n  ?s ?p ?o \n", encoding="utf-8")
    done = cli("query", rq, "--ontology", mini_ontology)
    assert done.returncode == 2
    assert "broken.rq" in done.stderr


def test_unknown_named_query_suggests_the_list(cli: CliRunner) -> None:
    done = cli("query", "no-such-query")
    assert done.returncode == 2
    assert "cxgraph query --list" in done.stderr


def test_list_shows_every_named_query_with_its_description(cli: CliRunner) -> None:
    done = cli("query", "--list")
    assert done.returncode == 0
    root = Path(__file__).resolve().parent.parent / "queries"
    names = sorted(p.stem for p in root.glob("*.rq"))
    listed = [line.split()[0] for line in done.stdout.splitlines()]
    assert listed == names
    assert all(len(line.split(None, 1)) == 2 for line in done.stdout.splitlines())


def test_wrong_format_for_query_form_is_a_usage_error(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("query", "--ontology", mini_ontology, "--sparql", CSAT_BY_ACRONYM, "--format", "turtle")
    assert done.returncode == 2
    assert "does not fit a SELECT" in done.stderr


def test_query_without_any_query_is_a_usage_error(cli: CliRunner) -> None:
    done = cli("query")
    assert done.returncode == 2
    assert "--sparql" in done.stderr


def test_param_sets_a_named_querys_values_clause(cli: CliRunner) -> None:
    done = cli("query", "synonyms-of-term", "--param", "term=csat", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {r["concept"] for r in rows} == {"https://w3id.org/cxgraph/customer-satisfaction-score"}
    assert {("acronym", "CSAT")} <= {(r["kind"], r["label"]) for r in rows}


def test_param_values_are_quoted_not_spliced(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("query", "--ontology", mini_ontology, "--format", "csv", "--param", 'term=x" } ?s ?p ?o {',
               "--sparql", 'SELECT ?c WHERE { VALUES ?term { "CSAT" } ?c skos:altLabel ?l FILTER(STR(?l) = ?term) }')
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["c"]


def test_unknown_param_names_the_parameters_the_query_has(cli: CliRunner) -> None:
    done = cli("query", "synonyms-of-term", "--param", "label=CSAT")
    assert done.returncode == 2
    assert "no parameter ?label" in done.stderr
    assert "its parameters are: lang, term" in done.stderr


def test_malformed_param_is_a_usage_error(cli: CliRunner) -> None:
    done = cli("query", "synonyms-of-term", "--param", "CSAT")
    assert done.returncode == 2
    assert "NAME=VALUE" in done.stderr


def test_table_writes_source_iris_with_the_src_prefix_not_cxg(cli: CliRunner, mini_ontology: Path) -> None:
    done = cli("query", "--ontology", mini_ontology, "--sparql",
               "SELECT ?s WHERE { cxg:customer-satisfaction-score dct:source ?s }")
    assert done.returncode == 0, done.stderr
    assert "src:test-glossary" in done.stdout
    assert "cxg:source/" not in done.stdout


BOM = b"\xef\xbb\xbf"


def test_a_query_file_opening_with_a_utf8_byte_order_mark_runs(
    cli: CliRunner, mini_ontology: Path, tmp_path: Path
) -> None:
    path = tmp_path / "bom.rq"
    path.write_bytes(BOM + f"PREFIX ex: <urn:ex:>\n{CSAT_BY_ACRONYM}\n".encode())
    done = cli("query", path, "--ontology", mini_ontology)
    assert done.returncode == 0, done.stderr
    assert "cxg:customer-satisfaction-score" in done.stdout


def test_a_named_query_opening_with_a_byte_order_mark_keeps_its_header(tmp_path: Path) -> None:
    from cxgraph.query import list_named_queries, resolve_query

    (tmp_path / "with-bom.rq").write_bytes(BOM + b"# title: With a BOM\n# description: saved by an editor\nASK {}\n")
    query = resolve_query("with-bom", tmp_path)
    assert query.title == "With a BOM" and query.description == "saved by an editor"
    assert not query.text.startswith("\ufeff")
    assert [q.title for q in list_named_queries(tmp_path)] == ["With a BOM"]


@pytest.mark.parametrize(
    ("query", "fmt"),
    [
        (CSAT_BY_ACRONYM, "json"),
        (CSAT_BY_ACRONYM, "xml"),
        ("CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l }", "jsonld"),
        ("CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l }", "rdfxml"),
    ],
)
def test_every_output_format_ends_with_a_newline(cli: CliRunner, mini_ontology: Path, query: str, fmt: str) -> None:
    done = cli("query", "--ontology", mini_ontology, "--sparql", query, "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("\n") and not done.stdout.endswith("\n\n")
