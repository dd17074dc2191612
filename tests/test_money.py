"""Money that adds up: the budget sums count each euro once, their grand totals agree, and known
sums computed by hand from the report come out of the canned queries (issue 12).

Each known-answer test quotes the report lines it was computed from; the figures are the
report's, the test checks the graph and the queries reproduce them.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Graph, URIRef

from mkbgraph.config import PROJECT_ROOT, Settings
from mkbgraph.domain.money import counted_budgets, grand_total
from mkbgraph.graph.load import load_graph
from mkbgraph.graph.store import OxigraphStore, SelectResult
from mkbgraph.sparql.catalogue import Catalogue
from mkbgraph.vocab import MKB, PREFIXES

QUERIES = PROJECT_ROOT / "queries"
CATALOGUE = Catalogue.load(QUERIES)
BUDGET_QUERIES = ("budget-per-theme", "budget-per-organisation", "budget-per-year", "budget-per-instrument")
TOTAL = f"{MKB}time-basis/total"
STRUCTURAL = f"{MKB}time-basis/structural"
PER_YEAR = f"{MKB}time-basis/per-year"
MLN = Decimal(1_000_000)


@pytest.fixture(scope="module")
def graph() -> Graph:
    settings = Settings()
    return load_graph(settings.ontology_dir, settings.data_dir, None, check=False).graph


@pytest.fixture(scope="module")
def store(graph: Graph) -> OxigraphStore:
    return OxigraphStore(graph)


def run(store: OxigraphStore, name: str, **params: str) -> SelectResult:
    canned = CATALOGUE.get(name)
    assert canned is not None
    return store.select(canned.bind(params))


def rows(store: OxigraphStore, name: str, **params: str) -> list[dict[str, object]]:
    return run(store, name, **params).dicts()


def total_of(rows_: list[dict[str, object]], basis: str = TOTAL, **match: str) -> Decimal:
    """The sum of totalEuro over the rows of a time basis whose columns have the given values."""
    return sum(
        (
            Decimal(str(r["totalEuro"]))
            for r in rows_
            if str(r["timeBasis"]) == basis and all(str(r.get(k)) == v for k, v in match.items())
        ),
        Decimal(0),
    )


def amt(local: str) -> URIRef:
    return URIRef(PREFIXES["amt"] + local)


# --------------------------------------------------------------------------- the rule, once


def test_the_four_queries_carry_the_same_counting_block() -> None:
    blocks = set()
    for name in BUDGET_QUERIES:
        text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
        found = re.search(r"counted-budgets:begin.*?counted-budgets:end", text, re.S)
        assert found, f"{name} lacks the counted-budgets block"
        blocks.add(" ".join(found.group(0).replace("#", " ").split()))
    assert len(blocks) == 1


@pytest.mark.parametrize("name", BUDGET_QUERIES)
def test_each_query_counts_exactly_the_amounts_the_domain_rule_counts(
    name: str, store: OxigraphStore, graph: Graph
) -> None:
    listed: list[str] = []
    for row in rows(store, name):
        listed.extend(str(row["amountList"]).split())
    assert sorted(listed) == sorted(str(a) for a in counted_budgets(graph)), (
        "an amount is counted twice or not at all"
    )


def test_grand_totals_of_the_four_aggregates_agree(store: OxigraphStore, graph: Graph) -> None:
    expected = {str(k): v for k, v in grand_total(graph).items()}
    for name in BUDGET_QUERIES:
        result = rows(store, name)
        per_basis: dict[str, Decimal] = {}
        for r in result:
            per_basis[str(r["timeBasis"])] = per_basis.get(str(r["timeBasis"]), Decimal(0)) + Decimal(
                str(r["totalEuro"])
            )
        assert per_basis == expected, name
    # hand-computed from the report: 1,1 + 10 + 450 + 40 + 23,9 + 5,4 + 7,5 + 0,3 + 2,7 + 1,5 + 2
    # + 201,5 + 100 + 2,5 + 65 + 24 mln of budgets with a total basis
    assert expected[TOTAL] == Decimal("937.4") * MLN
    assert expected[STRUCTURAL] == Decimal("255.5") * MLN  # 200 + 48 + 7,5
    assert expected[PER_YEAR] == Decimal(32) * MLN  # SEED


def test_only_plan_budgets_count(graph: Graph) -> None:
    counted = counted_budgets(graph)
    # "3.029 borgstellingen, voor een totaalbedrag van €585 miljoen": a guarantee volume
    assert amt("bmkb-borgstellingen-2018") not in counted
    # "Het bedrijfsleven en regionale overheden hebben dat aangevuld met nog eens €260 miljoen."
    assert amt("rif-cofinanciering") not in counted
    # "kredieten tot €250.000": a parameter
    assert amt("qredits-krediet-maximum") not in counted
    # "de jaarlijkse omzet ligt ruim boven €30 miljard": context, not money at all
    assert (amt("franchise-jaaromzet"), None, None) not in graph
    assert (URIRef(PREFIXES["qty"] + "franchise-jaaromzet"), MKB.unit, None) in graph


# --------------------------------------------------------------------------- known answers


def test_mit_2018_is_ezk_plus_provinces_counted_once(store: OxigraphStore) -> None:
    # "Voor 2018 hebben EZK en de provincies bijvoorbeeld voor respectievelijk €40 miljoen en
    #  €23,9 miljoen beschikbaar gesteld voor de gezamenlijke MIT-regeling, waardoor het totale
    #  MIT-budget €63,9 miljoen bedroeg."
    mit = f"{PREFIXES['ins']}mit"
    assert total_of(rows(store, "budget-per-instrument"), instrument=mit) == Decimal("63.9") * MLN


def test_seed_is_32_million_a_year_not_40(store: OxigraphStore) -> None:
    # "De SEED Capital regeling is met ingang van 2019 opgehoogd met jaarlijks €8 miljoen.
    #  Daarmee is het totale jaarlijkse budget van de SEED regeling nu €32 miljoen."
    seed = f"{PREFIXES['ins']}seed-capital"
    assert total_of(rows(store, "budget-per-instrument"), PER_YEAR, instrument=seed) == Decimal(32) * MLN


def test_mkbidee_2019_is_7_8_million(graph: Graph) -> None:
    # "In 2019 is er €0,3 miljoen toegevoegd aan het oorspronkelijke budget van €7,5 miljoen."
    # "voor deze groep is in 2019 €7,8 miljoen beschikbaar"
    counted = counted_budgets(graph)
    parts = [a for a in graph.subjects(MKB.partOf, amt("mkbidee-budget-2019")) if a in counted]
    assert sum(counted[a] for a in parts) == Decimal("7.8") * MLN
    assert amt("mkbidee-budget-2019") not in counted


def test_llo_contribution_to_mkbidee_is_4_5_million_spread_over_three_years(store: OxigraphStore) -> None:
    # "EZK, SZW en OCW hebben in het kader van het Leven Lang Ontwikkelen (LLO)-actieprogramma
    #  besloten om de komende drie jaar in totaal €4,5 miljoen toe te voegen aan MKB!dee."
    # "In 2019 is er €0,3 miljoen toegevoegd ... In 2020 wordt €2,7 miljoen toegevoegd en in 2021 €1,5 miljoen."
    per_org = rows(store, "budget-per-organisation")
    several = [r for r in per_org if str(r["org"]) == f"{MKB}severalPayers"]
    assert total_of(several) == Decimal("4.5") * MLN
    per_year = rows(store, "budget-per-year")
    assert total_of(per_year, period="2020") == Decimal("2.7") * MLN
    assert total_of(per_year, period="2021") == Decimal("1.5") * MLN


def test_ezk_pays_111_5_million_of_total_budgets(store: OxigraphStore) -> None:
    # "is door EZK €1,1 miljoen beschikbaar gesteld" (financieringstafels)
    # "Voor 2018 hebben EZK en de provincies ... €40 miljoen en €23,9 miljoen" (MIT)
    # "EZK zal deze activiteiten co-financieren met een budget tot en met 2021 van in totaal €5,4 miljoen."
    # "Voor het nieuwe startup- en scale-upbeleid stelt EZK tot en met 2023 €65 miljoen extra beschikbaar."
    ezk = rows(store, "budget-per-organisation", org="orgn:ezk")
    assert total_of(ezk) == Decimal("111.5") * MLN
    assert {str(r["org"]) for r in ezk} == {f"{PREFIXES['orgn']}ezk"}


def test_ocw_pays_the_rif_100_million_not_the_co_financing(store: OxigraphStore) -> None:
    # "OCW heeft voor het Regionaal Investeringsfonds mbo voor de periode 2019-2022 opnieuw
    #  €100 miljoen beschikbaar gesteld" (before issue 12 OCW showed 579 mln, with the €260
    #  miljoen of business and regions and the €196 miljoen that is part of the €201,5 miljoen)
    assert total_of(rows(store, "budget-per-organisation", org="orgn:ocw")) == Decimal(100) * MLN


def test_provinces_pay_23_9_plus_2_5_million(store: OxigraphStore) -> None:
    # "Vanuit de regio is via de MKB Samenwerkingsagenda Rijk-Regio 2018-2019 in totaal €23,9
    #  miljoen beschikbaar gesteld voor de MIT-regeling en maximaal €2,5 miljoen voor SBIR."
    assert total_of(rows(store, "budget-per-organisation", org="orgn:provincies")) == Decimal("26.4") * MLN


def test_kabinet_pays_48_million_structural_and_10_million(store: OxigraphStore) -> None:
    # "Het kabinet heeft besloten dat er structureel €48 miljoen voor scholing in het mkb wordt vrijgemaakt."
    # "investeert het kabinet €10 miljoen in een kwaliteitsverbetering."
    kabinet = rows(store, "budget-per-organisation", org="orgn:kabinet")
    assert total_of(kabinet, STRUCTURAL) == Decimal(48) * MLN
    assert total_of(kabinet) == Decimal(10) * MLN


def test_budgets_of_2018(store: OxigraphStore) -> None:
    # MIT "Voor 2018 ... €40 miljoen en €23,9 miljoen"; MKB!dee "met een budget van ruim €2 miljoen";
    # Praktijkleren "voor deze subsidieregeling is alleen al in 2018 €201,5 miljoen beschikbaar"
    # (the "€196 miljoen naar studenten in de beroepsbegeleidende leerweg" is part of it, not extra)
    assert total_of(rows(store, "budget-per-year", year="2018")) == Decimal("267.4") * MLN


def test_budgets_of_2019(store: OxigraphStore) -> None:
    # "is door EZK €1,1 miljoen beschikbaar gesteld"; "In 2019 is er €0,3 miljoen toegevoegd aan
    # het oorspronkelijke budget van €7,5 miljoen."
    assert total_of(rows(store, "budget-per-year", year="2019")) == Decimal("8.9") * MLN


def test_structural_budgets(store: OxigraphStore) -> None:
    # "Hiervoor wordt structureel €200 miljoen ingezet." (persoonlijk ontwikkelbudget)
    # "structureel €48 miljoen voor scholing"; "een budget oplopend tot structureel €7,5 miljoen" (MKB-TO2)
    assert total_of(rows(store, "budget-per-theme"), STRUCTURAL) == Decimal("255.5") * MLN


def test_samenwerkingsagenda_money_is_not_repeated_per_theme(store: OxigraphStore) -> None:
    # Before issue 12 MIT's three amounts were summed (127,8 mln) under each of three themes;
    # Digitalisering showed 133,2 mln. Now the €63,9 miljoen is in one several-themes row.
    result = rows(store, "budget-per-theme")
    digitalisering = f"{PREFIXES['theme']}digitalisering"
    assert total_of(result, theme=digitalisering) == 0
    several = [r for r in result if str(r["theme"]) == f"{MKB}severalThemes"]
    assert Decimal("63.9") * MLN in {Decimal(str(r["totalEuro"])) for r in several}
