"""The coordinator's comparison panel (issue 29): import a whole-country file as comparison data (the
coordinator chooses; the ordinary import keeps only the own municipality) and choose the own comparison group.
Shown on the facilitator's analysis page with one call; the use cases are in ivp_core.analysis.comparison.page."""

from __future__ import annotations

import streamlit as st

from ivp_core.analysis.comparison.groups import municipalities
from ivp_core.analysis.comparison.page import choose_own_group, comparison_status, import_comparison_upload
from ivp_core.errors import UserError
from ui.shell.errors import show_user_error
from ui.widgets.signals_view import clear_cache

#: Streamlit's upload limit (`server.maxUploadSize`); larger whole-country files go through the command line.
UPLOAD_MB = 60


def comparison_panel(trajectory_id: int, imported_by: str = "") -> None:
    st.markdown("##### Vergelijken met vergelijkbare gemeenten")
    st.markdown(
        "Laad de politiecijfers van **alle gemeenten** (47013NED, onbewerkte dataset) en een **bevolkingsbestand** "
        "(CBS 'Bevolking op 1 januari', 'Kerncijfers wijken en buurten' met de mate van stedelijkheid, of het "
        "lange formaat met Inwoners) als vergelijking. De app bewaart per gemeente alleen de jaartotalen per "
        "thema; uw eigen cijfers blijven zoals ze zijn. Een groter bestand dan "
        f"{UPLOAD_MB} MB laadt u met `python -m ivp_core import BESTAND --trajectory {trajectory_id} --comparison`."
    )
    upload = st.file_uploader(
        "Bestand met alle gemeenten (CSV)",
        type=["csv", "txt"],
        key="comparison_upload",
        max_upload_size=UPLOAD_MB,
    )
    year = st.number_input(
        "Jaar van het bevolkingsbestand (alleen als het bestand geen kolom Perioden heeft)",
        min_value=1990,
        max_value=2100,
        value=None,
        step=1,
        key="comparison_year",
    )
    if upload is not None and st.button(
        "Importeren als vergelijking (alles of niets)", key="comparison_import"
    ):
        try:
            with st.spinner("Het bestand wordt gelezen en opgeteld…"):
                result = import_comparison_upload(
                    trajectory_id, upload.name, upload.getvalue(), imported_by, int(year) if year else None
                )
        except UserError as exc:
            show_user_error(exc)
        else:
            clear_cache()
            st.success(result.summary_nl)
            for warning in result.warnings:
                st.warning(warning)
    status = comparison_status(trajectory_id)
    if status.sources:
        st.caption("Geïmporteerd als vergelijking: " + ", ".join(status.sources) + ".")
    if not status.options:
        return
    names = dict(status.options)
    with st.form("comparison_own_group"):
        picked = st.multiselect(
            "Eigen vergelijkingsgroep (bijvoorbeeld de buurgemeenten)",
            options=list(names),
            default=[c for c in status.own_group if c in names],
            format_func=lambda code: f"{names[code]} ({code})" if names[code] != code else code,
            help="Leeg: de gemeenten van dit traject. De eigen gemeente telt altijd mee.",
            placeholder="Kies gemeenten",  # Streamlit's own placeholder is English
        )
        if st.form_submit_button("Groep bewaren"):
            try:
                choose_own_group(trajectory_id, list(picked))
            except UserError as exc:
                show_user_error(exc)
            else:
                clear_cache()
                st.success(
                    f"De eigen vergelijkingsgroep telt nu {municipalities(len(picked))} (en uw eigen gemeente)."
                )
