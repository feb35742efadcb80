"""Public display of personal names: 김영수 → 김*수, 홍길 → 홍*, John Smith → J*** S****."""


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    if " " in name:  # names in Latin script: keep each word's initial
        return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
