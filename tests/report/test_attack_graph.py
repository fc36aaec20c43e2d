"""Attack-path graph outputs: the GraphML export, the interactive HTML section and the standalone page."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import re
import shutil
import subprocess
from collections.abc import Iterable
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from cloudward import __version__
from cloudward.report.attack_graph import (
    ATTACK_GRAPH_SCRIPT,
    ATTACK_GRAPH_STYLE,
    LISTED_PATHS,
    MAX_DRAWN_NODES,
    TRIMMED_PATHS,
    AttackGraph,
    AttackPath,
    render_attack_graph,
    write_attack_graph_html,
    write_graphml,
)
from cloudward.report.context import ScanContext
from cloudward.report.html import write_html

ACCOUNT = "123456789012"
ROLE_APP = f"role:arn:aws:iam::{ACCOUNT}:role/app"
ROLE_OPS = f"role:arn:aws:iam::{ACCOUNT}:role/ops"
BUCKET = "s3:arn:aws:s3:::acme-data"
LOGS = "s3:arn:aws:s3:::acme-logs"

NODES: list[tuple[str, str, str, str]] = [
    ("internet", "internet", "internet", ""),
    ("sg:sg-1", "security_group", "sg-1", f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-1"),
    ("ec2:i-1", "instance", "i-1", f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1"),
    ("lambda:fn", "function", "fn-public", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn-public"),
    (ROLE_APP, "role", "role/app", ROLE_APP.removeprefix("role:")),
    (ROLE_OPS, "role", "role/ops", ROLE_OPS.removeprefix("role:")),
    ("user:idle", "user", "user/idle", f"arn:aws:iam::{ACCOUNT}:user/idle"),
    ("admin", "admin", "administrator", ""),
    (BUCKET, "bucket", "acme-data", "arn:aws:s3:::acme-data"),
    (LOGS, "bucket", "acme-logs", "arn:aws:s3:::acme-logs"),
]
EDGES: list[tuple[str, str, str]] = [
    ("internet", "sg:sg-1", "22/tcp open to 0.0.0.0/0"),
    ("sg:sg-1", "ec2:i-1", "attached"),
    ("ec2:i-1", ROLE_APP, "instance profile (IMDSv1)"),
    (ROLE_APP, BUCKET, "can read"),
    (ROLE_APP, LOGS, "can read"),
    (ROLE_APP, ROLE_OPS, "sts:AssumeRole"),
    (ROLE_OPS, "admin", "privesc iam-001"),
    ("internet", "lambda:fn", "function URL, AuthType NONE"),
    ("lambda:fn", ROLE_OPS, "execution role"),
    ("user:idle", BUCKET, "can read"),
]
PATHS = (
    AttackPath(
        ("internet", "sg:sg-1", "ec2:i-1", ROLE_APP, ROLE_OPS, "admin"),
        "internet -> sg-1 (22/tcp open) -> i-1 (IMDSv1) -> role/app -> role/ops -> admin",
        95.0,
        "critical",
        "internet-to-admin",
    ),
    AttackPath(
        ("internet", "lambda:fn", ROLE_OPS, "admin"),
        "internet -> fn-public (function URL) -> role/ops -> admin",
        90.0,
        "critical",
        "public-function-to-admin",
    ),
    AttackPath(
        ("internet", "sg:sg-1", "ec2:i-1", ROLE_APP, BUCKET, LOGS),  # ends in a fan-out from role/app
        "internet -> sg-1 (22/tcp open) -> i-1 (IMDSv1) -> role/app -> 2 buckets",
        72.5,
        "high",
        "internet-to-data",
    ),
)

#: The edges each path takes, written out by hand.
STEPS: list[list[tuple[str, str]]] = [
    [("internet", "sg:sg-1"), ("sg:sg-1", "ec2:i-1"), ("ec2:i-1", ROLE_APP), (ROLE_APP, ROLE_OPS), (ROLE_OPS, "admin")],
    [("internet", "lambda:fn"), ("lambda:fn", ROLE_OPS), (ROLE_OPS, "admin")],
    [("internet", "sg:sg-1"), ("sg:sg-1", "ec2:i-1"), ("ec2:i-1", ROLE_APP), (ROLE_APP, BUCKET), (ROLE_APP, LOGS)],
]


def _graph(
    nodes: Iterable[tuple[str, str, str, str]] = NODES, edges: Iterable[tuple[str, str, str]] = EDGES
) -> nx.DiGraph[str]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for node, kind, label, arn in nodes:
        graph.add_node(node, kind=kind, label=label, arn=arn)
    for source, target, relation in edges:
        graph.add_edge(source, target, relation=relation)
    return graph


def _attack() -> AttackGraph:
    return AttackGraph(_graph(), PATHS)


class _Element:
    """One parsed element: its tag, its attributes and all the text inside it."""

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.text: list[str] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Page(HTMLParser):
    """Every element with its attributes and own text; checks that tags nest and close."""

    VOID = frozenset({"br", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[_Element] = []
        self.stack: list[_Element] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag if self.stack else ''}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for element in self.stack:  # an element's text includes its children's
            element.text.append(data)
        self.text.append(data)

    def find(self, tag: str, cls: str | None = None) -> list[_Element]:
        return [el for el in self.elements if el.tag == tag and (cls is None or cls in el.classes)]


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page.stack == [], f"unclosed: {[el.tag for el in page.stack]}"
    return page


def _drawn(page: _Page) -> dict[str, _Element]:
    """The drawn nodes by graph node id."""
    return {el.attrs["data-node"]: el for el in page.find("g", "ag-node")}


def _positions(page: _Page) -> dict[str, tuple[float, float]]:
    """Each drawn node's text anchor (its centre), by graph node id."""
    positions: dict[str, tuple[float, float]] = {}
    current = ""
    for el in page.elements:
        if el.tag == "g" and "ag-node" in el.classes:
            current = el.attrs["data-node"]
        elif el.tag == "text" and current:
            positions[current] = (float(el.attrs["x"]), float(el.attrs["y"]))
            current = ""
    return positions


