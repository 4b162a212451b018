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
# `\s` where a block of the page may end and the next begin (a <dt> "Founded in", its <dd>
# "2015"); a space elsewhere. facts.accepted says which blocks a match may join.
FOUNDED_PATTERNS = (
    r"\b(?:founded|established|incorporated|started|launched)\b[^.;:]{0,40}?\bin\s" + _YEAR,
    r"\b(?:founded|established|est\.)\s*(?:in\s*)?" + _YEAR,
    r"\bgegründet\b[^.;:]{0,40}?" + _YEAR,
    _YEAR + r"[^.;:]{0,40}?\bgegründet",
    r"\bGründung(?:sjahr)?\b[^.;:]{0,20}?" + _YEAR,
    r"\b(?:fondée?s?|créée?s?)\b[^.;:]{0,40}?\ben\s" + _YEAR,
    r"\bfund(?:ad[ao]s?|ó|aron)\b[^.;:]{0,40}?\ben\s" + _YEAR,
    r"\bgründeten?\b[^.;:]{0,40}?" + _YEAR,
    r"\b(?:a|ont) fondé\b[^.;:]{0,40}?\ben\s" + _YEAR,
    r"\bopgericht\b[^.;:]{0,40}?\bin\s" + _YEAR,
    r"\bfondat[ao]\b[^.;:]{0,40}?\bnel\s" + _YEAR,
    # A label and its value, as fact boxes and definition lists give them ("Founded: 2015",
    # "Gegründet: 1952", "Date de création : 2015", "Año de fundación: 1998").
    r"\b(?:founded|year founded|founding year|established|gegründet|gründungsjahr|"
    r"fondée?|date de création|année de création|création|fundad[ao]|fundación|"
    r"año de fundación|fecha de fundación)\s*:?\s*" + _YEAR,
)
# Inside every match of the founding patterns (facts.py searches near it, in lower case).
FOUNDED_ANCHOR = r"(?:18|19|20)\d\d\b"
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
# Inside every match of HQ_PATTERNS, lower-cased (facts.py).
HQ_ANCHOR = r"headquarter|\bhq\b|based|basé|sitz|siège|sede"
# A postal address line: "69002 Lyon", "86150 Augsburg", "28004 Madrid".
_STREET_WORDS = (
    r"rue|avenue|av\.|boulevard|bd|quai|chemin|place|allée|straße|strasse|str\.|weg|platz|"
    r"allee|gasse|ring|damm|street|st\.|road|rd\.|calle|avda\.|plaza|paseo|via|viale|piazza"
)
# Every street word starts with one of these letters. The look-ahead is case-sensitive, so
# `re` rules most positions out at once instead of trying thirty words case-insensitively at
# each (2.5x faster); it lists every character IGNORECASE matches to those letters ("ſ" is an
# "s"; tests/test_facts.py checks that against all of Unicode), so it changes no match.
STREET_INITIALS = "AaBbCcDdGgPpQqRrSsſVvWw"
_STREET = rf"(?=[{STREET_INITIALS}])(?i:{_STREET_WORDS})"
POSTCODE_CITY = (
    _STREET
    + r"[^,;|]{0,40}?,?\s(?:[A-Z]{1,2}-)?\d{4,5} (?P<place>[A-ZÀ-Þ][\w'-]+(?:[ -][A-ZÀ-Þ][\w'-]+)?)",
    r"(?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)?, [A-Z]{2}) \d{5}\b",  # "Portland, OR 97214"
)

# Inside every match of POSTCODE_CITY (written out: `\d{4}` has no fast scan in `re`).
POSTCODE_ANCHOR = r"\d\d\d\d"
# Per pattern of POSTCODE_CITY, what every match of it contains (case as in the pattern): far
# rarer than four digits in page text, and quick to rule a window out with (facts.py).
POSTCODE_CITY_NEEDS = (r"\d\d\d\d [A-ZÀ-Þ]", r", [A-Z]{2} \d{5}")

# Phrases stating a head count; `\s` after the number: a stat counter gives it a block of
# its own ("250+" / "employees").
EMPLOYEE_PATTERNS = (
    r"(?P<count>\d[\d,.]*\+?)\s(?:employees|people|team members|staff|colleagues|humans)",
    r"\bteam of (?P<count>\d[\d,.]*\+?)",
    r"(?P<count>\d[\d.]*\+?)\s(?:Mitarbeiterinnen und Mitarbeiter|Mitarbeitende|Mitarbeiter(?:innen)?|Beschäftigte)",
    r"(?P<count>\d[\d  .]*\+?)\s(?:salariés|collaborateurs|collaboratrices|employés|personnes)",
    r"(?P<count>\d[\d.]*\+?)\s(?:empleados|trabajadores|personas)",
    r"(?P<count>\d[\d.]*\+?)\s(?:medewerkers|dipendenti)",
)
# Inside every match of EMPLOYEE_PATTERNS, lower-cased (facts.py).
EMPLOYEE_ANCHOR = (
    r"employees|people|team|staff|colleagues|humans|mitarbeit|beschäftigte|salariés|"
    r"collaborat|employés|personnes|empleados|trabajadores|personas|medewerkers|dipendenti"
)

