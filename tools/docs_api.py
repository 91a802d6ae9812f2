"""How an API entry (`show_doc`) is rendered on the site.

nbdev's renderer writes every signature as `def name(...)`, drops the keyword-only `*`, prints annotations as their
private module paths (`jaxlib._jax.Array`) and leaves the argument comments (docments) inside the code block.
`ApiEntry` replaces it while the docs build processes a notebook (`use_on_site`); notebooks themselves keep nbdev's.
An entry is:

    <h3 class="eqx-api" id="NAME" data-eqx-path="equinox.nn.NAME">NAME</h3>   (the target of every link to NAME)
    class NAME(a: int, *, key: jax.Array)                                     (a Python code block)
    the docstring, then **Arguments:** from the docments when the docstring has no such list, and **Returns:**.
"""

import builtins
import html
import inspect
import re
import types

from fastcore.docments import docments

WIDTH = 88  # a signature longer than this is written one parameter per line

# Annotations print as the name a user writes; the long ones are where a type really lives.
_TYPE_NAMES = [
    (re.compile(r"\b(?:jax\.)?jaxlib\.[\w.]*\.(?:Array|ArrayImpl)\b"), "jax.Array"),
    (re.compile(r"\b(?:jax\.)?jaxlib\.[\w.]*\.PyTreeDef\b"), "jax.tree_util.PyTreeDef"),
    (re.compile(r"\bjax\._src\.[\w.]*\.(Array|PRNGKeyArray|Shape|DTypeLike)\b"), r"jax.\1"),
    (re.compile(r"\bjax\._src\.[\w.]*\.(Mesh|NamedSharding|PartitionSpec|Sharding)\b"), r"jax.sharding.\1"),
    (re.compile(r"\b(?:typing|collections\.abc|types)\.(\w+)"), r"\1"),
    (re.compile(r"\bnumpy\."), "np."),
    (re.compile(r"\bequinox(?:\.\w+)*\.(\w+)\b"), r"\1"),
    # nbdev runs a notebook's exported cells in `__main__`: a class of the chapter itself reads as its name
    (re.compile(r"(?<![\w.])__main__\."), ""),
]


def type_name(annotation) -> str:
    "How `annotation` reads in a signature: `jax.Array | None`, `Callable[..., Any]`, `Module`."
    if isinstance(annotation, str):
        text = annotation
    elif isinstance(annotation, type) and not isinstance(annotation, types.GenericAlias):
        module = annotation.__module__
        text = annotation.__qualname__ if module == "builtins" else f"{module}.{annotation.__qualname__}"
    else:
        text = inspect.formatannotation(annotation)
    for pattern, short in _TYPE_NAMES:
        text = pattern.sub(short, text)
    return text.replace("NoneType", "None")


def default_text(value) -> str:
    "Functions and classes as their names (not `<function relu at 0x...>`), everything else as its repr."
    if inspect.isclass(value) or inspect.isfunction(value) or inspect.isbuiltin(value):
        return value.__name__ if getattr(builtins, value.__name__, None) is value else value.__qualname__
    name = getattr(value, "__name__", None)
    if callable(value) and isinstance(name, str):  # jax.nn.relu and other wrapped functions
        return name
    return repr(value)


def parameter_text(parameter: inspect.Parameter) -> str:
    star = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}.get(parameter.kind, "")
    text = star + parameter.name
    if parameter.annotation is not inspect.Parameter.empty:
        text += f": {type_name(parameter.annotation)}"
        if parameter.default is not inspect.Parameter.empty:
            text += f" = {default_text(parameter.default)}"
    elif parameter.default is not inspect.Parameter.empty:
        text += f"={default_text(parameter.default)}"
    return text


def signature_parts(sig: inspect.Signature) -> list:
    "The parameters as written in a `def`, with the `/` and `*` markers Python needs to read them the same way."
    parts, positional_only, star_written = [], False, False
    for parameter in sig.parameters.values():
        if parameter.name in ("self", "cls") and not parts and parameter.kind != inspect.Parameter.KEYWORD_ONLY:
            continue
        if positional_only and parameter.kind != inspect.Parameter.POSITIONAL_ONLY:
            parts.append("/")
            positional_only = False
        if parameter.kind == inspect.Parameter.POSITIONAL_ONLY:
            positional_only = True
        if parameter.kind == inspect.Parameter.VAR_POSITIONAL:
            star_written = True
        if parameter.kind == inspect.Parameter.KEYWORD_ONLY and not star_written:
            parts.append("*")
            star_written = True
        parts.append(parameter_text(parameter))
    if positional_only:
        parts.append("/")
    return parts


def signature_text(name: str, sig: inspect.Signature, prefix: str = "") -> str:
    "`prefix name(params) -> return`, on one line when it fits and one parameter per line when not."
    parts = signature_parts(sig)
    returns = "" if sig.return_annotation is inspect.Signature.empty else f" -> {type_name(sig.return_annotation)}"
    one_line = f"{prefix}{name}({', '.join(parts)}){returns}"
    if len(one_line) <= WIDTH or not parts:
        return one_line
    return f"{prefix}{name}(\n" + "".join(f"    {part},\n" for part in parts) + f"){returns}"


_NOTEBOOK_MODULE = None  # the module the notebook being processed exports to (`#| default_exp`)


