"""What the docs build adds to the rendered pages, once all of them exist: links from every mention of a public
name to its API entry, an "On this page" list, and the records of the offline search (`_docs/search.json`).

An API entry is the heading `ApiEntry` writes (`tools/docs_api.py`): `<h3 class="eqx-api" id=NAME
data-eqx-path=equinox.nn.NAME>`. The pages are parsed once each with BeautifulSoup (a dependency of nbconvert).
"""

import json
import posixpath
import re

from bs4 import BeautifulSoup, NavigableString

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# `nn.Linear` is how the pages write `equinox.nn.Linear` most often.
SHORT_NAMESPACES = {"equinox.nn": "nn."}


def parse(page_html: str) -> BeautifulSoup:
    return BeautifulSoup(page_html, "html.parser")


def content(soup):
    return soup.find("main", class_="eqx-content") or soup.body


def heading_text(heading) -> str:
    "A heading's words, without nbconvert's pilcrow anchor."
    return "".join(s for s in heading.find_all(string=True) if not s.find_parent("a", class_="anchor-link")).strip()


def unique_ids(soup) -> int:
    """Give every id on the page one owner. A section titled with a name (a heading `## Linear` in backticks) gets the same id from
    nbconvert as the entry `Linear`: the entry keeps it (links to a name go to its entry), the section is renamed
    (`Linear-2`), its pilcrow link with it. Returns the number of renamed elements."""
    by_id = {}
    for element in soup.find_all(id=True):
        by_id.setdefault(element["id"], []).append(element)
    taken, renamed = set(by_id), 0
    for name, elements in by_id.items():
        if len(elements) < 2:
            continue
        keeper = next((e for e in elements if "eqx-api" in (e.get("class") or [])), elements[0])
        for element in elements:
            if element is keeper:
                continue
            number = 2
            while f"{name}-{number}" in taken:
                number += 1
            element["id"] = new = f"{name}-{number}"
            taken.add(new)
            for anchor in element.find_all("a", class_="anchor-link", href=f"#{name}"):
                anchor["href"] = f"#{new}"
            renamed += 1
    return renamed


def api_entries(soup):
    "(anchor, public path) for every API entry on a page."
    return [
        (h["id"], h.get("data-eqx-path", h["id"])) for h in soup.find_all(HEADINGS, class_="eqx-api") if h.get("id")
    ]


def spellings(anchor: str, path: str):
    "Every way prose may write the name: `Linear`, `nn.Linear`, `eqx.nn.Linear`, `equinox.nn.Linear` (and with `()`)."
    namespace = path[: -len(anchor) - 1] if path.endswith("." + anchor) else ""
    prefixes = {"", namespace + "." if namespace else ""}
    if namespace == "equinox" or namespace.startswith("equinox."):
        prefixes.add("eqx" + namespace[len("equinox") :] + ".")
    prefixes.add(SHORT_NAMESPACES.get(namespace, ""))
    return {prefix + anchor for prefix in prefixes}


def build_index(pages: dict) -> dict:
    """Name -> {page: anchor} over all pages (`pages`: href -> soup, in sidebar order). A spelling that names two
    different objects (the same short name in two namespaces) is left out: a link must not guess."""
    index, owners = {}, {}
    for href, soup in pages.items():
        for anchor, path in api_entries(soup):
            for name in spellings(anchor, path):
                owners.setdefault(name, set()).add(path)
                index.setdefault(name, {}).setdefault(href, anchor)
    return {name: targets for name, targets in index.items() if len(owners[name]) == 1}


def _href(from_page: str, to_page: str, anchor: str) -> str:
    base = posixpath.dirname(from_page) or "."
    target = to_page if from_page != to_page else ""
    if target:
        target = posixpath.relpath(to_page, base)
    return f"{target}#{anchor}"


def _mentioned_name(code) -> str:
    "The name a `<code>` element mentions: `filter_jit`, or `filter_jit()`."
    text = code.get_text().strip()
    return text[:-2] if text.endswith("()") else text