def _path_steps(page: _Page) -> list[tuple[list[str], list[tuple[str, str]]]]:
    """For each listed path: the graph nodes and the graph edges its highlight data names."""
    node_of = {el.attrs["id"]: el.attrs["data-node"] for el in page.find("g", "ag-node")}
    edge_of = {
        el.attrs["id"]: (node_of[el.attrs["data-s"]], node_of[el.attrs["data-t"]])
        for el in page.find("path", "ag-edge")
    }
    return [
        (
            [node_of[ident] for ident in button.attrs["data-nodes"].split()],
            [edge_of[ident] for ident in button.attrs["data-edges"].split()],
        )
        for button in page.find("button", "ag-path")
    ]


# --------------------------------------------------------------------------------------------- GraphML


def test_graphml_round_trip_keeps_nodes_edges_and_attributes(tmp_path: Path) -> None:
    attack = _attack()
    buffer = io.BytesIO()
    write_graphml(attack, buffer)
    path = tmp_path / "paths.graphml"
    write_graphml(attack, path)
    assert path.read_bytes() == buffer.getvalue()

    back = nx.read_graphml(path)
    assert back.is_directed()
    assert set(back.nodes) == {node for node, *_ in NODES}
    assert set(back.edges) == {(source, target) for source, target, _ in EDGES}
    for node, kind, label, arn in NODES:
        data = back.nodes[node]
        assert (data["kind"], data["label"], data.get("arn", "")) == (kind, label, arn)
    for source, target, relation in EDGES:
        assert back.edges[source, target]["relation"] == relation
    on_paths = {node: back.nodes[node]["on_paths"] for node in back.nodes}
    assert on_paths == {
        "internet": 3,
        "sg:sg-1": 2,
        "ec2:i-1": 2,
        "lambda:fn": 1,
        ROLE_APP: 2,
        ROLE_OPS: 2,
        "user:idle": 0,
        "admin": 2,
        BUCKET: 1,
        LOGS: 1,
    }
    assert back.edges["internet", "sg:sg-1"]["on_paths"] == 2
    assert back.edges[ROLE_OPS, "admin"]["on_paths"] == 2
    assert back.edges["user:idle", BUCKET]["on_paths"] == 0
    assert back.edges[ROLE_APP, LOGS]["on_paths"] == 1  # the fan-out's second step
    assert back.graph["generator"] == f"cloudward {__version__}"
    assert back.graph["ranked_paths"] == 3
    assert "on_paths" not in attack.graph.nodes["internet"]  # the caller's graph is left alone


