"""Does a backup mean something this application would have written itself?

Types are checked by the reader; here every row is checked for what it means, with the same rules the app
applies when a person enters the data: a session's kind, status and method from the known lists, its
themes from the catalogue and its settings accepted by `ballots.normalise_settings`; every ballot checked
by `ballots.validate_ballot` against its session's method and scale; weights within what the griffier may
enter; decisions and their settings as the aggregation accepts them; and every reference resolving to a row
of the right trajectory or session. A file that passes could have been made by this application.

Rows must also agree with the state they restore (issue 26): a participant whose ballot was voided
(`voided_at`, as `participation.void_ballot` leaves it) has no ballot, and wrote no remark after the void
(the app refuses both), so such a row is refused, also in an unsigned file the coordinator accepted. Its
earlier remarks and the invitation code it joined with are what the app itself keeps after a void.

Memory stays small for a million ballots: ids are kept in sorted arrays (8 bytes each) and found by
bisection, and the items of one ballot are checked together as they come (a ballot's items are written
together; a ballot whose items come apart is refused).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from ivp_core.advice.aggregate import AggregationSettings
from ivp_core.advice.aggregate.combine import check_settings
from ivp_core.advice.aggregate.model import AggregationError
from ivp_core.backup.format import BackupError, foreign_keys, row_error
from ivp_core.catalogue import load_catalogue
from ivp_core.consultation.ballots import METHODS, BallotError, normalise_settings, validate_ballot
from ivp_core.consultation.participation import ENTRY_KINDS, MAX_VOID_REASON, MIN_VOID_REASON
from ivp_core.consultation.sessions import KINDS, STATUS_LABELS
from ivp_core.plan.actions import COLUMNS as ACTION_COLUMNS
from ivp_core.plan.actions import ActionError, validate_rows
from ivp_core.plan.joint import JointChoiceError, check_joint_sets

#: Same bounds as the griffier's entry of a show of hands (`participation.record_manual_ballot`).
MIN_BALLOT_WEIGHT: Final = 1.0
MAX_BALLOT_WEIGHT: Final = 1000.0
COMMENT_STATUSES: Final = frozenset({"nieuw", "goedgekeurd", "afgewezen"})
DECISION_STATUSES: Final = frozenset({"advies", "vastgesteld"})
MILESTONE_KINDS: Final = frozenset(
    {"analyse_gereed", "opiniesessie", "raadsbesluit", "ivp_vastgesteld", "overig"}
)
AGENDA_SOURCES: Final = frozenset({"nationaal", "regionaal", "politie"})
FIGURE_KINDS: Final = frozenset({"objectief", "subjectief"})
POPULATION_DIMENSIONS: Final = frozenset({"wijk", "age_band"})
GROUPS: Final = frozenset(group for group, _ in KINDS.values())
MIN_YEAR: Final = 1990
MAX_YEAR: Final = 2100
#: A figure larger than this is no count, rate or score of a municipality (the largest are counts ~10⁶).
MAX_FIGURE: Final = 1e9
#: A theme's uitvoeringsplan is a short table; its position is the row number on the page.
MAX_ACTION_POSITION: Final = 10_000
#: At most this many distinct valid ballots are remembered (a few MB), so memory stays bounded.
_MAX_REMEMBERED_BALLOTS: Final = 50_000
_AGGREGATION_KEYS: Final = frozenset(
    {"group_weights", "top_k", "ranking_rule", "data_weight", "seed", "resamples", "tie_tolerance"}
)


class IdIndex:
    """Ids of one table in ascending order with one small payload per id (e.g. the session of a ballot)."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.payload = array("q")

    def add(self, row_id: int, payload: int = 0) -> None:
        self.ids.append(row_id)
        self.payload.append(payload)

    def position(self, row_id: int) -> int | None:
        at = bisect_left(self.ids, row_id)
        return at if at < len(self.ids) and self.ids[at] == row_id else None

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class SessionFacts:
    method: str
    settings: dict[str, Any]
    themes: tuple[str, ...]


