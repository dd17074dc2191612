"""The interface's words in one catalogue: Dutch (the source text) and English.

gettext's model without its files: a message is identified by its Dutch text, so a template reads
as Dutch (``{{ t("Zoeken") }}``) and a missing English entry falls back to the Dutch words instead
of to an identifier. Counted phrases go through `count` with a singular and a plural form
("1 resultaat", "2 resultaten"). A test walks the templates and fails when a ``t("...")`` has no
English entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkbgraph.domain.labels import DEFAULT_LANGUAGE

#: Dutch text -> English text.
ENGLISH: dict[str, str] = {
    # the frame of every page
    "Naar de inhoud": "Skip to content",
    "Hoofdmenu": "Main menu",
    "Moties": "Motions",
    "Organisaties": "Organisations",
    "Thema's": "Themes",
    "Netwerk": "Network",
    "Sleutelspelers": "Key players",
    "SPARQL": "SPARQL",
    "Datakwaliteit": "Data quality",
    "Zoeken": "Search",
    "Zoek": "Search",
    "bijv. KVK, Wiersma": "e.g. KVK, Wiersma",
    "Taal": "Language",
    "Bron: Voortgangsrapportage MKB-actieplan 2019.": "Source: progress report of the 2019 SME action plan (Voortgangsrapportage MKB-actieplan 2019).",
    "Graafversie": "Graph version",
    "SPARQL-endpoint": "SPARQL endpoint",
    "API-documentatie": "API documentation",
    "Datasetbeschrijving": "Dataset description",
    # search
    "Zoeken: {q}": "Search: {q}",
    "Geen resultaten voor “{q}”.": "No results for “{q}”.",
    "Typ een of meer woorden; elk woord moet voorkomen in de naam, afkorting, beschrijving of het onderwerp.": "Type one or more words; every word must occur in the name, abbreviation, description or subject.",
    "resultaat": "result",
    "resultaten": "results",
    "gevonden in": "found in",
    "naam": "name",
    "afkorting": "abbreviation",
    "beschrijving": "description",
    "onderwerp": "subject",
    "Bijvoorbeeld": "For example",
    "parlementair verzoek": "parliamentary request",
    "parlementaire verzoeken": "parliamentary requests",
    "of": "or",
    # follow-up
    "Opvolging": "Follow-up",
    "Wat betekent de opvolging?": "What does the follow-up mean?",
    # endpoint page
    "SPARQL-endpoint van mkbgraph": "mkbgraph's SPARQL endpoint",
    "Niet gevonden": "Not found",
    "Dezelfde documentatie als": "The same documentation as",
    "pagina": "page",
    "Editor": "Editor",
    "SPARQL-editor in de browser": "SPARQL editor in the browser",
    "Voorbeeldvragen": "Example queries",
    "Gebruik": "Usage",
    # csv
    "CSV": "CSV",
    "CSV voor Excel (NL)": "CSV for Excel (Dutch)",
    "JSON": "JSON",
}

#: Words that are English in YASGUI and get Dutch names on the editor page (English -> Dutch).
DUTCH_EDITOR: dict[str, str] = {
    "Run query": "Query uitvoeren",
    "Share query": "Query delen (link)",
    "Add tab": "Tabblad toevoegen",
    "Close tab": "Tabblad sluiten",
    "Clear endpoint": "Endpoint wissen",
    "Download result": "Resultaat downloaden",
    "Show all": "Alles tonen",
}
ENGLISH.update({"SPARQL-query": "SPARQL query", "Endpoint": "Endpoint", "Kies een weergave": "Choose a view"})

ENGLISH.update(
    {
        # pages per kind: the question first
        "Wie trekt deze actie, met wie en met welk geld, hoe staat ze ervoor en welke motie voert ze uit?": "Who leads this action, with whom and with what money, how is it going, and which motion does it carry out?",
        "Van wie is dit instrument, wie voert het uit, met welk geld, en welke acties gebruiken het?": "Whose instrument is this, who runs it, with what money, and which actions use it?",
        "Welke acties vallen onder dit thema, wie trekt ze en met welk geld?": "Which actions fall under this theme, who leads them and with what money?",
        "Welke acties vallen onder deze actielijn, wie trekt ze en met welk geld?": "Which actions fall under this action line, who leads them and with what money?",
        "Welke acties, instruments en deals gaan over deze regio?": "Which actions, instruments and deals concern this region?",
        "Wie doen mee aan deze deal en welke acties horen erbij?": "Who takes part in this deal and which actions belong to it?",
        "Wat is dit document, en welke acties, instrumenten en verzoeken verwijzen ernaar?": "What is this document, and which actions, instruments and requests refer to it?",
        "Trekker": "Lead",
        "Partners": "Partners",
        "Financiers": "Funders",
        "Geld": "Money",
        "Status": "Status",
        "Data": "Dates",
        "Voert uit": "Carries out",
        "Instrumenten": "Instruments",
        "Thema en actielijn": "Theme and action line",
        "Onderdeel van": "Part of",
        "Deelacties": "Sub-actions",
        "Soort": "Kind",
        "Eigenaar": "Owner",
        "Uitvoerder": "Executed by",
        "Beschreven in": "Described in",
        "Vestigingsplaatsen": "Locations",
        "Nummer": "Number",
        "Actielijnen": "Action lines",
        "Thema": "Theme",
        "Regionale deals": "Regional deals",
        "Regio's": "Regions",
        "Datum": "Date",
        "Kenmerk": "Reference",
        "Officiële publicatie": "Official publication",
        "Kamerstuk van": "Parliamentary paper of",
        "Beantwoordt": "Answers",
        "niet vastgelegd": "not recorded",
        "geen vastgelegd": "none recorded",
        "geen bedrag vastgelegd": "no amount recorded",
        "geen datum vastgelegd": "no date recorded",
        "geen motie of verzoek": "no motion or request",
        "Acties die dit instrument gebruiken": "Actions using this instrument",
        "Acties in dit thema": "Actions in this theme",
        "Acties in deze actielijn": "Actions in this action line",
        "Acties die over deze regio gaan": "Actions concerning this region",
        "Acties bij deze deal": "Actions of this deal",
        "Acties die in dit document beschreven staan of het beantwoorden": "Actions described in or answering this document",
        "Wat de rapportage zegt": "What the report says",
        "Alle eigenschappen en verwijzingen": "All properties and references",
        "actie": "action",
        "acties": "actions",
        "begrip": "term",
        "instrument": "instrument",
        "thema": "theme",
        "actielijn": "action line",
        "regio": "region",
        "regionale deal": "regional deal",
        "document": "document",
        "organisatie": "organisation",
        "motie": "motion",
        "parlementair verzoek": "parliamentary request",
    }
)

ENGLISH.update(
    {
        "vaste query": "canned query",
        "verplicht": "required",
        "— kies —": "— choose —",
        "alle": "all",
        "Uitvoeren": "Run",
        "Antwoord": "Answer",
        "ja": "yes",
        "nee": "no",
        "rij": "row",
        "rijen": "rows",
        "afgekapt": "truncated",
        "Open in de SPARQL-editor": "Open in the SPARQL editor",
        "Alle vaste queries": "All canned queries",
        "De query": "The query",
    }
)

ENGLISH.update(
    {
        "Actie": "Action",
        "Bedragen": "Amounts",
        "Geen acties vastgelegd.": "No actions recorded.",
        "Over deze pagina": "About this page",
        "De SPARQL-query achter deze pagina": "The SPARQL query behind this page",
        "Netwerk rond dit item": "Network around this item",
        "Eigenschappen": "Properties",
        "Alles wat de graaf zegt over": "Everything the graph says about",
        "Eigenschap": "Property",
        "Waarde": "Value",
        "Geen eigenschappen.": "No properties.",
        "Herkomst in de rapportage": "Provenance in the report",
        "Verwijzingen hierheen": "References to this item",
        "Niets verwijst naar dit item.": "Nothing refers to this item.",
        "Als data": "As data",
        "Het MKB-actieplan als kennisgraaf": "The SME action plan as a knowledge graph",
        "De": "The",
        "als doorzoekbare graaf: wie doet wat, met welk geld, en welke motie wordt ermee uitgevoerd. Elk feit verwijst naar de passage in de rapportage.": "as a searchable graph: who does what, with what money, and which motion it carries out. Every fact points to its passage in the report.",
        "Nog geen rapport in de graaf.": "No report in the graph yet.",
        "Waar wilt u beginnen?": "Where would you like to start?",
        "Kamerstaf": "Parliamentary staff",
        "Wat is er gedaan met een motie of toezegging?": "What has been done with a motion or commitment?",
        "Motietracker": "Motion tracker",
        "Moties zonder opvolging": "Motions without follow-up",
        "Beleidsonderzoekers": "Policy researchers",
        "Wie trekt welke acties, met welke partners en bedragen?": "Who leads which actions, with which partners and amounts?",
        "Sleutelspelers en coördinatiegaten": "Key players and coordination gaps",
        "Bezoekers": "Visitors",
        "Wat staat er in het MKB-actieplan?": "What is in the SME action plan?",
        "De zeven thema's": "The seven themes",
        "Wie werkt met wie": "Who works with whom",
        "In de graaf": "In the graph",
        "Aantal items per soort": "Number of items per kind",
        "Aantal": "Number",
        "triples": "triples",
        "moties": "motions",
        "instrumenten": "instruments",
        "parlementaire verzoeken": "parliamentary requests",
        "organisaties": "organisations",
        "personen": "persons",
        "regionale deals": "regional deals",
        "regio's": "regions",
        "documenten": "documents",
        "thema's": "themes",
        "actielijnen": "action lines",
        "bedragen": "amounts",
        "aantallen": "quantities",
        "getuigenissen": "testimonials",
        "citaten": "quotes",
        "persoon": "person",
        "functie": "post",
        "bedrag": "amount",
        "aantal": "quantity",
        "getuigenis": "testimonial",
        "sectie": "section",
        "rapport": "report",
        "bron": "source",
        "begrippenlijst": "concept scheme",
    }
)

ENGLISH.update(
    {
        "Aantal acties per thema, naar status": "Number of actions per theme, by status",
        "Acties": "Actions",
        "Acties die hier uitvoering aan geven": "Actions carrying this out",
        "Acties per thema naar status.": "Actions per theme by status.",
        "Acties van anderen waarin deze organisatie meedoet": "Actions of others this organisation takes part in",
        "Afdrukken": "Print",
        "Afkorting": "Abbreviation",
        "Alles tonen": "Show all",
        "Bedrag": "Amount",
        "Bedragen bij acties die zij trekt": "Amounts of the actions it leads",
        "Bedragen bij de acties die deze organisatie trekt": "Amounts of the actions this organisation leads",
        "Betrokken bij": "Involved in",
        "Controles op de hele graaf": "Checks on the whole graph",
        "De fout is vastgelegd onder nummer": "The error was logged under number",
        "De graaf kent dit adres niet:": "The graph does not know this address:",
        "Directe buren": "Direct neighbours",
        "Documenten die erop antwoorden": "Documents answering it",
        "Euro": "Euro",
        "Filteren": "Filter",
        "Geen bedragen vastgelegd.": "No amounts recorded.",
        "Geen buren in het netwerk.": "No neighbours in the network.",
        "Geen instrumenten of deals als eigenaar, uitvoerder of partner.": "No instruments or deals as owner, executor or partner.",
        "Geen verzoeken gevonden.": "No requests found.",
        "Geen.": "None.",
        "Hoe de opvolging wordt bepaald": "How the follow-up is determined",
        "In één oogopslag": "At a glance",
        "Indieners": "Submitters",
        "Instrumenten en deals": "Instruments and deals",
        "Interactief netwerk rond": "Interactive network around",
        "Kamerstuk": "Parliamentary paper",
        "Moties, Kamervragen en toezeggingen uit de rapportage, met de acties die er uitvoering aan geven. De opvolging is berekend uit de graaf:": "Motions, parliamentary questions and commitments from the report, with the actions carrying them out. The follow-up is computed from the graph:",
        "Naar de startpagina": "To the home page",
        "Netwerk van": "Network of",
        "Nog geen acties vastgelegd.": "No actions recorded yet.",
        "Organisatie": "Organisation",
        "Rol": "Role",
        "SHACL-validatie van de geladen graaf": "SHACL validation of the loaded graph",
        "Som van de bedragen (schema:value) die aan de acties van elk thema hangen; een bedrag telt bij elk thema van zijn actie.": "Sum of the amounts (schema:value) attached to each theme's actions; an amount counts for every theme of its action.",
        "Status van het verzoek": "Status of the request",
        "Tekst": "Text",
        "Thema's en actielijnen": "Themes and action lines",
        "Toon": "Show",
        "Totaal": "Total",
        "Trekt": "Leads",
        "Vastgelegde bedragen bij acties per thema": "Recorded amounts of actions per theme",
        "Verantwoordelijk voor": "Responsible for",
        "Verzoek": "Request",
        "Zonder actielijn": "Without action line",
        "de grootste trekkers eerst": "largest leads first",
        "officiële publicatie": "official publication",
        "som van de vastgelegde bedragen; een bedrag kan deel zijn van een ander": "sum of the recorded amounts; one amount may be part of another",
        "trekker": "lead",
        "zoals de rapportage of het Kamerstuk het noemt": "as the report or the parliamentary paper names it",
        "directe buur": "direct neighbour",
        "directe buren": "direct neighbours",
        "organisaties": "organisations",
        # roles, error pages, quality checks (passed to t() as values)
        "betrokken": "involved",
        "financier": "funder",
        "eigenaar": "owner",
        "uitvoerder": "executor",
        "partner": "partner",
        "Niet toegestaan": "Not allowed",
        "Ongeldige parameter": "Invalid parameter",
        "Er ging iets mis": "Something went wrong",
        "Deze pagina bestaat niet.": "This page does not exist.",
        "Deze pagina kan zo niet worden opgevraagd.": "This page cannot be requested this way.",
        "Een parameter in het adres heeft niet de verwachte vorm.": "A parameter in the address does not have the expected form.",
        "Er ging iets mis bij het maken van deze pagina.": "Something went wrong while making this page.",
        "Moties en verzoeken zonder opvolging": "Motions and requests without follow-up",
        "Elk verzoek heeft opvolging.": "Every request has a follow-up.",
        "Organisaties die genoemd worden maar niets trekken": "Organisations mentioned that lead nothing",
        "Elke organisatie trekt iets.": "Every organisation leads something.",
        "Acties zonder bedrag": "Actions without an amount",
        "Elke actie heeft een bedrag.": "Every action has an amount.",
        "Acties zonder datum": "Actions without a date",
        "Elke actie heeft een datum.": "Every action has a date.",
        "Kamervragen": "parliamentary questions",
        "toezegging": "commitment",
        "verzoek": "request",
    }
)

ENGLISH.update(
    {
        "Alles": "Everything",
        "Details": "Details",
        "Elke organisatie met een actie; een lijn verbindt twee organisaties die samen aan acties werken (trekker, betrokkene of financier, zoals de rapportage ze noemt), dikker naarmate het er meer zijn. De best verbonden organisaties staan erbij met naam; klik een lijn voor de acties.": "Every organisation with an action; a line joins two organisations that work on actions together (as lead, involved party or funder, as the report names them), thicker the more they share. The best connected are named; click a line for the actions.",
        "Filters": "Filters",
        "Filters, legenda en weergave": "Filters, legend and display",
        "Fysica aan (laat knopen bewegen)": "Physics on (let nodes move)",
        "Grootte": "Size",
        "Het endpoint is": "The endpoint is",
        "Het interactieve netwerk vraagt JavaScript. Hieronder de knopen als lijst.": "The interactive network needs JavaScript. Below, the nodes as a list.",
        "Kleur": "Colour",
        "Klik op een knoop of verbinding, of zoek een knoop.": "Click a node or a link, or search for a node.",
        "Knopen": "Nodes",
        "Legenda": "Legend",
        "Motie of verzoek": "Motion or request",
        "Naam": "Name",
        "Resultaatformaat": "Result format",
        "SPARQL-editor": "SPARQL editor",
        "Stappen rond": "Steps around",
        "Vaste queries": "Canned queries",
        "Volledige graaf": "Full graph",
        "Volledige graaf (acties, instrumenten, moties)": "Full graph (actions, instruments, motions)",
        "Vraag de graaf zelf. De voorvoegsels van het project (mkb:, orgn:, act:, ...) zijn al bekend; resultaten linken naar de pagina's van deze site; Delen geeft een link die de query herstelt en uitvoert.": "Ask the graph yourself. The project's prefixes (mkb:, orgn:, act:, ...) are known; results link to this site's pages; Share gives a link that restores and runs the query.",
        "Weergave": "View",
        "Wie werkt met wie (organisaties)": "Who works with whom (organisations)",
        "Zoek een knoop": "Find a node",
        "Zoek in het netwerk": "Search the network",
        "alle thema's": "all themes",
        "bijv. EZK": "e.g. EZK",
        "formulier": "form",
        "gebruik het zoekveld om een knoop te kiezen": "use the search field to pick a node",
        "gefilterd": "filtered",
        "gelijk": "equal",
        "naar centraliteit (PageRank)": "by centrality (PageRank)",
        "naar gemeenschap": "by community",
        "naar soort": "by kind",
        "uitvoeren in de editor": "run in the editor",
        "knoop": "node",
        "knopen": "nodes",
        "verbinding": "link",
        "verbindingen": "links",
        "Kamervraag of toezegging": "parliamentary question or commitment",
    }
)

ENGLISH.update(
    {
        "Samenwerkingen (gedeelde acties)": "Collaborations (shared actions)",
        "Centraliteit (PageRank)": "Centrality (PageRank)",
        "Gemeenschap": "Community",
        "geen": "none",
        "Pagina van": "Page of",
        "Verbonden met": "Connected to",
        "Geen citaat vastgelegd voor deze verbinding.": "No quote recorded for this link.",
        "Gevonden:": "Found:",
        "Geen knoop gevonden in deze weergave.": "No node found in this view.",
        "uit de rapportage": "from the report",
        "werken samen": "work together",
        "verantwoordelijk": "responsible",
        "financiert": "funds",
        "beantwoordt": "answers",
        "gebruikt": "uses",
        "in regio": "in region",
        "in deal": "in deal",
        "voert uit": "executes",
    }
)

#: The catalogue per language (Dutch maps every text to itself).
CATALOGUES: dict[str, dict[str, str]] = {"en": ENGLISH, "nl": DUTCH_EDITOR}


@dataclass(frozen=True)
class Translator:
    """The catalogue for one language: ``t("Zoeken")``, ``t("Zoeken: {q}", q=...)``, ``t.count(...)``."""

    language: str = DEFAULT_LANGUAGE

    def __call__(self, text: str, **params: object) -> str:
        translated = CATALOGUES.get(self.language, {}).get(text, text)
        return translated.format(**params) if params else translated

    def count(self, number: int, singular: str, plural: str) -> str:
        """``"1 resultaat"``, ``"0 resultaten"``: Dutch and English both use the singular for one only."""
        return f"{number} {self(singular if number == 1 else plural)}"


def translator(language: str) -> Translator:
    """The translator of a supported language (the default for anything else)."""
    return Translator(language if language in CATALOGUES else DEFAULT_LANGUAGE)