def test_graphml_writes_values_graphml_cannot_hold_as_text() -> None:
    graph = _graph()
    graph.nodes["internet"].update(ports=[22, 443], tags={"team": "web"}, note=None, weight=3, score=1)
    graph.nodes["admin"].update(weight="all", score=2.5)
    graph.edges["internet", "sg:sg-1"]["protocols"] = ("tcp",)
    graph.graph.update(account=ACCOUNT, regions=["us-east-1"], node_default={"kind": "x"})
    buffer = io.BytesIO()
    write_graphml(AttackGraph(graph, PATHS), buffer)
    back = nx.read_graphml(io.BytesIO(buffer.getvalue()))
    internet, admin = back.nodes["internet"], back.nodes["admin"]
    assert internet["ports"] == "[22, 443]" and internet["tags"] == '{"team": "web"}'
    assert "note" not in internet
    assert (internet["weight"], admin["weight"]) == ("3", "all")  # mixed kinds: text everywhere
    assert (internet["score"], admin["score"]) == (1.0, 2.5)  # ints with floats: numbers
    assert back.edges["internet", "sg:sg-1"]["protocols"] == '["tcp"]'
    assert back.graph["account"] == ACCOUNT and back.graph["regions"] == '["us-east-1"]'
    assert back.graph.get("node_default", {}) == {}  # a networkx writer setting, not data: left out


# ------------------------------------------------------------------------------------------- the graph


def test_paths_must_follow_the_graph() -> None:
    attack = _attack()
    assert [list(attack.edges_of(path)) for path in PATHS] == STEPS
    # Any path over the graph's nodes: a fan-out, and a step back to an earlier node that has the edge.
    fan = AttackPath((ROLE_APP, BUCKET, LOGS, ROLE_OPS), "t", 50, "high", "k")
    assert attack.edges_of(fan) == ((ROLE_APP, BUCKET), (ROLE_APP, LOGS), (ROLE_APP, ROLE_OPS))
    with pytest.raises(ValueError, match="not in the graph"):
        AttackGraph(_graph(), (AttackPath(("internet", "ghost"), "t", 50, "high", "k"),))
    with pytest.raises(ValueError, match=r"no edge 'internet' -> 'admin'"):
        AttackGraph(_graph(), (AttackPath(("internet", "admin"), "t", 50, "high", "k"),))
    with pytest.raises(ValueError, match=f"no earlier node of the path has an edge to '{BUCKET}'"):
        AttackGraph(_graph(), (AttackPath(("internet", "sg:sg-1", BUCKET), "t", 50, "high", "k"),))
    with pytest.raises(ValueError, match="severity"):
        AttackPath(("internet",), "t", 50, "urgent", "k")
    with pytest.raises(ValueError, match="outside 0-100"):
        AttackPath(("internet",), "t", 101, "high", "k")
    with pytest.raises(ValueError, match="no nodes"):
        AttackPath((), "t", 10, "low", "k")


# ------------------------------------------------------------------------------------------------ HTML


