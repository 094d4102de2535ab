"""Hostile input for the bad-input tests (Hypothesis strategies) and how to read the answer:
every form and endpoint must answer with a clear error, never a 500."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, strategies as st

SETTINGS = dict(deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
# Examples per property (times 2 or 3 for the larger bodies): each is a request on both
# databases, and every run draws new ones (no example database), so the five kinds of bad text
# below are each tried several times a run and far more across runs.
EXAMPLES = 20
URLENCODED = "application/x-www-form-urlencoded"
CONTROL_CHARACTERS = ["\x00", "\x1b", "\x7f", "\u0085"]


# --- strategies ---------------------------------------------------------------------------

def tagged(tag: str, strategy: st.SearchStrategy) -> st.SearchStrategy:
    return strategy.map(lambda value: (tag, value))


control_text = st.builds(lambda before, char, after: f"a{before}{char}{after}b",
                         st.text(max_size=20), st.sampled_from(CONTROL_CHARACTERS),
                         st.text(max_size=20))
# What a JSON type other than a string looks like once it is forced into a form field.
typed_looking_text = st.sampled_from(["null", "true", "false", "0", "-1", "1e309", "NaN",
                                      "[]", "{}", '{"a": 1}', "[object Object]", "None"])
bad_text = st.one_of(
    tagged("empty", st.just("")),
    tagged("long", st.sampled_from(["x", "界", "ཀ", "9", " x"]).map(lambda c: c * 10_000)),
    tagged("control", control_text),
    tagged("text", st.text(max_size=200)),
    tagged("typed", typed_looking_text),
)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(),
                         st.floats(allow_nan=False, allow_infinity=False))
wrong_json_types = st.one_of(
    json_scalars,
    st.lists(json_scalars, max_size=3),
    st.dictionaries(st.text(max_size=5), json_scalars, max_size=3),
)

# Which tags are surely invalid for each kind of field: those must flag the field itself.
INVALID = {
    "required": {"empty", "long", "control"},
    "optional": {"long", "control"},
    "email": {"empty", "long", "control", "typed"},
    "date": {"empty", "long", "control", "typed"},
    "choice": {"empty", "long", "control", "typed"},
    "choices": {"empty", "long", "control", "typed"},
    "colour": {"empty", "long", "control", "typed"},
    "optional_colour": {"long", "control", "typed"},
    "optional_choice": {"long", "control", "typed"},
    "optional_date": {"long", "control", "typed"},
    # a text area takes line breaks and any length up to its own limit
    "textarea": {"control"},
    "flag": set(),
}


# --- reading the answer -------------------------------------------------------------------

FLAGGED = re.compile(r'<div class="field[^"]*\bhas-error">\s*<label for="([^"]+)"')
FLASH_ERROR = re.compile(r'<div class="flash flash-error">([^<]+)</div>')


def flagged_fields(html: str) -> set[str]:
    """Ids of the form fields rendered with an error."""
    return set(FLAGGED.findall(html))


def shows_an_error(html: str) -> bool:
    return bool(flagged_fields(html) or FLASH_ERROR.search(html))


def in_english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


query_text = st.one_of(st.text(max_size=120), control_text,
                       st.sampled_from(["\x00", "a\x00b", "x" * 10_000, "%", "_", "'", "\\"]))
