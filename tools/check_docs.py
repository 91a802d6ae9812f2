"""Check the built site in `_docs/`: every internal link reaches an existing page and, when it has one, an existing
`#anchor`; API entries show signatures as Python reads them (`*` kept, `jax.Array`, not `jaxlib._jax.Array`) and
argument lists; the offline search finds the `filter_jit` entry; and widgets (the examples' progress bars) are drawn,
finished, rather than left as references to a kernel that is gone.

Only the standard library's html.parser reads the pages, so this checks the HTML a browser gets, independently of
the code that wrote it. The search check runs the site's own client (`search.js`) under node when node is
installed, and otherwise checks the records the client searches.

Run after `tools/build_docs.py`: python tools/check_docs.py [--docs DIR]. Exits 1 on any problem, listing each.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src"}
# The entries the search must find, and where each lives.
EXPECTED_SEARCHES = {"filter_jit": "transforms_jit.html#filter_jit", "eqx.filter_jit": "transforms_jit.html#filter_jit"}


class PageParser(HTMLParser):
    "Collects a page's anchors (`id`, and `name` on `<a>`) and the links it makes."

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.anchors.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.anchors.add(attrs["name"])
        target = attrs.get(LINK_ATTRIBUTES.get(tag, ""))
        if target is not None:
            self.links.append((tag, target, self.getpos()[0]))


class EntryParser(HTMLParser):
    """Reads the API entries of a page (`<h3 class="eqx-api" id=NAME>`): for each, the text of its signature (the
    `<pre>` straight after it) and whether an argument list (`<ul>`) follows before the next heading."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.entries, self.current, self.in_pre, self.pre_done = {}, None, False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HEADINGS:
            self.current = None
            if "eqx-api" in (attrs.get("class") or "").split():
                self.current = attrs.get("id")
                self.entries[self.current] = {"signature": "", "list": False}
                self.pre_done = False
        elif self.current and tag == "pre" and not self.pre_done:
            self.in_pre = True
        elif self.current and tag == "ul":
            self.entries[self.current]["list"] = True
        signature_box = tag == "div" and attrs.get("class") == "highlight"
        if self.current and not self.in_pre and tag not in (*HEADINGS, "pre") and not signature_box:
            self.pre_done = True  # the signature comes straight after the heading, or there is none

    def handle_endtag(self, tag):
        if tag == "pre" and self.in_pre:
            self.in_pre, self.pre_done = False, True

    def handle_data(self, data):
        if self.in_pre:
            self.entries[self.current]["signature"] += data


# API entries whose rendering is pinned: page, entry, text its signature must contain, whether it lists arguments.
EXPECTED_ENTRIES = [
    ("transforms_jit.html", "filter_jit", "def filter_jit(fun: Callable, *, donate: str", True),
    ("nn_linear.html", "Linear.__call__", "def __call__(x: jax.Array, *, key: jax.Array | None = None)", True),
    ("nn_attention.html", "MultiheadAttention", "    dtype: Any = None,\n    *,\n    key: jax.Array,\n", True),
]
# Private module paths that must not show in any signature.
UNREADABLE = ("jaxlib.", "jax._src.", "<function ", " at 0x", "__main__.")


def check_entries(docs: Path):
    "(problems, entries seen) over the API entries of every page."
    problems, seen = [], 0
    parsed = {}
    for path in sorted(docs.rglob("*.html")):
        parser = EntryParser()
        parser.feed(path.read_text(encoding="utf-8"))
        page = path.relative_to(docs).as_posix()
        parsed[page] = parser.entries
        for name, entry in parser.entries.items():
            seen += 1
            for text in UNREADABLE:
                if text in entry["signature"]:
                    problems.append(f"{page}#{name}: the signature shows {text!r}: {entry['signature'].strip()[:120]}")
    for page, name, expected, lists in EXPECTED_ENTRIES:
        entry = parsed.get(page, {}).get(name)
        if entry is None:
            problems.append(f"{page} has no API entry {name!r}")
            continue
        if expected not in entry["signature"]:
            problems.append(f"{page}#{name}: the signature does not contain {expected!r}:\n{entry['signature']}")
        if lists and not entry["list"]:
            problems.append(f"{page}#{name}: no argument list (<ul>) under the entry")
    return problems, seen