def test_section_draws_one_svg_node_per_node_in_attack_order() -> None:
    html = render_attack_graph(_attack())
    page = _parse(html)
    assert [el.attrs.get("id") for el in page.find("section")] == ["attack-paths"]
    assert len(page.find("svg", "ag-graph")) == 1
    drawn = _drawn(page)
    assert len(page.find("g", "ag-node")) == len(NODES)
    assert set(drawn) == {node for node, *_ in NODES}
    assert {node: el.attrs["data-kind"] for node, el in drawn.items()} == {node: kind for node, kind, *_ in NODES}
    edges = page.find("path", "ag-edge")
    assert len(edges) == len(EDGES)
    x = {node: position[0] for node, position in _positions(page).items()}
    assert x["internet"] < x["sg:sg-1"] < x["ec2:i-1"] == x["lambda:fn"] < x[ROLE_APP] == x[ROLE_OPS] < x["admin"]
    assert x["admin"] == x[BUCKET]
    assert x["user:idle"] == x[ROLE_APP]
    # Within a column, nodes of higher-ranked paths come first (higher up).
    y = {node: position[1] for node, position in _positions(page).items()}
    assert y[ROLE_APP] < y[ROLE_OPS] < y["user:idle"]
    assert y["admin"] < y[BUCKET] < y[LOGS]


def test_edges_carry_their_relation_as_a_tooltip() -> None:
    page = _parse(render_attack_graph(_attack()))
    node_of = {el.attrs["id"]: el.attrs["data-node"] for el in page.find("g", "ag-node")}
    titles: dict[tuple[str, str], str] = {}
    current: tuple[str, str] | None = None
    for el in page.elements:
        if el.tag == "path" and "ag-edge" in el.classes:
            current = (node_of[el.attrs["data-s"]], node_of[el.attrs["data-t"]])
            assert el.attrs["marker-end"] == "url(#ag-arrow)"
        elif el.tag == "title" and current is not None:
            titles[current] = "".join(el.text)
            current = None
    assert {edge: title.split("\n")[0] for edge, title in titles.items()} == {
        (source, target): relation for source, target, relation in EDGES
    }
    assert titles["internet", "sg:sg-1"] == "22/tcp open to 0.0.0.0/0\ninternet → sg-1"


def test_each_listed_path_carries_its_nodes_and_edges() -> None:
    page = _parse(render_attack_graph(_attack()))
    steps = _path_steps(page)
    assert steps == [(list(path.nodes), edges) for path, edges in zip(PATHS, STEPS, strict=True)]
    buttons = page.find("button", "ag-path")
    assert [button.attrs["aria-pressed"] for button in buttons] == ["false"] * 3
    texts = ["".join(button.text) for button in buttons]
    for text, path in zip(texts, PATHS, strict=True):
        assert path.title in text and path.severity in text and path.kind in text
    assert "72.5" in texts[2] and "95" in texts[0]
    # Nodes name the listed paths through them, for the node click.
    drawn = _drawn(page)
    assert drawn["internet"].attrs["data-paths"] == "ag-p0 ag-p1 ag-p2"
    assert drawn[BUCKET].attrs["data-paths"] == "ag-p2"
    assert "data-paths" not in drawn["user:idle"].attrs


def test_labels_titles_and_relations_are_escaped() -> None:
    payload = "<script>alert(1)</script>"
    nodes = [*NODES, ('"><svg onload=alert(3)>', "bucket", payload, '"><img src=x onerror=alert(2)>')]
    edges = [*EDGES, (ROLE_APP, '"><svg onload=alert(3)>', "<img src=x onerror=alert(4)>")]
    evil = AttackPath((ROLE_APP, '"><svg onload=alert(3)>'), f"role/app -> {payload}", 40, "medium", "<i>kind</i>")
    html = render_attack_graph(AttackGraph(_graph(nodes, edges), (*PATHS, evil)))
    assert payload not in html
    assert "<img" not in html and "<i>" not in html and "<svg onload" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = _parse(html)
    assert len(page.find("script")) == 1  # the section's own
    assert not page.find("img") and not page.find("i")
    assert not [name for el in page.elements for name in el.attrs if name.startswith("on")]  # no handlers
    assert all(el.attrs.get("class") == "ag-graph" or el.attrs.get("aria-hidden") == "true" for el in page.find("svg"))
    assert any(payload in text for text in page.text)  # shown to the reader as text
    assert '"><svg onload=alert(3)>' in _drawn(page)  # the id survives as an attribute value


