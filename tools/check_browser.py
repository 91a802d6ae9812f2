"""Check the built site in headless Chromium, the way a reader meets it, and take screenshots to look at.

`tools/check_docs.py` reads the HTML; this loads it. The site in `_docs/` is served on localhost and every page is
opened at a desktop width and at a phone width, and it fails on:

- a script error, or a message the page logs as an error;
- a request that fails, or that leaves localhost (the site must work offline);
- a page whose tab title is not its own, or that has no viewport tag;
- a page whose own link in the sidebar is not on screen when it opens (the list of pages scrolls);
- at phone width, a page wider than the screen (wide code and tables must scroll inside themselves);
- a link in the page as the browser built it that leads to no page of the site, or to no anchor on it;
- the search: typing `filter_jit` in the search box of the index must list its API entry first, and Enter must
  open that entry (at both widths).

Screenshots of the index, an API page and an example, at both widths (and of the search's results), go to
`--shots` (default `_screenshots/`).

Needs Chromium (Debian: `apt-get install chromium`; `--chromium PATH` for another) and Playwright, which drives it:
`make docs-browser` installs Playwright (the `browser` extra) and runs this after `make docs`. Playwright's own
browser download is not needed. Exits 1 on any problem, listing each; 2 when Chromium or Playwright is missing.

Run: python tools/check_browser.py [--docs DIR] [--shots DIR] [--chromium PATH]
"""

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SHOTS = {"index": "index.html", "api": "transforms_jit.html", "example": "examples/train_mlp.html"}
SEARCH = ("filter_jit", "transforms_jit.html#filter_jit")
# Flags that keep a headless Chromium quiet on a machine without a network (no update checks, no sign-in, ...).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a small /dev/shm
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    "Serve `directory` on a free localhost port, in a thread; returns the server and its base URL."
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def find_chromium(given):
    if given:
        return given if Path(given).exists() or shutil.which(given) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


# What a page reports about itself, read in the page once its scripts have run.
INSPECT = """() => ({
    title: document.title,
    heading: (document.querySelector('.eqx-title h1') || {}).textContent || '',
    viewport: !!document.querySelector('meta[name=viewport]'),
    width: document.documentElement.scrollWidth,
    screen: window.innerWidth,
    ids: Array.from(document.querySelectorAll('[id]'), e => e.id)
        .concat(Array.from(document.querySelectorAll('a[name]'), e => e.name)),
    links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
    // The current page's link in the sidebar: on screen, and not scrolled out of the list that holds it.
    current: (() => {
        const link = document.querySelector('.eqx-sidebar a.eqx-current');
        if (!link) return 'missing';
        const r = link.getBoundingClientRect();
        if (r.top < -1 || r.bottom > window.innerHeight + 1) return 'off screen';
        for (let box = link.parentElement; box && box !== document.body; box = box.parentElement) {
            const b = box.getBoundingClientRect();
            if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(box).overflowY) && (r.top < b.top - 1 || r.bottom > b.bottom + 1))
                return 'scrolled out of its list';
        }
        return '';
    })(),
    // What sticks out of the screen without a scrolling box around it: the cause of a page too wide.
    wide: Array.from(document.querySelectorAll('body *'))
        .filter(e => {
            if (e.getBoundingClientRect().right <= window.innerWidth + 1) return false;
            for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false;
            }
            return true;
        })
        .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')),
})"""


class Visit:
    "Opens pages in one browser context, recording script errors and requests that fail or leave localhost."

    def __init__(self, browser, base: str, width: str, viewport: dict):
        self.base, self.width, self.problems, self.page_name, self.blocked = base, width, [], "", set()
        self.context = browser.new_context(viewport=viewport)
        self.context.route("**/*", self.route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.problem(f"script error: {error}"))
        self.page.on("console", self.console)
        self.page.on("requestfailed", self.failed)
        self.page.on("response", self.response)

    def problem(self, text: str):
        self.problems.append(f"{self.page_name} ({self.width}): {text}")

    def route(self, route):
        if route.request.url.startswith(self.base) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.problem(f"request leaves the site: {route.request.url}")
            self.blocked.add(route.request.url)
            route.abort()

    def failed(self, request):
        if request.url not in self.blocked:  # a blocked request is reported once, above
            self.problem(f"request failed: {request.url} ({request.failure})")

    def console(self, message):
        # Chromium logs each failed request as an error too; those are reported with their URL above.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problem(f"console error: {message.text}")

    def response(self, response):
        if response.status >= 400:
            self.problem(f"HTTP {response.status} for {response.url}")

    def open(self, page: str):
        self.page_name = page
        self.page.goto(self.base + page, wait_until="load")
        return self.page.evaluate(INSPECT)


