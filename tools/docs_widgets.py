"""Jupyter widgets on a static page: the progress bars of the examples (tqdm draws them as widgets in Jupyter).

A widget's output in a notebook holds only a reference to a model that lives in the kernel; the page would need
JavaScript from the network to draw it, and would show the widget's state when it was *created* (a bar at 0%). The
executed notebook also records every model's last state (nbclient stores it in the notebook's metadata), so the
build replaces each widget output by static HTML of its last state: a finished bar, with its text, the loss
included. Only the models progress bars are made of are drawn; any other widget keeps its text form, with a
warning.
"""

import html
import re
import sys

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
BOXES = {"HBoxModel": "row", "VBoxModel": "column", "BoxModel": "row"}
TEXTS = {"HTMLModel", "LabelModel"}
BARS = {"FloatProgressModel", "IntProgressModel"}


class Unsupported(Exception):
    "A widget this module does not draw."


def _html(models: dict, model_id: str) -> str:
    model = models.get(model_id)
    if model is None:
        raise Unsupported(f"model {model_id} has no recorded state")
    name, state = model["model_name"], model["state"]
    if name in BOXES:
        children = [_html(models, child.removeprefix("IPY_MODEL_")) for child in state.get("children", [])]
        return f'<div class="eqx-widget-box eqx-widget-{BOXES[name]}">{"".join(children)}</div>'
    if name in TEXTS:
        # An HTML widget's value is HTML already (tqdm escapes what it shows); a Label's is text.
        value = state.get("value", "")
        return f'<span class="eqx-widget-text">{value if name == "HTMLModel" else html.escape(value)}</span>'
    if name in BARS:
        style = state.get("bar_style") or ""
        low, high, value = state.get("min", 0), state.get("max", 100), state.get("value", 0)
        return (
            f'<progress class="eqx-widget-bar{" eqx-widget-" + style if style else ""}" '
            f'max="{high - low:g}" value="{value - low:g}"></progress>'
        )
    raise Unsupported(f"{name} widgets are not drawn on the site")


def _text(markup: str) -> str:
    "The text form of the drawn widget, for outputs that are not HTML (README.md)."
    text = re.sub(r"<progress[^>]*></progress>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\u2007", " ").strip()


def freeze(nb, where: str = "") -> int:
    """Replace every widget output of the executed notebook `nb` by HTML of the widget's last state; drop the
    recorded states. Returns how many were replaced; prints a warning (`where`: the notebook) for any not drawn."""
    models = nb.metadata.get("widgets", {}).get(STATE, {}).get("state", {})
    replaced = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(VIEW)
            if view is None:
                continue
            try:
                markup = _html(models, view["model_id"])
            except Unsupported as error:
                print(f"warning: {where}: a widget output keeps its text form ({error})", file=sys.stderr)
                continue
            output["data"] = {"text/html": f'<div class="eqx-widget">{markup}</div>', "text/plain": _text(markup)}
            replaced += 1
    nb.metadata.pop("widgets", None)
    return replaced
