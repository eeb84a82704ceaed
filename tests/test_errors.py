"""User errors: one line each, and whole again after crossing from a worker process."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from leaflet.errors import DoesNotFit, InputError, InputErrors

ERRORS = [
    InputError(Path("wards.csv"), "line 4", "duplicate ward code W1, first on line 2", "give every ward its own code"),
    InputError(None, "signup_url", "the address is too long for a QR code (3000 characters)"),
    InputErrors(
        [
            InputError(Path("layout.yaml"), "pages.front[1]", "unknown style 'bdy'"),
            InputError(Path("layout.yaml"), "fonts", "missing"),
        ]
    ),
    DoesNotFit("story", 12, "Turning your priorities into", ward="W1"),
]


def test_an_input_error_names_the_file_the_place_and_what_to_do():
    assert str(ERRORS[0]) == "wards.csv: line 4: duplicate ward code W1, first on line 2 (give every ward its own code)"


def test_several_problems_are_one_line_each():
    assert str(ERRORS[2]).splitlines() == [
        "layout.yaml: pages.front[1]: unknown style 'bdy'",
        "layout.yaml: fonts: missing",
    ]


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: type(error).__name__)
def test_an_error_raised_in_a_worker_process_arrives_whole(error):
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.exit_code == error.exit_code