@dataclass
class MeaningChecker:
    """Checks rows table by table in `TABLE_ORDER`; keeps only what later tables refer to."""

    trajectory_id: int | None = None
    indexes: dict[str, IdIndex] = field(default_factory=dict)
    sessions: dict[int, SessionFacts] = field(default_factory=dict)
    municipality_regions: dict[int, str | None] = field(default_factory=dict)
    members: set[int] = field(default_factory=set)  # municipalities of the trajectory (not only in the file)
    # the agreed joint sets, checked as one choice at the end of the table
    _joint_shared: list[str] = field(default_factory=list)
    _joint_local: dict[int, list[str]] = field(default_factory=dict)
    _theme_codes: frozenset[str] = field(default_factory=frozenset)
    _field_codes: frozenset[str] = field(default_factory=frozenset)
    # the ballot whose items are being collected, and which ballots are done (one byte per ballot)
    _open_ballot: int | None = None
    _open_items: dict[str, Any] = field(default_factory=dict)
    _open_index: int = 0
    _open_session: int = 0
    #: Ballots (session, items) already found valid: `validate_ballot` is a pure function of the session's
    #: rules and the items, and a million ballots of a few themes repeat a few thousand combinations.
    _valid_ballots: set[tuple[Any, ...]] = field(default_factory=set)
    _ballot_done: bytearray = field(default_factory=bytearray)
    _participant_voted: bytearray = field(default_factory=bytearray)
    #: Participants whose ballot was voided: id -> (label, when). Few, so a plain dict.
    _voided: dict[int, tuple[str, Any]] = field(default_factory=dict)
    _handlers: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        catalogue = load_catalogue()
        self._theme_codes = frozenset(catalogue.theme_codes)
        self._field_codes = frozenset(f.code for f in catalogue.fields)

    # ------------------------------------------------------------------------------------ helpers
    def _theme(self, table: str, index: int, code: Any, *, optional: bool = False) -> None:
        if code is None and optional:
            return
        if not isinstance(code, str) or code not in self._theme_codes:
            raise row_error(table, index, f"het thema '{str(code)[:20]}' staat niet in de catalogus.")

    def _one_of(self, table: str, index: int, column: str, value: Any, allowed: frozenset[str]) -> None:
        if not isinstance(value, str) or value not in allowed:
            raise row_error(
                table,
                index,
                f"'{str(value)[:30]}' is geen geldige waarde voor '{column}' (toegestaan: {', '.join(sorted(allowed))}).",
            )

    def _year(self, table: str, index: int, column: str, value: Any) -> None:
        if value is not None and not MIN_YEAR <= value <= MAX_YEAR:
            raise row_error(table, index, f"het jaar {value} in '{column}' kan niet.")

    def _references(self, table: str, index: int, row: Mapping[str, Any]) -> None:
        for column, target in foreign_keys(table):
            value = row[column]
            if value is None:
                continue
            found = self.indexes.get(target)
            if found is None or found.position(value) is None:
                raise BackupError(
                    f"Het back-upbestand is ongeldig: tabel '{table}', rij {index + 1} verwijst naar een "
                    f"{target}-rij ({value}) die niet in het bestand staat."
                )

    def _index(self, table: str, row_id: int, payload: int = 0) -> None:
        self.indexes.setdefault(table, IdIndex()).add(row_id, payload)

    def _payload(self, table: str, row_id: int) -> int:
        index = self.indexes[table]
        at = index.position(row_id)
        assert at is not None  # references were checked first
        return index.payload[at]

    # ------------------------------------------------------------------------------------ per row
    def check(self, table: str, index: int, row: dict[str, Any]) -> None:
        self._references(table, index, row)
        if "trajectory_id" in row and table != "import_batch" and row["trajectory_id"] != self.trajectory_id:
            raise row_error(table, index, "de rij hoort niet bij het traject van deze back-up.")
        handler = self._handlers.get(table)
        if handler is None:
            handler = self._handlers[table] = getattr(self, f"_{table}", _nothing)
        handler(index, row)
        if "id" in row and table != "ballot_item":
            self._index(table, row["id"], row.get("session_id") or 0)

    def _municipality(self, index: int, row: dict[str, Any]) -> None:
        wijken = row["wijken"]
        if not isinstance(wijken, list) or not all(isinstance(w, str) and len(w) <= 80 for w in wijken):
            raise row_error("municipality", index, "'wijken' moet een lijst van korte teksten zijn.")
        if row["inhabitants"] is not None and not 0 <= row["inhabitants"] <= 20_000_000:
            raise row_error("municipality", index, "het aantal inwoners kan niet.")
        self.municipality_regions[row["id"]] = row["cbs_code"]

    def _trajectory(self, index: int, row: dict[str, Any]) -> None:
        if self.trajectory_id is not None:
            raise BackupError("Het back-upbestand is ongeldig: het bevat meer dan één traject.")
        self.trajectory_id = row["id"]
        self._year("trajectory", index, "period_start", row["period_start"])
        self._year("trajectory", index, "period_end", row["period_end"])
        if row["period_end"] < row["period_start"]:
            raise row_error("trajectory", index, "de periode eindigt vóór ze begint.")
        settings = row["settings"]
        if not isinstance(settings, dict):
            raise row_error("trajectory", index, "de instellingen zijn geen verzameling.")
        regions = settings.get("benchmark_regions", [])
        if not isinstance(regions, list) or not all(isinstance(r, str) and len(r) <= 12 for r in regions):
            raise row_error("trajectory", index, "'benchmark_regions' moet een lijst van regiocodes zijn.")
        self._aggregation_settings("trajectory", index, settings)
        self._short_text("trajectory", index, row, "opinion_gremium", "deciding_gremium")

    def _aggregation_settings(self, table: str, index: int, settings: Mapping[str, Any]) -> None:
        """The keys the aggregation reads must be values it accepts (others are kept as the app wrote them)."""
        given = {k: v for k, v in settings.items() if k in _AGGREGATION_KEYS and v is not None}
        if not given:
            return
        weights = given.get("group_weights")
        problem = None
        if weights is not None and (
            not isinstance(weights, dict)
            or not all(
                isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w) and 0 <= w <= 1000
                for w in weights.values()
            )
        ):
            problem = "de groepsgewichten zijn geen getallen van 0 tot en met 1000"
        for key in ("top_k", "resamples", "seed"):
            value = given.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**6
            ):
                problem = f"'{key}' is geen redelijk geheel getal"
        for key in ("data_weight", "tie_tolerance"):
            value = given.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                problem = f"'{key}' is geen getal"
        if problem is None:
            try:
                check_settings(AggregationSettings(**{k: v for k, v in given.items()}))
            except (AggregationError, TypeError, ValueError) as exc:
                problem = str(exc).rstrip(".")
        if problem:
            raise row_error(table, index, f"de rekeninstellingen kunnen niet: {problem}.")

    def _short_text(self, table: str, index: int, row: Mapping[str, Any], *columns: str) -> None:
        for column in columns:
            value = row[column]
            if any(ord(ch) < 32 for ch in value):
                raise row_error(table, index, f"'{column}' bevat stuurtekens.")

    def _gremia(self, table: str, index: int, row: Mapping[str, Any], *columns: str) -> None:
        self._short_text(table, index, row, *columns)

    def _trajectory_municipality(self, index: int, row: dict[str, Any]) -> None:
        self.members.add(row["municipality_id"])

    def _member(self, table: str, index: int, municipality_id: int | None) -> None:
        """A municipality-specific row must belong to one of the trajectory's own municipalities (the file also
        holds municipalities that only supplied figures)."""
        if municipality_id is not None and municipality_id not in self.members:
            raise row_error(table, index, "de gemeente hoort niet bij het traject van deze back-up.")

    def _milestone(self, index: int, row: dict[str, Any]) -> None:
        self._one_of("milestone", index, "kind", row["kind"], MILESTONE_KINDS)

    def _previous_priority(self, index: int, row: dict[str, Any]) -> None:
        self._theme("previous_priority", index, row["theme_code"])

    def _agenda_input(self, index: int, row: dict[str, Any]) -> None:
        self._one_of("agenda_input", index, "source", row["source"], AGENDA_SOURCES)
        self._theme("agenda_input", index, row["theme_code"], optional=True)

    def _theme_analysis(self, index: int, row: dict[str, Any]) -> None:
        self._theme("theme_analysis", index, row["theme_code"])

    def _field_analysis(self, index: int, row: dict[str, Any]) -> None:
        if row["field_code"] not in self._field_codes:
            raise row_error(
                "field_analysis", index, f"het veld '{row['field_code']}' staat niet in de catalogus."
            )
        aspects = row["aspects"]
        if not isinstance(aspects, dict) or not all(isinstance(v, str) for v in aspects.values()):
            raise row_error("field_analysis", index, "de aspecten moeten teksten zijn.")

    def _import_batch(self, index: int, row: dict[str, Any]) -> None:
        if row["trajectory_id"] is not None and row["trajectory_id"] != self.trajectory_id:
            raise row_error("import_batch", index, "de rij hoort niet bij het traject van deze back-up.")
        if row["row_count"] < 0:
            raise row_error("import_batch", index, "het aantal rijen kan niet negatief zijn.")

    def _figure(self, index: int, row: dict[str, Any]) -> None:
        self._theme("figure", index, row["theme_code"], optional=True)
        self._one_of("figure", index, "kind", row["kind"], FIGURE_KINDS)
        self._year("figure", index, "year", row["year"])
        for column in ("value", "margin_low", "margin_high"):
            if row[column] is not None and abs(row[column]) > MAX_FIGURE:
                raise row_error(
                    "figure", index, f"de waarde {row[column]:g} in '{column}' is onwaarschijnlijk groot."
                )

    def _crime_type_mapping(self, index: int, row: dict[str, Any]) -> None:
        self._theme("crime_type_mapping", index, row["theme_code"], optional=True)

    def _opinion_session(self, index: int, row: dict[str, Any]) -> None:
        table = "opinion_session"
        self._one_of(table, index, "kind", row["kind"], frozenset(KINDS))
        self._one_of(table, index, "status", row["status"], frozenset(STATUS_LABELS))
        self._one_of(table, index, "method", row["method"], frozenset(METHODS))
        self._one_of(table, index, "group", row["group"], GROUPS)
        themes = row["themes"]
        if not isinstance(themes, list) or not themes or len(set(map(str, themes))) != len(themes):
            raise row_error(
                table, index, "de thema's van de sessie zijn geen lijst van verschillende thema's."
            )
        for theme in themes:
            self._theme(table, index, theme)
        settings = row["settings"]
        if not isinstance(settings, dict):
            raise row_error(table, index, "de instellingen zijn geen verzameling.")
        try:
            normalise_settings(row["method"], settings, len(themes))
        except BallotError as exc:
            raise row_error(table, index, exc.message_nl) from None
        rate = settings.get("max_ballots_per_minute")
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int) or rate < 0):
            raise row_error(table, index, "'max_ballots_per_minute' moet een geheel getal zijn.")
        if row["round_no"] < 1:
            raise row_error(table, index, "het rondenummer moet minstens 1 zijn.")
        if row["previous_round_id"] is not None and row["previous_round_id"] == row["id"]:
            raise row_error(table, index, "een sessie kan niet op zichzelf volgen.")
        self.sessions[row["id"]] = SessionFacts(row["method"], dict(settings), tuple(themes))

    def _participant(self, index: int, row: dict[str, Any]) -> None:
        self._participant_voted.append(0)
        if row.get("voided_at") is not None:
            self._voided[row["id"]] = (str(row.get("label") or "")[:40], row["voided_at"])

    def _ballot(self, index: int, row: dict[str, Any]) -> None:
        self._one_of("ballot", index, "entry", row["entry"], frozenset(ENTRY_KINDS))
        weight = row["weight"]
        if not MIN_BALLOT_WEIGHT <= weight <= MAX_BALLOT_WEIGHT:
            raise row_error(
                "ballot", index, f"het gewicht {weight:g} kan niet (een stem telt voor 1 tot en met 1000)."
            )
        if self._payload("participant", row["participant_id"]) != row["session_id"]:
            raise row_error("ballot", index, "de deelnemer hoort niet bij de sessie van de stem.")
        voided = self._voided.get(row["participant_id"])
        if voided is not None:
            raise row_error(
                "ballot",
                index,
                f"de stem van deelnemer {voided[0] or row['participant_id']} is vervallen verklaard; die deelnemer "
                "kan geen stem meer hebben.",
            )
        at = self.indexes["participant"].position(row["participant_id"])
        assert at is not None
        if self._participant_voted[at]:
            raise row_error("ballot", index, "deze deelnemer heeft al een stem in het bestand.")
        self._participant_voted[at] = 1
        self._ballot_done.append(0)

    def _ballot_item(self, index: int, row: dict[str, Any]) -> None:
        if row["ballot_id"] != self._open_ballot:
            self.finish_ballot()
            at = self.indexes["ballot"].position(row["ballot_id"])
            assert at is not None
            if self._ballot_done[at]:
                raise row_error("ballot_item", index, "de regels van één stem staan niet bij elkaar.")
            self._ballot_done[at] = 1
            self._open_ballot, self._open_items, self._open_index = row["ballot_id"], {}, index
            self._open_session = self.indexes["ballot"].payload[at]
        facts = self.sessions[self._open_session]
        theme, criterion = row["theme_code"], row["criterion"]
        if theme not in facts.themes:
            raise row_error("ballot_item", index, f"het thema '{theme[:8]}' staat niet op het stemformulier.")
        if facts.method == "criteria":
            if not criterion:
                raise row_error("ballot_item", index, "bij scoren op criteria hoort een criterium.")
            per = self._open_items.setdefault(theme, {})
            if criterion in per:
                raise row_error("ballot_item", index, "dezelfde score staat twee keer in één stem.")
            per[criterion] = row["value"]
        else:
            if criterion or theme in self._open_items:
                raise row_error(
                    "ballot_item", index, "deze regel past niet bij de stemmethode van de sessie."
                )
            self._open_items[theme] = row["value"]

    def end_table(self, table: str) -> None:
        """Checks that need the whole table: the last ballot, the joint choice as a whole, and that there was
        exactly one trajectory."""
        if table == "ballot_item":
            self.finish_ballot()
        if table == "joint_choice" and (self._joint_shared or self._joint_local):
            try:
                check_joint_sets(self._joint_shared, self._joint_local, self.members)
            except JointChoiceError as exc:
                raise BackupError(
                    f"Het back-upbestand is ongeldig: tabel 'joint_choice': {exc.message_nl}"
                ) from None
        if table == "trajectory" and self.trajectory_id is None:
            raise BackupError("Het back-upbestand is ongeldig: het bevat geen traject.")

    def finish_ballot(self) -> None:
        """Check the collected items of the current ballot as one ballot, with the session's own rules."""
        if self._open_ballot is None:
            return
        facts = self.sessions[self._open_session]
        key: tuple[Any, ...] | None = (self._open_session, *self._open_items.items())
        try:
            known = key in self._valid_ballots
        except TypeError:  # criteria: a theme's scores are a dict; checked every time
            known, key = False, None
        if not known:
            try:
                validate_ballot(facts.method, facts.settings, facts.themes, self._open_items)
            except BallotError as exc:
                raise row_error("ballot_item", self._open_index, exc.message_nl) from None
            if key is not None:
                if len(self._valid_ballots) >= _MAX_REMEMBERED_BALLOTS:
                    self._valid_ballots.clear()
                self._valid_ballots.add(key)
        self._open_ballot, self._open_items = None, {}

    def _comment(self, index: int, row: dict[str, Any]) -> None:
        self._theme("comment", index, row["theme_code"])
        author = row["participant_id"]
        if author is not None and self._payload("participant", author) != row["session_id"]:
            raise row_error("comment", index, "de schrijver hoort niet bij de sessie van de opmerking.")
        voided = self._voided.get(author) if author is not None else None
        if voided is not None and _after(row.get("created_at"), voided[1]):
            raise row_error(
                "comment",
                index,
                f"de opmerking is geschreven nadat de stem van deelnemer {voided[0] or author} vervallen was.",
            )
        self._one_of("comment", index, "status", row["status"], COMMENT_STATUSES)

    def _invitation_code(self, index: int, row: dict[str, Any]) -> None:
        used_by = row["used_by"]
        if used_by is not None and self._payload("participant", used_by) != row["session_id"]:
            raise row_error(
                "invitation_code", index, "de code is gebruikt door een deelnemer van een andere sessie."
            )

    def _population_share(self, index: int, row: dict[str, Any]) -> None:
        self._one_of("population_share", index, "dimension", row["dimension"], POPULATION_DIMENSIONS)
        if not 0 <= row["population"] <= 20_000_000:
            raise row_error("population_share", index, "het aantal inwoners kan niet.")

    def _priority_decision(self, index: int, row: dict[str, Any]) -> None:
        table = "priority_decision"
        self._one_of(table, index, "status", row["status"], DECISION_STATUSES)
        self._gremia(table, index, row, "gremium")
        chosen, focus, settings = row["chosen"], row["focus"], row["settings"]
        if not isinstance(chosen, list):
            raise row_error(table, index, "de gekozen prioriteiten zijn geen lijst.")
        for theme in chosen:
            self._theme(table, index, theme)
        if not isinstance(focus, dict) or not all(isinstance(v, str) for v in focus.values()):
            raise row_error(table, index, "de focus per thema moet tekst zijn.")
        for theme in focus:
            self._theme(table, index, theme)
        if not isinstance(settings, dict) or not isinstance(row["advice"], dict):
            raise row_error(table, index, "het advies of de instellingen zijn geen verzameling.")
        self._aggregation_settings(table, index, settings)

    def _effect_indicator(self, index: int, row: dict[str, Any]) -> None:
        self._theme("effect_indicator", index, row["theme_code"])
        self._one_of("effect_indicator", index, "kind", row["kind"], FIGURE_KINDS)
        for column in ("baseline_year", "target_year"):
            self._year("effect_indicator", index, column, row[column])
        for column in ("baseline_value", "target_value"):
            if row[column] is not None and abs(row[column]) > MAX_FIGURE:
                raise row_error(
                    "effect_indicator", index, f"de waarde in '{column}' is onwaarschijnlijk groot."
                )

    def _indicator_measurement(self, index: int, row: dict[str, Any]) -> None:
        """Stap 6: a year and a value as `measurements.record_measurement` stores them."""
        self._year("indicator_measurement", index, "year", row["year"])
        if not 0 <= row["value"] <= MAX_FIGURE:
            raise row_error("indicator_measurement", index, f"de waarde {row['value']} kan niet.")

    def _ballot_void(self, index: int, row: dict[str, Any]) -> None:
        """A voided ballot's record, as `participation.void_ballot` writes it: a reason of 5 to 1,000 characters."""
        if not MIN_VOID_REASON <= len(row["reason"].strip()) <= MAX_VOID_REASON:
            raise row_error(
                "ballot_void", index, "de reden bij een vervallen stem moet 5 tot 1.000 tekens lang zijn."
            )

    def _plan_action(self, index: int, row: dict[str, Any]) -> None:
        """Stap 5: the texts exactly as `actions.validate_rows` stores them (the page saves nothing else)."""
        table = "plan_action"
        self._theme(table, index, row["theme_code"])
        self._member(table, index, row["municipality_id"])
        if not 0 <= row["position"] <= MAX_ACTION_POSITION:
            raise row_error(table, index, f"de volgorde {row['position']} kan niet.")
        texts = {key: row[key] for key in ACTION_COLUMNS}
        try:
            cleaned = validate_rows([texts])
        except ActionError as exc:
            raise row_error(table, index, exc.message_nl.removeprefix("Rij 1: ")) from None
        if not cleaned:
            raise row_error(table, index, "de actie is leeg.")
        if vars(cleaned[0]) != texts:
            raise row_error(
                table, index, "de tekst bevat stuurtekens of witruimte die de toepassing niet opslaat."
            )

    def _joint_choice(self, index: int, row: dict[str, Any]) -> None:
        """Stap 3a: one theme of the shared set (no municipality) or of one member's local set."""
        table = "joint_choice"
        theme, municipality = row["theme_code"], row["municipality_id"]
        self._theme(table, index, theme)
        self._member(table, index, municipality)
        chosen = (
            self._joint_shared if municipality is None else self._joint_local.setdefault(municipality, [])
        )
        if theme in chosen:
            raise row_error(table, index, f"het thema '{theme}' staat twee keer in dezelfde keuze.")
        chosen.append(theme)


def _after(moment: Any, voided_at: Any) -> bool:
    """Whether `moment` lies after the void; times the reader could not compare count as not after."""
    if isinstance(moment, datetime) and isinstance(voided_at, datetime):
        try:
            return moment > voided_at
        except TypeError:  # one with and one without a time zone: both were written as UTC
            return moment.replace(tzinfo=None) > voided_at.replace(tzinfo=None)
    return False


def _nothing(index: int, row: dict[str, Any]) -> None:
    """Tables whose columns mean nothing beyond their type and references."""
