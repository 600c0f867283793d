"""The ONS cause-group rule (queries/build/macros.sql, exposed as explorer.data.icd10)."""

import pytest

from explorer.data.icd10 import CANCER, CIRCULATORY, COVID19, OTHER, SUICIDE, cause_group

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("code, age, expected", [
    # intentional self-harm X60-X84 and Y87.0: suicide from age 10
    ("X60", 10, SUICIDE), ("X60", 9, OTHER), ("X70", 44, SUICIDE), ("X84", 30, SUICIDE),
    ("X85", 30, OTHER),  # assault, not self-harm
    ("X59", 30, OTHER),  # accident
    ("Y87.0", 10, SUICIDE), ("Y87.0", 9, OTHER), ("Y870", 50, SUICIDE),
    # undetermined intent Y10-Y34 and Y87.2: suicide from age 15, 'other' at 10-14
    ("Y10", 15, SUICIDE), ("Y10", 14, OTHER), ("Y34", 15, SUICIDE), ("Y34", 14, OTHER),
    ("Y20", 10, OTHER), ("Y87.2", 15, SUICIDE), ("Y87.2", 14, OTHER), ("Y35", 40, OTHER),
    ("Y09", 40, OTHER),
    # COVID-19
    ("U07.1", 80, COVID19), ("U07.2", 80, COVID19), ("U071", 3, COVID19), ("U07.3", 80, OTHER),
    # circulatory I00-I99, cancer C00-C97
    ("I00", 70, CIRCULATORY), ("I21.9", 70, CIRCULATORY), ("I99", 70, CIRCULATORY),
    ("C00", 70, CANCER), ("C34.9", 70, CANCER), ("C97", 70, CANCER), ("C98", 70, OTHER),
    ("D00", 70, OTHER), ("J18.9", 90, OTHER), ("x70", 40, SUICIDE), (" i21.9 ", 70, CIRCULATORY),
])
def test_cause_group(code, age, expected):
    assert cause_group(code, age) == expected


@pytest.mark.parametrize("year", [2011, 2019])
def test_covid_code_before_2020_is_impossible(year):
    with pytest.raises(ValueError):
        cause_group("U07.1", 70, year=year)


def test_covid_code_from_2020_is_covid():
    assert cause_group("U07.1", 70, year=2020) == COVID19
    assert cause_group("U07.2", 70, year=2021) == COVID19
    assert cause_group("X70", 40, year=2011) == SUICIDE