def link_names(soup, page: str, index: dict) -> int:
    """Wrap every `<code>NAME</code>` outside code blocks, links and headings in a link to NAME's entry (on this page
    when it has one, else on the first page that does). Returns the number of links added."""
    added = 0
    for code in content(soup).find_all("code"):
        if code.find_parent(["pre", "a", *HEADINGS]) is not None:
            continue
        targets = index.get(_mentioned_name(code))
        if not targets:
            continue
        target_page = page if page in targets else next(iter(targets))
        link = soup.new_tag("a", href=_href(page, target_page, targets[target_page]), attrs={"class": "eqx-xref"})
        code.wrap(link)
        added += 1
    return added


def add_contents(soup) -> int:
    "Fill the page's `On this page` list from its h2 and h3 headings; with fewer than two, remove it."
    toc = soup.find(id="eqx-toc")
    if toc is None:
        return 0
    headings, section = [], None
    for heading in content(soup).find_all(["h2", "h3"]):
        if not heading.get("id"):
            continue
        # The entry of the name its section is titled with: the section's line in the list already leads there.
        if heading.name == "h3" and section is not None and heading_text(heading) == heading_text(section):
            continue
        section = heading if heading.name == "h2" else section
        headings.append(heading)
    if len(headings) < 2:
        toc.decompose()
        return 0
    title = soup.new_tag("h4")
    title.string = "On this page"
    toc.append(title)
    listing = soup.new_tag("ul")
    for heading in headings:
        item = soup.new_tag("li", attrs={"class": f"eqx-toc-{heading.name}"})
        link = soup.new_tag("a", href=f"#{heading['id']}")
        text = heading_text(heading)
        if "eqx-api" in (heading.get("class") or []):
            code = soup.new_tag("code")
            code.string = text
            link.append(code)
        else:
            link.string = text
        item.append(link)
        listing.append(item)
    toc.append(listing)
    return len(headings)


def _skipped(node) -> bool:
    "Text a reader does not search for: code cells' source, plain printed output, anchors, the footer."
    for parent in node.parents:
        classes = parent.get("class") or []
        if (
            "jp-InputArea-editor" in classes  # a code cell's source (a Markdown cell renders in jp-InputArea too)
            or "anchor-link" in classes
            or parent.name in ("script", "style", "footer")
            or parent.get("data-mime-type")
            in ("text/plain", "application/vnd.jupyter.stdout", "application/vnd.jupyter.stderr")
        ):
            return True
        if "eqx-content" in classes:
            return False
    return False


def search_records(soup, page: str, title: str) -> list:
    "One record per section (the text from one h1-h4 heading to the next): page title, heading, text, url."
    records = [{"title": title, "section": title, "url": page, "text": []}]
    for node in content(soup).descendants:
        if getattr(node, "name", None) in ("h1", "h2", "h3", "h4") and node.get("id"):
            if node.find_parent(class_="eqx-title") is not None:
                continue
            records.append(
                {
                    "title": title,
                    "section": heading_text(node),
                    "url": f"{page}#{node['id']}",
                    "text": [],
                    "api": "eqx-api" in (node.get("class") or []),
                }
            )
        elif getattr(node, "name", None) == "pre" and not _skipped(node):
            # A signature or a code block reads as one piece: `filter_jit(fun: Callable, *, ...)`, not its tokens
            # spaced apart.
            records[-1]["text"].append(node.get_text())
        elif isinstance(node, NavigableString) and node.strip() and not node.find_parent(HEADINGS):
            if not node.find_parent("pre") and not _skipped(node):
                records[-1]["text"].append(node.strip())
    for record in records:
        record["text"] = re.sub(r"\s+", " ", " ".join(record["text"])).strip()
        if not record.get("api"):
            record.pop("api", None)
    return [r for r in records if r["text"] or r["url"] != page]


def write_search(docs_dir, records: list):
    """`search.json` (the records) and `search_index.js` (the same, as a script: a page opened from disk may not
    fetch a file, but it may load a script)."""
    data = json.dumps(records, ensure_ascii=False, separators=(",", ":"))
    (docs_dir / "search.json").write_text(data, encoding="utf-8")
    (docs_dir / "search_index.js").write_text(f"window.EQX_SEARCH_RECORDS = {data};\n", encoding="utf-8")
