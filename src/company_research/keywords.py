"""Keyword tables: page kinds, section headings and fact phrases in English, German, French,
Spanish, Dutch and Italian. Logic lives elsewhere; only words live here."""

from __future__ import annotations

# Page kinds by URL path segment (slugs, lower case, accents stripped) and by link text.
KIND_SLUGS: dict[str, tuple[str, ...]] = {
    "about": (
        "about", "about-us", "aboutus", "company", "who-we-are", "our-story", "story", "our-company",
        "ueber-uns", "uber-uns", "unternehmen", "wir", "wir-ueber-uns", "firma", "profil",
        "a-propos", "apropos", "qui-sommes-nous", "notre-histoire", "entreprise", "societe",
        "sobre-nosotros", "quienes-somos", "nosotros", "empresa", "nuestra-historia",
        "over-ons", "chi-siamo", "azienda",
    ),
    "mission": (
        "mission", "our-mission", "purpose", "vision", "mission-vision", "leitbild", "mission-statement",
        "unsere-mission", "notre-mission", "mision", "nuestra-mision", "proposito", "missie", "missione",
    ),
    "values": (
        "values", "our-values", "culture", "principles", "our-culture", "werte", "unsere-werte",
        "kultur", "valeurs", "nos-valeurs", "culture-d-entreprise", "valores", "nuestros-valores",
        "cultura", "waarden", "valori",
    ),
    "careers": (
        "careers", "career", "jobs", "join-us", "work-with-us", "join", "hiring", "open-positions",
        "karriere", "stellenangebote", "stellen", "arbeiten-bei-uns", "jobs-karriere",
        "recrutement", "carrieres", "carriere", "emplois", "rejoignez-nous", "nous-rejoindre",
        "empleo", "empleos", "trabaja-con-nosotros", "carreras", "unete", "vacatures",
        "werken-bij", "lavora-con-noi", "carriere-it",
    ),
    "blog": (
        "blog", "journal", "insights", "stories", "articles", "magazine", "magazin", "resources",
        "engineering", "updates", "le-blog", "notre-journal", "articulos",
    ),
    "press": (
        "press", "newsroom", "news", "media", "press-releases", "in-the-news", "presse",
        "aktuelles", "neuigkeiten", "pressemitteilungen", "news-presse", "actualites",
        "communiques", "espace-presse", "prensa", "noticias", "sala-de-prensa", "nieuws",
        "notizie", "stampa",
    ),
    "products": (
        "products", "product", "platform", "solutions", "services", "features", "what-we-do",
        "offerings", "gear", "shop", "produkte", "loesungen", "losungen", "leistungen",
        "produits", "nos-produits", "solutions", "nos-services", "productos", "soluciones",
        "servicios", "producten", "oplossingen", "prodotti", "soluzioni",
    ),
    "contact": ("contact", "contact-us", "kontakt", "contactez-nous", "contacto", "contatti"),
    "legal": (
        "privacy", "privacy-policy", "imprint", "impressum", "datenschutz", "legal", "terms",
        "cookies", "cookie-policy", "mentions-legales", "cgv", "cgu", "aviso-legal",
        "politica-de-privacidad", "agb", "disclaimer", "accessibility", "sitemap",
    ),
}  # fmt: skip

KIND_ANCHORS: dict[str, tuple[str, ...]] = {
    "about": (
        "about", "about us", "company", "who we are", "our story", "our company", "the company",
        "über uns", "unternehmen", "wir über uns", "wer wir sind", "das unternehmen", "firma", "profil",
        "à propos", "a propos", "qui sommes-nous", "qui sommes nous", "notre histoire",
        "l'entreprise", "entreprise", "sobre nosotros", "quiénes somos", "nosotros",
        "la empresa", "empresa", "nuestra historia", "over ons", "chi siamo",
    ),
    "mission": (
        "mission", "our mission", "purpose", "our purpose", "vision", "mission & vision",
        "leitbild", "unsere mission", "mission und vision", "notre mission", "mission et vision",
        "nuestra misión", "misión", "propósito", "onze missie", "la nostra missione",
    ),
    "values": (
        "values", "our values", "culture", "our culture", "principles", "our principles",
        "werte", "unsere werte", "kultur", "nos valeurs", "valeurs", "notre culture",
        "nuestros valores", "valores", "cultura", "onze waarden", "i nostri valori",
    ),
    "careers": (
        "careers", "career", "jobs", "join us", "join the team", "work with us", "we're hiring",
        "open positions", "open roles", "karriere", "stellenangebote", "jobs & karriere",
        "offene stellen", "arbeiten bei uns", "recrutement", "carrières", "emplois",
        "rejoignez-nous", "nous rejoindre", "offres d'emploi", "empleo", "trabaja con nosotros",
        "únete", "carreras", "vacatures", "werken bij", "lavora con noi",
    ),
    "blog": (
        "blog", "our blog", "journal", "insights", "stories", "articles", "magazine", "magazin",
        "le blog", "engineering blog", "updates",
    ),
    "press": (
        "press", "newsroom", "news", "media", "press releases", "in the news", "presse",
        "aktuelles", "neuigkeiten", "news & presse", "pressemitteilungen", "actualités",
        "communiqués", "espace presse", "prensa", "noticias", "sala de prensa", "nieuws",
        "notizie",
    ),
    "products": (
        "products", "product", "platform", "solutions", "services", "features", "what we do",
        "our products", "gear", "produkte", "lösungen", "leistungen", "unsere produkte",
        "produits", "nos produits", "solutions", "nos services", "productos", "soluciones",
        "servicios", "producten", "prodotti",
    ),
    "contact": ("contact", "contact us", "kontakt", "contactez-nous", "contacto", "contatti"),
    "legal": (
        "privacy", "privacy policy", "imprint", "impressum", "datenschutz", "legal notice",
        "terms", "terms of service", "cookie policy", "cookies", "mentions légales",
        "politique de confidentialité", "aviso legal", "agb", "accessibility",
    ),
}  # fmt: skip

