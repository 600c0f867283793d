"""The output-check report: what a statistician signs off before a view's tables are released,
as JSON (for tools; a stable structure, ``REPORT_SCHEMA``) and as HTML (for people).

In the spirit of ACRO's output records and session summary (SACRO, ``acro/record.py``,
``acro/summary.py``): one record per table with a ``uid``, a status (here the recommendation,
``pass`` or ``review``), a one-line ``summary`` of the checks and, per rule, the cells it
affected; checkers asked for exactly that as data (ACRO pull 104). Each record holds the request
(outcome, measure, breakdowns, filters, period), the policy and its parameters, the rules
applied, counts of cells by status, every hidden cell with its rule, true value and audit
interval, the cells that need a human decision and why, and the recommendation; the report
holds the dataset, its version and the time it was made.

The report CONTAINS UNPROTECTED VALUES. Both formats say so first, and the page offers it only
to statisticians. HTML: every piece of text is escaped (``html.escape``), labels included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Sequence

import pandas as pd

from explorer import __version__
from explorer.catalog import Catalog
from explorer.formats import json_number, schema_record
from explorer.release.review import REASON_TEXT, DecisionReason, ReviewTable
from explorer.sdc.status import CellStatus
from explorer.tables.request import MEASURES, measures_for

WARNING = "CONTAINS UNPROTECTED VALUES — for output checkers only"
SCHEMA_VERSION = "1.0"
TOOL = "Linked Data Inequalities Explorer"

_NUMBER_OR_NULL = {"type": ["number", "null"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}


_CELL = {"type": "object", "additionalProperties": {"type": "string"}}
_HIDDEN_CELL = schema_record({
    "cell": _CELL, "is_margin": {"type": "boolean"},
    "status": {"enum": [CellStatus.SUPPRESSED_PRIMARY.value, CellStatus.SUPPRESSED_SECONDARY.value]},
    "suppression": {"enum": ["primary", "secondary"]}, "rule": {"type": "string"},
    "true_value": {"type": "number"}, "audit_lower": {"type": "number"},
    "audit_upper": _NUMBER_OR_NULL, "required_lower": _NUMBER_OR_NULL,
    "required_upper": _NUMBER_OR_NULL, "protected": {"type": "boolean"},
})
_DECISION = schema_record({
    "cell": _CELL, "is_margin": {"type": "boolean"}, "status": {"type": "string"},
    "rule": {"type": "string"}, "true_value": {"type": "number"}, "shown_value": _NUMBER_OR_NULL,
    "audit_lower": _NUMBER_OR_NULL, "audit_upper": _NUMBER_OR_NULL,
    "reasons": {"type": "array", "minItems": 1, "items": schema_record({
        "code": {"enum": [reason.value for reason in DecisionReason]}, "text": {"type": "string"}})},
})
_REQUEST = {"type": ["object", "null"], "additionalProperties": False,
            "required": ["outcome", "outcome_label", "measure", "measure_label", "by", "where",
                         "period", "audience"],
            "properties": {
                "outcome": {"type": "string"}, "outcome_label": {"type": "string"},
                "measure": {"type": "string"}, "measure_label": {"type": "string"},
                "by": _STRINGS,
                "where": {"type": "object", "additionalProperties": _STRINGS},
                "period": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
                "audience": {"type": "string"}}}
_POLICY = schema_record({
    "name": {"type": "string"}, "version": {"type": "string"}, "label": {"type": "string"},
    "description": {"type": "string"}, "frequency_threshold": {"type": "integer"},
    "zeros_disclosive": {"type": "boolean"}, "secondary_suppression": {"type": "boolean"},
    "protection_level": {"type": "number"}, "margin_cost_factor": {"type": "number"},
    "dominance_nk": schema_record({"n": {"type": "integer"}, "k": {"type": "number"}}),
    "p_percent": {"type": "number"},
    "rate_reliability": schema_record({"hide_below": {"type": "integer"},
                                       "flag_below": {"type": "integer"}}),
    "output_perturbation": {"type": ["string", "null"]},
})
_TABLE = schema_record({
    "uid": {"type": "string"}, "role": {"enum": ["view", "trend"]}, "title": {"type": "string"},
    "recommendation": {"enum": ["pass", "review"]}, "summary": {"type": "string"},
    "recommendation_reasons": _STRINGS, "request": _REQUEST, "policy": _POLICY,
    "dimensions": _STRINGS, "rules_applied": _COUNTS,
    "cell_counts": schema_record({"total": {"type": "integer"}, "interior": {"type": "integer"},
                                  "margins": {"type": "integer"}, "hidden": {"type": "integer"},
                                  "needs_decision": {"type": "integer"},
                                  "by_status": schema_record({s.value: {"type": "integer"}
                                                              for s in CellStatus})}),
    "audit": schema_record({"passes": {"type": "boolean"}, "publishable": {"type": "boolean"},
                            "notes": _STRINGS}),
    "hidden_cells": {"type": "array", "items": _HIDDEN_CELL},
    "needs_decision": {"type": "array", "items": _DECISION},
})
REPORT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Output-check report",
    **schema_record({
        "warning": {"const": WARNING}, "report": {"const": "output_check"},
        "schema_version": {"const": SCHEMA_VERSION},
        "tool": schema_record({"name": {"type": "string"}, "version": {"type": "string"}}),
        "generated_at": {"type": "string"},
        "dataset": schema_record({"code": {"type": "string"}, "title": {"type": "string"},
                                  "version": {"type": "string"}}),
        "recommendation": {"enum": ["pass", "review"]},
        "tables": {"type": "array", "minItems": 1, "items": _TABLE},
    }),
}
"""The JSON report's structure (JSON Schema 2020-12); a test validates every report against it.
A null ``audit_upper`` means no upper limit; null required bounds mean the cell (a secondary
suppression) only must not be recovered exactly."""


# --- data -------------------------------------------------------------------------------------

def build_report(tables: Sequence[ReviewTable], catalog: Catalog, *,
                 generated_at: dt.datetime | None = None) -> dict:
    """The report as plain data (see ``REPORT_SCHEMA``)."""
    if not tables:
        raise ValueError("an output-check report needs at least one table")
    moment = generated_at or dt.datetime.now(dt.UTC)
    records = [_table_record(f"output_{i}", table, catalog) for i, table in enumerate(tables, 1)]
    overall = "pass" if all(r["recommendation"] == "pass" for r in records) else "review"
    return {"warning": WARNING, "report": "output_check", "schema_version": SCHEMA_VERSION,
            "tool": {"name": TOOL, "version": __version__},
            "generated_at": moment.isoformat(timespec="seconds"),
            "dataset": {"code": catalog.code, "title": catalog.title, "version": catalog.version},
            "recommendation": overall, "tables": records}


def _table_record(uid: str, table: ReviewTable, catalog: Catalog) -> dict:
    frame = table.frame
    hidden = table.hidden()
    decisions = table.decisions()
    hidden_by_rule = table.hidden_by_rule()
    summary = "; ".join([table.recommendation.value]
                        + [f"{rule}: {n} {'cell' if n == 1 else 'cells'} suppressed"
                           for rule, n in hidden_by_rule.items()]
                        + ([f"{len(decisions)} need a decision"] if len(decisions) else []))
    return {
        "uid": uid, "role": table.role, "title": table.title,
        "recommendation": table.recommendation.value, "summary": summary,
        "recommendation_reasons": table.recommendation_reasons(),
        "request": _request(table, catalog), "policy": _policy(table.policy),
        "dimensions": list(table.dimensions), "rules_applied": table.rules_applied(),
        "cell_counts": {"total": len(frame), "interior": int((~frame["is_margin"]).sum()),
                        "margins": int(frame["is_margin"].sum()), "hidden": len(hidden),
                        "needs_decision": len(decisions), "by_status": table.status_counts()},
        "audit": {"passes": bool(table.audit_passes), "publishable": bool(table.publishable),
                  "notes": list(table.notes)},
        "hidden_cells": [{
            "cell": _cell(table, row), "is_margin": bool(row["is_margin"]),
            "status": row["status"], "suppression": row["suppression"], "rule": row["rule"],
            "true_value": json_number(row["true_count"], 6),
            "audit_lower": json_number(row["audit_lower"], 6),
            "audit_upper": json_number(row["audit_upper"], 6),
            "required_lower": json_number(row["required_lower"], 6),
            "required_upper": json_number(row["required_upper"], 6),
            "protected": bool(row["protected"]),
        } for _, row in hidden.iterrows()],
        "needs_decision": [{
            "cell": _cell(table, row), "is_margin": bool(row["is_margin"]),
            "status": row["status"], "rule": row["rule"],
            "true_value": json_number(row["true_count"], 6),
            "shown_value": json_number(row["shown_value"], 6),
            "audit_lower": json_number(row["audit_lower"], 6),
            "audit_upper": json_number(row["audit_upper"], 6),
            "reasons": [{"code": code, "text": REASON_TEXT[DecisionReason(code)]}
                        for code in row["decision_reasons"].split(", ")],
        } for _, row in decisions.iterrows()],
    }


def _request(table: ReviewTable, catalog: Catalog) -> dict | None:
    request = table.request
    if request is None:
        return None
    where = {}
    for code, keys in request.where.items():
        dimension = catalog.dimension(code)
        where[code] = [dimension.category_by_key(key).label for key in keys]
    return {"outcome": request.outcome, "outcome_label": catalog.outcome(request.outcome).label,
            "measure": request.measure,
            "measure_label": measures_for(catalog).get(request.measure, MEASURES[request.measure]),
            "by": list(request.by), "where": where,
            "period": [int(request.period[0]), int(request.period[1])],
            "audience": request.audience}


def _policy(policy) -> dict:
    return {"name": policy.name, "version": policy.version, "label": policy.label,
            "description": policy.description, "frequency_threshold": int(policy.threshold),
            "zeros_disclosive": bool(policy.zeros_disclosive),
            "secondary_suppression": bool(policy.secondary_enabled),
            "protection_level": float(policy.protection_level),
            "margin_cost_factor": float(policy.margin_cost_factor),
            "dominance_nk": {"n": int(policy.nk_n), "k": float(policy.nk_k)},
            "p_percent": float(policy.p_percent),
            "rate_reliability": {"hide_below": int(policy.rate_hide_below),
                                 "flag_below": int(policy.rate_flag_below)},
            "output_perturbation": policy.perturbation}


def _cell(table: ReviewTable, row: pd.Series) -> dict[str, str]:
    return {code: str(row[code]) for code in table.dimensions}


# --- formats ----------------------------------------------------------------------------------

def report_json(tables: Sequence[ReviewTable], catalog: Catalog, *,
                generated_at: dt.datetime | None = None) -> str:
    """The report as JSON text (``REPORT_SCHEMA``), the warning as its first key."""
    return json.dumps(build_report(tables, catalog, generated_at=generated_at), indent=2,
                      ensure_ascii=False)


def report_html(tables: Sequence[ReviewTable], catalog: Catalog, *,
                generated_at: dt.datetime | None = None) -> str:
    """The report as one self-contained HTML page; every text escaped."""
    return render_html(build_report(tables, catalog, generated_at=generated_at))


MAX_FILENAME = 150
"""Longest report file name (characters, extension included); a longer one is cut and ends in
a short hash of the whole name, so two views still get two names."""


def report_filename(tables: Sequence[ReviewTable], catalog: Catalog, extension: str) -> str:
    """The report's file name: dataset, view (outcome, measure, breakdowns, period, filters in
    short form) and policy, so reports of two views, or of one view under two policies, never
    overwrite each other; e.g.
    ``output_check_census_mortality_suicide_asmr_by-ethnicity-region_2011-2021_sex-female_policy-official.html``.
    A custom policy carries its threshold (``policy-official_custom-t7``). Safe characters only
    (letters, digits, ``_`` and ``-``, and the dot before the extension: no slashes, no spaces,
    no ``..``); at most ``MAX_FILENAME`` characters."""
    request = tables[0].request if tables else None
    parts = [catalog.code]
    if request is not None:
        parts += [request.outcome, request.measure,
                  "by-" + "-".join(request.by) if request.by else "by-none",
                  f"{int(request.period[0])}-{int(request.period[1])}"]
        parts += [f"{code}-" + "-".join(str(key) for key in keys)
                  for code, keys in sorted(request.where.items())]
    if tables:
        policy = tables[0].policy
        parts.append(f"policy-{policy.name}"
                     + (f"-t{int(policy.threshold)}" if policy.name.endswith("_custom") else ""))
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", "_".join(["output_check", *parts])).strip("_-")
    suffix = "." + re.sub(r"[^A-Za-z0-9]", "", extension)
    if len(name) + len(suffix) > MAX_FILENAME:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
        name = name[:MAX_FILENAME - len(suffix) - len(digest) - 1] + "_" + digest
    return name + suffix


_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem;color:#111}
.warning{border:3px solid #b00020;background:#fdecea;color:#7a0016;padding:1rem;font-size:1.2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{border:1px solid #999;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}
.review{color:#7a0016;font-weight:bold}.pass{color:#1b5e20;font-weight:bold}
dt{font-weight:bold}dd{margin:0 0 .3rem 1rem}
"""


