"""The analytics as flat tables, for the CSV forms of `/api/network/...` and spreadsheets.

The JSON answers are nested (a gap lists its leads, a community its members); a spreadsheet
wants one row per thing. Each function here turns one answer into rows of equal columns, and
`to_csv` writes them. Lists inside a cell are joined with `LIST_SEPARATOR` like the graph exports.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from mkbgraph.network.export import LIST_SEPARATOR

#: The columns of the key-players table, in order.
KEY_PLAYER_COLUMNS = (
    "rank", "iri", "label", "abbr", "classification", "actions", "leads", "partners", "solo",
    "degree", "weighted_degree", "betweenness", "pagerank", "eigenvector", "betweenness_approximate",
)  # fmt: skip
GAP_COLUMNS = ("gap", "theme", "iri", "label", "kind", "related_iris", "related_labels")
COMMUNITY_COLUMNS = ("community", "size", "iri", "label", "abbr", "dominant_themes")


def key_player_rows(players: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per organisation, in the answer's order (PageRank, highest first)."""
    return [
        {
            "rank": rank,
            **{c: o.get(c, "") for c in KEY_PLAYER_COLUMNS if c in o},
            "eigenvector": "" if o["eigenvector"] is None else o["eigenvector"],
            "betweenness_approximate": players["approximate"],
        }
        for rank, o in enumerate(players["organisations"], start=1)
    ]


def _gap(gap: str, theme: str | None, ref: dict[str, Any], related: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "gap": gap,
        "theme": theme or "",
        "iri": ref["iri"],
        "label": ref["label"],
        "kind": ref["kind"],
        "related_iris": LIST_SEPARATOR.join(r["iri"] for r in related),
        "related_labels": "; ".join(r["label"] for r in related),
    }


def gap_rows(gaps: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per gap: the resource it is about and the resources that explain it.

    gap is one of solo_action (related: its lead), never_lead, unanswered_request,
    single_action_request (related: the action), unused_instrument, articulation_point,
    bridge (related: the other end) and hangs_on; the last three carry their theme.
    """
    theme = gaps["theme"]
    rows = [_gap("solo_action", theme, a, a["lead"]) for a in gaps["solo_actions"]]
    rows += [_gap("never_lead", theme, o, []) for o in gaps["never_lead"]]
    rows += [_gap("unanswered_request", theme, r, []) for r in gaps["unanswered_requests"]]
    rows += [_gap("single_action_request", theme, r, [r["action"]]) for r in gaps["single_action_requests"]]
    rows += [_gap("unused_instrument", theme, i, []) for i in gaps["unused_instruments"]]
    for structure in gaps["themes"]:
        here = structure["iri"]
        rows += [_gap("articulation_point", here, o, []) for o in structure["articulation_points"]]
        rows += [_gap("bridge", here, b["between"][0], [b["between"][1]]) for b in structure["bridges"]]
        rows += [_gap("hangs_on", here, o, []) for o in structure["hangs_on"]]
    return rows


def community_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per member of each community, largest community first."""
    return [
        {
            "community": community["id"],
            "size": community["size"],
            "iri": member["iri"],
            "label": member["label"],
            "abbr": member["abbr"],
            "dominant_themes": LIST_SEPARATOR.join(t["iri"] for t in community["dominant_themes"]),
        }
        for community in found["communities"]
        for member in community["members"]
    ]


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> bytes:
    """The rows as UTF-8 CSV with a header row (a header only when there are no rows)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="raise")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