# Path segments that mark listing pages, never posts.
NON_POST_SEGMENTS = frozenset(
    {
        "page", "tag", "tags", "category", "categories", "author", "authors", "topic", "topics",
        "feed", "rss", "atom", "kategorie", "categorie", "categoria", "autor", "auteur", "archive",
        "archives", "search", "wp-content", "wp-admin", "cdn-cgi", "login", "signin", "cart",
    }
)  # fmt: skip

# Headings that introduce a mission or purpose statement.
MISSION_HEADINGS = (
    "our mission", "mission", "mission statement", "our purpose", "purpose", "why we exist",
    "what we believe", "our vision", "vision", "what drives us", "why we do it",
    "unsere mission", "mission", "leitbild", "unser leitbild", "unser auftrag", "wofür wir stehen",
    "unsere vision", "warum es uns gibt", "notre mission", "notre raison d'être",
    "raison d'être", "notre vision", "pourquoi nous existons", "ce que nous croyons",
    "nuestra misión", "misión", "nuestro propósito", "propósito", "nuestra visión",
    "onze missie", "la nostra missione",
)  # fmt: skip

# Sentence openings that state a mission, matched case-insensitively anywhere in a sentence.
MISSION_PHRASES = (
    "our mission is", "our mission:", "our purpose is", "we exist to", "we're on a mission",
    "we are on a mission", "our vision is", "mission is to", "unsere mission ist",
    "unsere mission:", "unser ziel ist", "wir wollen", "notre mission est", "notre mission :",
    "notre mission:", "nous voulons", "notre ambition est", "nuestra misión es",
    "nuestro propósito es", "onze missie is", "la nostra missione è",
)  # fmt: skip

# Headings that introduce a list of values or principles.
VALUES_HEADINGS = (
    "our values", "values", "core values", "our principles", "principles", "what we value",
    "how we work", "our culture", "culture", "what we stand for", "guiding principles",
    "unsere werte", "werte", "unsere grundsätze", "grundsätze", "unsere prinzipien",
    "wofür wir stehen", "unsere kultur", "nos valeurs", "valeurs", "nos principes",
    "notre culture", "ce qui nous anime", "nuestros valores", "valores", "nuestros principios",
    "onze waarden", "i nostri valori",
)  # fmt: skip

# Headings on product pages that are calls to action, not offerings.
CTA_WORDS = (
    "contact", "get started", "start", "demo", "request", "sign up", "signup", "try", "pricing",
    "newsletter", "subscribe", "talk to", "book", "learn more", "faq", "questions",
    "testimonials", "customers", "trusted by", "kontakt", "jetzt", "anfrage", "newsletter",
    "contactez", "demande", "essai", "contacto", "solicita", "prueba", "ready to",
    "why ", "how it works", "features", "overview", "resources",
)  # fmt: skip

# Phrases around a founding year; a year within a short clause of the verb.
_YEAR = r"(?P<year>(?:18|19|20)\d\d)\b"
FOUNDED_PATTERNS = (
    r"\b(?:founded|established|incorporated|started|launched)\b[^.;:]{0,40}?\bin " + _YEAR,
    r"\b(?:founded|established|est\.)\s*(?:in\s*)?" + _YEAR,
    r"\bgegründet\b[^.;:]{0,40}?" + _YEAR,
    _YEAR + r"[^.;:]{0,40}?\bgegründet",
    r"\bGründung(?:sjahr)?\b[^.;:]{0,20}?" + _YEAR,
    r"\b(?:fondée?s?|créée?s?)\b[^.;:]{0,40}?\ben " + _YEAR,
    r"\bfundad[ao]s?\b[^.;:]{0,40}?\ben " + _YEAR,
    r"\bopgericht\b[^.;:]{0,40}?\bin " + _YEAR,
    r"\bfondat[ao]\b[^.;:]{0,40}?\bnel " + _YEAR,
)
# Weaker: "since 1987" is often the founding year, but also "profitable since 2016".
FOUNDED_WEAK_PATTERNS = (
    r"\b(?:since|seit|depuis|desde) " + _YEAR + r"[^.;:]{0,60}?\b(?:we|wir|nous|nosotros)\b",
)

