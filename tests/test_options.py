"""The form fields: each checked on its own, then built into ComposeOptions."""

from __future__ import annotations

from typing import Any

import pytest

from service.compose.fields import FIELDS, build_options, parse_field, parse_fields
from service.compose.options import ComposeOptions
from service.errors import BadField

MAX_SIDE = 1280


def options_from(raw: dict[str, str], frames: int, max_side: int = MAX_SIDE) -> ComposeOptions:
    """What a request's text fields become: each parsed as it arrives, then built."""
    return build_options(parse_fields(raw, max_side), frames, max_side)


def refused(field: str, raw: str, max_side: int = MAX_SIDE) -> BadField:
    with pytest.raises(BadField) as caught:
        parse_field(field, raw, max_side)
    return caught.value


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("duration", "20", 20),
        ("duration", "500", 500),
        ("duration", "60000", 60_000),
        ("duration", " 100 ", 100),
        ("durations", "100", (100,)),
        ("durations", "100,200,33", (100, 200, 33)),
        ("durations", "100, 200 ,300", (100, 200, 300)),
        ("loop", "0", 0),
        ("loop", "1", 1),
        ("loop", "3", 3),
        ("loop", "65536", 65_536),
        ("fit", "contain", "contain"),
        ("fit", "cover", "cover"),
        ("fit", "stretch", "stretch"),
        ("fit", "none", "none"),
        ("width", "1", 1),
        ("width", "640", 640),
        ("width", "1280", 1280),
        ("height", "1", 1),
        ("height", "1280", 1280),
        ("background", "transparent", None),
        ("background", "#ffffff", (255, 255, 255)),
        ("background", "#000000", (0, 0, 0)),
        ("background", "#ff8000", (255, 128, 0)),
        ("background", "#12AbCd", (0x12, 0xAB, 0xCD)),
        ("crop", "0,0,10,20", (0, 0, 10, 20)),
        ("crop", " 5, 6 ,7,8 ", (5, 6, 7, 8)),
        ("expand", "1", True),
        ("expand", "0", False),
        ("caption", "Click Save", "Click Save"),
        ("caption", "Zwei Zeilen\nhier", "Zwei Zeilen\nhier"),
        ("frames", "40", 40),
        ("positions", "0", (0,)),
        ("positions", "0, 4,9", (0, 4, 9)),
    ],
)
def test_good_values_parse(field: str, raw: str, value: Any) -> None:
    assert parse_field(field, raw, MAX_SIDE) == value


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("duration", "19"),
        ("duration", "0"),
        ("duration", "-100"),
        ("duration", "60001"),
        ("duration", "1.5"),
        ("duration", "1e3"),
        ("duration", "fast"),
        ("duration", "99999999999999999999"),
        ("durations", "100,19"),
        ("durations", "100,,200"),
        ("durations", "100,200,"),
        ("durations", "100;200"),
        ("durations", "100,abc"),
        ("loop", "-1"),
        ("loop", "65537"),
        ("loop", "forever"),
        ("loop", "2.0"),
        ("fit", "zoom"),
        ("fit", "fill"),
        ("fit", "contain cover"),
        ("width", "0"),
        ("width", "-5"),
        ("width", "1281"),
        ("width", "64px"),
        ("height", "0"),
        ("height", "1281"),
        ("height", "tall"),
        ("background", "red"),
        ("background", "#fff"),
        ("background", "#fffffff"),
        ("background", "#gggggg"),
        ("background", "rgb(0,0,0)"),
        ("background", "none"),
        ("crop", "1,2,3"),
        ("crop", "1,2,3,4,5"),
        ("crop", "0,0,0,5"),
        ("crop", "0,0,5,0"),
        ("crop", "-1,0,5,5"),
        ("crop", "1.5,0,5,5"),
        ("expand", "true"),
        ("expand", "2"),
        ("caption", "x" * 201),
        ("caption", "tab\there"),
        ("frames", "0"),
        ("positions", "0,,2"),
        ("positions", "0,-1"),
        ("positions", "first"),
    ],
)
def test_bad_values_are_refused_naming_the_field(field: str, raw: str) -> None:
    error = refused(field, raw)
    assert error.field == field
    assert error.status == 400
    assert error.code == "bad_field"
    assert field in error.message


