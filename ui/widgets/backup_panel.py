"""Back-up of the whole trajectory and restoring one: the section of 'Verslag en back-up'.

An uploaded file is checked once per file (keyed by its sha256) and the checked plan kept in the session, so
a rerun (every click on this page) does not unpack and check a large file again. The coordinator sees what
a restore would change before anything is written: a trajectory with the same name, an unsigned file, and
installation-wide figures that other trajectories use too.
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from ivp_core.backup.archive import (
    MAX_BACKUP_BYTES,
    BackupError,
    BackupUnsigned,
    OnConflict,
    RestorePlan,
    backup_filename,
    check_backup,
    restore,
)
from ivp_core.backup.downloads import backup_file
from ivp_core.report.files import MEDIA_TYPES
from ivp_core.trajectory.trajectories import TrajectoryRef
from ui.shell import context
from ui.shell.errors import show_user_error
from ui.widgets.dutch_counts import counted

#: (singular, plural) per table, for "1 vastgelegde keuze · 3 sessies".
TABLE_LABELS = {
    "opinion_session": ("sessie", "sessies"),
    "participant": ("deelnemer", "deelnemers"),
    "ballot": ("stemformulier", "stemformulieren"),
    "theme_analysis": ("analysetekst", "analyseteksten"),
    "figure": ("cijfer", "cijfers"),
    "priority_decision": ("vastgelegde keuze", "vastgelegde keuzes"),
    "joint_choice": ("thema in de gezamenlijke keuze", "thema's in de gezamenlijke keuze"),
    "plan_action": ("actie in het uitvoeringsplan", "acties in het uitvoeringsplan"),
}
_PLAN_KEY = "backup_panel_plan"


def _checked(data: bytes, accept_unsigned: bool) -> RestorePlan | BackupError:
    """The plan for this file, from the session when this exact file was checked before."""
    key = (hashlib.sha256(data).hexdigest(), accept_unsigned)
    cached: tuple[Any, RestorePlan | BackupError] | None = st.session_state.get(_PLAN_KEY)
    if cached is not None and cached[0] == key:
        return cached[1]
    bar = st.progress(0.0, text="Het bestand wordt gecontroleerd…")
    try:
        result: RestorePlan | BackupError = check_backup(
            data, accept_unsigned=accept_unsigned, progress=lambda f, text: bar.progress(f, text=text)
        )
    except BackupError as exc:
        result = exc
    bar.empty()
    st.session_state[_PLAN_KEY] = (key, result)
    return result


def render(trajectory: TrajectoryRef) -> None:
    st.header("Back-up van het hele traject")
    st.write(
        "Eén bestand met alles van dit traject: analyse met geschiedenis, cijfers, sessies, stemmen, opmerkingen, "
        "de vastgelegde keuze, de gezamenlijke keuze en het uitvoeringsplan. Hiermee zet u het traject over naar "
        "een andere installatie of bewaart u het voor de volgende coördinator. Deelnemers staan erin onder een schuilnaam; hun codes niet. De back-up "
        "is ondertekend door deze installatie."
    )

    st.download_button(
        "Back-up downloaden (.zip)",
        data=lambda: backup_file(trajectory.id),
        file_name=backup_filename(trajectory.name, trajectory.period_start, trajectory.period_end),
        mime=MEDIA_TYPES["zip"],
        icon=":material/download:",
        on_click="ignore",
    )

    st.subheader("Back-up inlezen")
    upload = st.file_uploader(
        "Kies een back-upbestand (.zip)",
        type=["zip"],
        max_upload_size=MAX_BACKUP_BYTES // (1024 * 1024),
        key="verslag_backup_upload",
    )
    if upload is None:
        return
    data = upload.getvalue()
    accept_unsigned = bool(st.session_state.get("verslag_accept_unsigned", False))
    plan = _checked(data, accept_unsigned)
    if isinstance(plan, BackupUnsigned) or (
        accept_unsigned and not isinstance(plan, BackupError) and not plan.signed
    ):
        if isinstance(plan, BackupError):
            st.warning(plan.message_nl)
        st.checkbox(
            "Ik vertrouw de herkomst van dit bestand: lees deze niet-ondertekende back-up toch in. De inhoud wordt "
            "even streng gecontroleerd als bij een eigen back-up.",
            key="verslag_accept_unsigned",
        )
    if isinstance(plan, BackupError):
        if not isinstance(plan, BackupUnsigned):
            show_user_error(plan)
        return

    start, end = plan.period
    st.write(f"In dit bestand: traject **{plan.trajectory_name}** ({start}–{end}).")
    st.caption(
        " · ".join(counted(plan.counts.get(table, 0), *labels) for table, labels in TABLE_LABELS.items())
    )

    choice: OnConflict = "refuse"
    confirmed = True
    if plan.conflicts:
        st.warning(
            f"Er bestaat hier al een traject '{plan.trajectory_name}' ({start}–{end}). Er wordt niets "
            "overschreven zonder dat u dat hieronder kiest."
        )
        option = st.radio(
            "Wat wilt u doen?",
            ["new_copy", "replace"],
            format_func={
                "new_copy": "Inlezen als kopie, naast het bestaande traject",
                "replace": "Het bestaande traject vervangen door de back-up",
            }.get,
            key="verslag_conflict_choice",
        )
        choice = "replace" if option == "replace" else "new_copy"
        if choice == "new_copy":
            st.caption(
                "Een kopie wordt niet het traject dat bezoekers van de startpagina als eerste zien, tenzij u dat "
                "hieronder kiest."
            )
            st.checkbox("De kopie wordt het traject op de startpagina", key="verslag_copy_default")
        if choice == "replace":
            confirmed = st.checkbox(
                f"Ik begrijp dat het bestaande traject '{plan.trajectory_name}' met alle analyses, sessies en "
                "stemmen wordt verwijderd en vervangen. Dit kan niet ongedaan worden gemaakt.",
                key="verslag_confirm_replace",
            )
    notice = plan.code_notice(choice)
    if notice:
        st.warning(notice)
    elif choice == "replace":
        st.caption("Het traject en zijn sessies houden hun nummer en code: bestaande links blijven werken.")
    shared: list[str] | None = None
    if plan.shared:
        st.warning(plan.shared.describe())
        if st.checkbox(
            "Ook deze gedeelde cijfers vervangen door die uit de back-up (voor de genoemde gemeenten en trajecten). "
            "Zonder vinkje blijven de cijfers van deze installatie staan.",
            key="verslag_replace_shared",
        ):
            shared = list(plan.shared.regions)

    if st.button("Back-up inlezen", type="primary", disabled=not confirmed, icon=":material/upload:"):
        bar = st.progress(0.0, text="Inlezen…")
        try:
            result = restore(
                plan,
                on_conflict=choice,
                replace_shared_figures=shared,
                progress=lambda f, text: bar.progress(f, text=text),
                copy_as_default=choice == "new_copy" and bool(st.session_state.get("verslag_copy_default")),
            )
        except BackupError as exc:
            bar.empty()
            show_user_error(exc)
        else:
            bar.empty()
            st.session_state.pop(_PLAN_KEY, None)
            context.clear_cache()
            st.success(
                f"Ingelezen als traject '{result.trajectory_name}'. Kies het in de zijbalk om het te bekijken."
            )
            for note in result.notes:
                st.write(f"- {note}")
