"""EXPLAIN (FORMAT JSON | YAML | XML): the text plan's tree of nodes, their estimates and
measurements and their detail lines, written in PostgreSQL's structured formats (the keys
PostgreSQL uses: "Node Type", "Relation Name", "Plans", ...), one value in one row."""

from __future__ import annotations

import json
import re
from typing import Any

_COSTS = re.compile(r"\s+\(cost=(?P<startup>[\d.]+)\.\.(?P<total>[\d.]+) rows=(?P<rows>\d+) width=(?P<width>\d+)\)")
_ACTUAL = re.compile(r"\s+\(actual (?:time=(?P<start>[\d.]+)\.\.(?P<end>[\d.]+) )?rows=(?P<rows>\d+) "
                     r"loops=(?P<loops>\d+)\)")
_NEVER = re.compile(r"\s+\(never executed\)")
_SCAN = re.compile(r"(?P<type>.+? Scan)(?P<backward> Backward)?(?: using (?P<index>\S+))?(?: on (?P<rel>\S+)"
                   r"(?: (?P<alias>\S+))?)?$")
_MODIFY = re.compile(r"(?P<op>Insert|Update|Delete|Merge) on (?P<rel>\S+)(?: (?P<alias>\S+))?$")
_JOIN = re.compile(r"(?:(?P<type>Hash|Merge)(?: (?P<kind>Left|Right|Full|Semi|Anti))? Join"
                   r"|(?P<loop>Nested Loop)(?: (?P<loopkind>Left|Right|Full|Semi|Anti) Join)?)$")
_AGG = {"HashAggregate": "Hashed", "GroupAggregate": "Sorted", "Aggregate": "Plain", "MixedAggregate": "Mixed"}
_LIST_KEYS = ("Sort Key", "Group Key", "Output", "Presorted Key", "Hash Key")
_SUBPLAN = re.compile(r"(?P<name>(?:Sub|Init)Plan \d+)")


class Number(str):
    """A number written as the text plan has it (costs keep their two decimals)."""


def _node(text: str) -> dict[str, Any]:
    node: dict[str, Any] = {}
    costs = _COSTS.search(text)
    actual = _ACTUAL.search(text)
    never = _NEVER.search(text)
    head = text
    for m in (costs, actual, never):
        if m is not None:
            head = head.replace(m.group(0), "")
    head = head.strip()
    scan, modify, join = _SCAN.match(head), _MODIFY.match(head), _JOIN.match(head)
    if head in _AGG:
        node.update({"Node Type": "Aggregate", "Strategy": _AGG[head], "Partial Mode": "Simple"})
    elif modify is not None:
        node.update({"Node Type": "ModifyTable", "Operation": modify.group("op")})
    elif join is not None:
        node["Node Type"] = join.group("loop") or join.group("type") + " Join"
    elif scan is not None:
        node["Node Type"] = scan.group("type")
    elif head.startswith(("HashSetOp ", "SetOp ")):
        kind, command = head.split(" ", 1)
        node.update({"Node Type": "SetOp", "Strategy": "Hashed" if kind == "HashSetOp" else "Sorted",
                     "Command": command})
    else:
        node["Node Type"] = head
    node["Parallel Aware"] = False
    node["Async Capable"] = False
    if join is not None:
        node["Join Type"] = join.group("kind") or join.group("loopkind") or "Inner"
    if scan is not None:
        if scan.group("index"):
            node["Scan Direction"] = "Backward" if scan.group("backward") else "Forward"
            node["Index Name"] = scan.group("index")
        rel = scan.group("rel")
        if rel is not None:
            kind = node["Node Type"]
            name = rel.strip('"')
            if kind == "Function Scan":
                node["Function Name"] = name
            elif kind == "CTE Scan":
                node["CTE Name"] = name
            elif kind not in ("Subquery Scan", "Values Scan", "WorkTable Scan"):
                node["Relation Name"] = name
            node["Alias"] = (scan.group("alias") or rel).strip('"')
    if modify is not None:
        node["Relation Name"] = modify.group("rel")
        node["Alias"] = modify.group("alias") or modify.group("rel")
    if costs is not None:
        node.update({"Startup Cost": Number(costs.group("startup")), "Total Cost": Number(costs.group("total")),
                     "Plan Rows": Number(costs.group("rows")), "Plan Width": Number(costs.group("width"))})
    if actual is not None:
        if actual.group("start") is not None:
            node["Actual Startup Time"] = Number(actual.group("start"))
            node["Actual Total Time"] = Number(actual.group("end"))
        node["Actual Rows"] = Number(actual.group("rows"))
        node["Actual Loops"] = Number(actual.group("loops"))
    elif never is not None:
        node["Actual Rows"] = Number("0")
        node["Actual Loops"] = Number("0")
    return node


def _split_list(value: str) -> list[str]:
    """A key list's items: commas at the top level, not inside parentheses or quotes."""
    items, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(value):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(value[start:i].strip())
            start = i + 1
    items.append(value[start:].strip())
    return items