def test_layout_is_deterministic_and_independent_of_insertion_order() -> None:
    first = render_attack_graph(_attack())
    assert render_attack_graph(_attack()) == first
    reversed_graph = _graph(list(reversed(NODES)), list(reversed(EDGES)))
    assert _positions(_parse(render_attack_graph(AttackGraph(reversed_graph, PATHS)))) == _positions(_parse(first))


def test_a_column_with_many_nodes_wraps_into_sub_columns() -> None:
    roles = [(f"role:r{index:03}", "role", f"role/r{index:03}", "") for index in range(60)]
    graph = _graph([*NODES, *roles], [*EDGES, *((ROLE_APP, role, "sts:AssumeRole") for role, *_ in roles)])
    page = _parse(render_attack_graph(AttackGraph(graph, PATHS)))
    positions = _positions(page)
    identity_x = sorted({positions[role][0] for role, *_ in roles} | {positions[ROLE_APP][0]})
    assert len(identity_x) == 3  # 62 identities: 25 + 25 + 12 rows
    assert max(positions[node][0] for node in ("admin", BUCKET)) > identity_x[-1]
    svg = page.find("svg", "ag-graph")[0]
    assert float(svg.attrs["height"]) < 25 * 60  # rows are capped, not 62 tall


def _curve_points(d: str) -> list[tuple[float, float]]:
    """Points along an SVG path made of M, L and C commands (absolute coordinates)."""
    points: list[tuple[float, float]] = []
    at = (0.0, 0.0)
    for command, args in re.findall(r"([MLC])([^MLC]*)", d):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        if command == "M":
            at = pairs[0]
        elif command == "L":
            (x0, y0), (x1, y1) = at, pairs[0]
            points += [(x0 + (x1 - x0) * t / 20, y0 + (y1 - y0) * t / 20) for t in range(21)]
            at = pairs[0]
        else:
            (p0, p1, p2, p3) = (at, *pairs)
            for step in range(41):
                t = step / 40
                a, b, c, e = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
                points.append(
                    (a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1])
                )
            at = p3
    return points


@pytest.mark.parametrize("wide", [False, True])
def test_edges_never_run_under_other_nodes(wide: bool) -> None:
    nodes, edges = list(NODES), list(EDGES)
    # Edges that skip columns: entry -> identity, entry -> data, and back from data to compute.
    edges += [("internet", ROLE_OPS, "x"), ("internet", LOGS, "x"), (BUCKET, "lambda:fn", "x")]
    if wide:  # an identity column wrapped into sub-columns, and edges across and within them
        roles = [(f"role:r{index:02}", "role", f"role/r{index:02}", "") for index in range(40)]
        nodes += roles
        edges += [(ROLE_APP, role, "x") for role, *_ in roles[::3]] + [(roles[35][0], roles[2][0], "x")]
        edges += [("sg:sg-1", roles[30][0], "x"), (roles[39][0], "admin", "x")]
    page = _parse(render_attack_graph(AttackGraph(_graph(nodes, edges), PATHS)))
    box = next(el for el in page.find("rect") if el.attrs.get("rx") == "3")  # a compute node
    half_w, half_h = float(box.attrs["width"]) / 2, float(box.attrs["height"]) / 2
    positions = _positions(page)
    centres = {el.attrs["id"]: positions[el.attrs["data-node"]] for el in page.find("g", "ag-node")}
    assert len(page.find("path", "ag-edge")) == len(edges)
    for edge in page.find("path", "ag-edge"):
        others = [c for ident, c in centres.items() if ident not in {edge.attrs["data-s"], edge.attrs["data-t"]}]
        for x, y in _curve_points(edge.attrs["d"]):
            for cx, cy in others:
                assert not (abs(x - cx) < half_w and abs(y - cy) < half_h), (edge.attrs["id"], (x, y), (cx, cy))


