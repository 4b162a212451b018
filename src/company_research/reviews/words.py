"""Word tables for reviews (en, de, fr, es): month names, stopwords, pros/cons labels."""

from __future__ import annotations

MONTHS: dict[str, int] = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6,
    "juli": 7, "oktober": 10, "dezember": 12, "okt": 10, "dez": 12, "mär": 3,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12, "janv": 1, "févr": 2, "avr": 4, "juil": 7, "déc": 12,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12, "ene": 1, "abr": 4, "ago": 8, "dic": 12,
}  # fmt: skip

# Labels sites put above the good and the bad part of a review (lower case, no colon).
PROS_LABELS = (
    "pros", "pro", "what do you like best", "the good", "advantages", "gut am arbeitgeber",
    "vorteile", "positiv", "points positifs", "avantages", "ce que j'aime", "ventajas",
    "pros del trabajo", "lo mejor", "what's the best", "what is the best", "best thing",
)  # fmt: skip
CONS_LABELS = (
    "cons", "contra", "what do you dislike", "the bad", "disadvantages",
    "schlecht am arbeitgeber", "nachteile", "negativ", "points négatifs", "points negatifs",
    "inconvénients", "inconvenients", "desventajas", "contras", "lo peor",
    "what would you improve", "what's one thing", "what is one thing", "could be improved",
)  # fmt: skip

# Function words of en, de, fr, es, plus words that carry sentiment but name no topic
# ("great", "toll", "super"): a theme is what people talk about, not how they feel.
STOPWORDS: frozenset[str] = frozenset(
    """
a about after again against all also always am an and any are as at be because been
before being between both but by can could did do does doing down during each even
ever every few for from further get gets getting got had has have having he her here hers
him his how i if in into is it its itself just let lot lots me more most much must my no
nor not now of off on once only or other our ours out over own same she should so some
still such than that the their them then there these they this those through to too under
until up us very was we were what when where which while who whom why will with would
yet you your yours one ones two many really quite pretty well way thing things people
place company employer work working job team teams time times sometimes often overall
great good nice bad poor best better worse worst excellent amazing awesome terrible
love loved like liked enjoy happy lovely super fine ok okay big small new old high low
strong hard easy lot little everything something nothing anything everyone someone
always never usually year years day days month months make made makes feel felt
use used using get go going went come came say said see seen know known want wanted
need needs needed give given take took find found keep kept
heavy light slow fast quick long short vague unclear clunky decent solid calm busy fair top
schnell langsam lang kurz lent rapide court lento rápido largo corto
aber alle allem allen aller alles als also am an ander andere anderen anders auch auf aus
bei beim bin bis bist da dabei damit dann das dass dein dem den der des dessen dich die
dies diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer
eines einige er es etwas euch euer für gegen gewesen hab habe haben hat hatte hier hin
hinter ich ihr ihre im in ins ist ja jede jedem jeden jeder jedes jetzt kann kein keine
können man manche mehr mein mich mit muss nach nicht nichts noch nur ob oder ohne sehr
sein seine sich sie sind so solche soll sollte sondern sonst über um und uns unser
unter viel vom von vor war waren warum was weil weiter welche wenn wer werden wie wieder
will wir wird wo wurde zu zum zur zwar zwischen immer gibt gut gute guter gutes toll
super schlecht schön arbeitgeber firma unternehmen arbeit leider wirklich ganz eher
au aux avec ce ces cet cette dans de des du elle elles en est et être eu il ils je la
le les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ont ou où par pas
pour qu que qui sa se ses si son sont sur ta te tes toi ton tous tout toute toutes très
tu un une vos votre vous y été était avait fait faire bien bon bonne bons bonnes mal
super trop peu plus moins aussi encore toujours jamais chez comme sans entre j c d l n s
qu' c'est j'ai rien tout merci vraiment
al algo como con de del el ella ellos en entre era es esta este esto está están fue
ha hay la las le les lo los me mi muy más no nos o para pero por que se ser si sin sobre
su sus también tan te todo todos tu un una uno y ya bueno buena malo mala mucho poco
""".split()  # noqa: SIM905 (a word table reads better as text)
)

# Legal forms review sites leave out of a company's name and address ("Kesselwerk GmbH" is
# /de/kesselwerk on kununu).
LEGAL_FORMS = (
    "gmbh & co. kg", "gmbh & co kg", "gmbh", "ag", "kg", "se", "ug", "e.v.", "inc.", "inc",
    "ltd.", "ltd", "llc", "plc", "corp.", "corp", "co.", "b.v.", "bv", "n.v.", "sas", "sarl",
    "s.a.r.l.", "s.a.", "sa", "s.l.", "sl", "s.p.a.", "srl", "oy", "ab", "as", "aps",
)  # fmt: skip
