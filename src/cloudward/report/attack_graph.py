"""Attack-path graph outputs: a GraphML export and an interactive, offline HTML view.

The identity engine (:mod:`cloudward.iam.paths`) builds an :class:`AttackGraph`: a directed graph whose
nodes are the internet, security groups, compute, principals, the administrator pseudo-node and data
stores, and whose edges say how an attacker moves from one to the next, plus the paths through it ranked
by impact. This module only consumes that graph.

:func:`write_graphml` writes it for graph tools (Gephi, yEd, networkx). :func:`render_attack_graph` draws
it as one HTML ``<section>``: an inline SVG laid out in columns in attack order (entry, network, compute,
identity, admin and data), the ranked paths as a list, and a small inline script that highlights a path's
nodes and edges when the path or a node is clicked. Nothing is loaded from the network, the layout is
computed here (the same graph always gives the same picture), and every label is HTML-escaped. A page
that embeds the section allows its script with the SHA-256 hash of :data:`ATTACK_GRAPH_SCRIPT` in its
Content-Security-Policy and puts :data:`ATTACK_GRAPH_STYLE` in its stylesheet (the drawing itself needs
no stylesheet: colours and highlighting use SVG presentation attributes). :func:`write_attack_graph_html`
writes a standalone page with the section.

Graphs of more than :data:`MAX_DRAWN_NODES` nodes are not drawn whole: the section draws the nodes and
edges on the :data:`TRIMMED_PATHS` highest-impact paths and says so.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import jinja2
import markupsafe
import networkx as nx

from cloudward import __version__
from cloudward.report.html import _csp_hash

__all__ = [
    "ATTACK_GRAPH_SCRIPT",
    "ATTACK_GRAPH_STYLE",
    "KIND_COLUMNS",
    "LISTED_PATHS",
    "MAX_DRAWN_NODES",
    "SEVERITIES",
    "TRIMMED_PATHS",
    "AttackGraph",
    "AttackPath",
    "render_attack_graph",
    "write_attack_graph_html",
    "write_graphml",
]

TEMPLATE_PACKAGE = "cloudward.report.templates"
TEMPLATE_NAME = "attack_graph.html.j2"

#: Severities a path may have, most severe first.
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")

#: Graphs with more nodes than this are drawn trimmed to the nodes and edges of the top paths.
MAX_DRAWN_NODES = 300
#: How many of the highest-impact paths a trimmed drawing keeps.
TRIMMED_PATHS = 50
#: At most this many paths are listed (and highlightable) under a drawing of the whole graph.
LISTED_PATHS = 100

#: Column of each node kind, in attack order: entry, network, compute, identity, admin and data.
KIND_COLUMNS: Mapping[str, int] = {
    "internet": 0,
    "account": 0,
    "security_group": 1,
    "instance": 2,
    "function": 2,
    "user": 3,
    "group": 3,
    "role": 3,
    "admin": 4,
    "bucket": 4,
    "secret": 4,
    "kms_key": 4,
    "database": 4,
}
COLUMN_TITLES: tuple[str, ...] = ("Entry", "Network", "Compute", "Identity", "Admin & data")
#: Kinds the engine does not (yet) name go with the identities, between compute and data.
_OTHER_COLUMN = 3
_KIND_ORDER: dict[str, int] = {kind: index for index, kind in enumerate(KIND_COLUMNS)}

# Geometry, in SVG user units.
_NODE_W = 168
_NODE_H = 30
_COLUMN_PITCH = _NODE_W + 92
_ROW_PITCH = 46
_MAX_ROWS = 25
"""A column group with more nodes wraps into several sub-columns of at most this many rows."""
_MARGIN = 24
_HEADER = 34
_LABEL_CHARS = 24

# Fill, stroke and text colour of each shape family.
_PALETTE: dict[str, tuple[str, str, str]] = {
    "entry": ("#fde7e7", "#c62828", "#1d2430"),
    "network": ("#fff3e0", "#d97706", "#1d2430"),
    "compute": ("#e8f0fe", "#1f5fa8", "#1d2430"),
    "identity": ("#f1ebfa", "#6b4fa0", "#1d2430"),
    "admin": ("#7b1020", "#4a0913", "#ffffff"),
    "data": ("#e8f5e9", "#2e7d32", "#1d2430"),
    "other": ("#eef0f3", "#78818c", "#1d2430"),
}
_FAMILY: dict[str, str] = {
    "internet": "entry",
    "account": "entry",
    "security_group": "network",
    "instance": "compute",
    "function": "compute",
    "user": "identity",
    "group": "identity",
    "role": "identity",
    "admin": "admin",
    "bucket": "data",
    "secret": "data",
    "kms_key": "data",
    "database": "data",
}
_EDGE_ON_PATH = "#5b6574"
_EDGE_OFF_PATH = "#b8bfc9"

#: CSS for a page that embeds the section: the scrollable canvas, the path list and the highlight.
ATTACK_GRAPH_STYLE = """
.attack-graph .ag-canvas { overflow: auto; max-height: 80vh; border: 1px solid #d9dee5; border-radius: 6px; }
.attack-graph svg.ag-graph { display: block; }
.attack-graph .ag-node { cursor: pointer; }
.attack-graph .ag-node:focus { outline: none; }
.attack-graph .ag-node:focus-visible > :first-child { stroke-width: 3px; }
.attack-graph .ag-node.ag-on > :first-child { stroke-width: 2.5px; }
.attack-graph .ag-edge.ag-on { stroke: #1d2430; stroke-width: 2.4px; }
.attack-graph .ag-legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: 0; margin: .4rem 0;
  list-style: none;
  font-size: .85rem; }
.attack-graph .ag-legend svg { vertical-align: -.2rem; margin-right: .3rem; }
.attack-graph .ag-tools { display: flex; gap: 1rem; align-items: center; margin: .4rem 0; font-size: .9rem; }
.attack-graph .ag-paths { padding-left: 2.2rem; }
.attack-graph .ag-paths li { margin: .15rem 0; }
.attack-graph button.ag-path { font: inherit; font-size: .9rem; text-align: left; width: 100%; cursor: pointer;
  background: none; border: 1px solid transparent; border-radius: 4px; padding: .2rem .4rem; }
.attack-graph button.ag-path:hover { background: #f5f7fa; }
.attack-graph button.ag-path[aria-pressed=true] { background: #fff7ec; border-color: #d97706; }
.attack-graph .ag-impact { display: inline-block; min-width: 2.6rem; text-align: right;
  font-variant-numeric: tabular-nums; font-weight: 600; margin-right: .4rem; }
.attack-graph .ag-kind { color: #5b6574; font-size: .8rem; margin-left: .4rem; }
""".lstrip()

#: The section's inline script (a hosting page's CSP allows it by its SHA-256 hash).
ATTACK_GRAPH_SCRIPT = """
(function () {
  "use strict";
  var section = document.getElementById("attack-paths");
  if (!section) { return; }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function words(text) { return text ? text.split(" ").filter(Boolean) : []; }
  var nodes = section.querySelectorAll(".ag-node");
  var edges = section.querySelectorAll(".ag-edge");
  var buttons = section.querySelectorAll("button.ag-path");
  var active = "";

  // Light the listed elements and dim the others; no key clears the highlight.
  function paint(key, ids) {
    active = key;
    var lit = {};
    ids.forEach(function (id) { lit[id] = true; });
    function mark(el) {
      var on = key === "" || lit[el.id] === true;
      el.setAttribute("opacity", on ? "1" : "0.15");
      if (key !== "" && on) { el.classList.add("ag-on"); } else { el.classList.remove("ag-on"); }
    }
    each(nodes, mark);
    each(edges, mark);
    each(buttons, function (button) {
      button.setAttribute("aria-pressed", key !== "" && key === button.id ? "true" : "false");
    });
  }
  function pathIds(button) { return words(button.dataset.nodes).concat(words(button.dataset.edges)); }
  function showPath(button) {
    if (active === button.id) { paint("", []); return; }
    paint(button.id, pathIds(button));
    var first = document.getElementById(words(button.dataset.nodes)[0] || "");
    if (first && first.scrollIntoView) { first.scrollIntoView({ block: "nearest", inline: "nearest" }); }
  }
  // A node lights the listed paths through it, or else its own edges and neighbours.
  function showNode(node) {
    if (active === node.id) { paint("", []); return; }
    var ids = [node.id];
    var paths = words(node.dataset.paths);
    paths.forEach(function (id) {
      var button = document.getElementById(id);
      if (button) { ids = ids.concat(pathIds(button)); }
    });
    if (paths.length === 0) {
      each(edges, function (edge) {
        if (edge.dataset.s === node.id || edge.dataset.t === node.id) {
          ids.push(edge.id, edge.dataset.s, edge.dataset.t);
        }
      });
    }
    paint(node.id, ids);
  }
  each(buttons, function (button) {
    button.addEventListener("click", function () { showPath(button); });
  });
  each(nodes, function (node) {
    node.addEventListener("click", function () { showNode(node); });
    node.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); showNode(node); }
    });
  });
  var clear = document.getElementById("ag-clear");
  if (clear) { clear.addEventListener("click", function () { paint("", []); }); }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && active !== "") { paint("", []); }
  });
}());
""".lstrip()

# Base look of the standalone page (the full report brings its own).
_PAGE_STYLE = """
* { box-sizing: border-box; }
body { margin: 0; color: #1d2430; background: #fff; line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 1400px; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.25rem; border-bottom: 1px solid #d9dee5; }
h1 { font-size: 1.5rem; margin: 0 0 .6rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .6rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
.badge { display: inline-block; min-width: 3.6rem; padding: .05rem .4rem; border-radius: 4px; color: #fff;
  font-size: .75rem; font-weight: 600; text-align: center; text-transform: uppercase; }
.sev-critical { background: #7b1020; } .sev-high { background: #c62828; }
.sev-medium { background: #d97706; } .sev-low { background: #b59a00; }
.warning { border-left: 4px solid #d97706; background: #fff7ec; padding: .6rem .9rem; }
.empty { padding: 1rem; background: #f5f7fa; border: 1px solid #d9dee5; border-radius: 6px; }
footer { color: #5b6574; font-size: .8rem; padding-top: 1.5rem; padding-bottom: 2rem; }
""".lstrip()


@dataclass(frozen=True)
class AttackPath:
    """One ranked path from an entry point to something an attacker wants.

    Attributes:
        nodes: Node ids along the path, entry first (``"internet"``, ``"sg:sg-1"``, ``"ec2:i-1"``, ...);
            each node after the first is reached by an edge from the node before it, or, for a path
            that ends by fanning out to several targets, from the node they all hang off (see
            :meth:`AttackGraph.edges_of`).
        title: One line for people, e.g. ``"internet -> sg-1 (22/tcp open) -> i-1 (IMDSv1) -> role/app"``.
        impact: 0 to 100, higher is worse.
        severity: ``critical``, ``high``, ``medium`` or ``low``.
        kind: What sort of path it is, e.g. ``internet-to-data``, ``public-function-to-admin``,
            ``external-trust``.

    Raises:
        ValueError: When the path has no node, the impact is outside 0-100 or the severity is unknown.
    """

    nodes: tuple[str, ...]
    title: str
    impact: float
    severity: str
    kind: str

    def __post_init__(self) -> None:
        if not self.nodes:
            raise ValueError(f"attack path {self.title!r} has no nodes")
        if not 0 <= self.impact <= 100:
            raise ValueError(f"attack path {self.title!r}: impact {self.impact} is outside 0-100")
        if self.severity not in SEVERITIES:
            raise ValueError(f"attack path {self.title!r}: severity {self.severity!r} is not one of {SEVERITIES}")


@dataclass(frozen=True)
class AttackGraph:
    """The attack-path graph of an account and its ranked paths.

    Attributes:
        graph: Directed graph keyed by node id. Node attributes: ``kind`` (internet, security_group,
            instance, function, role, user, group, admin, bucket, secret, kms_key, database, account),
            ``label`` (short) and ``arn`` (may be empty); edge attribute ``relation`` (short text such as
            ``"22/tcp open to 0.0.0.0/0"``, ``"instance profile"``, ``"can read"``, ``"privesc iam-001"``).
        paths: The paths, highest impact first. Every node of a path is in the graph, and each node after
            the first is reached by an edge from the nearest earlier node of the path that has one: usually
            the node just before it, and for a path that ends in a fan-out, ``(..., role, bucket-1,
            bucket-2)``, the role for each bucket (see :meth:`edges_of`).

    Raises:
        ValueError: When a path names a node that is not in the graph, or a node that no earlier node of
            the path has an edge to.
    """

    graph: nx.DiGraph[str]
    paths: tuple[AttackPath, ...]
    _steps: dict[AttackPath, tuple[tuple[str, str], ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps: dict[AttackPath, tuple[tuple[str, str], ...]] = {}
        for path in self.paths:
            if path not in steps:
                steps[path] = _steps_of(self.graph, path)
        object.__setattr__(self, "_steps", steps)

    def edges_of(self, path: AttackPath) -> tuple[tuple[str, str], ...]:
        """The edges a path takes, in order, one per node after the first.

        Node ``i`` is reached from node ``i - 1`` when the graph has that edge, otherwise from the node
        that reached the previous one (a fan-out hub), otherwise from the nearest earlier node with an
        edge to it.

        Args:
            path: One of the graph's paths, or any path over its nodes.

        Returns:
            ``(source, target)`` pairs, all edges of the graph.

        Raises:
            ValueError: When a node is not in the graph or no earlier node of the path has an edge to it.
        """
        known = self._steps.get(path)
        return known if known is not None else _steps_of(self.graph, path)


def _steps_of(graph: nx.DiGraph[str], path: AttackPath) -> tuple[tuple[str, str], ...]:
    for node in path.nodes:
        if node not in graph:
            raise ValueError(f"attack path {path.title!r}: node {node!r} is not in the graph")
    steps: list[tuple[str, str]] = []
    hub = path.nodes[0]
    for index in range(1, len(path.nodes)):
        target = path.nodes[index]
        candidates = (path.nodes[index - 1], hub, *reversed(path.nodes[: index - 1]))
        source = next((node for node in candidates if graph.has_edge(node, target)), None)
        if source is None:
            raise ValueError(
                f"attack path {path.title!r}: no earlier node of the path has an edge to {target!r} "
                f"(the graph has no edge {path.nodes[index - 1]!r} -> {target!r})"
            )
        steps.append((source, target))
        hub = source
    return tuple(steps)


# --------------------------------------------------------------------------------------------- GraphML


def write_graphml(attack: AttackGraph, out: BinaryIO | Path) -> None:
    """Write the graph as GraphML, with each node's and edge's number of ranked paths.

    Attribute values become GraphML strings, numbers or booleans: ``None`` values are left out, lists,
    tuples, sets and mappings become JSON text, other objects their ``str``; an attribute whose values mix
    types across nodes (or edges) is written as text everywhere. Each node and edge gets ``on_paths``, the
    number of ranked paths through it; the graph gets ``generator`` (``"cloudward <version>"``) and
    ``ranked_paths``. The caller's graph is not modified.

    Args:
        attack: The graph and its ranked paths.
        out: A binary file opened for writing (the caller closes it) or a path to create.
    """
    node_counts, edge_counts = _path_counts(attack)
    export: nx.DiGraph[str] = nx.DiGraph()
    graph_attrs = {
        str(key): _graphml_value(value)
        for key, value in attack.graph.graph.items()
        if key not in {"node_default", "edge_default"}
    }
    export.graph.update({key: value for key, value in graph_attrs.items() if value is not None})
    export.graph["generator"] = f"cloudward {__version__}"
    export.graph["ranked_paths"] = len(attack.paths)

    nodes = [(node, _graphml_attrs(data)) for node, data in attack.graph.nodes(data=True)]
    edges = [(source, target, _graphml_attrs(data)) for source, target, data in attack.graph.edges(data=True)]
    _unify_types([attrs for _, attrs in nodes])
    _unify_types([attrs for _, _, attrs in edges])
    for node, attrs in nodes:
        attrs["on_paths"] = node_counts[node]
        export.add_node(node, **attrs)
    for source, target, attrs in edges:
        attrs["on_paths"] = edge_counts[(source, target)]
        export.add_edge(source, target, **attrs)
    nx.write_graphml_xml(export, out, encoding="utf-8", prettyprint=True, infer_numeric_types=True)


def _path_counts(attack: AttackGraph) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """How many paths go through each node and along each edge (a path counts once per node or edge)."""
    nodes: Counter[str] = Counter()
    edges: Counter[tuple[str, str]] = Counter()
    for path in attack.paths:
        nodes.update(set(path.nodes))
        edges.update(set(attack.edges_of(path)))
    return nodes, edges


def _graphml_value(value: object) -> str | int | float | bool | None:
    """A value GraphML can hold: scalars as they are, containers as JSON text, anything else as text."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, set | frozenset):
        return json.dumps(sorted(value, key=str), default=str)
    if isinstance(value, list | tuple | Mapping):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


def _graphml_attrs(data: Mapping[str, Any]) -> dict[str, str | int | float | bool]:
    converted = {str(key): _graphml_value(value) for key, value in data.items()}
    return {key: value for key, value in converted.items() if value is not None}


def _unify_types(rows: list[dict[str, str | int | float | bool]]) -> None:
    """Turn an attribute into text on every row when its values are of several kinds (ints with floats
    are fine: GraphML writes them as doubles)."""
    kinds: dict[str, set[type]] = {}
    for row in rows:
        for key, value in row.items():
            kinds.setdefault(key, set()).add(type(value))
    mixed = {key for key, found in kinds.items() if len(found) > 1 and not found <= {int, float}}
    for row in rows:
        for key in mixed & row.keys():
            value = row[key]
            row[key] = str(value).lower() if isinstance(value, bool) else str(value)


# ------------------------------------------------------------------------------------------------ HTML


@dataclass(frozen=True, slots=True)
class _Shape:
    """One SVG shape element: its tag and its attributes, all plain numbers and colours."""

    tag: str
    attrs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class _DrawnNode:
    id: str
    node: str
    kind: str
    label: str
    short: str
    tooltip: str
    x: int
    y: int
    shape: _Shape
    text_colour: str
    paths: str
    """Ids of the listed paths through the node, space-separated."""


@dataclass(frozen=True, slots=True)
class _DrawnEdge:
    id: str
    source: str
    target: str
    d: str
    colour: str
    tooltip: str


@dataclass(frozen=True, slots=True)
class _ListedPath:
    id: str
    rank: int
    title: str
    impact: str
    severity: str
    kind: str
    nodes: str
    edges: str


@dataclass(frozen=True, slots=True)
class _Column:
    title: str
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class _LegendItem:
    kind: str
    shape: _Shape


@dataclass(frozen=True, slots=True)
class _View:
    """Everything the template draws, laid out and ready to escape."""

    total_nodes: int
    total_edges: int
    total_paths: int
    severity_counts: tuple[tuple[str, int], ...]
    trimmed: bool
    width: int
    height: int
    columns: tuple[_Column, ...]
    nodes: tuple[_DrawnNode, ...]
    edges: tuple[_DrawnEdge, ...]
    paths: tuple[_ListedPath, ...]
    unlisted: int
    legend: tuple[_LegendItem, ...]


@dataclass(frozen=True, slots=True)
class _Page:
    """The standalone page around the section."""

    title: str
    style: markupsafe.Markup
    section: markupsafe.Markup
    version: str


def render_attack_graph(attack: AttackGraph) -> str:
    """Draw the attack-path graph as one self-contained HTML ``<section id="attack-paths">``.

    The section holds an inline SVG (nodes shaped and coloured by kind, laid out in columns in attack
    order; edges as arrows whose tooltip is their relation), the ranked paths as a list, and an inline
    script: clicking a path, or a node, highlights its nodes and edges. Graphs of more than
    :data:`MAX_DRAWN_NODES` nodes are drawn trimmed to the nodes and edges on the :data:`TRIMMED_PATHS`
    highest-impact paths, and the section says so. The page that embeds the section must allow
    :data:`ATTACK_GRAPH_SCRIPT` in its Content-Security-Policy (by hash) and should include
    :data:`ATTACK_GRAPH_STYLE` in its stylesheet.

    Args:
        attack: The graph and its ranked paths.

    Returns:
        The HTML of the section; every label, title and relation in it is escaped.
    """
    return str(_template().render(page=None, view=_view(attack), script=markupsafe.Markup(ATTACK_GRAPH_SCRIPT)))


def write_attack_graph_html(attack: AttackGraph, out: TextIO, title: str) -> None:
    """Write a standalone, self-contained HTML page with the attack-path section.

    The page loads nothing from the network: its style and script are inline and allowed by a
    Content-Security-Policy with ``default-src 'none'`` and their SHA-256 hashes.

    Args:
        attack: The graph and its ranked paths.
        out: Where the page is written (UTF-8 text); the caller owns and closes it.
        title: The page's title and heading (escaped).
    """
    page = _Page(
        title=title,
        style=markupsafe.Markup(_PAGE_STYLE + ATTACK_GRAPH_STYLE),
        section=markupsafe.Markup(render_attack_graph(attack).rstrip("\n")),
        version=__version__,
    )
    out.write(_template().render(page=page, view=None, script=markupsafe.Markup(ATTACK_GRAPH_SCRIPT)))


def _view(attack: AttackGraph) -> _View:
    graph = attack.graph
    trimmed = graph.number_of_nodes() > MAX_DRAWN_NODES
    listed_paths = attack.paths[:TRIMMED_PATHS] if trimmed else attack.paths[:LISTED_PATHS]
    if trimmed:
        drawn_nodes = list(dict.fromkeys(node for path in listed_paths for node in path.nodes))
        drawn_edges = list(dict.fromkeys(edge for path in listed_paths for edge in attack.edges_of(path)))
    else:
        drawn_nodes = list(graph.nodes)
        drawn_edges = list(graph.edges)

    node_ids = {node: f"ag-n{index}" for index, node in enumerate(drawn_nodes)}
    edge_ids = {edge: f"ag-e{index}" for index, edge in enumerate(drawn_edges)}
    path_ids = [f"ag-p{index}" for index in range(len(listed_paths))]
    through: dict[str, list[str]] = {}
    first_rank: dict[str, int] = {}
    on_path_edges: set[tuple[str, str]] = set()
    for rank, (path, path_id) in enumerate(zip(listed_paths, path_ids, strict=True)):
        for node in dict.fromkeys(path.nodes):
            through.setdefault(node, []).append(path_id)
            first_rank.setdefault(node, rank)
        on_path_edges.update(attack.edges_of(path))

    positions, columns, width, height = _layout(graph, drawn_nodes, first_rank)
    nodes = tuple(
        _drawn_node(node, graph.nodes[node], node_ids[node], positions[node], through.get(node, []))
        for node in drawn_nodes
    )
    edges = tuple(
        _DrawnEdge(
            id=edge_ids[(source, target)],
            source=node_ids[source],
            target=node_ids[target],
            d=_edge_path(positions[source], positions[target], source == target),
            colour=_EDGE_ON_PATH if (source, target) in on_path_edges else _EDGE_OFF_PATH,
            tooltip=_edge_tooltip(graph, source, target),
        )
        for source, target in drawn_edges
    )
    paths = tuple(
        _ListedPath(
            id=path_id,
            rank=rank + 1,
            title=path.title,
            impact=_number(path.impact),
            severity=path.severity,
            kind=path.kind,
            nodes=" ".join(node_ids[node] for node in dict.fromkeys(path.nodes)),
            edges=" ".join(edge_ids[edge] for edge in dict.fromkeys(attack.edges_of(path))),
        )
        for rank, (path, path_id) in enumerate(zip(listed_paths, path_ids, strict=True))
    )
    severities = Counter(path.severity for path in attack.paths)
    kinds_drawn = {node.kind for node in nodes}
    legend_kinds = [kind for kind in KIND_COLUMNS if kind in kinds_drawn] + sorted(kinds_drawn - KIND_COLUMNS.keys())
    return _View(
        total_nodes=graph.number_of_nodes(),
        total_edges=graph.number_of_edges(),
        total_paths=len(attack.paths),
        severity_counts=tuple((level, severities[level]) for level in SEVERITIES if severities[level]),
        trimmed=trimmed,
        width=width,
        height=height,
        columns=columns,
        nodes=nodes,
        edges=edges,
        paths=paths,
        unlisted=len(attack.paths) - len(listed_paths),
        legend=tuple(_LegendItem(kind, _shape(kind, 9, 8, 16, 12)) for kind in legend_kinds),
    )


def _layout(
    graph: nx.DiGraph[str], nodes: list[str], first_rank: Mapping[str, int]
) -> tuple[dict[str, tuple[int, int]], tuple[_Column, ...], int, int]:
    """Place nodes in columns by kind; within a column, nodes of higher-ranked paths come first.

    A column with more than ``_MAX_ROWS`` nodes wraps into sub-columns. Returns each node's centre, the
    column headings, and the drawing's width and height.
    """
    groups: list[list[str]] = [[] for _ in COLUMN_TITLES]
    for node in nodes:
        groups[KIND_COLUMNS.get(_kind(graph.nodes[node]), _OTHER_COLUMN)].append(node)
    unranked = len(first_rank) + 1

    def order(node: str) -> tuple[int, int, str, str]:
        data = graph.nodes[node]
        kind = _kind(data)
        return (first_rank.get(node, unranked), _KIND_ORDER.get(kind, len(_KIND_ORDER)), _label(node, data), node)

    positions: dict[str, tuple[int, int]] = {}
    columns: list[_Column] = []
    sub_column = 0
    rows_used = 0
    for title, group in zip(COLUMN_TITLES, groups, strict=True):
        if not group:
            continue
        group.sort(key=order)
        width = math.ceil(len(group) / _MAX_ROWS)
        left = _MARGIN + sub_column * _COLUMN_PITCH
        centre = left + (width * _COLUMN_PITCH - (_COLUMN_PITCH - _NODE_W)) // 2
        columns.append(_Column(title, centre, _MARGIN + 14))
        for index, node in enumerate(group):
            column, row = divmod(index, _MAX_ROWS)
            x = left + column * _COLUMN_PITCH + _NODE_W // 2
            y = _MARGIN + _HEADER + row * _ROW_PITCH + _NODE_H // 2
            positions[node] = (x, y)
        rows_used = max(rows_used, min(len(group), _MAX_ROWS))
        sub_column += width
    total_width = 2 * _MARGIN + max(sub_column, 1) * _COLUMN_PITCH
    total_height = 2 * _MARGIN + _HEADER + max(rows_used, 1) * _ROW_PITCH
    return positions, tuple(columns), total_width, total_height


def _kind(data: Mapping[str, Any]) -> str:
    return str(data.get("kind") or "other")


def _label(node: str, data: Mapping[str, Any]) -> str:
    return str(data.get("label") or node)


def _drawn_node(node: str, data: Mapping[str, Any], node_id: str, at: tuple[int, int], paths: list[str]) -> _DrawnNode:
    kind = _kind(data)
    label = _label(node, data)
    arn = str(data.get("arn") or "")
    lines = [label, f"{kind}: {arn or node}"]
    if paths:
        lines.append(f"on {len(paths)} listed path{'s' if len(paths) != 1 else ''}")
    x, y = at
    return _DrawnNode(
        id=node_id,
        node=node,
        kind=kind,
        label=label,
        short=label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…",
        tooltip="\n".join(lines),
        x=x,
        y=y,
        shape=_shape(kind, x, y, _NODE_W, _NODE_H),
        text_colour=_PALETTE[_FAMILY.get(kind, "other")][2],
        paths=" ".join(paths),
    )


def _shape(kind: str, cx: int, cy: int, width: int, height: int) -> _Shape:
    """The shape of a node kind centred on (cx, cy): ellipse for entry points, hexagon for network
    controls, rectangle for compute, pill for principals, octagon for the administrator, cylinder for
    data stores."""
    family = _FAMILY.get(kind, "other")
    fill, stroke, _ = _PALETTE[family]
    colours = (("fill", fill), ("stroke", stroke), ("stroke-width", "1.5"))
    left, top = cx - width // 2, cy - height // 2
    right, bottom = left + width, top + height
    cut = max(height // 3, 3)
    if family == "entry":
        return _Shape(
            "ellipse", (("cx", str(cx)), ("cy", str(cy)), ("rx", str(width // 2)), ("ry", str(height // 2)), *colours)
        )
    if family == "network":
        points = [
            (left + cut, top),
            (right - cut, top),
            (right, cy),
            (right - cut, bottom),
            (left + cut, bottom),
            (left, cy),
        ]
        return _Shape("polygon", (("points", _points(points)), *colours))
    if family == "admin":
        points = [
            (left + cut, top),
            (right - cut, top),
            (right, top + cut),
            (right, bottom - cut),
            (right - cut, bottom),
            (left + cut, bottom),
            (left, bottom - cut),
            (left, top + cut),
        ]
        return _Shape("polygon", (("points", _points(points)), *colours))
    if family == "data":
        lid = max(height // 6, 2)
        d = (
            f"M{left},{top + lid} A{width // 2},{lid} 0 0 1 {right},{top + lid} V{bottom - lid} "
            f"A{width // 2},{lid} 0 0 1 {left},{bottom - lid} Z "
            f"M{left},{top + lid} A{width // 2},{lid} 0 0 0 {right},{top + lid}"
        )
        return _Shape("path", (("d", d), *colours))
    radius = height // 2 if family == "identity" else 3
    box = (("x", str(left)), ("y", str(top)), ("width", str(width)), ("height", str(height)))
    return _Shape("rect", (*box, ("rx", str(radius)), *colours))


def _points(points: Iterable[tuple[int, int]]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def _edge_path(source: tuple[int, int], target: tuple[int, int], loop: bool) -> str:
    """An edge that never runs under a node: it bends only in the gaps between columns and crosses other
    columns along the gap between two rows.

    Neighbouring columns: one S-curve across the gap between them. Columns further apart: an S-curve in
    the first gap down (or up) to the row gap next to the target, a straight run along it, and an S-curve
    in the last gap into the target. Within one column: a bulge into the gap on the right.
    """
    (x1, y1), (x2, y2) = source, target
    half = _NODE_W // 2
    gap = _COLUMN_PITCH - _NODE_W
    if loop:
        return f"M{x1 + half},{y1 - 6} C{x1 + half + 36},{y1 - 28} {x1 + half + 36},{y1 + 28} {x1 + half + 2},{y1 + 8}"
    if x1 == x2:
        bulge = 30 + min(abs(y2 - y1) // 8, 26)
        return f"M{x1 + half},{y1} C{x1 + half + bulge},{y1} {x2 + half + bulge},{y2} {x2 + half + 2},{y2}"
    way = 1 if x2 > x1 else -1
    start, edge = x1 + way * half, x2 - way * half
    end = edge - way * 2  # leave room for the arrowhead
    if abs(x2 - x1) <= _COLUMN_PITCH:
        middle = (start + end) // 2
        return f"M{start},{y1} C{middle},{y1} {middle},{y2} {end},{y2}"
    lane = y2 + (_ROW_PITCH // 2) * (-1 if y2 > y1 else 1)
    first, last = start + way * gap, edge - way * gap
    return (
        f"M{start},{y1} C{start + way * gap // 2},{y1} {start + way * gap // 2},{lane} {first},{lane} "
        f"L{last},{lane} C{last + way * gap // 2},{lane} {last + way * gap // 2},{y2} {end},{y2}"
    )


def _edge_tooltip(graph: nx.DiGraph[str], source: str, target: str) -> str:
    relation = str(graph.edges[source, target].get("relation") or "")
    step = f"{_label(source, graph.nodes[source])} → {_label(target, graph.nodes[target])}"
    return f"{relation}\n{step}" if relation else step


def _number(value: float) -> str:
    """An impact for people: no trailing zeros (95, 72.5)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    """The section and page template, read from the package data with autoescaping on."""
    source = resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_NAME).read_text(encoding="utf-8")
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["csp_hash"] = _csp_hash
    return environment.from_string(source)
