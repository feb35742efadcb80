import re


def test_api_docs_load_their_assets_locally(client):
    page = client.get("/api/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert [a for a in assets if not a.startswith("/")] == []


def test_composition_findings_name_people_as_the_public_sees_them(council):
    import datetime as dt

    from hyeopchi.bodies import services
    from tests.conftest import add_member, make_person

    add_member(council, make_person(name="김영수"), term_end=dt.date(2025, 1, 1))
    findings = services.composition(council, dt.date(2020, 1, 1)).findings
    texts = " ".join(str(f.message) for f in findings)
    assert "김*수" in texts and "김영수" not in texts
