"""Check the built site in `_docs/`: every internal link reaches an existing page and, when it has one, an existing
`#anchor`; and the offline search finds the `filter_jit` entry.

Only the standard library's html.parser reads the pages, so this checks the HTML a browser gets, independently of
the code that wrote it. The search check runs the site's own client (`search.js`) under node when node is
installed, and otherwise checks the records the client searches.

Run after `tools/build_docs.py`: python tools/check_docs.py [--docs DIR]. Exits 1 on any problem, listing each.
"""
import argparse
import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

ROOT = Path(__file__).resolve().parent.parent
LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src"}
# The entries the search must find, and where each lives.
EXPECTED_SEARCHES = {"filter_jit": "transforms.html#filter_jit", "eqx.filter_jit": "transforms.html#filter_jit"}


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
                problems.append(f"{page}:{line}: <{tag}> links to {url!r}: {target.name} has no id {unquote(fragment)!r}")
    return problems, len(pages), checked


def run_client(docs: Path, query: str):
    "The urls the site's search client returns for `query`, best first (None without node)."
    node = shutil.which("node")
    if node is None:
        return None
    script = ("const s = require(process.argv[1]); const fs = require('fs');"
              "const records = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));"
              "console.log(JSON.stringify(s.search(s.buildIndex(records), process.argv[3], 5).map(r => r.url)));")
    result = subprocess.run([node, "-e", script, str((docs / "search.js").resolve()), str(docs / "search.json"), query],
                            capture_output=True, text=True, timeout=60)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "_docs", help="the built site (default _docs/)")
    args = parser.parse_args()
    if not (args.docs / "index.html").exists():
        print(f"check_docs: no site at {args.docs} (run tools/build_docs.py first)")
        return 1
    link_problems, pages, checked = check_links(args.docs)
    search_problems, how = check_search(args.docs)
    for problem in link_problems + search_problems:
        print(f"check_docs: {problem}")
    print(f"check_docs: {pages} pages, {checked} internal links, {len(link_problems)} broken; "
          f"search ({how}): {len(search_problems)} problems")
    return 1 if link_problems or search_problems else 0


if __name__ == "__main__":
    sys.exit(main())
