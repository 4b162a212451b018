"""Facts in the brief are read from one block of a page, or from two where pages state a fact
so (a label and its value, a stat counter, an address over several lines), never from the end
of one list item and the start of the next."""

from __future__ import annotations

from typing import Any

import pytest

from company_research.pipeline import PageRecord
from company_research.summarise import _company
from tests.conftest import sitegen
from tests.test_summarise_facts import page as summarise_page
from tests.test_summarise_facts import record as summarise_record


def page(kind: str, body: str, lang: str = "en") -> PageRecord:
    return summarise_page(kind, body, f"https://acme.example/{kind}/", lang)


def facts(*pages: PageRecord) -> dict[str, Any]:
    """The company snapshot the brief shows for these pages."""
    company = _company("acme.example", list(pages), lambda _page: 1)
    return {k: company[k] for k in ("founded", "headquarters", "employees")}


def job_list(*titles: str) -> str:
    return (
        "<ul>"
        + "".join(f'<li><a href="/jobs/{i}">{t}</a></li>' for i, t in enumerate(titles))
        + "</ul>"
    )


@pytest.mark.parametrize(
    ("body", "lang"),
    [
        (
            "<h2>Open positions</h2>"
            + job_list("Junior Network Engineer 0", "Staff Dashboard Engineer 1", "Designer 2")
            + "<h3>Departments</h3>"
            + job_list("Engineering 12", "People Operations 3", "Staff Engineering 4"),
            "en",
        ),
        (
            "<h2>Offene Stellen</h2>"
            + job_list("Werkstudent Vertrieb 2", "Mitarbeiter Kundenservice (m/w/d)")
            + job_list("Produktion 14", "Mitarbeitende Logistik 3"),
            "de",
        ),
        (
            "<h2>Nos offres</h2>"
            + job_list("Ingénieur logiciel 3", "Collaborateurs & RH 2")
            + job_list("Stage 6 mois 6", "Personnes et culture 1"),
            "fr",
        ),
        (
            "<h2>Ofertas</h2>"
            + job_list("Desarrollo 7", "Personas y Cultura 2")
            + job_list("Ventas 4", "Empleados de tienda 1"),
            "es",
        ),
    ],
    ids=["en", "de", "fr", "es"],
)
def test_a_number_ending_a_list_item_is_no_head_count(body: str, lang: str) -> None:
    careers = page("careers", body, lang)
    assert facts(careers)["employees"] is None
    # The head count the page does state, further down, is found past those.
    stated = {
        "en": "<p>We are 85 people in four offices.</p>",
        "de": "<p>Heute arbeiten 85 Mitarbeitende bei uns.</p>",
        "fr": "<p>Nous sommes 85 collaborateurs.</p>",
        "es": "<p>Somos 85 personas.</p>",
    }[lang]
    assert facts(page("careers", body + stated, lang))["employees"] == "85"


def test_the_generated_careers_board_states_no_head_count() -> None:
    # The benchmark's site generator lists jobs as "Junior Network Engineer 0" ...
    company = sitegen().build_company(18)
    html = company.pages["/careers/"].body.decode()
    careers = summarise_record("careers", f"https://{company.domain}/careers/", html, None)
    assert "Engineer 0\n" in careers.extraction.full_text
    assert facts(careers)["employees"] is None


@pytest.mark.parametrize(
    ("stat", "lang", "count"),
    [
        ("<div>250+</div><div>employees</div>", "en", "250+"),
        ("<div>1.200</div><div>Mitarbeitende weltweit</div>", "de", "1.200"),
        ("<span class='n'>85</span><p>collaborateurs</p>", "fr", "85"),
        ("<strong><div>40</div></strong><div>personas en 3 países</div>", "es", "40"),
    ],
)
def test_stat_counters_give_the_head_count(stat: str, lang: str, count: str) -> None:
    body = (
        '<section class="stats"><div class="stat"><div>12</div><div>countries</div></div>'
        f'<div class="stat">{stat}</div></section>'
    )
    assert facts(page("about", body, lang))["employees"] == count


def test_a_number_that_is_not_alone_in_its_block_is_no_stat_counter() -> None:
    body = "<div>Over 250</div><div>employees love our product</div>"
    assert facts(page("about", body))["employees"] is None


@pytest.mark.parametrize(
    ("dl", "lang", "year"),
    [
        ("<dt>Founded</dt><dd>2015</dd>", "en", "2015"),
        ("<dt>Founded in</dt><dd>2015, in Leeds</dd>", "en", "2015"),
        ("<dt>Gegründet</dt><dd>1952</dd>", "de", "1952"),
        ("<dt>Gründungsjahr:</dt><dd>1952</dd>", "de", "1952"),
        ("<dt>Fondée en</dt><dd>2003</dd>", "fr", "2003"),
        ("<dt>Date de création</dt><dd>2003</dd>", "fr", "2003"),
        ("<dt>Fundación</dt><dd>1998</dd>", "es", "1998"),
    ],
)
def test_definition_lists_give_the_founding_year(dl: str, lang: str, year: str) -> None:
    body = f"<h2>Facts</h2><dl><dt>Offices</dt><dd>3</dd>{dl}</dl>"
    assert facts(page("about", body, lang))["founded"] == year


def test_a_founding_word_ending_a_longer_block_does_not_take_the_next_year() -> None:
    body = job_list("How Acme was founded", "2019: a second office in Lyon")
    assert facts(page("blog", body))["founded"] is None


@pytest.mark.parametrize(
    ("address", "lang", "city"),
    [
        ("<p>Huber GmbH</p><p>Industriestraße 12</p><p>86150 Augsburg</p>", "de", "Augsburg"),
        ("<p>Huber GmbH<br>Industriestraße 12</p><p>86150 Augsburg</p>", "de", "Augsburg"),
        ("<address>Lumen SAS<br>12 rue de la Paix<br>75002 Paris</address>", "fr", "Paris"),
        ("<div>Calle Mayor 5</div><div>28013 Madrid</div><div>España</div>", "es", "Madrid"),
    ],
)
def test_an_address_over_several_blocks_gives_the_city(address: str, lang: str, city: str) -> None:
    contact = page("contact", f"<h1>Contact</h1><footer>{address}</footer>", lang)
    assert facts(contact)["headquarters"] == city


def test_a_street_word_ending_one_block_does_not_join_a_postcode_starting_another() -> None:
    # "…monitoring" holds a street word ("ring"); the next item starts with a number.
    body = job_list("Real-time water quality monitoring", "2026 Norvale results")
    assert facts(page("blog", body))["headquarters"] is None


@pytest.mark.parametrize(
    "text",
    [
        "We started as a team of 1 in a garage.",
        "Only 0 employees were harmed.",
        "Run by 1 staff member.",
    ],
)
def test_a_head_count_of_zero_or_one_is_no_company_size(text: str) -> None:
    assert facts(page("about", f"<p>{text}</p>"))["employees"] is None
    later = f"<p>{text}</p><p>Today 45 people work here.</p>"
    assert facts(page("about", later))["employees"] == "45"
