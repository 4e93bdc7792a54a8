"""Facilitator: write the analysis texts (with history), import figures (preview, then all or nothing) and
adjust the project's proposed mapping of police crime types to themes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pandas as pd
import streamlit as st

from ivp_core.analysis import page as uc
from ivp_core.catalogue import load_catalogue
from ivp_core.dutch import counted
from ivp_core.errors import EditConflict, UserError
from ui.shell import auth
from ui.shell.context import current_municipality, current_trajectory
from ui.shell.errors import show_user_error
from ui.widgets import opened_versions as texts_form
from ui.widgets.comparison_panel import comparison_panel
from ui.widgets.edit_conflict import conflict_choice, remember_conflict
from ui.widgets.signals_view import clear_cache

auth.require_facilitator()
trajectory = current_trajectory()
municipality = current_municipality()
if trajectory is None or municipality is None:
    st.info("Er is nog geen traject met een gemeente.")
    st.stop()
# Bound once after the check: the functions below do not see the narrowing of the module's names.
trajectory_id = trajectory.id
municipality_id = municipality.id

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
    st.session_state[AUTHOR_KEY] = st.session_state.get(AUTHOR_KEPT) or auth.own_name()
author = st.text_input(
    "Uw naam",
    key=AUTHOR_KEY,
    on_change=_keep_author,
    help="Komt in de geschiedenis bij elke wijziging van een tekst. Deze browser onthoudt hem tot u hem sluit.",
)
texts_form.flash()


def _history_table(target: str) -> None:
    rows = uc.load_history(trajectory_id, municipality_id, target)
    if not rows:
        st.caption("Nog geen wijzigingen.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {"Wanneer": r.when, "Wie": r.author, "Wat": r.label, "Oud": r.old_value, "Nieuw": r.new_value}
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def _save(form: str, save: Callable[[uc.TextsSave], uc.Saved], request: uc.TextsSave) -> None:
    """One save of a form of texts: the result after a rerun, both versions of every text someone else changed."""
    try:
        result = save(request)
    except uc.TextsConflict as conflict:
        texts_form.remember(form, conflict.conflicts)
    except UserError as exc:
        show_user_error(exc)
    else:
        clear_cache()
        texts_form.saved(form, result.message, changed=bool(result.changed))


def _text_box(
    form: str, box: uc.TextBox, height: int, column: st.delta_generator.DeltaGenerator | None = None
) -> str:
    return (column or st).text_area(
        box.label, key=texts_form.box_key(form, box.attribute), help=box.help, height=height
    )


tab_texts, tab_fields, tab_import, tab_mapping = st.tabs(
    ["Teksten per thema", "Velden", "Cijfers importeren", "Koppeltabel misdrijfsoorten"]
)

with tab_texts:
    theme_code = st.selectbox(
        "Thema", catalogue.theme_codes, format_func=lambda c: catalogue.theme(c).label, key="beheer_thema"
    )
    theme = uc.load_theme_texts(trajectory_id, municipality_id, theme_code)
    form = f"beheer:{trajectory_id}:{municipality_id}:{theme.target}"
    opened = texts_form.sync(form, {**theme.values, uc.CANDIDATE: theme.candidate})
    with st.form(f"thema_{theme_code}"):
        values = {box.attribute: _text_box(form, box, 120) for box in theme.boxes}
        candidate = st.checkbox(
            "Kandidaat-prioriteit voor Stap 3", key=texts_form.box_key(form, uc.CANDIDATE)
        )
        if st.form_submit_button("Opslaan", type="primary"):
            _save(
                form,
                uc.save_theme_texts,
                uc.TextsSave(
                    trajectory_id,
                    municipality_id,
                    theme_code,
                    author,
                    values,
                    {a: str(v) for a, v in opened.items() if a != uc.CANDIDATE},
                    candidate,
                    bool(opened[uc.CANDIDATE]),
                ),
            )
    st.markdown("##### Geschiedenis")
    _history_table(theme.target)

with tab_fields:
    labels = {f.code: f.label for f in catalogue.fields}
    field_code = st.selectbox("Veld", list(labels), format_func=labels.__getitem__, key="beheer_veld")
    field = uc.load_field_texts(trajectory_id, municipality_id, field_code)
    form = f"beheer:{trajectory_id}:{municipality_id}:{field.target}"
    opened = texts_form.sync(form, field.values)
    with st.form(f"veld_{field_code}"):
        field_values = {field.priorities.attribute: _text_box(form, field.priorities, 140)}
        if field.aspects:
            st.markdown("**De zes vaste aspecten van veld 1: huidige aanpak en extra?**")
        for aspect in field.aspects:
            left, right = st.columns(2)
            field_values[aspect.approach.attribute] = _text_box(form, aspect.approach, 100, left)
            field_values[aspect.extra.attribute] = _text_box(form, aspect.extra, 100, right)
        if st.form_submit_button("Opslaan", type="primary"):
            _save(
                form,
                uc.save_field_texts,
                uc.TextsSave(
                    trajectory_id,
                    municipality_id,
                    field_code,
                    author,
                    field_values,
                    {a: str(v) for a, v in opened.items()},
                ),
            )
    st.markdown("##### Geschiedenis")
    _history_table(field.target)


def _cached_preview(name: str, data: bytes, chosen: tuple[str, ...] | None) -> uc.ImportPreview:
    """The preview of one uploaded file is computed once per content and choice of municipalities, not on
    every rerun of the page (issue 18: a 5 MB file was parsed again at every click)."""
    digest = hashlib.sha256(data).hexdigest()
    key = (digest, name, trajectory_id, chosen)
    cache: dict[tuple[object, ...], uc.ImportPreview] = st.session_state.setdefault("import_previews", {})
    if key not in cache:
        cache.clear()  # one file at a time: keep memory bounded
        with st.spinner("Het bestand wordt gelezen en gecontroleerd…"):
            cache[key] = uc.preview_file(trajectory_id, municipality_id, name, data, chosen, digest)
    return cache[key]


def _import_section() -> None:
    st.markdown(
        "Laad cijfers uit een **StatLine- of politiedownload** (onbewerkte dataset of 'CSV met labels', ook als "
        "Excel opgeslagen; zoals 47013NED of 83648NED), een **Veiligheidsmonitor-tabel** (zoals 85146NED, met "
        f"marges) of het **lange formaat** (CSV of Excel) met de kolommen `{','.join(uc.LONG_FORMAT_COLUMNS)}` en eventueel "
        "`region_code` en `kind`. U ziet eerst een voorbeeld; er wordt pas iets opgeslagen als u op "
        "*Importeren* klikt, en dan alles of niets."
    )
    upload = st.file_uploader(
        f"Bestand met cijfers (CSV of Excel, hoogstens {uc.MAX_FILE_MB} MB)",
        type=["csv", "xlsx", "xls", "txt"],
        key="beheer_upload",
        max_upload_size=uc.UPLOAD_LIMIT_MB,
        help=f"Een bestand mag hoogstens {uc.MAX_FILE_MB} MB zijn. Is het groter, download dan alleen de "
        "gemeenten, regio's en jaren die u nodig hebt.",
    )
    if upload is None:
        return
    try:
        uc.check_upload(upload.name, upload.size)
    except UserError as exc:
        show_user_error(exc)
        return
    data = upload.getvalue()
    chosen: tuple[str, ...] | None = st.session_state.get("import_choice", {}).get(upload.file_id)
    preview = _cached_preview(upload.name, data, chosen)
    if preview.available:
        names = uc.municipality_names()
        picked = st.multiselect(
            "Gemeenten uit dit bestand om te importeren",
            options=sorted(set(preview.available) | set(preview.chosen or [])),
            default=[c for c in preview.chosen or [] if c in preview.available] or None,
            format_func=lambda code: (
                f"{names.get(code, code)} ({code}, {counted(preview.available.get(code, 0), 'regel', 'regels')})"
            ),
            placeholder="Kies gemeenten",
            help="Standaard de gemeenten van dit traject. Landelijke en regionale cijfers (zoals NL01) worden "
            "altijd meegenomen als vergelijking.",
            key=f"import_gemeenten_{upload.file_id}",
        )
        if tuple(sorted(picked)) != tuple(preview.chosen or ()):
            st.session_state.setdefault("import_choice", {})[upload.file_id] = tuple(sorted(picked))
            st.rerun()
    st.markdown(
        f"**{upload.name}** · soort: {preview.file_format} · {counted(len(preview.rows), 'cijfer', 'cijfers')} · "
        f"{counted(len(preview.errors), 'fout', 'fouten')} · "
        f"{counted(len(preview.warnings), 'waarschuwing', 'waarschuwingen')}"
        + (f" · {preview.replaces} bestaande cijfers worden vervangen" if preview.replaces else "")
    )
    if preview.problems:
        st.dataframe(preview.problems_frame(), hide_index=True, width="stretch")
    if not preview.ok:
        show_user_error(
            UserError(
                "Dit bestand kan zo niet worden geïmporteerd; er is niets opgeslagen. Zie de fouten hierboven."
            )
        )
        return
    st.dataframe(preview.frame().head(500), hide_index=True, width="stretch", height=320)
    if st.button("Importeren (alles of niets)", type="primary"):
        bar = st.progress(0.0, text="Cijfers opslaan…")
        try:
            imported = uc.import_figures(
                preview, author, progress=lambda done: bar.progress(done, text="Cijfers opslaan…")
            )
        except UserError as exc:
            show_user_error(exc)
            return
        finally:
            bar.empty()
        st.session_state.pop("import_previews", None)  # 'replaces' changed; a new preview counts afresh
        clear_cache()
        st.success(f"{imported.stored} cijfers uit {imported.filename} zijn opgeslagen.")


def _batches_section() -> None:
    st.markdown("##### Eerder geïmporteerd")
    batches = uc.recent_imports(trajectory_id, municipality_id)
    rows = [
        {
            "Nr.": b.id,
            "Wanneer": b.when,
            "Bestand": b.filename,
            "Soort": b.file_format,
            "Geïmporteerd": b.imported,
            "Nog opgeslagen": b.stored,
            "Door": b.by,
            "Ongedaan gemaakt": b.undone,
        }
        for b in batches
    ]
    st.dataframe(pd.DataFrame(rows, columns=BATCH_COLUMNS), hide_index=True, width="stretch")
    open_batches = {b.id: b for b in batches if not b.undone}
    if not open_batches:
        return
    with st.form("import_ongedaan"):
        st.markdown("**Een import ongedaan maken**")
        choice = st.selectbox(
            "Import",
            list(open_batches),
            format_func=lambda n: (
                f"{n}: {open_batches[n].filename} ({open_batches[n].when}, {open_batches[n].stored} cijfers)"
            ),
        )
        sure = st.checkbox(
            "Ik weet dat de cijfers van deze import worden verwijderd. Cijfers die deze import verving, komen "
            "niet terug; importeer daarvoor het oudere bestand opnieuw."
        )
        if st.form_submit_button("Import ongedaan maken"):
            try:
                removed = uc.undo_import(int(choice), confirmed=sure)
            except UserError as exc:
                show_user_error(exc)
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
    if auth.can(auth.Permission.IMPORT, trajectory_id):
        _import_section()
        _batches_section()
        comparison_panel(trajectory_id, author.strip())  # issue 29 (compare): import as comparison, own group
    else:  # a werkgroeplid writes the texts; figures and their undo are the coördinator's
        st.info(
            "Cijfers importeren en een import ongedaan maken doet de coördinator van dit traject; dat hoort niet "
            "bij uw rol.",
            icon=":material/lock:",
        )

#: The crime-type table as this person opened it (the grid is drawn from it, so a colleague's save does not
#: redraw the grid under the person's edits), and per row the version a save goes over after a conflict.
MAPPING = "beheer_koppeling"


def _restart_mapping() -> None:
    for key in (MAPPING, f"{MAPPING}:opened", f"{MAPPING}:reopened"):
        st.session_state.pop(key, None)


def _mapping_conflict() -> None:
    choice = conflict_choice(MAPPING)
    if choice is None:
        return
    if choice.text == choice.opened:  # go on with the stored table
        _restart_mapping()
    else:  # keep the edits; the next save goes over the rows stored now
        stored = {m.crime_type_code: m for m in uc.load_mapping()}
        st.session_state[f"{MAPPING}:reopened"] = {
            code: uc.mapping_row_text(code, m.crime_type_name, m.theme_code, m.note)
            for code, m in stored.items()
        }
    st.rerun()


with tab_mapping:
    may_map = auth.can(auth.Permission.INSTALLATION)  # the table serves every trajectory of the installation
    st.info(uc.PROPOSAL_NOTE, icon=":material/info:")
    if not may_map:
        st.caption(
            "De koppeltabel geldt voor alle trajecten van deze installatie; alleen de beheerder kan haar wijzigen."
        )
    _mapping_conflict()
    mapping: tuple[uc.MappingRow, ...] = st.session_state.setdefault(f"{MAPPING}:opened", uc.load_mapping())
    reopened: dict[str, str] = st.session_state.get(f"{MAPPING}:reopened", {})
    original = pd.DataFrame(
        [
            {
                "Code": m.crime_type_code,
                "Misdrijfsoort": m.crime_type_name,
                "Thema": m.theme_code or "",
                "Toelichting": m.note,
            }
            for m in mapping
        ]
    )
    edited = st.data_editor(
        original,
        hide_index=True,
        width="stretch",
        disabled=["Code", "Misdrijfsoort"] if may_map else True,
        column_config={
            "Thema": st.column_config.SelectboxColumn(
                "Thema", options=["", *catalogue.theme_codes], help="Leeg = telt bij geen enkel thema mee"
            ),
            "Toelichting": st.column_config.TextColumn("Toelichting", width="large"),
        },
        key=MAPPING,
    )
    save, reset = st.columns([1, 1])
    if save.button("Koppeling opslaan", type="primary", disabled=not may_map):
        edits = tuple(
            uc.MappingEdit(
                str(after.Code),
                str(after.Thema) or None,
                str(after.Toelichting),
                reopened.get(
                    m.crime_type_code,
                    uc.mapping_row_text(m.crime_type_code, m.crime_type_name, m.theme_code, m.note),
                ),
            )
            for m, before, after in zip(mapping, original.itertuples(), edited.itertuples(), strict=True)
            if (before.Thema, before.Toelichting) != (after.Thema, after.Toelichting)
        )
        try:
            relabelled = uc.save_mapping(edits)
        except EditConflict as exc:
            remember_conflict(exc, key=MAPPING)
            st.rerun()
        except UserError as exc:
            show_user_error(exc)
            st.stop()
        clear_cache()
        _restart_mapping()
        texts_form.saved(
            MAPPING,
            f"Koppeling opgeslagen; {relabelled} opgeslagen cijfers kregen een ander thema.",
            changed=True,
        )
    if reset.button("Terug naar het voorstel van het project", disabled=not may_map):
        relabelled = uc.reset_mapping()
        clear_cache()
        _restart_mapping()
        texts_form.saved(
            MAPPING,
            f"Het voorstel is teruggezet; {relabelled} opgeslagen cijfers kregen een ander thema.",
            changed=True,
        )
