"""``cxgraph site``: every page is there, no internal link is broken, and a real nginx with the
shipped include answers every concept IRI with HTML for browsers and with RDF for RDF clients.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pyoxigraph as ox
import pytest

from cxgraph.namespaces import CXG
from cxgraph.pipeline import complete_store
from cxgraph.publish.model import build_site_model
from cxgraph.publish.site import RDF_FORMATS, build_site

from .conftest import skip_or_fail

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
#: The scheme plus three concepts: one with an acronym, one with narrower concepts, one leaf.
SAMPLES = ("vocabulary", "customer-satisfaction-score", "support-tier", "average-handle-time")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return complete_store()


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, store: ox.Store, port: int) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(store, out, base_url=f"http://127.0.0.1:{port}/")
    return out


def start_nginx(site: Path, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    """nginx in the foreground, serving ``site`` with the include the site ships."""
    if not Path(NGINX).exists():
        skip_or_fail("nginx is not installed (apt-get install nginx)")
    for sub in ("logs", "tmp"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {workdir}/tmp/body;
    proxy_temp_path {workdir}/tmp/proxy;
    fastcgi_temp_path {workdir}/tmp/fastcgi;
    uwsgi_temp_path {workdir}/tmp/uwsgi;
    scgi_temp_path {workdir}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {site}/nginx-cxgraph.conf;
    }}
}}
"""
    )
    process = subprocess.Popen([NGINX, "-p", str(workdir), "-c", str(conf)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"nginx exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError("nginx did not start listening")


@pytest.fixture(scope="module")
def nginx(site: Path, port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process = start_nginx(site, port, tmp_path_factory.mktemp("nginx"))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fetch(url: str, accept: str | None) -> tuple[int, str, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, headers.get("content-type", ""), response.read(), headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read(), {}


# --- the files --------------------------------------------------------------------------------


def test_every_concept_and_collection_has_a_page_and_its_rdf(site: Path, store: ox.Store) -> None:
    model = build_site_model(store)
    assert len(model.entries) > 100
    for iri in [*model.entries, *model.collections]:
        slug = iri[len(CXG) :]
        assert (site / f"{slug}.html").is_file(), slug
        for ext in RDF_FORMATS:
            assert (site / f"{slug}.{ext}").stat().st_size > 0, (slug, ext)
    for page in ("index.html", "vocabulary.html", "browse/a-z.html", "browse/hierarchy.html",
                 "browse/collections.html", "assets/search-index.js", "assets/site.js", "assets/site.css",
                 "nginx-cxgraph.conf", ".htaccess", "w3id.htaccess", "downloads/cxgraph.html"):
        assert (site / page).is_file(), page


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            elif name == "id":
                self.ids.add(value)


def test_no_broken_internal_link(site: Path) -> None:
    parsed: dict[Path, _Links] = {}
    for page in site.rglob("*.html"):
        if page.name == "cxgraph.html":
            continue  # the graph view: its links are fragments it resolves itself
        p = _Links()
        p.feed(page.read_text(encoding="utf-8"))
        parsed[page] = p
    assert len(parsed) > 100
    broken: list[str] = []
    checked = 0
    for page, p in parsed.items():
        for link in p.links:
            if urlsplit(link).scheme or link.startswith("//") or link.startswith("mailto:"):
                continue
            path, fragment = urldefrag(link)
            target = (page.parent / unquote(path)).resolve() if path else page
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} → {link}")
            elif fragment and target.suffix == ".html" and target.name != "cxgraph.html":
                ids = parsed[target].ids if target in parsed else set()
                if fragment not in ids:
                    broken.append(f"{page.relative_to(site)} → {link} (no #{fragment})")
    assert checked > 1000
    assert not broken, broken[:20]


def test_concept_page_content(site: Path) -> None:
    html = (site / "customer-satisfaction-score.html").read_text(encoding="utf-8")
    assert "<h1 id=\"label\">Customer Satisfaction Score" in html and "CSAT" in html
    for ext, (media_type, _, _) in RDF_FORMATS.items():
        assert f'<link rel="alternate" type="{media_type}" href="customer-satisfaction-score.{ext}">' in html
    assert 'href="downloads/cxgraph.html#customer-satisfaction-score"' in html
    assert 'href="survey-metric.html"' in html  # broader
    assert "Measured by" in html and 'href="customer-satisfaction-survey.html"' in html
    assert "Where sources disagree" in html and "percentage" in html  # notes and facts
    assert "Definitions in other languages" in html and '<dd lang="pt-BR">' in html and "Español" in html
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    term = json.loads(html[start : html.index("</script>", start)])
    assert term["@type"] == "DefinedTerm" and term["name"] == "Customer Satisfaction Score"
    assert term["description"].startswith("Survey metric") and "CSAT" in term["alternateName"]
    assert term["inDefinedTermSet"]["@id"] == CXG + "vocabulary"


def test_home_page(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    for text in ("0.3.0", "creativecommons.org/licenses/by/4.0", "The cxgraph project", "English",
                 "Top concepts", "text/turtle", "application/ld+json", "What changed", "new concepts"):
        assert text in html, text
    assert 'href="downloads/cxgraph.ttl"' in html


def test_a_to_z_has_see_entries(site: Path) -> None:
    html = (site / "browse" / "a-z.html").read_text(encoding="utf-8")
    assert 'CSAT <em>see</em> <a href="../customer-satisfaction-score.html">' in html


# --- content negotiation through nginx --------------------------------------------------------


@pytest.mark.parametrize("slug", SAMPLES)
@pytest.mark.parametrize("ext", list(RDF_FORMATS))
def test_nginx_answers_rdf_clients(nginx: str, slug: str, ext: str) -> None:
    media_type, fmt, _ = RDF_FORMATS[ext]
    status, content_type, body, headers = fetch(f"{nginx}/{slug}", media_type)
    assert status == 200
    assert content_type.split(";")[0] == media_type
    assert "Accept" in headers.get("vary", "")
    triples = list(ox.parse(body, format=fmt))
    iri = CXG + slug
    assert any(t.subject == ox.NamedNode(iri) for t in triples), (slug, ext)


@pytest.mark.parametrize("slug", SAMPLES)
def test_nginx_answers_browsers_with_html(nginx: str, slug: str) -> None:
    for accept in (BROWSER_ACCEPT, None, "*/*"):
        status, content_type, body, _ = fetch(f"{nginx}/{slug}", accept)
        assert status == 200 and content_type.startswith("text/html"), (slug, accept)
        assert b'<h1 id="label">' in body


def test_nginx_namespace_root_and_files(nginx: str) -> None:
    status, content_type, body, _ = fetch(f"{nginx}/", "text/turtle")
    assert status == 200 and content_type.startswith("text/turtle")
    assert len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) > 1000
    status, content_type, _, _ = fetch(f"{nginx}/", BROWSER_ACCEPT)
    assert status == 200 and content_type.startswith("text/html")
    status, content_type, _, _ = fetch(f"{nginx}/customer-satisfaction-score.jsonld", None)
    assert status == 200 and content_type.startswith("application/ld+json")


def test_nginx_unknown_concept_is_404(nginx: str) -> None:
    for accept in (BROWSER_ACCEPT, "text/turtle", "application/ld+json"):
        status, _, _, _ = fetch(f"{nginx}/no-such-concept", accept)
        assert status == 404


def test_cli_site(cli: object, tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = cli("site", "--out", str(out), "--base-url", "https://example.org/vocab/", "-q")  # type: ignore[operator]
    assert done.returncode == 0, done.stderr
    assert (out / "index.html").is_file()
    rules = (out / "nginx-cxgraph.conf").read_text()
    assert "^/vocab/(?<cxgraph_slug>" in rules
    assert "RewriteBase /vocab/" in (out / ".htaccess").read_text()


def test_a_rebuild_replaces_the_site_as_a_whole(store: ox.Store, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(store, out)
    (out / "retired-concept.html").write_text("<p>a page of a concept that no longer exists</p>", encoding="utf-8")
    build_site(store, out)
    assert not (out / "retired-concept.html").exists()
    assert (out / "index.html").is_file() and (out / "downloads" / "cxgraph.ttl").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.build-")]


def test_a_failed_build_leaves_the_previous_site_untouched(
    store: ox.Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cxgraph.publish.site as site_module

    out = tmp_path / "site"
    build_site(store, out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def broken(*_args: object) -> str:
        raise RuntimeError("the search index could not be written")

    monkeypatch.setattr(site_module._Site, "search_index", broken)
    with pytest.raises(RuntimeError):
        build_site(store, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.build-")]
