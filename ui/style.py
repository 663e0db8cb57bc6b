"""Touch-friendly styling: big answer tiles (at least 44x44 CSS px), special answers set apart."""

import streamlit as st

from ipm_model.i18n import t
from ui.headers import LANGUAGE_SCRIPT

# Streamlit gives every keyed element the class st-key-<key>; we style only our own boxes.
# In Streamlit 1.67 a radio is: [role=radiogroup] > div (one per option) > label[stRadioOption].
# The answer set is one radio group per statement: five scale tiles in a row, then
# "Weet ik niet" and "Niet van toepassing" on a row of their own, dashed and in grey.
_GROUP = '.st-key-scan-answers-box div[role="radiogroup"]'
_TILE = 'label[data-testid="stRadioOption"]'
CSS = f"""
<style>
.st-key-scan-answers-box [data-testid="stRadio"] {{ margin-bottom: 0.9rem; }}
.st-key-scan-answers-box [data-testid="stWidgetLabel"] p {{ font-size: 1.05rem; font-weight: 600; }}
{_GROUP} {{
  display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 0.4rem; width: 100%;
}}
{_GROUP} > div {{ display: flex; min-width: 0; }}
{_GROUP} {_TILE} {{
  flex: 1; margin: 0; min-height: 52px; padding: 0.45rem 0.5rem; border: 1.5px solid #8a96a3;
  border-radius: 0.6rem; background: #fff; display: flex; align-items: center;
  justify-content: center; text-align: center; cursor: pointer; touch-action: manipulation;
}}
{_GROUP} {_TILE}:has(input:checked) {{
  border-color: #1f5f8b; background: #e3eef6; box-shadow: inset 0 0 0 2px #1f5f8b;
}}
{_GROUP} {_TILE}:has(input:focus-visible) {{ outline: 3px solid #1f5f8b; outline-offset: 2px; }}
{_GROUP} > div:nth-of-type(6) {{ grid-column: 1 / span 2; }}
{_GROUP} > div:nth-of-type(7) {{ grid-column: 3 / span 2; }}
{_GROUP} > div:nth-of-type(n+6) {{ margin-top: 0.35rem; }}
{_GROUP} > div:nth-of-type(n+6) {_TILE} {{ border-style: dashed; background: #f4f5f7; }}
{_GROUP} > div:nth-of-type(n+6) {_TILE}:has(input:checked) {{ background: #e3eef6; }}
{_GROUP} {_TILE} p {{ font-size: 0.95rem; line-height: 1.2; }}
/* Choice lists on the start page as tiles too. */
.st-key-join-chain {_TILE}, .st-key-join-role {_TILE} {{
  min-height: 48px; padding: 0.3rem 0.75rem; margin: 0.2rem 0; border: 1.5px solid #8a96a3;
  border-radius: 0.6rem; align-items: center; width: 100%;
}}
.st-key-join-chain {_TILE}:has(input:checked), .st-key-join-role {_TILE}:has(input:checked) {{
  border-color: #1f5f8b; background: #e3eef6;
}}
/* Buttons and links big enough for a finger. */
.stButton button, .stFormSubmitButton button, .stPageLink a {{ min-height: 48px; min-width: 48px; }}
.st-key-lang-switch button {{ min-height: 48px; min-width: 48px; }}
[data-testid="stPopover"] button {{ min-height: 48px; min-width: 48px; }}
/* A statement's help: a quiet line under it that opens in place (no box until opened). */
[class*="st-key-scan-help-"] {{ margin: -0.6rem 0 0.5rem; }}
[class*="st-key-scan-help-"] details {{ border-color: transparent; }}
[class*="st-key-scan-help-"] details[open] {{ border-color: #d5dae0; background: #f7f9fb; }}
[class*="st-key-scan-help-"] summary {{ min-height: 48px; padding-left: 0.5rem; }}
/* The n.v.t. rule: one quiet line with a bar, not a box that pushes the statements down. */
.st-key-scan-rule {{ border-left: 4px solid #1f5f8b; padding-left: 0.75rem; margin-bottom: 0.5rem }}
.st-key-scan-rule p {{ margin: 0; }}
.stApp [data-testid="stCaptionContainer"] {{ opacity: 1; color: #5f5e5c; }} /* AA: 6.5:1 */
/* A statement's saved marker: one quiet line tucked under its tiles. It is there unanswered
   too (empty), so a tap fills it without moving the statements below. Waiting or refused:
   dark red and bold (AA: 9.3:1), still one line.
   The marker is one caption (ui/scan.py _saved_marker); its span carries the state.
   It takes no room of its own: as tall as it is pulled up (the keyed box it replaced
   measured so in Chromium, and the statements below stay where they were). */
.stApp .stElementContainer:has(.ipm-mark) {{ margin: -1.65rem 0 0; min-height: 1.65rem; }}
.stApp [data-testid="stCaptionContainer"]:has(.ipm-mark) p {{
  font-size: 0.85rem; line-height: 1.25rem; margin: 0;
}}
.stApp [data-testid="stCaptionContainer"]:has(.ipm-mark-pending, .ipm-mark-refused) {{
  color: #8a1c1c; font-weight: 600;
}}
/* Chrome: the language switch sits in Streamlit's top bar instead of a row of its own, and the
   page starts right under that bar (Streamlit leaves 6rem), so content starts within 80 px. */
.st-key-lang-switch {{
  position: fixed; top: 0.375rem; right: 3.25rem; z-index: 999991; width: auto !important;
}}
.st-key-lang-switch button {{ min-height: 44px !important; padding: 0 0.7rem; }}
/* Out of the page's flow (no empty row, no gap): the switch's wrapper and script-only HTML. */
[data-testid="stLayoutWrapper"]:has(> .st-key-lang-switch) {{ display: contents; }}
.stElementContainer:has(> [data-testid="stHtml"] > script:only-child) {{ display: none; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 4.25rem; padding-bottom: 2rem; }}
/* Charts never wider than their column (the radar is 420 px; a phone column is ~360 px). */
[data-testid="stVegaLiteChart"] svg.marks {{ max-width: 100%; height: auto; }}
/* Streamlit's own English hints ("Press Enter to apply") have no Dutch version: hidden. */
[data-testid="InputInstructions"] {{ display: none; }}
/* Phones: three tiles, then two, then the two special answers; a phase fits three screens. */
@media (max-width: 600px) {{
  [data-testid="stMainBlockContainer"] {{ padding-left: 0.75rem; padding-right: 0.75rem; }}
  .st-key-scan-answers-box [data-testid="stRadio"] {{ margin-bottom: 0.5rem; }}
  /* The marker gives back most of the gap below it: a phase still fits three phone
     screens (tests/browser/test_room.py). */
  .stApp .stElementContainer:has(.ipm-mark) {{ margin: -1.25rem 0 -0.75rem; min-height: 1.25rem; }}
  .st-key-scan-answers-box [data-testid="stWidgetLabel"] p {{ font-size: 1rem; }}
  {_GROUP} {{ grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 0.3rem; }}
  {_GROUP} > div:nth-of-type(-n+3) {{ grid-column: span 2; }}
  {_GROUP} > div:nth-of-type(4), {_GROUP} > div:nth-of-type(5) {{ grid-column: span 3; }}
  {_GROUP} > div:nth-of-type(6) {{ grid-column: 1 / span 3; }}
  {_GROUP} > div:nth-of-type(7) {{ grid-column: 4 / span 3; }}
  {_GROUP} > div:nth-of-type(n+6) {{ margin-top: 0; }}
  {_GROUP} {_TILE} {{ min-height: 46px; padding: 0.25rem 0.3rem; }}
  {_GROUP} {_TILE} p {{ font-size: 0.85rem; }}
}}
</style>
"""


def inject_css() -> None:
    """Add the app's stylesheet to the page."""
    st.html(CSS)


# Streamlit's connection dialog is in English only ("Connection error ... streamlit run"):
# it is hidden (the app has no dialogs of its own) and a banner in the interface language
# shows while the browser has lost the server.
_LANGUAGE_CSS = """<style>
[data-testid="stDialog"] {{ display: none !important; }}
.stApp[data-test-connection-state="PINGING_SERVER"]::before,
.stApp[data-test-connection-state="DISCONNECTED_FOREVER"]::before {{
  content: "{text}"; position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000000;
  padding: 0.9rem 1rem; background: #8a1c1c; color: #fff; font-size: 1.05rem;
  text-align: center;
}}
</style>"""
_LANGUAGE_JS = f"<script>{LANGUAGE_SCRIPT}</script>"  # its hashes are in the CSP (ui/headers.py)


def document_language(lang: str) -> None:
    """Set <html lang> to the interface language and show Streamlit's states in it."""
    text = t("app.connection_lost", lang).replace('"', "'")
    st.html(_LANGUAGE_CSS.format(text=text))
    st.html(_LANGUAGE_JS.format(lang=lang), unsafe_allow_javascript=True)
