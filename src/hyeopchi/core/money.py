"""Korean money formatting: integer 원 shown as 10억 5,000만 원, or in 천원 on official forms."""

from __future__ import annotations

# Korean counts money in groups of four digits: 만 (10^4), 억 (10^8), 조 (10^12), 경 (10^16).
_UNITS = ("", "만", "억", "조", "경")


def _check(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money is an integer number of won, got {amount!r}")


def format_won(amount: int) -> str:
    """10억 5,000만 원 style; zero groups are left out, a plain amount reads 5,000원."""
    _check(amount)
    sign = "-" if amount < 0 else ""
    rest = abs(amount)
    groups: list[str] = []
    unit = 0
    while rest:
        rest, group = divmod(rest, 10_000)
        if group:
            groups.append(f"{group:,}{_UNITS[unit]}")
        unit += 1
    if not groups:
        return "0원"
    if len(groups) == 1 and not groups[0][-1].isalpha():
        return f"{sign}{groups[0]}원"
    return sign + " ".join(reversed(groups)) + " 원"


def format_won_en(amount: int) -> str:
    _check(amount)
    return f"-₩{abs(amount):,}" if amount < 0 else f"₩{amount:,}"


def format_thousand_won(amount: int) -> str:
    """Amount in 천원 (thousands of won) as official forms show it, rounded half up."""
    _check(amount)
    sign = -1 if amount < 0 else 1
    thousands = (abs(amount) + 500) // 1000
    return f"{sign * thousands:,}"
