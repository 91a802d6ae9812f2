"""Build the documentation site into `_docs/`, and `README.md` from `nbs/index.ipynb`, without Quarto.

1. Execute every notebook (a copy: `nbs/` is never written) with nbconvert, so pages show real outputs and plots;
   widgets (the examples' progress bars) become static HTML of their last state (`tools/docs_widgets.py`).
2. Run nbdev's own docs processors on the executed copies: they drop `#| hide` and exported cells, turn the title
   cell into front matter and add an API entry (`show_doc`) for every public name. The entries are rendered by
   `tools/docs_api.py` (signatures as Python reads them, an argument list, a heading that links can target).
3. Render each processed notebook to HTML with nbconvert and `tools/docs_template` (JupyterLab's layout plus a
   sidebar with the pages and a search box), named as Quarto would name it (`nbs/10_nn_linear.ipynb` ->
   `_docs/nn_linear.html`); then, over all pages at once (`tools/docs_site.py`), link every mention of a public
   name to its entry, fill each page's "On this page" list, and write the search records (`_docs/search.json`).
4. Render the processed index to Markdown as `README.md`.

`tools/check_docs.py` then checks the links and the search (`make docs` runs both).

Run from anywhere: python tools/build_docs.py [--jobs N] [--keep DIR | --render-only DIR]
"""

import argparse
import html
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docs_api  # noqa: E402  (tools/ is not a package)
import docs_site  # noqa: E402
import docs_widgets  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT / "nbs"
DOCS = ROOT / "_docs"
TEMPLATE = Path(__file__).resolve().parent / "docs_template"
PROJECT = "equinox"
SECTIONS = [
    ("", lambda rel: rel.parent == Path(".") and not rel.name[0].isdigit()),
    ("Library", lambda rel: rel.parent == Path(".") and rel.name[0].isdigit()),
    ("Examples", lambda rel: rel.parts[0] == "examples"),
]


def notebooks():
    "Every notebook nbdev would test, as paths relative to nbs/, index first, then in file order."
    found = [
        p.relative_to(NBS)
        for p in NBS.rglob("*.ipynb")
        if not any(part.startswith(("_", ".")) for part in p.relative_to(NBS).parts)
        and ".ipynb_checkpoints" not in p.parts
    ]
    return sorted(found, key=lambda rel: (rel.name != "index.ipynb", len(rel.parts), str(rel)))


def page_name(rel: Path) -> Path:
    "Quarto's output name: numeric prefixes dropped, .html."
    return rel.with_name(re.sub(r"^\d+_", "", rel.stem) + ".html")


def execute(rel: Path, out_dir: str) -> str:
    from nbconvert.preprocessors import ExecutePreprocessor

    nb = nbformat.read(NBS / rel, as_version=4)
    ExecutePreprocessor(timeout=900, kernel_name="python3").preprocess(
        nb, {"metadata": {"path": str((NBS / rel).parent)}}
    )
    docs_widgets.freeze(nb, f"nbs/{rel}")
    dst = Path(out_dir) / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dst)
    return str(rel)


def exported_module(path: Path):
    "`equinox.nn.linear` for a notebook with `#| default_exp nn.linear`; None for one that exports nothing."
    for cell in nbformat.read(path, as_version=4).cells:
        found = re.search(r"^#\|\s*default_exp\s+(\S+)", cell.source, flags=re.M) if cell.cell_type == "code" else None
        if found:
            return f"{PROJECT}.{found.group(1)}"
    return None