def _detail(node: dict[str, Any], text: str) -> None:
    key, sep, value = text.partition(": ")
    if not sep:
        node.setdefault("Details", []).append(text)
        return
    if key in _LIST_KEYS:
        node[key] = _split_list(value)
    elif value.isdigit():
        node[key] = Number(value)
    else:
        node[key] = value


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def plan_tree(lines: list[str]) -> dict[str, Any]:
    """The text plan's lines as PostgreSQL's structured EXPLAIN value (without its outer list)."""
    out: dict[str, Any] = {}
    tree_lines = [ln for ln in lines if not ln.startswith(("Planning Time: ", "Execution Time: "))]
    root = _node(tree_lines[0]) if tree_lines else {"Node Type": "Result"}
    stack: list[tuple[int, dict[str, Any]]] = [(0, root)]  # (the indent of its detail lines' parent, node)
    relationship: str | None = None
    subplan: str | None = None
    for line in tree_lines[1:]:
        depth = _indent(line)
        text = line.strip()
        if text.startswith("->  "):
            while len(stack) > 1 and stack[-1][0] >= depth:
                stack.pop()
            parent = stack[-1][1]
            child = _node(text[4:])
            plans = parent.setdefault("Plans", [])
            rel = relationship or ("Outer" if not plans else "Inner")
            child = {**{k: v for k, v in child.items() if k in ("Node Type", "Strategy", "Partial Mode",
                                                                  "Operation")},
                     "Parent Relationship": rel,
                     **({"Subplan Name": subplan} if subplan else {}),
                     **{k: v for k, v in child.items() if k not in ("Node Type", "Strategy", "Partial Mode",
                                                                     "Operation")}}
            plans.append(child)
            relationship = subplan = None
            stack.append((depth, child))
            continue
        while len(stack) > 1 and stack[-1][0] >= depth:
            stack.pop()
        m = _SUBPLAN.match(text)
        if m is not None:
            relationship = "InitPlan" if text.startswith("InitPlan") else "SubPlan"
            subplan = text
            continue
        _detail(stack[-1][1], text)
    _move_plans_last(root)
    out["Plan"] = root
    for ln in lines:
        if ln.startswith("Planning Time: "):
            out["Planning Time"] = Number(ln.split(": ")[1].split()[0])
        if ln.startswith("Execution Time: "):
            out["Triggers"] = []
            out["Execution Time"] = Number(ln.split(": ")[1].split()[0])
    return out


def _move_plans_last(node: dict[str, Any]) -> None:
    plans = node.pop("Plans", None)
    if plans:
        for p in plans:
            _move_plans_last(p)
        node["Plans"] = plans


def _scalar(v: Any) -> str:
    if isinstance(v, Number):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(v, ensure_ascii=False)


def _json(v: Any, indent: int) -> str:
    pad = " " * indent
    if isinstance(v, dict):
        items = [f'{pad}  {json.dumps(k)}: {_json(x, indent + 2).lstrip()}' for k, x in v.items()]
        return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list):
        if v and all(not isinstance(x, (dict, list)) for x in v):
            return pad + "[" + ", ".join(_scalar(x) for x in v) + "]"
        return pad + "[\n" + ",\n".join(_json(x, indent + 2) for x in v) + ("\n" if v else "") + pad + "]"
    return pad + _scalar(v)


def _yaml(v: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, (dict, list)):
                out.append(f"{pad}{k}:" if x else f"{pad}{k}: []" if isinstance(x, list) else f"{pad}{k}: {{}}")
                out += _yaml(x, indent + 2)
            else:
                out.append(f"{pad}{k}: {_scalar(x)}")
    else:
        for x in v:
            if isinstance(x, dict):
                inner = _yaml(x, indent + 2)
                out.append(pad + "- " + inner[0].lstrip())
                out += inner[1:]
            else:
                out.append(f"{pad}- {_scalar(x)}")
    return out


def _xml_text(v: Any) -> str:
    s = str(v).lower() if isinstance(v, bool) else str(v)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml(v: dict[str, Any], indent: int) -> list[str]:
    out: list[str] = []
    pad = " " * indent
    for k, x in v.items():
        tag = k.replace(" ", "-")
        if k == "Plans":
            out.append(f"{pad}<Plans>")
            for p in x:
                out += [f"{pad}  <Plan>", *_xml(p, indent + 4), f"{pad}  </Plan>"]
            out.append(f"{pad}</Plans>")
        elif isinstance(x, dict):
            out += [f"{pad}<{tag}>", *_xml(x, indent + 2), f"{pad}</{tag}>"]
        elif isinstance(x, list):
            item = "Item"
            out += [f"{pad}<{tag}>", *[f"{pad}  <{item}>{_xml_text(i)}</{item}>" for i in x], f"{pad}</{tag}>"]
        else:
            out.append(f"{pad}<{tag}>{_xml_text(x)}</{tag}>")
    return out


def formatted(lines: list[str], fmt: str) -> str:
    """The text plan's lines as one value in fmt ("json", "yaml" or "xml")."""
    value = plan_tree(lines)
    if fmt == "json":
        return "[\n" + _json(value, 2) + "\n]"
    if fmt == "yaml":
        return "\n".join(_yaml([value], 0))
    body = ["  <Query>", *_xml(value, 4), "  </Query>"]
    return "\n".join(['<explain xmlns="http://www.postgresql.org/2009/explain">', *body, "</explain>"])
