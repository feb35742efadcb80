import pytest

from hyeopchi.core.money import format_thousand_won, format_won, format_won_en


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0원"),
        (5_000, "5,000원"),
        (10_000, "1만 원"),
        (12_345, "1만 2,345 원"),
        (1_050_000_000, "10억 5,000만 원"),
        (1_000_000_000, "10억 원"),
        (1_000_000_000_000, "1조 원"),
        (1_159_230_000, "11억 5,923만 원"),
        (-30_000, "-3만 원"),
    ],
)
def test_format_won(amount, text):
    assert format_won(amount) == text


def test_thousand_won_rounds_half_up():
    assert format_thousand_won(1_159_230_000) == "1,159,230"
    assert format_thousand_won(1_499) == "1"
    assert format_thousand_won(1_500) == "2"


def test_money_must_be_integer_won():
    with pytest.raises(TypeError):
        format_won(10.5)
    assert format_won_en(1_050_000_000) == "₩1,050,000,000"