def public_path(sym, qualname=None) -> str:
    """Where users reach `sym`, shown as `qualname` (default its own): `equinox.filter_jit`, `equinox.nn.Linear`,
    `equinox.nn.LayerNorm.__call__` (an inherited method, documented under the subclass). nbdev runs a notebook's
    exported cells in `__main__`, so a name defined there is looked up as its exported twin's."""
    import importlib

    qualname = qualname or getattr(sym, "__qualname__", getattr(sym, "__name__", ""))
    module = getattr(sym, "__module__", None) or ""
    if module == "__main__" and _NOTEBOOK_MODULE:
        module = _NOTEBOOK_MODULE
    owner_name = qualname.partition(".")[0]
    if module.startswith("equinox"):
        for candidate in ("equinox", "equinox.nn", module):
            try:
                namespace = importlib.import_module(candidate)
            except ImportError:
                continue
            owner = getattr(namespace, owner_name, None)
            if owner is not None and getattr(owner, "__module__", "").startswith("equinox"):
                return f"{candidate}.{qualname}"
    return f"{module}.{qualname}" if module and module != "__main__" else qualname


def _signature(sym):
    try:
        return inspect.signature(sym, eval_str=True)
    except (ValueError, TypeError, NameError):
        try:
            return inspect.signature(sym)
        except (ValueError, TypeError):
            return None


def _docstring(sym) -> str:
    doc = inspect.getdoc(sym) or ""
    if inspect.isclass(sym) and doc == inspect.getdoc(object):
        return ""
    return doc


def _argument_list(sym, sig, doc: str) -> str:
    "The docments comments (`x: int,  # what x is`) as a Markdown list, unless the docstring has its own."
    if sig is None or re.search(r"\*\*(Arguments|Parameters):?\*\*", doc):
        return ""
    try:
        comments = docments(sym, full=True)
    except Exception:  # a builtin or a signature docments cannot read: the signature alone is shown
        return ""
    lines = []
    for name, parameter in sig.parameters.items():
        comment = (comments.get(name) or {}).get("docment")
        if comment and name not in ("self", "cls"):
            star = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}.get(parameter.kind, "")
            lines.append(f"- `{star}{name}`: {comment}")
    text = "**Arguments:**\n\n" + "\n".join(lines) if lines else ""
    returned = (comments.get("return") or {}).get("docment")
    if returned:
        text += f"\n\n**Returns:** {returned}"
    return text


class ApiEntry:
    "Renders `show_doc(sym)` for the site; the same constructor arguments as nbdev's renderer."

    def __init__(self, sym, name=None, title_level=3, maxline=WIDTH):
        self.path = public_path(sym, name)  # before unwrapping: users reach the wrapper
        if not hasattr(sym, "__signature__"):
            sym = getattr(sym, "__wrapped__", sym)
        sym = getattr(sym, "fget", None) or sym  # a property documents its getter
        self.sym, self.title_level = sym, title_level
        self.name = name or getattr(sym, "__qualname__", None) or getattr(sym, "__name__", None) or repr(sym)

    def heading(self) -> str:
        level = self.title_level
        return (
            f'<h{level} class="eqx-api" id="{html.escape(self.name)}" data-eqx-path="{html.escape(self.path)}">'
            f"{html.escape(self.name)}</h{level}>"
        )

    def _repr_markdown_(self) -> str:
        sym, sig = self.sym, _signature(self.sym)
        doc = _docstring(sym)
        parts = [self.heading()]
        if sig is not None:
            if inspect.isclass(sym):
                prefix = "class "
            elif inspect.iscoroutinefunction(sym):
                prefix = "async def "
            else:
                prefix = "def " if callable(sym) else ""
            short_name = self.name.rpartition(".")[2] if prefix.endswith("def ") else self.name
            if prefix == "class ":  # a class's signature is its __init__'s, whose `-> None` says nothing here
                sig = sig.replace(return_annotation=inspect.Signature.empty)
            parts.append(f"```python\n{signature_text(short_name, sig, prefix)}\n```")
        if doc:
            parts.append(doc)
        arguments = _argument_list(sym, sig, doc)
        if arguments:
            parts.append(arguments)
        return "\n\n".join(parts) + "\n"

    def __repr__(self):
        return f"ApiEntry({self.path})"


_SHOW_DOC_OF_NAME = re.compile(r"^show_doc\(\s*([A-Za-z_][\w.]*)\s*\)\s*$", flags=re.M)


def name_entries(source: str) -> str:
    """`show_doc(LayerNorm.__call__)` -> `show_doc(LayerNorm.__call__, name="LayerNorm.__call__")`: the entry is
    titled as the page wrote it, not after the base class that defines the method (`_AffineNorm.__call__`)."""
    return _SHOW_DOC_OF_NAME.sub(lambda m: f'show_doc({m.group(1)}, name="{m.group(1)}")', source)


def use_on_site(notebook_module=None):
    """Make `show_doc` render with `ApiEntry` in this process (the docs build's processing step), for a notebook
    exporting to `notebook_module` (`equinox.nn.linear`)."""
    global _NOTEBOOK_MODULE
    import nbdev.showdoc

    nbdev.showdoc.BasicMarkdownRenderer = ApiEntry
    _NOTEBOOK_MODULE = notebook_module