def is_internal(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


def check_links(docs: Path):
    "(problems, pages, links checked) over every page under `docs`."
    pages = {}
    for path in sorted(docs.rglob("*.html")):
        parser = PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path.resolve()] = parser
    problems, checked = [], 0
    for path, parser in pages.items():
        page = path.relative_to(docs.resolve()).as_posix()
        for tag, url, line in parser.links:
            if not is_internal(url):
                continue
            checked += 1
            address, fragment = urldefrag(url)
            target = (path.parent / unquote(address)).resolve() if address else path
            if not target.exists():
                problems.append(f"{page}:{line}: <{tag}> links to {url!r}: no such file")
            elif fragment and target.suffix == ".html" and unquote(fragment) not in pages[target].anchors:
                problems.append(
                    f"{page}:{line}: <{tag}> links to {url!r}: {target.name} has no id {unquote(fragment)!r}"
                )
    return problems, len(pages), checked


def run_client(docs: Path, query: str):
    "The urls the site's search client returns for `query`, best first (None without node)."
    node = shutil.which("node")
    if node is None:
        return None
    script = (
        "const s = require(process.argv[1]); const fs = require('fs');"
        "const records = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));"
        "console.log(JSON.stringify(s.search(s.buildIndex(records), process.argv[3], 5).map(r => r.url)));"
    )
    result = subprocess.run(
        [node, "-e", script, str((docs / "search.js").resolve()), str(docs / "search.json"), query],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise RuntimeError(f"search.js failed under node:\n{result.stderr}")
    return json.loads(result.stdout)


def check_search(docs: Path):
    "(problems, how it was checked)."
    index_file = docs / "search.json"
    if not index_file.exists():
        return [f"no search index: {index_file} is missing"], "no index"
    records = json.loads(index_file.read_text(encoding="utf-8"))
    problems = []
    for field in ("title", "section", "url", "text"):
        if any(field not in record for record in records):
            problems.append(f"search.json: a record has no {field!r}")
    # A section may hold only code or hidden cells, but most hold prose: if most have no text, prose is not indexed.
    empty = [record["url"] for record in records if not record["text"]]
    if len(empty) > len(records) // 10:
        problems.append(f"search.json: {len(empty)} of {len(records)} records have no text (e.g. {empty[:3]})")
    for query, expected in EXPECTED_SEARCHES.items():
        if not any(record["url"] == expected for record in records):
            problems.append(f"search.json has no record for {expected} (the entry {query!r} should find)")
    try:
        found = {query: run_client(docs, query) for query in EXPECTED_SEARCHES}
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        return problems + [str(error)], "search.js under node"
    if None in found.values():
        return problems, "records only (node is not installed)"
    for query, urls in found.items():
        if not urls or urls[0] != EXPECTED_SEARCHES[query]:
            problems.append(f"searching {query!r} gives {urls[:3]}, not {EXPECTED_SEARCHES[query]} first")
    return problems, "search.js under node"


# Pages that train with a progress bar, which the build draws at its last state (tools/docs_widgets.py).
PROGRESS_PAGES = tuple(
    f"examples/{name}.html"
    for name in ("train_mlp", "frozen_layer", "train_rnn", "cnn_digits", "transformer_bytes", "batchnorm_resnet")
)


def check_widgets(docs: Path):
    """Problems with widgets: a page still holding a widget reference (it would show the widget's text form, a bar
    at 0%), or a training example whose progress bar is not drawn finished."""
    problems = []
    for path in sorted(docs.rglob("*.html")):
        if "application/vnd.jupyter.widget-view+json" in path.read_text(encoding="utf-8"):
            problems.append(f"{path.relative_to(docs).as_posix()}: a widget output was not drawn")
    for page in PROGRESS_PAGES:
        bars = re.findall(r'<progress[^>]*max="([^"]+)" value="([^"]+)"', (docs / page).read_text(encoding="utf-8"))
        if not bars:
            problems.append(f"{page}: no progress bar")
        elif any(high != value for high, value in bars):
            problems.append(f"{page}: a progress bar is drawn unfinished ({bars})")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "_docs", help="the built site (default _docs/)")
    args = parser.parse_args()
    if not (args.docs / "index.html").exists():
        print(f"check_docs: no site at {args.docs} (run tools/build_docs.py first)")
        return 1
    link_problems, pages, checked = check_links(args.docs)
    entry_problems, entries = check_entries(args.docs)
    search_problems, how = check_search(args.docs)
    widget_problems = check_widgets(args.docs)
    for problem in link_problems + entry_problems + search_problems + widget_problems:
        print(f"check_docs: {problem}")
    print(
        f"check_docs: {pages} pages, {checked} internal links, {len(link_problems)} broken; {entries} API entries, "
        f"{len(entry_problems)} problems; search ({how}): {len(search_problems)} problems; widgets: "
        f"{len(widget_problems)} problems"
    )
    return 1 if link_problems or entry_problems or search_problems or widget_problems else 0


if __name__ == "__main__":
    sys.exit(main())