def process(rel: Path, executed_dir: str, out_dir: str) -> str:
    os.chdir(ROOT)  # nbdev reads settings.ini from here
    import copy
    from nbdev.processors import FilterDefaults, add_links, exec_show_docs, _show_docs
    from nbdev.serve_drv import exec_nb

    class ExecShowDocs(exec_show_docs):
        """nbdev re-runs every cell with an import to get the names `show_doc` needs. A cell that also does other work
        can fail there (it needs names from cells nbdev does not run): keep its executed outputs, and say so, rather
        than fail the build. A failing `show_doc` or exported cell still fails it."""

        def __call__(self, cell):
            outputs = copy.deepcopy(cell.get("outputs"))
            if cell.cell_type == "code":
                cell.source = docs_api.name_entries(cell.source)
            try:
                super().__call__(cell)
            except Exception as error:
                if cell.directives_.keys() & {"export", "exports", "exporti", "exec_doc"} or _show_docs(cell.parsed_()):
                    raise
                cause = error.__cause__ or error
                first_line = cell.source.strip().splitlines()[0][:80]
                print(
                    f"warning: nbs/{rel}: the cell starting {first_line!r} mixes imports with other code and failed "
                    f"when nbdev re-ran it ({type(cause).__name__}: {cause}); its executed outputs are kept. "
                    f"Put the imports in a cell of their own.",
                    file=sys.stderr,
                )
                if outputs is not None:
                    cell.outputs = outputs
                self.k.exc = None

    class SiteProcessors(FilterDefaults):
        "nbdev's, less its links to the published site (docs_site.link_names links names to the local pages)."

        def base_procs(self):
            return [
                ExecShowDocs if proc is exec_show_docs else proc
                for proc in super().base_procs()
                if proc is not add_links
            ]

    docs_api.use_on_site(exported_module(Path(executed_dir) / rel))
    dst = Path(out_dir) / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    exec_nb(Path(executed_dir) / rel, dst, SiteProcessors)
    return str(rel)


def front_matter(nb):
    "Title and description from the raw front-matter cell that nbdev writes, which is then removed."
    if nb.cells and nb.cells[0].cell_type == "raw" and nb.cells[0].source.startswith("---"):
        meta = yaml.safe_load(nb.cells[0].source.strip().strip("-")) or {}
        nb.cells = nb.cells[1:]
        return meta.get("title", ""), meta.get("description", "")
    return "", ""


def tidy(nb):
    "Honour the directives Quarto would (`echo: false`), and drop directive lines from the code shown."
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("<!-- WARNING"):
            continue
        if cell.cell_type == "code":
            lines = cell.source.splitlines()
            directives = [l for l in lines if l.startswith("#|")]
            if any(re.match(r"#\|\s*echo:\s*false", d) for d in directives):
                cell.metadata.setdefault("tags", []).append("remove_input")
            cell.source = "\n".join(l for l in lines if not l.startswith("#|")).strip("\n")
            if not cell.source and not cell.get("outputs"):
                continue
        cells.append(cell)
    nb.cells = cells


def inline(text: str) -> str:
    "Titles and descriptions are Markdown on one line: escape them and render `code`."
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def plain(text: str) -> str:
    "A title for the browser's tab: no Markdown."
    return re.sub(r"`([^`]+)`", r"\1", text)


def render(processed_dir: Path, pages):
    from nbconvert import HTMLExporter, MarkdownExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = {"remove_input"}
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    html_exporter = HTMLExporter(
        config=config, extra_template_basedirs=[str(TEMPLATE.parent)], template_name=TEMPLATE.name
    )
    titles = {}
    notebooks_by_rel = {}
    for rel in pages:
        nb = nbformat.read(processed_dir / rel, as_version=4)
        title, description = front_matter(nb)
        tidy(nb)
        titles[rel] = inline(title or rel.stem)
        tab = plain(title or rel.stem)
        nb.metadata["title"] = tab if tab == PROJECT else f"{tab} – {PROJECT}"
        notebooks_by_rel[rel] = (nb, title, description)
    sections = []
    for name, belongs in SECTIONS:
        members = [rel for rel in pages if belongs(rel)]
        if members:
            sections.append(
                {"name": name, "pages": [{"href": page_name(r).as_posix(), "title": titles[r]} for r in members]}
            )
    DOCS.mkdir(exist_ok=True)
    rendered = {}
    for rel, (nb, title, description) in notebooks_by_rel.items():
        depth = len(rel.parts) - 1
        resources = {
            "eqx_sections": sections,
            "eqx_page": page_name(rel).as_posix(),
            "eqx_root": "../" * depth,
            "eqx_title": inline(title),
            "eqx_description": inline(description),
            "eqx_source": rel.as_posix(),
        }
        page, _ = html_exporter.from_notebook_node(nb, resources=resources)
        rendered[page_name(rel).as_posix()] = (docs_site.parse(page), plain(title or rel.stem))
    finish_pages(rendered)
    index_nb, title, description = notebooks_by_rel[Path("index.ipynb")]
    markdown_config = Config()
    markdown_config.TagRemovePreprocessor.enabled = True
    markdown_config.TagRemovePreprocessor.remove_input_tags = {"remove_input"}
    body, _ = MarkdownExporter(config=markdown_config).from_notebook_node(index_nb)
    readme = f"# {title}\n\n> {description}\n\n" + re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    (ROOT / "README.md").write_text(readme, encoding="utf-8")
    print("  README.md")


