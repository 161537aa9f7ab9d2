"""Reading glossaries: every layout yields its terms, page furniture does not, bad input is refused.

The glossaries in tests/data/glossaries/ reproduce the layouts and term lists of the five source
glossaries (with cxgraph's own short definitions) plus a Markdown and two CSV files; each has a
hand-made ``*.expected.tsv`` list of its entries (term, acronym).
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from cxgraph.errors import InputError
from cxgraph.glossary import read_glossary, read_glossary_text

GLOSSARIES = Path(__file__).resolve().parent / "data" / "glossaries"
LAYOUT_FILES = [
    "letter-headings.txt",
    "blog-bullets.txt",
    "alternating.txt",
    "short-forms.txt",
    "inline.txt",
    "markdown.md",
]


def expected_entries(name: str) -> list[tuple[str, str | None]]:
    path = GLOSSARIES / (Path(name).stem + ".expected.tsv")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        term, acronym = ([*line.split("\t"), ""])[:2]
        rows.append((term, acronym or None))
    return rows


def precision_recall(found: set[str], expected: set[str]) -> tuple[float, float]:
    hits = len(found & expected)
    return hits / max(len(found), 1), hits / max(len(expected), 1)


@pytest.mark.parametrize("name", LAYOUT_FILES)
def test_each_layout_finds_its_terms_with_high_precision_and_recall(name: str) -> None:
    glossary = read_glossary(GLOSSARIES / name)
    expected = {term.casefold() for term, _ in expected_entries(name)}
    found = {entry.term.casefold() for entry in glossary.entries}
    precision, recall = precision_recall(found, expected)
    assert precision >= 0.95, f"not terms: {sorted(found - expected)}"
    assert recall >= 0.95, f"missed: {sorted(expected - found)}"


@pytest.mark.parametrize("name", LAYOUT_FILES)
def test_each_layout_gives_the_acronyms_its_glossary_states(name: str) -> None:
    expected = dict((term.casefold(), acronym) for term, acronym in expected_entries(name))
    glossary = read_glossary(GLOSSARIES / name)
    wrong = [(e.term, e.acronym) for e in glossary.entries if expected.get(e.term.casefold(), e.acronym) != e.acronym]
    assert not wrong


@pytest.mark.parametrize("name", LAYOUT_FILES)
def test_every_entry_has_a_definition_without_stray_whitespace(name: str) -> None:
    for entry in read_glossary(GLOSSARIES / name).entries:
        assert entry.definition, entry.term
        assert entry.definition == " ".join(entry.definition.split())
        assert entry.term == " ".join(entry.term.split())


def test_page_furniture_is_never_a_term() -> None:
    furniture = {
        "customer service glossary",
        "want happier customers",
        "start free trial",
        "general customer service terms",
        "customer service tactics",
        "customer service channels",
        "customer service metrics and kpis",
        "customer service terms faq",
        "which kpis matter most in support",
        "share this article",
        "customer support & experience",
        "65 terms in this category",
        "glossary",
        "customer service software definitions",
        "coming soon",
        "channels",
        "metrics at a glance",
        "not a term",
    }
    for name in LAYOUT_FILES:
        terms = {entry.term.casefold() for entry in read_glossary(GLOSSARIES / name).entries}
        assert not terms & furniture, name


def test_short_form_line_before_full_form_is_absorbed_into_one_entry() -> None:
    glossary = read_glossary_text("AES\n\nAgent Effort Score (AES)\n\nHow hard a task is for an agent to do.\n")
    assert [(e.term, e.acronym) for e in glossary.entries] == [("Agent Effort Score", "AES")]


def test_acronym_before_full_name_in_parentheses_is_split() -> None:
    glossary = read_glossary_text("SLA (Service Level Agreement)\nA written promise about the service level.\n")
    assert [(e.term, e.acronym) for e in glossary.entries] == [("Service Level Agreement", "SLA")]


def test_acronym_stated_at_the_start_of_the_definition_is_kept() -> None:
    glossary = read_glossary_text("After-Call Work\nAfter-call work (ACW) is the wrap-up after a contact.\n")
    assert glossary.entries[0].acronym == "ACW"


def test_letter_headings_are_not_terms() -> None:
    glossary = read_glossary_text("A\nAgent\nA person who answers customers.\nB\nBug\nA fault in software.\n")
    assert [e.term for e in glossary.entries] == ["Agent", "Bug"]


def test_bulleted_table_of_contents_does_not_duplicate_defined_terms() -> None:
    text = "Contents:\n- Agent\n- Bug\nAgent\nA person who answers customers.\nBug\nA fault in software.\n"
    assert [e.term for e in read_glossary_text(text).entries] == ["Agent", "Bug"]


def test_bare_term_list_is_read_when_no_definitions_are_given() -> None:
    glossary = read_glossary_text("- Agent\n- Escalation\n- Triage\n")
    assert [(e.term, e.definition) for e in glossary.entries] == [("Agent", ""), ("Escalation", ""), ("Triage", "")]


def test_unbulleted_term_colon_definition_lines_are_read_as_a_layout() -> None:
    text = "Agent: A person who answers customers.\nBug: A fault in software.\nTriage: Sorting requests by urgency.\n"
    glossary = read_glossary_text(text)
    assert [e.term for e in glossary.entries] == ["Agent", "Bug", "Triage"]


def test_a_single_pro_tip_line_in_prose_is_not_a_term() -> None:
    text = "Agent\nA person who answers customers.\nPro tip: Give agents good tools and they stay longer.\n"
    assert [e.term for e in read_glossary_text(text).entries] == ["Agent"]


def test_inline_layout_keeps_only_complete_sentences_of_each_definition() -> None:
    glossary = read_glossary(GLOSSARIES / "inline.txt")
    last = glossary.entries[-1]
    assert last.term == "Replies per Resolution"
    assert last.definition.endswith("before an issue is solved.")
    assert "Coming Soon" not in " ".join(e.definition for e in glossary.entries)


def test_csv_reads_term_acronym_and_definition_columns() -> None:
    glossary = read_glossary(GLOSSARIES / "table.csv")
    assert glossary.format == "csv"
    assert [(e.term, e.acronym) for e in glossary.entries] == [
        ("Average Handle Time", "AHT"),
        ("Customer Satisfaction Score", "CSAT"),
        ("Escalation", None),
        ("Omnichannel Support", None),
    ]
    assert glossary.entries[0].definition == "The mean length of one contact, wrap-up included."


def test_csv_with_semicolons_and_name_description_columns_is_read() -> None:
    glossary = read_glossary(GLOSSARIES / "semicolons.csv")
    assert [e.term for e in glossary.entries] == ["Ticket Routing", "Triage"]


def test_markdown_title_is_offered_as_the_source_title() -> None:
    assert read_glossary(GLOSSARIES / "markdown.md").title == "Acme Support Glossary"


def test_format_can_be_forced() -> None:
    text = "Term,Definition\nTriage,Sorting requests by urgency.\n"
    assert read_glossary_text(text, "notes.txt", fmt="csv").entries[0].term == "Triage"


# ---- bad input: a specific message each, exit code 2 (InputError) ----


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_file_is_refused_with_a_specific_message(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the file is empty") as caught:
        read_glossary(write(tmp_path, "empty.txt", b" \n\n"))
    assert caught.value.exit_code == 2


def test_binary_file_is_refused_with_a_specific_message(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"binary file \(NUL byte at line 1"):
        read_glossary(write(tmp_path, "sheet.xlsx", b"PK\x03\x04\x00\x00binary"))


def test_unknown_encoding_is_refused_naming_the_byte_and_line(tmp_path: Path) -> None:
    data = "Agent\nUn agent répond aux clients.\n".encode("latin-1")
    with pytest.raises(InputError, match=r"not UTF-8 text \(byte 0xe9 at line 2.*save the file as UTF-8"):
        read_glossary(write(tmp_path, "latin.txt", data))


def test_utf16_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    data = codecs.BOM_UTF16_LE + "Agent\nA person who answers customers.\n".encode("utf-16-le")
    assert read_glossary(write(tmp_path, "wide.txt", data)).entries[0].term == "Agent"


def test_csv_without_a_term_column_is_refused_listing_its_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "words.csv", b"Entry,Meaning\nAgent,A person.\n")
    with pytest.raises(InputError, match=r"no term column .*'Entry', 'Meaning'.*name the column of terms 'term'"):
        read_glossary(path)


def test_text_without_entries_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no glossary entries found"):
        read_glossary(write(tmp_path, "prose.txt", b"This is only a sentence of prose without terms.\n"))


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_glossary(tmp_path / "absent.txt")


def test_lone_bullet_marker_after_a_markdown_line_is_ignored() -> None:
    # regression: a "-" alone on the line after text crashed the Markdown paragraph joiner
    glossary = read_glossary_text("Agent\n: A person who answers customers.\n-\n", "g.md")
    assert [e.term for e in glossary.entries] == ["Agent"]


def test_an_unclosed_csv_quote_is_refused_naming_the_line_where_it_opens(tmp_path: Path) -> None:
    data = b'term,definition\nAgent,A person.\nCSAT,"Satisfaction score\nFCR,First contact resolution\nAHT,Handle time\n'
    with pytest.raises(InputError, match=r"quoted.csv: line 3: a quoted field opens here and is never closed") as caught:
        read_glossary(write(tmp_path, "quoted.csv", data))
    assert caught.value.exit_code == 2
    long_tail = b'term;definition\n"Agent;A person.\n' + b"Row;definition\n" * 20_000  # past csv's field limit
    with pytest.raises(InputError, match=r"line 2: a quoted field opens here"):
        read_glossary(write(tmp_path, "long.csv", long_tail))


def test_quoted_csv_cells_over_several_lines_still_read_with_the_line_each_row_starts_on(tmp_path: Path) -> None:
    data = b'term,definition\nAgent,"A person,\nwho ""answers"" customers."\n\nCSAT,Satisfaction score\n'
    glossary = read_glossary(write(tmp_path, "multi.csv", data))
    assert [(e.term, e.definition, e.line) for e in glossary.entries] == [
        ("Agent", 'A person, who "answers" customers.', 2),
        ("CSAT", "Satisfaction score", 5),
    ]


def test_input_is_read_up_to_a_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"Agent\nA person who answers customers.\n" * 1000)
    with pytest.raises(InputError, match=r"big.txt: larger than the 1 KiB a glossary may be.*--max-size"):
        read_glossary(path, max_size=1024)
    assert read_glossary(path, max_size=1024 * 1024).entries[0].term == "Agent"


def test_an_endless_device_is_refused_once_past_the_limit() -> None:
    with pytest.raises(InputError, match=r"/dev/zero: larger than the 1 MiB"):
        read_glossary(Path("/dev/zero"), max_size=1024 * 1024)


def test_sizes_are_given_in_bytes_or_with_a_unit() -> None:
    from cxgraph.errors import UsageError
    from cxgraph.glossary.decode import parse_size

    assert parse_size("50M") == parse_size("50MiB") == 50 * 1024 * 1024
    assert parse_size("200k") == 200 * 1024 and parse_size("2G") == 2 * 1024**3 and parse_size("1000") == 1000
    for bad in ("", "lots", "-1", "0", "5T"):
        with pytest.raises(UsageError, match="--max-size"):
            parse_size(bad)
