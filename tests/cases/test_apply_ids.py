"""Ids typed into the apply page's query string: whatever the number, a 404, never a 500."""

import pytest


@pytest.mark.parametrize(
    "query",
    [
        "item=999999999999999999999999999999",
        "item=-1",
        "item=0",
        "project=999999999999999999999999999999",
        "project=-5",
    ],
)
def test_an_id_no_row_can_have_is_not_found(client, catalog, applicant, query):
    client.force_login(applicant)
    assert client.get(f"/cases/apply/?{query}").status_code == 404


def test_the_largest_key_the_database_holds_is_still_looked_up(client, catalog, applicant):
    client.force_login(applicant)
    assert client.get(f"/cases/apply/?item={2**63 - 1}").status_code == 404
    assert client.get(f"/cases/apply/?item={catalog['C'].pk}").status_code == 200