def finish_pages(rendered: dict):
    """Link every mention of a public name to its entry, fill each page's contents list, write the pages, the
    search records and the search client. `rendered`: page path (as in the sidebar) -> (parsed page, title)."""
    for soup, _ in rendered.values():
        docs_site.unique_ids(soup)
    index = docs_site.build_index({href: soup for href, (soup, _) in rendered.items()})
    records, links = [], 0
    for href, (soup, title) in rendered.items():
        links += docs_site.link_names(soup, href, index)
        docs_site.add_contents(soup)
        records += docs_site.search_records(soup, href, title)
        target = DOCS / href
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(soup), encoding="utf-8")
        print(f"  {target.relative_to(ROOT)}")
    docs_site.write_search(DOCS, records)
    shutil.copy(TEMPLATE / "search.js", DOCS / "search.js")
    entries = sum(len(docs_site.api_entries(soup)) for soup, _ in rendered.values())
    print(
        f"  {entries} API entries ({len(index)} spellings of their names), {links} mentions linked to them; "
        f"{len(records)} search records"
    )


def run_step(step: str, rel: Path, *dirs: str) -> str:
    "Run one step for one notebook in a fresh Python process, so notebooks cannot affect each other."
    result = subprocess.run([sys.executable, __file__, "--step", step, str(rel), *dirs], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{step} failed for nbs/{rel}:\n{result.stdout}\n{result.stderr}")
    for line in result.stderr.splitlines():
        if line.startswith("warning: "):
            print(f"  {line}")
    return str(rel)


def build(pages, jobs: int, work: Path):
    "Execute and process every notebook into `work`, then render the site."
    executed, processed = str(work / "executed"), str(work / "processed")
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        print(f"executing {len(pages)} notebooks")
        for done in pool.map(lambda rel: run_step("execute", rel, executed), pages):
            print(f"  {done}")
        print("processing with nbdev")
        list(pool.map(lambda rel: run_step("process", rel, executed, processed), pages))
    build_site(Path(processed), pages)


def build_site(processed: Path, pages):
    print("rendering")
    if DOCS.exists():
        shutil.rmtree(DOCS)
    render(processed, pages)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at once (default 2)")
    parser.add_argument("--keep", metavar="DIR", help="keep the executed and processed notebooks in DIR")
    parser.add_argument("--render-only", metavar="DIR", help="only render, from the notebooks a --keep DIR build left")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)  # internal: one step for one notebook
    args = parser.parse_args()
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    os.chdir(ROOT)
    if args.step:
        step, rel, *dirs = args.step
        {"execute": execute, "process": process}[step](Path(rel), *dirs)
        return 0
    pages = notebooks()
    if args.render_only:
        build_site(Path(args.render_only) / "processed", pages)
    elif args.keep:
        build(pages, args.jobs, Path(args.keep))
    else:
        with tempfile.TemporaryDirectory() as work:
            build(pages, args.jobs, Path(work))
    print(f"site: {DOCS / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