@pytest.mark.parametrize("field", ["width", "height"])
def test_side_above_the_maximum_is_refused_naming_the_maximum(field: str) -> None:
    error = refused(field, "641", max_side=640)
    assert error.field == field
    assert "640" in error.message
    assert parse_field(field, "640", 640) == 640


def test_background_transparent_ignores_case() -> None:
    assert parse_field("background", "Transparent", MAX_SIDE) is None


def test_defaults_when_no_field_is_given() -> None:
    assert options_from({}, 3, MAX_SIDE) == ComposeOptions(
        durations_ms=(ComposeOptions.DEFAULT_DURATION_MS,) * 3,
        loop=0,
        fit="contain",
        width=None,
        height=None,
        background=(255, 255, 255),
        max_side=MAX_SIDE,
    )
    assert ComposeOptions.DEFAULT_DURATION_MS == 500


def test_blank_fields_count_as_unset() -> None:
    blank = {name: "" for name in FIELDS} | {"loop": "   "}
    assert options_from(blank, 2, MAX_SIDE) == options_from({}, 2, MAX_SIDE)


def test_duration_applies_to_every_frame() -> None:
    assert options_from({"duration": "120"}, 4, MAX_SIDE).durations_ms == (120,) * 4


def test_durations_override_duration_frame_by_frame() -> None:
    options = options_from({"duration": "120", "durations": "100,200,300"}, 3, MAX_SIDE)
    assert options.durations_ms == (100, 200, 300)


@pytest.mark.parametrize(("raw", "frames"), [("100,200", 3), ("100,200,300,400", 3), ("100", 2)])
def test_durations_of_another_length_than_the_frames_are_refused(raw: str, frames: int) -> None:
    with pytest.raises(BadField) as caught:
        options_from({"durations": raw}, frames, MAX_SIDE)
    assert caught.value.field == "durations"
    assert caught.value.status == 400


def test_every_field_reaches_the_options() -> None:
    raw = {
        "duration": "250",
        "loop": "3",
        "fit": "cover",
        "width": "320",
        "height": "200",
        "background": "#102030",
    }
    assert options_from(raw, 2, MAX_SIDE) == ComposeOptions(
        durations_ms=(250, 250),
        loop=3,
        fit="cover",
        width=320,
        height=200,
        background=(0x10, 0x20, 0x30),
        max_side=MAX_SIDE,
    )


def test_transparent_background_reaches_the_options() -> None:
    assert options_from({"background": "transparent"}, 1, MAX_SIDE).background is None


def test_build_options_refuses_a_bad_field_naming_it() -> None:
    with pytest.raises(BadField) as caught:
        options_from({"duration": "100", "fit": "zoom"}, 1, MAX_SIDE)
    assert caught.value.field == "fit"


def test_build_options_checks_sides_against_its_maximum() -> None:
    with pytest.raises(BadField) as caught:
        options_from({"height": "500"}, 1, 400)
    assert caught.value.field == "height"
    assert "400" in caught.value.message
    assert options_from({"height": "400"}, 1, 400).max_side == 400


def test_unknown_fields_are_ignored() -> None:
    raw = {"photo": "not a field", "colour": "#zzzzzz", "speed": "-1", "duration": "200"}
    assert options_from(raw, 1, MAX_SIDE) == options_from({"duration": "200"}, 1, MAX_SIDE)


@pytest.mark.parametrize("raw", ["ffffff", "#fff", "٢٠٠"])
def test_strict_forms_only(raw: str):
    field = "background" if raw != "٢٠٠" else "width"
    with pytest.raises(BadField) as caught:
        parse_field(field, raw, 1280)
    assert caught.value.field == field


def test_captions_and_expand_reach_the_options() -> None:
    given = {**parse_fields({"expand": "1", "duration": "80"}, MAX_SIDE), "caption": ("a", "")}
    options = build_options(given, 2, MAX_SIDE)
    assert (options.expand, options.expanded_duration_ms, options.captions) == (True, 80, ("a", ""))
    assert options.durations_ms == ()  # counted when the frames are decoded
    with pytest.raises(BadField) as caught:
        build_options({"caption": ("a", "b")}, 1, MAX_SIDE)
    assert caught.value.field == "caption"
