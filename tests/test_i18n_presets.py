"""The presets' titles and descriptions in every language: catalogue, look-up, app and exports."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from pptx import Presentation
from test_i18n_app import run_app, screen_text

from estimator.library import Preset, list_presets, load_preset, preset_description, preset_title, scenario_title
from estimator.reports import build_content, html_bytes, pptx_bytes, safe_filename, xlsx_bytes
from estimator.text.formatting import upper_text
from estimator.text.i18n import LANGUAGES, catalogue, language_scope
from ui.scenarios import SAVE_NAME

PRESETS = list_presets()
ENGLISH_TITLES = [preset.title for preset in PRESETS]


def _entry(language: str, preset: Preset) -> dict:
    return catalogue(language).get("preset", {}).get(preset.name, {})


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("preset", PRESETS, ids=lambda preset: preset.name)
def test_every_preset_has_a_title_and_a_description_in_every_language(language, preset):
    entry = _entry(language, preset)
    assert isinstance(entry.get("title"), str) and entry["title"].strip(), f"{language}: preset.{preset.name}.title"
    assert isinstance(entry.get("description"), str) and entry["description"].strip(), (
        f"{language}: preset.{preset.name}.description"
    )
    if language == "en":
        # English is the presets' own text, so the catalogue and data/presets never drift apart.
        assert (entry["title"], entry["description"]) == (preset.title, preset.description)
    else:
        assert entry["title"] != preset.title and entry["description"] != preset.description


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_titles_are_distinct_within_a_language(language):
    """Two presets with one title could not be told apart in the picker."""
    titles = [_entry(language, preset)["title"] for preset in PRESETS]
    assert len(set(titles)) == len(titles)


def test_titles_come_from_the_current_language_and_fall_back_to_the_toml():
    telecom = load_preset("telecom_cable")
    assert preset_title(telecom) == "Telecom and cable TV"
    with language_scope("pl"):
        assert preset_title(telecom) == "Telekomunikacja i telewizja kablowa"
        assert preset_description(telecom).startswith("Operator telekomunikacyjny")
    with language_scope("el"):
        assert preset_title(load_preset("generic_b2c")) == "Τυπική συνδρομητική επιχείρηση B2C"
        # A preset the catalogue does not know (e.g. a new data file) shows its own English text.
        unknown = Preset("not_translated_yet", "Brand new preset", "Its own words.", telecom.parameters, telecom.sources)
        assert (preset_title(unknown), preset_description(unknown)) == ("Brand new preset", "Its own words.")


def test_a_presets_default_name_is_translated_but_a_typed_name_is_not():
    with language_scope("hu"):
        assert scenario_title(load_preset("b2b_contracts").parameters.name) == "B2B-szerződések"
        assert scenario_title("B2B contracts 2025") == "B2B contracts 2025"
        assert scenario_title("Telecom and cable tv") == "Telecom and cable tv"  # not exactly the title: the user's own
        assert scenario_title("") == ""
    assert scenario_title("Telecom and cable TV") == "Telecom and cable TV"


# --- The app ----------------------------------------------------------------------------------------


def _english_titles_in(texts: list[str]) -> set[str]:
    return {title for title in ENGLISH_TITLES for text in texts if title in text}


def test_polish_page_shows_polish_preset_titles_and_no_english_ones():
    app = run_app({"lang": "pl", "preset": "poland_consumer_services"})
    assert not app.exception
    with language_scope("pl"):
        polish = {preset.name: preset_title(preset) for preset in PRESETS}
        description = preset_description(load_preset("poland_consumer_services"))
    picker = app.sidebar.selectbox[1]
    assert picker.options == [polish[name] for name in (preset.name for preset in PRESETS)]
    assert picker.value == "poland_consumer_services"
    assert description in picker.help
    kicker = [element.proto.body for element in app.get("html") if "overline" in element.proto.body]
    assert kicker and upper_text("Usługi konsumenckie w Polsce") in kicker[0]
    texts = screen_text(app)
    assert not _english_titles_in(texts), _english_titles_in(texts)
    # The scan can fail: the same page in English names the preset in English.
    assert "Polish consumer services" in _english_titles_in(screen_text(run_app({"preset": "poland_consumer_services"})))


def test_polish_presentation_view_is_titled_with_the_polish_preset_title():
    app = run_app({"lang": "pl", "view": "present", "preset": "telecom_cable"})
    assert not app.exception
    assert app.title[0].value == "Telekomunikacja i telewizja kablowa"
    assert not _english_titles_in(screen_text(app))


def test_a_changed_scenario_still_carries_the_translated_preset_title():
    """Moving a value keeps the preset's default name, so the kicker stays in the page's language."""
    app = run_app({"lang": "nl", "preset": "online_retailer", "churn_rate": "0.3"})
    assert not app.exception
    kicker = [element.proto.body for element in app.get("html") if "overline" in element.proto.body]
    assert upper_text("Webwinkel kwetsbaar voor storingen en aanvallen") in kicker[0]


# --- The exports --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def polish_content():
    preset = load_preset("generic_b2c")
    return build_content(preset.parameters, sources=preset.sources, base=preset.parameters, draws=2_000, seed=3, language="pl")


def _slide_texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def test_polish_deck_shows_the_polish_preset_title(polish_content):
    deck = Presentation(io.BytesIO(pptx_bytes(polish_content)))
    slides = list(deck.slides)
    assert "Firma B2C z subskrypcją" in _slide_texts(slides[0])
    footers = [text for slide in slides[1:] for text in _slide_texts(slide) if "Firma B2C z subskrypcją" in text]
    assert len(footers) == len(slides) - 1  # every content slide's footer names the scenario
    everything = [text for slide in slides for text in _slide_texts(slide)]
    assert not _english_titles_in(everything)


def test_polish_workbook_and_page_show_the_polish_preset_title(polish_content):
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(polish_content)))
    cells = [str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "Firma B2C z subskrypcją" in cells
    assert not _english_titles_in(cells)
    page = html_bytes(polish_content).decode("utf-8")
    assert re.search(r"<title>[^<]*Firma B2C z subskrypcją</title>", page)
    assert "Generic B2C subscription business" not in page


def test_a_typed_name_reaches_the_deck_unchanged():
    preset = load_preset("generic_b2c")
    params = preset.parameters.replace(name="Generic B2C subscription business (2025)")
    content = build_content(params, sources=preset.sources, draws=500, seed=3, language="pl")
    deck = Presentation(io.BytesIO(pptx_bytes(content)))
    assert "Generic B2C subscription business (2025)" in _slide_texts(deck.slides[0])


def test_a_download_file_name_from_a_greek_title_keeps_its_letters():
    with language_scope("el"):
        name = safe_filename(scenario_title("Telecom and cable TV"), "pptx")
    assert name.startswith("Τηλεπικοινωνίες") and name.endswith(".pptx")


def test_the_save_box_offers_the_translated_preset_title_as_the_name():
    app = run_app({"lang": "pl", "preset": "b2b_contracts"}, tab="tabs.scenarios", language="pl")
    assert not app.exception
    assert app.text_input(key=SAVE_NAME).value == "Kontrakty B2B"
    assert not _english_titles_in(screen_text(app))