def _chain_graph(nodes: int, paths: int) -> AttackGraph:
    """internet -> sg -> instance -> role -> bucket chains, plus filler roles, `nodes` nodes in all."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_node("internet", kind="internet", label="internet", arn="")
    ranked: list[AttackPath] = []
    for index in range(paths):
        chain = [
            ("internet", "internet"),
            (f"sg:{index % 40}", "security_group"),
            (f"ec2:{index}", "instance"),
            (f"role:{index % 70}", "role"),
            (f"s3:{index}", "bucket"),
        ]
        for node, kind in chain:
            graph.add_node(node, kind=kind, label=node.split(":")[-1], arn="")
        for (source, _), (target, _) in itertools.pairwise(chain):
            graph.add_edge(source, target, relation="step")
        ranked.append(AttackPath(tuple(node for node, _ in chain), f"path {index}", 99 - index * 0.5, "high", "k"))
    filler = 0
    while graph.number_of_nodes() < nodes:
        graph.add_node(f"role:filler-{filler}", kind="role", label=f"filler-{filler}", arn="")
        graph.add_edge(f"role:filler-{filler}", "s3:0", relation="can read")
        filler += 1
    return AttackGraph(graph, tuple(ranked))


def test_large_graph_draws_only_the_top_paths_and_says_so() -> None:
    attack = _chain_graph(2000, 120)
    assert attack.graph.number_of_nodes() == 2000
    html = render_attack_graph(attack)
    page = _parse(html)
    top = attack.paths[:TRIMMED_PATHS]
    on_top = {node for path in top for node in path.nodes}
    top_edges = {edge for path in top for edge in itertools.pairwise(path.nodes)}
    assert set(_drawn(page)) == on_top
    assert len(page.find("g", "ag-node")) == len(on_top)
    node_of = {el.attrs["id"]: el.attrs["data-node"] for el in page.find("g", "ag-node")}
    drawn_edges = {(node_of[el.attrs["data-s"]], node_of[el.attrs["data-t"]]) for el in page.find("path", "ag-edge")}
    assert drawn_edges == top_edges
    assert len(page.find("button", "ag-path")) == TRIMMED_PATHS
    assert _path_steps(page) == [(list(path.nodes), list(itertools.pairwise(path.nodes))) for path in top]
    text = re.sub(r"\s+", " ", " ".join(page.text))
    assert (
        f"The graph has 2000 nodes, too many to draw readably: the drawing shows only the {len(on_top)} nodes" in text
    )
    assert f"on the {TRIMMED_PATHS} highest-impact paths" in text
    assert "70 lower-impact paths are not listed or drawn here." in text
    assert len(html) < 400_000


def test_graph_at_the_size_limit_is_drawn_whole() -> None:
    whole = _chain_graph(MAX_DRAWN_NODES, 20)
    page = _parse(render_attack_graph(whole))
    assert len(page.find("g", "ag-node")) == MAX_DRAWN_NODES
    assert len(page.find("path", "ag-edge")) == whole.graph.number_of_edges()
    assert not page.find("p", "ag-trimmed")
    over = _chain_graph(MAX_DRAWN_NODES + 1, 20)
    page = _parse(render_attack_graph(over))
    assert len(page.find("p", "ag-trimmed")) == 1
    assert len(page.find("g", "ag-node")) == len({node for path in over.paths for node in path.nodes})


def test_a_whole_drawing_lists_at_most_the_top_paths() -> None:
    paths = tuple(
        AttackPath(PATHS[index % 3].nodes, f"path {index}", 99 - index * 0.5, "medium", "k")
        for index in range(LISTED_PATHS + 30)
    )
    attack = AttackGraph(_graph(), paths)
    page = _parse(render_attack_graph(attack))
    assert len(page.find("button", "ag-path")) == LISTED_PATHS
    assert len(page.find("g", "ag-node")) == attack.graph.number_of_nodes()
    assert "30 lower-impact paths are not listed here." in re.sub(r"\s+", " ", " ".join(page.text))


def test_empty_graph_and_graph_without_paths() -> None:
    page = _parse(render_attack_graph(AttackGraph(nx.DiGraph(), ())))
    assert not page.find("svg") and not page.find("ol")
    assert "No attack path was found, and the graph is empty." in " ".join(page.text)
    page = _parse(render_attack_graph(AttackGraph(_graph(), ())))
    assert len(page.find("g", "ag-node")) == len(NODES) and not page.find("button", "ag-path")
    assert "No attack path was found. The graph has 10 nodes and 10 edges." in " ".join(page.text)


# ----------------------------------------------------------------------------------- standalone page


def _csp(page: _Page) -> str:
    return next(
        el.attrs["content"] for el in page.find("meta") if el.attrs.get("http-equiv") == "Content-Security-Policy"
    )


def _hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


def test_standalone_page_is_self_contained_and_its_csp_allows_its_style_and_script() -> None:
    out = io.StringIO()
    write_attack_graph_html(_attack(), out, f"Attack paths: account {ACCOUNT} <prod>")
    html = out.getvalue()
    page = _parse(html)
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?://", html)  # no script, style, font or anything else from the network
    tags = {el.tag for el in page.elements}
    assert not tags & {"link", "img", "iframe", "object", "embed", "base", "form", "audio", "video", "source"}
    assert not [el for el in page.elements if "src" in el.attrs or "href" in el.attrs]
    (style,) = page.find("style")
    (script,) = page.find("script")
    assert "".join(script.text) == ATTACK_GRAPH_SCRIPT
    assert ATTACK_GRAPH_STYLE in "".join(style.text)
    csp = _csp(page)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert f"style-src {_hash(''.join(style.text))};" in csp
    assert f"script-src {_hash(''.join(script.text))};" in csp
    for code in ("".join(style.text), "".join(script.text)):
        assert not re.search(r"url\(|@import|fetch\(|XMLHttpRequest|\bimport\(|eval\(|innerHTML", code)
    assert f"<title>Attack paths: account {ACCOUNT} &lt;prod&gt;</title>" in html
    assert len(page.find("g", "ag-node")) == len(NODES)


def test_report_gets_the_section_only_when_attack_paths_are_given() -> None:
    context = ScanContext(account_id=ACCOUNT, regions=("us-east-1",), collected_at=datetime(2026, 11, 1, tzinfo=UTC))
    plain, with_paths = io.StringIO(), io.StringIO()
    write_html([], plain, context)
    write_html([], with_paths, context, attack_paths=_attack())
    assert "attack-paths" not in plain.getvalue() and "ag-node" not in plain.getvalue()
    page = _parse(with_paths.getvalue())
    assert len(page.find("section", None)) == len(_parse(plain.getvalue()).find("section")) + 1
    assert len(page.find("g", "ag-node")) == len(NODES)
    csp = _csp(page)
    styles = ["".join(el.text) for el in page.find("style")]
    scripts = ["".join(el.text) for el in page.find("script")]
    assert len(styles) == 2 and len(scripts) == 2
    assert ATTACK_GRAPH_STYLE in styles and ATTACK_GRAPH_SCRIPT in scripts
    sources = {part.split()[0]: set(part.split()[1:]) for part in csp.split(";") if part.strip()}
    assert sources["style-src"] == {_hash(code) for code in styles}
    assert sources["script-src"] == {_hash(code) for code in scripts}
    assert [el.attrs["href"] for el in page.find("a") if el.attrs.get("href") == "#attack-paths"] == ["#attack-paths"]


# ------------------------------------------------------------------------------------------ the script


def _node() -> str:
    node = shutil.which("node")
    assert node, "these tests need Node.js (node) on PATH; .ci/run installs it"
    return node


def test_script_is_valid_javascript(tmp_path: Path) -> None:
    path = tmp_path / "attack_graph.js"
    path.write_text(ATTACK_GRAPH_SCRIPT, encoding="utf-8")
    result = subprocess.run([_node(), "--check", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


_DOM = """
const spec = JSON.parse(process.argv[2]);
const handlers = {};
let onDocumentKey = null;
function element(item) {
  const classes = new Set();
  return {
    id: item.id, dataset: item.dataset, attrs: {}, classes,
    classList: { add: (name) => classes.add(name), remove: (name) => classes.delete(name) },
    setAttribute(name, value) { this.attrs[name] = value; },
    addEventListener(type, fn) { (handlers[item.id] = handlers[item.id] || {})[type] = fn; },
    scrollIntoView() {},
  };
}
const nodes = spec.nodes.map(element), edges = spec.edges.map(element), buttons = spec.buttons.map(element);
const byId = {};
[...nodes, ...edges, ...buttons].forEach((el) => { byId[el.id] = el; });
byId["ag-clear"] = element({ id: "ag-clear", dataset: {} });
const section = {
  querySelectorAll: (selector) => ({ ".ag-node": nodes, ".ag-edge": edges, "button.ag-path": buttons })[selector] || [],
};
globalThis.document = {
  getElementById: (id) => (id === "attack-paths" ? section : byId[id] || null),
  addEventListener: (type, fn) => { onDocumentKey = fn; },
};
"""
_RUN = """
const states = [];
for (const [action, target] of spec.actions) {
  const event = { key: target, preventDefault() {} };
  if (action === "click") { handlers[target].click(); }
  if (action === "key") { handlers[spec.focus].keydown(event); }
  if (action === "document-key") { onDocumentKey(event); }
  states.push({
    lit: [...nodes, ...edges].filter((el) => el.classes.has("ag-on")).map((el) => el.id).sort(),
    dim: [...nodes, ...edges].filter((el) => el.attrs.opacity === "0.15").length,
    pressed: buttons.filter((el) => el.attrs["aria-pressed"] === "true").map((el) => el.id),
  });
}
process.stdout.write(JSON.stringify(states));
"""


def test_clicking_a_path_or_a_node_highlights_its_nodes_and_edges(tmp_path: Path) -> None:
    """Runs the section's own script against a minimal DOM built from the rendered section."""
    page = _parse(render_attack_graph(_attack()))
    node_id = {el.attrs["data-node"]: el.attrs["id"] for el in page.find("g", "ag-node")}
    edge_id = {(el.attrs["data-s"], el.attrs["data-t"]): el.attrs["id"] for el in page.find("path", "ag-edge")}

    def dataset(el: _Element) -> dict[str, str]:
        return {name.removeprefix("data-"): value for name, value in el.attrs.items() if name.startswith("data-")}

    spec = {
        "nodes": [{"id": el.attrs["id"], "dataset": dataset(el)} for el in page.find("g", "ag-node")],
        "edges": [{"id": el.attrs["id"], "dataset": dataset(el)} for el in page.find("path", "ag-edge")],
        "buttons": [{"id": el.attrs["id"], "dataset": dataset(el)} for el in page.find("button", "ag-path")],
        "focus": node_id["user:idle"],
        "actions": [
            ["click", "ag-p1"],
            ["click", "ag-p1"],  # again: cleared
            ["click", node_id[BUCKET]],
            ["click", "ag-clear"],
            ["key", "Enter"],  # on user:idle, on no path: its edge and neighbour
            ["document-key", "Escape"],
        ],
    }
    path = tmp_path / "graph.js"
    path.write_text(_DOM + ATTACK_GRAPH_SCRIPT + _RUN, encoding="utf-8")
    result = subprocess.run(
        [_node(), str(path), json.dumps(spec)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    states = json.loads(result.stdout)

    def ids(index: int) -> list[str]:
        nodes = [node_id[node] for node in PATHS[index].nodes]
        return sorted(nodes + [edge_id[node_id[a], node_id[b]] for a, b in STEPS[index]])

    total = len(NODES) + len(EDGES)
    public_function = ids(1)
    assert states[0] == {"lit": public_function, "dim": total - len(public_function), "pressed": ["ag-p1"]}
    assert states[1] == {"lit": [], "dim": 0, "pressed": []}
    to_bucket = ids(2)  # the bucket lies only on path 3
    assert states[2] == {"lit": to_bucket, "dim": total - len(to_bucket), "pressed": []}
    assert states[3] == {"lit": [], "dim": 0, "pressed": []}
    idle = sorted([node_id["user:idle"], node_id[BUCKET], edge_id[node_id["user:idle"], node_id[BUCKET]]])
    assert states[4] == {"lit": idle, "dim": total - 3, "pressed": []}
    assert states[5] == {"lit": [], "dim": 0, "pressed": []}
