"""Mission, values, offerings and founding year from pages built in several ways and languages."""

from __future__ import annotations

from typing import Any

from company_research.extract import extract_page
from company_research.pipeline import PageRecord
from company_research.summarise import _company, _mission, _offerings, _values


def page(kind: str, body: str, url: str = "https://acme.example/", lang: str = "en") -> PageRecord:
    html = f'<html lang="{lang}"><head><title>Acme</title></head><body>{body}</body></html>'
    return record(kind, url, html)


def record(kind: str, url: str, html: str, site: str | None = "acme.example") -> PageRecord:
    """A crawled page as the brief reads it, extracted from `html`."""
    return PageRecord(
        url=url,
        kind=kind,
        fetched_at="2026-11-27T09:00:00+00:00",
        status=200,
        content_type="text/html",
        etag=None,
        last_modified=None,
        html=html,
        extraction=extract_page(url, html, kind, site),
    )


def cite(_page: Any) -> int:
    return 1


def names(items: list[dict[str, Any]]) -> list[str]:
    return [i["text"].split(":")[0] for i in items]


def test_mission_from_an_eyebrow_over_the_hero_statement():
    home = page(
        "home",
        '<div class="hero"><p class="cmp-teaser__pretitle">Our purpose</p>'
        "<h1>Safe, affordable water for every community on earth.</h1></div>",
    )
    assert _mission([home], cite)["text"] == "Safe, affordable water for every community on earth."


def test_mision_en_espanol_bajo_una_etiqueta_en_negrita():
    about = page(
        "about",
        '<p class="eyebrow"><strong>Nuestra misión</strong></p>'
        "<h2>Llevar a cada mesa un aceite honesto, trazable y cultivado con cuidado.</h2>",
        lang="es",
    )
    assert _mission([about], cite)["text"].startswith("Llevar a cada mesa")


def test_a_label_followed_by_another_section_is_no_mission():
    about = page("about", "<h2>Our mission</h2><h2>Leadership team</h2><p>Short.</p>")
    assert _mission([about], cite) is None


def test_werte_als_bildkarten_mit_span_titeln():
    about = page(
        "about",
        "<h2>Unsere Werte</h2><div class='grid'>"
        "<div class='card'><img src='a.jpg'><span class='title'>Verlässlichkeit</span>"
        "<p>Wir halten, was wir zusagen.</p></div>"
        "<div class='card'><img src='b.jpg'><span class='title'>Partnerschaft</span>"
        "<p>Wir arbeiten auf Augenhöhe.</p></div></div><h2>Kontakt</h2>",
        lang="de",
    )
    assert names(_values([about], cite)) == ["Verlässlichkeit", "Partnerschaft"]


def test_valeurs_sans_titres_html_sur_un_site_wix():
    title = '<p style="font-size:40px"><span>{}</span></p>'
    card = (
        '<div><p style="font-size:22px"><span style="font-weight:bold">{}</span></p>'
        '<p style="font-size:16px">{}</p></div>'
    )
    home = page(
        "home",
        title.format("Nos valeurs")
        + card.format("Sobriété", "Nous dessinons peu de modèles.")
        + card.format("Réparabilité", "Chaque pièce est disponible séparément.")
        + title.format("Contact"),
        lang="fr",
    )
    assert names(_values([home], cite)) == ["Sobriété", "Réparabilité"]


def test_services_section_of_a_one_page_site_are_offerings():
    section = '<div class="section-title">{}</div>'
    card = "<div><strong>{}</strong><p>{}</p></div>"
    home = page(
        "home",
        section.format("Servicios")
        + card.format(
            "Diseño de jardines", "Un proyecto completo desde la primera visita al jardín."
        )
        + card.format("Mantenimiento", "Cuatro visitas al año para podar, dividir y replantar.")
        + section.format("Contacto"),
        lang="es",
    )
    assert names(_offerings([home], cite)) == ["Diseño de jardines", "Mantenimiento"]


def test_eyebrows_and_group_headings_are_not_offerings():
    products = page(
        "products",
        '<p class="eyebrow">In-soil sensor</p><h2>Probe</h2><p>Measures soil carbon every hour.</p>'
        '<p class="eyebrow">Platform</p><h2>Atlas</h2><p>Turns readings into field-level maps.</p>'
        "<h2>Who we work with</h2><h3>Growers</h3><p>Earn more for the practices you use.</p>",
        url="https://acme.example/products",
    )
    got = names(_offerings([products], cite))
    assert got[:2] == ["Probe", "Atlas"]
    assert "In-soil sensor" not in got and "Platform" not in got
    assert "Who we work with" not in got


def test_founding_year_from_verbs_in_several_languages():
    for body, lang in [
        ("<p>Cuarenta familias fundaron la cooperativa en 1998 en Martos.</p>", "es"),
        ("<p>Die Familie Huber gründete 1987 in Augsburg die Firma.</p>", "de"),
        ("<p>Deux ingénieurs ont fondé l'atelier en 2015 à Lyon.</p>", "fr"),
    ]:
        about = page("about", body, lang=lang)
        company = _company("acme.example", [about], cite)
        assert company["founded"] in ("1998", "1987", "2015"), body