# Phrases naming the headquarters city ("City" or "City, Region").
_PLACE = r"(?P<place>[A-ZÀ-Þ][\w'-]+(?: [A-ZÀ-Þ][\w'-]+){0,2}(?:, [A-ZÀ-Þ][\w'-]+(?: [A-ZÀ-Þ][\w'-]+){0,2})?)"
HQ_PATTERNS = (
    r"\b(?i:headquartered) in " + _PLACE,
    r"\b(?i:headquarters) (?:is |are )?in " + _PLACE,
    r"\bHQ (?:is )?in " + _PLACE,
    r"\b(?i:based) in " + _PLACE,
    r"\b(?:Hauptsitz|Firmensitz|Stammsitz|Sitz) (?:ist |liegt )?in " + _PLACE,
    r"\b(?i:siège) (?:social )?(?:est )?(?:situé )?(?:à|a) " + _PLACE,
    r"\b(?i:basée?) à " + _PLACE,
    r"\b(?i:sede) (?:central )?(?:está )?en " + _PLACE,
    r"\bcon sede a " + _PLACE,
)
# A postal address line: "69002 Lyon", "86150 Augsburg", "28004 Madrid".
_STREET = (
    r"(?i:rue|avenue|av\.|boulevard|bd|quai|chemin|place|allée|straße|strasse|str\.|weg|platz|"
    r"allee|gasse|ring|damm|street|st\.|road|rd\.|calle|avda\.|plaza|paseo|via|viale|piazza)"
)
POSTCODE_CITY = (
    _STREET
    + r"[^,;|]{0,40}?,? (?:[A-Z]{1,2}-)?\d{4,5} (?P<place>[A-ZÀ-Þ][\w'-]+(?:[ -][A-ZÀ-Þ][\w'-]+)?)",
    r"(?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)?, [A-Z]{2}) \d{5}\b",  # "Portland, OR 97214"
)

# Phrases stating a head count.
EMPLOYEE_PATTERNS = (
    r"(?P<count>\d[\d,.]*\+?) (?:employees|people|team members|staff|colleagues|humans)",
    r"\bteam of (?P<count>\d[\d,.]*\+?)",
    r"(?P<count>\d[\d.]*\+?) (?:Mitarbeiterinnen und Mitarbeiter|Mitarbeitende|Mitarbeiter(?:innen)?|Beschäftigte)",
    r"(?P<count>\d[\d  .]*\+?) (?:salariés|collaborateurs|collaboratrices|employés|personnes)",
    r"(?P<count>\d[\d.]*\+?) (?:empleados|trabajadores|personas)",
    r"(?P<count>\d[\d.]*\+?) (?:medewerkers|dipendenti)",
)

# Boilerplate markers: elements whose id/class/aria-label contain these are not content.
BOILERPLATE_MARKERS = (
    "cookie", "consent", "gdpr", "cmp-", "onetrust", "cookiebot", "usercentrics", "newsletter",
    "breadcrumb", "skip-link", "skip-to", "navbar", "nav-", "-nav", "menu", "mega", "modal",
    "popup", "subscribe", "share", "social", "sidebar", "site-header", "site-footer",
    "footer", "header-", "announcement", "promo-bar", "w-nav",
)  # fmt: skip

# Sentences with these words are boilerplate wherever they appear.
BOILERPLATE_SENTENCE_WORDS = (
    "cookie", "cookies", "javascript", "privacy policy", "all rights reserved", "©",
    "datenschutz", "impressum", "mentions légales", "tous droits réservés",
    "alle rechte vorbehalten", "todos los derechos reservados", "subscribe", "newsletter",
    "accept all", "alle akzeptieren", "tout accepter", "aceptar todas", "appeared first on",
    "read more", "continue reading", "weiterlesen", "lire la suite", "leer más", "mehr erfahren",
    "en savoir plus", "learn more",
)  # fmt: skip

SOCIAL_HOSTS = {
    "linkedin.com": "linkedin", "twitter.com": "x", "x.com": "x", "facebook.com": "facebook",
    "instagram.com": "instagram", "youtube.com": "youtube", "github.com": "github",
    "glassdoor.com": "glassdoor", "xing.com": "xing", "kununu.com": "kununu",
    "crunchbase.com": "crunchbase", "tiktok.com": "tiktok", "mastodon.social": "mastodon",
    "bsky.app": "bluesky", "threads.net": "threads", "medium.com": "medium",
    "indeed.com": "indeed", "welcometothejungle.com": "welcometothejungle",
    "pinterest.com": "pinterest", "vimeo.com": "vimeo", "dribbble.com": "dribbble",
    "behance.net": "behance", "trustpilot.com": "trustpilot", "g2.com": "g2",
}  # fmt: skip