# Boilerplate markers: elements whose id/class/aria-label contain these are not content.
BOILERPLATE_MARKERS = (
    # Consent managers by name: never the bare "cmp-" prefix, which AEM's Core Components
    # (cmp-container, cmp-teaser...) put on every content element.
    "cookie", "consent", "gdpr", "cmplz", "cmpbox", "qc-cmp", "didomi", "iubenda", "cky-",
    "borlabs", "onetrust", "cookiebot", "usercentrics", "newsletter",
    "breadcrumb", "skip-link", "skip-to", "navbar", "nav-", "-nav", "menu", "mega", "modal",
    "popup", "subscribe", "share", "social", "sidebar", "site-header", "site-footer",
    "footer", "header-", "announcement", "promo-bar", "w-nav",
)  # fmt: skip

# Sentences with these words are boilerplate wherever they appear.
BOILERPLATE_SENTENCE_WORDS = (
    "cookie", "cookies", "javascript", "privacy policy", "all rights reserved", "©",
    "datenschutz", "impressum", "mentions légales", "tous droits réservés",
    "alle rechte vorbehalten", "todos los derechos reservados",
    "accept all", "alle akzeptieren", "tout accepter", "aceptar todas", "appeared first on",
)  # fmt: skip
# Calls to action: boilerplate as a short line of their own ("Subscribe to our newsletter",
# "Learn more"), content inside a real sentence ("release notes your users can subscribe to").
BOILERPLATE_SHORT_WORDS = (
    "subscribe", "newsletter", "read more", "continue reading", "weiterlesen", "lire la suite",
    "leer más", "mehr erfahren", "en savoir plus", "learn more", "suscríbete", "abonnieren",
    "abonnez-vous", "inscrivez-vous",
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

# Legal and consent phrasings: a sentence holding one is boilerplate, not a statement about
# the company (terms, liability, data protection), in en, de, fr, es. Calls to action are
# boilerplate only as short lines of their own (BOILERPLATE_SHORT_WORDS).
LEGAL_SENTENCE_WORDS = (
    "terms of use", "terms and conditions", "terms of service", "trademarks of",
    "registered trademark", "liability", "we process your", "personal data", "opt out",
    "by clicking", "by continuing", "allgemeine geschäftsbedingungen",
    "haftung", "personenbezogene daten", "conditions générales", "données personnelles",
    "responsabilité", "aviso legal", "política de privacidad", "datos personales",
    "términos y condiciones", "powered by", "inkl. mwst",
)  # fmt: skip

# Words too common to tell sentences apart (en, de, fr, es); the ranker ignores them.
STOPWORDS = frozenset(  # SIM905: a word list reads better as one block of text
    """
    the and for are but not you all any can had her was one our out has have him his how its
    may new now see two way who did get let put say she too use with that this from they will
    your what when were been more than them then into also only over such some very just most
    their there these those which while where would could should about after other being
    every each year years time times day days first last many much well make made office
    der die das und den dem des ein eine einer eines mit von für auf ist sind nicht sich auch
    wir ihr sie als wie bei aus zum zur über noch nach oder aber durch unsere unser unseren
    les des une pour par sur dans est sont pas avec qui que aux ses nos notre vous nous plus
    ces cette elle leur leurs mais ont été très tout tous
    los las una para por con del que como más sus nuestro nuestra nuestros somos están esta
    este pero sin sobre entre también cada
    """.split()  # noqa: SIM905
)

# Posts about job cuts or restructuring (en, de, fr, es): a "Watch out" signal when a post says so.
LAYOFF_WORDS = (
    "layoff", "layoffs", "laid off", "lay off", "redundancies", "redundancy", "restructuring",
    "job cuts", "cutting jobs", "workforce reduction", "reduce our workforce", "downsizing",
    "hiring freeze", "stellenabbau", "entlassungen", "umstrukturierung", "restrukturierung",
    "kurzarbeit", "personalabbau", "licenciements", "licenciement", "plan social",
    "restructuration", "suppressions de postes", "suppression de postes", "despidos",
    "reestructuración", "expediente de regulación", "recorte de plantilla",
)  # fmt: skip

# Post topics that invite a question: growth, new products, partnerships (en, de, fr, es).
GROWTH_WORDS = (
    "opens", "opening", "expand", "expands", "expansion", "new office", "raises", "funding",
    "series a", "series b", "series c", "acquires", "acquisition", "partner", "partnership",
    "launch", "launches", "introducing", "announces", "eröffnet", "erweitert", "expansion",
    "übernimmt", "partnerschaft", "stellt vor", "neu:", "startet", "ouvre", "lance",
    "lancement", "partenariat", "levée de fonds", "rachète", "nouveau", "nouvelle", "abre",
    "lanza", "lanzamiento", "alianza", "adquiere", "ronda de financiación", "nuevo", "nueva",
)  # fmt: skip

# Headings of a section listing what a company sells (a one-page site's "Services").
OFFERING_HEADINGS = (
    "services", "our services", "what we do", "what we offer", "products", "our products",
    "solutions", "our solutions", "offerings", "leistungen", "unsere leistungen", "angebot",
    "unser angebot", "produkte", "unsere produkte", "lösungen", "nos services", "services",
    "nos prestations", "prestations", "nos produits", "nos solutions", "ce que nous faisons",
    "servicios", "nuestros servicios", "qué hacemos", "productos", "nuestros productos",
    "soluciones", "diensten", "onze diensten", "servizi", "i nostri servizi",
)  # fmt: skip

# Class-name words that mark a short element as a title (card titles, eyebrows, labels) on
# sites that style <div>/<span>/<p> instead of using heading elements.
TITLE_CLASS_WORDS = frozenset({"title", "heading", "headline", "subheading", "subhead"})
LABEL_CLASS_WORDS = frozenset(
    {"eyebrow", "kicker", "pretitle", "overline", "tagline-label", "label"}
)

# First path segments under which sites publish single posts (/post/slug, /article/slug...).
POST_PATH_SEGMENTS = frozenset(
    {
        "post", "posts", "p", "article", "articles", "blog", "news", "story", "stories",
        "insights", "beitrag", "beitraege", "artikel", "actualite", "actualites", "article-blog",
        "noticia", "noticias", "articulo", "articulos", "entrada", "nieuws", "notizie",
    }
)  # fmt: skip

# ISO 639-1 codes that appear as a site's language prefix (/es/, /en-us/, /de-de.html).
LANGUAGE_CODES = frozenset(
    {
        "en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da", "no", "nb", "fi", "cs", "sk",
        "hu", "ro", "bg", "el", "tr", "ru", "uk", "ja", "zh", "ko", "ar", "he", "hi", "id", "th",
        "vi", "ca", "eu", "gl", "hr", "sl", "sr", "lt", "lv", "et", "ms",
    }
)  # fmt: skip

# Relative dates ("3 days ago", "vor 2 Tagen", "il y a 3 jours", "hace 3 días"): unit words
# to days, number words to numbers, and the words for today and yesterday.
RELATIVE_UNITS = {
    "minute": 0, "minutes": 0, "min": 0, "mins": 0, "hour": 0, "hours": 0, "hr": 0, "hrs": 0,
    "day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365,
    "years": 365, "minuten": 0, "stunde": 0, "stunden": 0, "tag": 1,
    "tagen": 1, "woche": 7, "wochen": 7, "monat": 30, "monaten": 30, "jahr": 365, "jahren": 365,
    "heure": 0, "heures": 0, "jour": 1, "jours": 1, "semaine": 7, "semaines": 7, "mois": 30,
    "an": 365, "ans": 365, "année": 365, "années": 365, "minuto": 0, "minutos": 0, "hora": 0,
    "horas": 0, "día": 1, "días": 1, "dia": 1, "dias": 1, "semana": 7, "semanas": 7, "mes": 30,
    "meses": 30, "año": 365, "años": 365, "dag": 1, "dagen": 1, "weken": 7,
    "maand": 30, "maanden": 30, "jaar": 365, "giorno": 1, "giorni": 1, "settimana": 7,
    "settimane": 7, "mese": 30, "mesi": 30, "anno": 365, "anni": 365,
}  # fmt: skip
RELATIVE_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "ein": 1, "einem": 1, "einer": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "una": 1, "uno": 1,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "een": 1, "twee": 2, "drie": 3,
}  # fmt: skip
RELATIVE_PATTERNS = (
    r"\b(?P<n>\d+|an?|one|two|three|four|five|six) (?P<unit>[a-z]+) ago\b",
    r"\bvor (?P<n>\d+|einem|einer|zwei|drei|vier|fünf) (?P<unit>[a-zäöü]+)\b",
    r"\bil y a (?P<n>\d+|une?|deux|trois|quatre|cinq) (?P<unit>[a-zéè]+)\b",
    r"\bhace (?P<n>\d+|una?|dos|tres|cuatro|cinco) (?P<unit>[a-záéíóúñ]+)\b",
    r"\b(?P<n>\d+|een|twee|drie) (?P<unit>[a-z]+) geleden\b",
    r"\b(?P<n>\d+|un|una|uno) (?P<unit>[a-z]+) fa\b",
)
RELATIVE_DAY_WORDS = {
    "today": 0, "just now": 0, "yesterday": 1, "heute": 0, "gestern": 1, "aujourd'hui": 0,
    "hier": 1, "hoy": 0, "ayer": 1, "vandaag": 0, "gisteren": 1, "oggi": 0, "ieri": 1,
}  # fmt: skip
