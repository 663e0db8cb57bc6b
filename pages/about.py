"""Over het model: the seven phases, the words we use, and how the scan scores."""

import streamlit as st

from ipm_model.i18n import escape_markdown, t
from ipm_model.scoring import DEFAULT_MIN_GROUP_SIZE, MIN_ANSWERED_SHARE
from ui.context import current_language, get_questionnaire

lang = current_language()
q = get_questionnaire()
st.title(t("about.title", lang))
st.markdown(t("about.intro", lang))
for phase in q.phases:
    with st.container(border=True):
        st.subheader(f"{phase.number}. {phase.name.get(lang)}")
        st.markdown(f"**{t('about.key_question', lang)}:** {phase.key_question.get(lang)}")
        st.write(phase.about.get(lang))
        st.caption(t("about.statements", lang, count=len(phase.statements)))
st.subheader(t("about.words_title", lang))
st.markdown(t("about.words", lang))
if q.glossary:
    st.subheader(t("about.glossary_title", lang))
    st.markdown(
        "\n".join(
            f"- **{escape_markdown(g.term.get(lang))}**: {escape_markdown(g.meaning.get(lang))}"
            for g in q.glossary
        )
    )
st.subheader(t("about.scoring_title", lang))
st.markdown(
    t(
        "about.scoring",
        lang,
        share=round(MIN_ANSWERED_SHARE * 100),
        min_group=DEFAULT_MIN_GROUP_SIZE,
    )
)
