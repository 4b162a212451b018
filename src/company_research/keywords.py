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
        "über uns", "unternehmen", "wir über uns", "das unternehmen", "firma", "profil",
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

# Phrases around a founding year.
FOUNDED_PATTERNS = (
    r"\bfounded(?: in)? (?P<year>(?:18|19|20)\d\d)",
    r"\bestablished(?: in)? (?P<year>(?:18|19|20)\d\d)",
    r"\bsince (?P<year>(?:18|19|20)\d\d)",
    r"\bin (?P<year>(?:18|19|20)\d\d),? (?:we|our founders?|[A-Z]\w+) (?:founded|started|launched)",
    r"\bgegründet(?: im jahr| im| in)? (?P<year>(?:18|19|20)\d\d)",
    r"\bseit (?P<year>(?:18|19|20)\d\d)",
    r"\b(?P<year>(?:18|19|20)\d\d) gegründet",
    r"\bfondée? en (?P<year>(?:18|19|20)\d\d)",
    r"\bcréée? en (?P<year>(?:18|19|20)\d\d)",
    r"\bdepuis (?P<year>(?:18|19|20)\d\d)",
    r"\bfundad[ao] en (?P<year>(?:18|19|20)\d\d)",
    r"\bdesde (?P<year>(?:18|19|20)\d\d)",
    r"\bopgericht in (?P<year>(?:18|19|20)\d\d)",
    r"\bfondata nel (?P<year>(?:18|19|20)\d\d)",
)

# Phrases naming the headquarters city ("City" or "City, Country").
HQ_PATTERNS = (
    r"\bheadquartered in (?P<place>[A-Z][\w .'-]+(?:, [A-Z][\w .'-]+)?)",
    r"\bheadquarters (?:is |are )?in (?P<place>[A-Z][\w .'-]+(?:, [A-Z][\w .'-]+)?)",
    r"\bbased in (?P<place>[A-Z][\w .'-]+(?:, [A-Z][\w .'-]+)?)",
    r"\bHQ (?:is )?in (?P<place>[A-Z][\w .'-]+(?:, [A-Z][\w .'-]+)?)",
    r"\b(?:Hauptsitz|Firmensitz|Sitz) (?:ist )?in (?P<place>[A-ZÄÖÜ][\w .'-]+)",
    r"\bsiège (?:social )?(?:est )?(?:à|a) (?P<place>[A-Z][\w .'-]+)",
    r"\bbasée? à (?P<place>[A-Z][\w .'-]+)",
    r"\bsede (?:central )?en (?P<place>[A-Z][\w .'-]+)",
    r"\bcon sede a (?P<place>[A-Z][\w .'-]+)",
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
    "accept all", "alle akzeptieren", "tout accepter", "aceptar todas",
)  # fmt: skip

SOCIAL_HOSTS = {
    "linkedin.com": "linkedin", "twitter.com": "x", "x.com": "x", "facebook.com": "facebook",
    "instagram.com": "instagram", "youtube.com": "youtube", "github.com": "github",
    "glassdoor.com": "glassdoor", "xing.com": "xing", "kununu.com": "kununu",
    "crunchbase.com": "crunchbase", "tiktok.com": "tiktok", "mastodon.social": "mastodon",
    "bsky.app": "bluesky", "threads.net": "threads", "medium.com": "medium",
    "indeed.com": "indeed", "welcometothejungle.com": "welcometothejungle",
}  # fmt: skip
