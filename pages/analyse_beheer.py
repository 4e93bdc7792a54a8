"""Facilitator: write the analysis texts (with history), import figures (preview, then all or nothing) and
adjust the project's proposed mapping of police crime types to themes."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st
from sqlalchemy import select

from ivp_core.analysis.importers import (
    ImportPreview,
    ImportRejected,
    UndoRefused,
    apply_import,
    preview_import,
    recent_batches,
    undo_batch,
)
from ivp_core.analysis.importers.long_format import REQUIRED
from ivp_core.analysis.importers.mapping import (
    PROPOSAL_NOTE,
    current_mapping,
    reset_to_proposal,
    update_mapping,
)
from ivp_core.analysis.importers.preview import (
    MAX_FILE_BYTES,
    MAX_FILE_MB,
    TOO_LARGE_ACTION,
    UPLOAD_LIMIT_MB,
    too_large_message,
)
from ivp_core.analysis.texts import (
    ASPECT_EXTRA_SUFFIX,
    THEME_TEXTS,
    aspect_texts,
    field_target,
    get_field_analysis,
    get_theme_analysis,
    history,
    theme_target,
    update_field_analysis,
    update_theme_analysis,
)
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import short_moment
from ivp_core.storage.db import session_scope
from ivp_core.storage.models import Municipality
from ui import auth
from ui.comparison_panel import comparison_panel
from ui.context import current_municipality, current_trajectory
from ui.signals_view import clear_cache

auth.require_facilitator()
trajectory = current_trajectory()
municipality = current_municipality()
if trajectory is None or municipality is None:
    st.info("Er is nog geen traject met een gemeente.")
    st.stop()

catalogue = load_catalogue()
st.title("Veiligheidsanalyse beheren")
st.caption(f"{trajectory.label} · {municipality.name}")
AUTHOR_KEY = "ivp_author"
#: Not a widget's key, so Streamlit keeps it when the coordinator visits another page (a widget's own state is
#: dropped once the widget is not drawn): "Uw naam" is typed once per browser session.
AUTHOR_KEPT = "ivp_author_kept"


def _keep_author() -> None:
    st.session_state[AUTHOR_KEPT] = st.session_state.get(AUTHOR_KEY, "")


if AUTHOR_KEY not in st.session_state:
    st.session_state[AUTHOR_KEY] = st.session_state.get(AUTHOR_KEPT, "")
author = st.text_input(
    "Uw naam",
    key=AUTHOR_KEY,
    on_change=_keep_author,
    help="Komt in de geschiedenis bij elke wijziging van een tekst. Deze browser onthoudt hem tot u hem sluit.",
)


def _history_table(target: str) -> None:
    with session_scope() as session:
        rows = history(session, trajectory.id, municipality.id, target)
    if not rows:
        st.caption("Nog geen wijzigingen.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Wanneer": short_moment(r.changed_at),
                    "Wie": r.author,
                    "Wat": r.label,
                    "Oud": r.old_value,
                    "Nieuw": r.new_value,
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def _saved(changed: int) -> None:
    clear_cache()
    if changed:
        st.success(f"{changed} wijziging(en) opgeslagen.")
    else:
        st.info("Er was niets veranderd.")


tab_texts, tab_fields, tab_import, tab_mapping = st.tabs(
    ["Teksten per thema", "Velden", "Cijfers importeren", "Koppeltabel misdrijfsoorten"]
)

with tab_texts:
    theme = catalogue.theme(
        st.selectbox(
            "Thema", catalogue.theme_codes, format_func=lambda c: catalogue.theme(c).label, key="beheer_thema"
        )
    )
    with session_scope() as session:
        row = get_theme_analysis(session, trajectory.id, municipality.id, theme.code)
    with st.form(f"thema_{theme.code}"):
        values = {}
        for attribute, label in THEME_TEXTS.items():
            help_text = (
                "Veld 1 beschrijft de aanpak met zes vaste aspecten (tab Velden)."
                if attribute == "approach_text" and theme.field_code == "1"
                else None
            )
            values[attribute] = st.text_area(label, getattr(row, attribute) or "", help=help_text, height=120)
        candidate = st.checkbox("Kandidaat-prioriteit voor Stap 3", value=row.candidate)
        if st.form_submit_button("Opslaan", type="primary"):
            try:
                with session_scope() as session:
                    changed = update_theme_analysis(
                        session, trajectory.id, municipality.id, theme.code, author, values, candidate
                    )
                _saved(changed)
            except ValueError as exc:
                st.error(str(exc))
    st.markdown("##### Geschiedenis")
    _history_table(theme_target(theme.code))

with tab_fields:
    labels = {f.code: f.label for f in catalogue.fields}
    field_code = st.selectbox("Veld", list(labels), format_func=labels.__getitem__, key="beheer_veld")
    with session_scope() as session:
        field_row = get_field_analysis(session, trajectory.id, municipality.id, field_code)
    with st.form(f"veld_{field_code}"):
        priorities = st.text_area(
            "Mogelijke prioriteiten in dit veld (met argumenten)", field_row.priorities_text or "", height=140
        )
        aspects: dict[str, str] = {}
        if field_code == "1":
            st.markdown("**De zes vaste aspecten van veld 1: huidige aanpak en extra?**")
            for aspect in catalogue.approach_aspects_field1:
                approach, extra = aspect_texts(field_row.aspects, aspect.code)
                left, right = st.columns(2)
                aspects[aspect.code] = left.text_area(
                    f"{aspect.code}. {aspect.name}: huidige aanpak",
                    approach,
                    help=aspect.explanation,
                    height=100,
                )
                aspects[aspect.code + ASPECT_EXTRA_SUFFIX] = right.text_area(
                    f"{aspect.code}. {aspect.name}: extra?", extra, height=100
                )
        if st.form_submit_button("Opslaan", type="primary"):
            try:
                with session_scope() as session:
                    changed = update_field_analysis(
                        session,
                        trajectory.id,
                        municipality.id,
                        field_code,
                        author,
                        priorities,
                        aspects or None,
                    )
                _saved(changed)
            except ValueError as exc:
                st.error(str(exc))
    st.markdown("##### Geschiedenis")
    _history_table(field_target(field_code))


def _municipality_names() -> dict[str, str]:
    with session_scope() as session:
        return {m.cbs_code: m.name for m in session.scalars(select(Municipality)) if m.cbs_code}


def _cached_preview(name: str, data: bytes, chosen: tuple[str, ...] | None) -> ImportPreview:
    """The preview of one uploaded file is computed once per content and choice of municipalities, not on
    every rerun of the page (issue 18: a 5 MB file was parsed again at every click)."""
    digest = hashlib.sha256(data).hexdigest()
    key = (digest, name, trajectory.id, chosen)
    cache: dict[tuple[object, ...], ImportPreview] = st.session_state.setdefault("import_previews", {})
    if key not in cache:
        cache.clear()  # one file at a time: keep memory bounded
        with st.spinner("Het bestand wordt gelezen en gecontroleerd…"), session_scope() as session:
            cache[key] = preview_import(
                session,
                name,
                data,
                municipality.id,
                trajectory_id=trajectory.id,
                municipalities=list(chosen) if chosen is not None else None,
                sha256=digest,
            )
    return cache[key]


def _import_section() -> None:
    st.markdown(
        "Laad cijfers uit een **StatLine- of politiedownload** (onbewerkte dataset of 'CSV met labels', ook als "
        "Excel opgeslagen; zoals 47013NED of 83648NED), een **Veiligheidsmonitor-tabel** (zoals 85146NED, met "
        f"marges) of het **lange formaat** (CSV of Excel) met de kolommen `{','.join(REQUIRED)}` en eventueel "
        "`region_code` en `kind`. U ziet eerst een voorbeeld; er wordt pas iets opgeslagen als u op "
        "*Importeren* klikt, en dan alles of niets."
    )
    upload = st.file_uploader(
        f"Bestand met cijfers (CSV of Excel, hoogstens {MAX_FILE_MB} MB)",
        type=["csv", "xlsx", "xls", "txt"],
        key="beheer_upload",
        max_upload_size=UPLOAD_LIMIT_MB,
        help=f"Een bestand mag hoogstens {MAX_FILE_MB} MB zijn. Is het groter, download dan alleen de "
        "gemeenten, regio's en jaren die u nodig hebt.",
    )
    if upload is None:
        return
    if upload.size > MAX_FILE_BYTES:
        st.error(
            f"{upload.name}: {too_large_message(upload.size)} {TOO_LARGE_ACTION} Er is niets opgeslagen."
        )
        return
    data = upload.getvalue()
    chosen: tuple[str, ...] | None = st.session_state.get("import_choice", {}).get(upload.file_id)
    preview = _cached_preview(upload.name, data, chosen)
    if preview.available:
        names = _municipality_names()
        picked = st.multiselect(
            "Gemeenten uit dit bestand om te importeren",
            options=sorted(set(preview.available) | set(preview.chosen or [])),
            default=[c for c in preview.chosen or [] if c in preview.available] or None,
            format_func=lambda code: (
                f"{names.get(code, code)} ({code}, {preview.available.get(code, 0)} regels)"
            ),
            help="Standaard de gemeenten van dit traject. Landelijke en regionale cijfers (zoals NL01) worden "
            "altijd meegenomen als vergelijking.",
            key=f"import_gemeenten_{upload.file_id}",
        )
        if tuple(sorted(picked)) != tuple(preview.chosen or ()):
            st.session_state.setdefault("import_choice", {})[upload.file_id] = tuple(sorted(picked))
            st.rerun()
    st.markdown(
        f"**{upload.name}** · soort: {preview.file_format} · {len(preview.rows)} cijfers · "
        f"{len(preview.errors)} fout(en) · {len(preview.warnings)} waarschuwing(en)"
        + (f" · {preview.replaces} bestaande cijfers worden vervangen" if preview.replaces else "")
    )
    if preview.problems:
        st.dataframe(preview.problems_frame(), hide_index=True, width="stretch")
    if not preview.ok:
        st.error(
            "Dit bestand kan zo niet worden geïmporteerd; er is niets opgeslagen. Zie de fouten hierboven."
        )
        return
    st.dataframe(preview.frame().head(500), hide_index=True, width="stretch", height=320)
    if st.button("Importeren (alles of niets)", type="primary"):
        bar = st.progress(0.0, text="Cijfers opslaan…")
        try:
            with session_scope() as session:
                batch = apply_import(
                    session,
                    preview,
                    author.strip(),
                    progress=lambda done: bar.progress(done, text="Cijfers opslaan…"),
                )
                stored, filename = batch.row_count, batch.filename
        except ImportRejected as exc:
            st.error("Er is niets opgeslagen:\n\n" + "\n".join(f"- {p}" for p in exc.problems))
            return
        finally:
            bar.empty()
        st.session_state.pop("import_previews", None)  # 'replaces' changed; a new preview counts afresh
        clear_cache()
        st.success(f"{stored} cijfers uit {filename} zijn opgeslagen.")


def _batches_section() -> None:
    st.markdown("##### Eerder geïmporteerd")
    with session_scope() as session:
        summaries = recent_batches(session, municipality.id, trajectory_id=trajectory.id)
        rows = [
            {
                "Nr.": s.batch.id,
                "Wanneer": short_moment(s.batch.imported_at),
                "Bestand": s.batch.filename,
                "Soort": s.batch.file_format,
                "Geïmporteerd": s.batch.row_count,
                "Nog opgeslagen": s.stored,
                "Door": s.batch.imported_by,
                "Ongedaan gemaakt": short_moment(s.batch.undone_at) if s.batch.undone_at else "",
            }
            for s in summaries
        ]
    st.dataframe(pd.DataFrame(rows, columns=BATCH_COLUMNS), hide_index=True, width="stretch")
    open_batches = [r for r in rows if not r["Ongedaan gemaakt"]]
    if not open_batches:
        return
    with st.form("import_ongedaan"):
        st.markdown("**Een import ongedaan maken**")
        choice = st.selectbox(
            "Import",
            [r["Nr."] for r in open_batches],
            format_func=lambda n: next(
                f"{r['Nr.']}: {r['Bestand']} ({r['Wanneer']}, {r['Nog opgeslagen']} cijfers)"
                for r in open_batches
                if r["Nr."] == n
            ),
        )
        sure = st.checkbox(
            "Ik weet dat de cijfers van deze import worden verwijderd. Cijfers die deze import verving, komen "
            "niet terug; importeer daarvoor het oudere bestand opnieuw."
        )
        if st.form_submit_button("Import ongedaan maken"):
            if not sure:
                st.error("Vink eerst aan dat u weet wat er wordt verwijderd; er is niets veranderd.")
                return
            try:
                with session_scope() as session:
                    removed = undo_batch(session, int(choice))
            except UndoRefused as exc:
                st.error(str(exc))
                return
            clear_cache()
            st.session_state.pop("import_previews", None)
            st.success(f"Import {choice} is ongedaan gemaakt; {removed} cijfers zijn verwijderd.")
            st.rerun()


BATCH_COLUMNS = [
    "Nr.",
    "Wanneer",
    "Bestand",
    "Soort",
    "Geïmporteerd",
    "Nog opgeslagen",
    "Door",
    "Ongedaan gemaakt",
]

with tab_import:
    _import_section()
    _batches_section()
    comparison_panel(trajectory.id, author.strip())  # issue 29 (compare): import as comparison, own group

with tab_mapping:
    st.info(PROPOSAL_NOTE, icon=":material/info:")
    with session_scope() as session:
        mapping = current_mapping(session)
    original = pd.DataFrame(
        [
            {
                "Code": m.crime_type_code,
                "Misdrijfsoort": m.crime_type_name,
                "Thema": m.theme_code or "",
                "Toelichting": m.note,
            }
            for m in mapping.values()
        ]
    )
    edited = st.data_editor(
        original,
        hide_index=True,
        width="stretch",
        disabled=["Code", "Misdrijfsoort"],
        column_config={
            "Thema": st.column_config.SelectboxColumn(
                "Thema", options=["", *catalogue.theme_codes], help="Leeg = telt bij geen enkel thema mee"
            ),
            "Toelichting": st.column_config.TextColumn("Toelichting", width="large"),
        },
        key="beheer_koppeling",
    )
    save, reset = st.columns([1, 1])
    if save.button("Koppeling opslaan", type="primary"):
        relabelled = 0
        with session_scope() as session:
            for before, after in zip(original.itertuples(), edited.itertuples(), strict=True):
                if (before.Thema, before.Toelichting) != (after.Thema, after.Toelichting):
                    relabelled += update_mapping(session, after.Code, after.Thema or None, after.Toelichting)
        clear_cache()
        st.success(f"Koppeling opgeslagen; {relabelled} opgeslagen cijfers kregen een ander thema.")
    if reset.button("Terug naar het voorstel van het project"):
        with session_scope() as session:
            relabelled = reset_to_proposal(session)
        clear_cache()
        st.success(f"Het voorstel is teruggezet; {relabelled} opgeslagen cijfers kregen een ander thema.")