def render_html(report: dict) -> str:
    """HTML for a report built by ``build_report``."""
    e = _escape
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{e(WARNING)}: output-check report</title>", f"<style>{_CSS}</style>", "</head>",
        "<body>",
        (f'<p class="warning" role="alert" id="warning"><strong>{e(WARNING)}</strong>. '
        "This report shows the true values of hidden cells. Do not publish, copy or share it "
        "outside output checking.</p>"),
        "<h1>Output-check report</h1>",
        _definition_list([
            ("Dataset", f"{report['dataset']['title']} ({report['dataset']['code']})"),
            ("Dataset version", report["dataset"]["version"]),
            ("Generated", report["generated_at"]),
            ("Tool", f"{report['tool']['name']} {report['tool']['version']}"),
            ("Tables", str(len(report["tables"]))),
        ]),
        (f'<p>Overall recommendation: <span class="{e(report["recommendation"])}" '
        f'id="recommendation">{e(report["recommendation"].upper())}</span></p>'),
    ]
    for record in report["tables"]:
        parts.append(_table_html(record))
    parts += [f'<p class="warning">{e(WARNING)}</p>', "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _table_html(record: dict) -> str:
    e = _escape
    uid = record["uid"]
    request, policy = record["request"], record["policy"]
    out = [f'<section id="{e(uid)}">',
           f"<h2>{e(uid)}: {e(record['title'])}</h2>",
           (f'<p>Recommendation: <span class="{e(record["recommendation"])}">'
           f"{e(record['recommendation'].upper())}</span> ({e(record['summary'])})</p>")]
    if record["recommendation_reasons"]:
        out.append("<ul>" + "".join(f"<li>{e(r)}</li>" for r in record["recommendation_reasons"])
                   + "</ul>")
    out.append("<h3>Request</h3>")
    if request is None:
        out.append("<p>A table built outside a view request.</p>")
    else:
        where = "; ".join(f"{code}: {', '.join(values)}" for code, values in request["where"].items())
        out.append(_definition_list([
            ("Outcome", f"{request['outcome_label']} ({request['outcome']})"),
            ("Measure", f"{request['measure_label']} ({request['measure']})"),
            ("Breakdowns", ", ".join(request["by"]) or "none"),
            ("Filters", where or "none"),
            ("Period", f"{request['period'][0]} to {request['period'][1]}"),
            ("Table", "the view" if record["role"] == "view" else "its trend by calendar year"),
        ]))
    out.append("<h3>Policy</h3>")
    out.append(_definition_list([
        ("Policy", policy["label"]), ("Description", policy["description"]),
        ("Frequency threshold", str(policy["frequency_threshold"])),
        ("Zeros disclosive", _yes(policy["zeros_disclosive"])),
        ("Secondary suppression", (f"{_yes(policy['secondary_suppression'])}; protection level "
                                  f"{_text(policy['protection_level'])}")),
        ("Rate reliability", (f"rates hidden below {policy['rate_reliability']['hide_below']} "
                             f"events, marked [u] below {policy['rate_reliability']['flag_below']}")),
        ("Output perturbation", policy["output_perturbation"] or "none"),
    ]))
    counts = record["cell_counts"]
    out.append("<h3>Cells by status</h3>")
    out.append(_html_table(["status", "cells"], [[s, n] for s, n in counts["by_status"].items()]
                           + [["total", counts["total"]]], f"status-{uid}"))
    out.append("<h3>Rules applied</h3>")
    out.append(_html_table(["rule", "cells"], [[r, n] for r, n in record["rules_applied"].items()],
                           f"rules-{uid}") if record["rules_applied"] else "<p>No rule changed any cell.</p>")
    audit = record["audit"]
    out.append(f"<h3>Audit</h3><p>Audit passes: {_yes(audit['passes'])}. Publishable: "
               f"{_yes(audit['publishable'])}.</p>")
    if audit["notes"]:
        out.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in audit["notes"]) + "</ul>")
    out.append(f"<h3>Hidden cells ({len(record['hidden_cells'])})</h3>")
    out.append(_html_table(
        ["cell", "margin", "status", "suppression", "rule", "true value", "audit lower",
         "audit upper", "must reach", "protected"],
        [[_cell_text(c["cell"]), _yes(c["is_margin"]), c["status"], c["suppression"], c["rule"],
          _text(c["true_value"]), _text(c["audit_lower"]), _upper(c["audit_upper"]),
          _required(c), _yes(c["protected"])] for c in record["hidden_cells"]],
        f"hidden-{uid}") if record["hidden_cells"] else "<p>No cells are hidden.</p>")
    out.append(f"<h3>Cells needing a decision ({len(record['needs_decision'])})</h3>")
    out.append(_html_table(
        ["cell", "status", "rule", "true value", "shown value", "audit interval", "why"],
        [[_cell_text(c["cell"]), c["status"], c["rule"], _text(c["true_value"]),
          _text(c["shown_value"]),
          "" if c["audit_lower"] is None else f"{_text(c['audit_lower'])} to {_upper(c['audit_upper'])}",
          "; ".join(r["text"] for r in c["reasons"])] for c in record["needs_decision"]],
        f"decisions-{uid}") if record["needs_decision"] else "<p>None.</p>")
    out.append("</section>")
    return "\n".join(out)


def _escape(text) -> str:
    return html.escape(str(text), quote=True)


def _definition_list(items: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{_escape(k)}</dt><dd>{_escape(v)}</dd>" for k, v in items) + "</dl>"


def _html_table(header: list[str], rows: list[list], table_id: str) -> str:
    head = "".join(f"<th>{_escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table id="{_escape(table_id)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cell_text(cell: dict[str, str]) -> str:
    return " / ".join(f"{code}: {label}" for code, label in cell.items())


def _text(value) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _upper(value) -> str:
    return "no limit" if value is None else _text(value)


def _required(cell: dict) -> str:
    if cell["required_lower"] is None:
        return "not exact"
    return f"{_text(cell['required_lower'])} to {_text(cell['required_upper'])}"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


__all__ = ["REPORT_SCHEMA", "WARNING", "build_report", "render_html", "report_filename",
           "report_html", "report_json"]