def check_page(visit: Visit, page: str, width: str, anchors: dict, links: list):
    seen = visit.open(page)
    heading = " ".join(seen["heading"].split())
    expected = "equinox" if page == "index.html" else f"{heading} – equinox"
    if seen["title"] != expected:
        visit.problem(f"tab title {seen['title']!r}, expected {expected!r}")
    if not seen["viewport"]:
        visit.problem("no <meta name=viewport>")
    if seen["current"]:
        visit.problem(f"the sidebar's link to this page is {seen['current']}")
    if width == "phone" and seen["width"] > seen["screen"] + 1:
        visit.problem(
            f"{seen['width']}px wide on a {seen['screen']}px screen (first wide elements: {', '.join(seen['wide'])})"
        )
    if width == "desktop":
        anchors[page] = set(seen["ids"])
        links += [(page, link) for link in seen["links"]]


def check_links(base: str, pages: set, anchors: dict, links: list) -> list:
    problems = []
    for page, link in links:
        url, fragment = urldefrag(link)
        if not url.startswith(base):
            if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname in ("127.0.0.1", "localhost"):
                problems.append(f"{page}: link to another local server: {link}")
            continue  # a link out of the site (github, jax docs, ...): not ours to check offline
        target = unquote(url[len(base) :]) or "index.html"
        if target not in pages:
            problems.append(f"{page}: link to {target!r}, which is not a page of the site")
        elif fragment and unquote(fragment) not in anchors[target]:
            problems.append(f"{page}: link to {target}#{fragment}, which has no such anchor")
    return problems


def check_search(visit: Visit, width: str, shots: Path):
    query, expected = SEARCH
    visit.open("index.html")
    visit.page_name = "index.html, searching"
    box = visit.page.locator(".eqx-search input").first
    box.fill(query)
    first = visit.page.locator(".eqx-search ol a").first
    try:
        first.wait_for(timeout=5000)
    except Exception:
        visit.problem(f"searching {query!r} listed nothing")
        return
    href = first.get_attribute("href") or ""
    if not href.endswith(expected):
        visit.problem(f"searching {query!r} lists {href!r} first, expected {expected!r}")
    visit.page.screenshot(path=str(shots / f"search-{width}.png"))
    box.press("Enter")
    visit.page.wait_for_load_state("load")
    if not visit.page.url.endswith(expected):
        visit.problem(f"Enter in the search box opened {visit.page.url}, expected .../{expected}")
        return
    entry = visit.page.locator(f"#{expected.split('#')[1]}")
    if not entry.is_visible() or not entry.evaluate("e => e.getBoundingClientRect().top < window.innerHeight"):
        visit.problem(f"the entry {expected} is not on screen after Enter")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default=str(ROOT / "_docs"), help="the built site (default _docs/)")
    parser.add_argument("--shots", default=str(ROOT / "_screenshots"), help="where screenshots go")
    parser.add_argument("--chromium", help="the Chromium (or Chrome) executable (default: found on PATH)")
    args = parser.parse_args()
    docs, shots = Path(args.docs), Path(args.shots)
    if not (docs / "index.html").exists():
        print(f"no site in {docs}: run `make docs` first", file=sys.stderr)
        return 2
    chromium = find_chromium(args.chromium)
    if chromium is None:
        print(
            "no Chromium found: install it (Debian: apt-get install chromium) or pass --chromium PATH",
            file=sys.stderr,
        )
        return 2
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print('Playwright is not installed: pip install -e ".[browser]" (or run `make docs-browser`)', file=sys.stderr)
        return 2
    shots.mkdir(parents=True, exist_ok=True)
    pages = {p.relative_to(docs).as_posix() for p in docs.rglob("*.html")}
    server, base = serve(docs)
    problems, anchors, links = [], {}, []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            for width, viewport in WIDTHS.items():
                visit = Visit(browser, base, width, viewport)
                for page in sorted(pages):
                    check_page(visit, page, width, anchors, links)
                    for name, shot in SHOTS.items():
                        if shot == page:
                            visit.page.screenshot(path=str(shots / f"{name}-{width}.png"))
                check_search(visit, width, shots)
                problems += visit.problems
                visit.context.close()
            browser.close()
    finally:
        server.shutdown()
    problems += check_links(base, pages, anchors, links)
    internal = sum(1 for _, link in links if link.startswith(base))
    widths = " and ".join(f"{name} ({viewport['width']}px)" for name, viewport in WIDTHS.items())
    print(
        f"{len(pages)} pages opened at {widths} in "
        f"{Path(chromium).name}; {internal} internal links followed; search for {SEARCH[0]!r} checked; "
        f"screenshots in {shots}"
    )
    for problem in problems:
        print(f"  problem: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
