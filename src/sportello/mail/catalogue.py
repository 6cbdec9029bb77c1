"""Every server-side sentence a visitor reads in an e-mail, in the widget's six languages.

One module, one table: adding a sentence means adding it in every language (the unit test
checks the table is complete)."""

from __future__ import annotations

LANGUAGES = ("it", "en", "es", "fr", "de", "pt")
DEFAULT = "en"

CATALOGUE: dict[str, dict[str, str]] = {
    "subject": {
        "it": "La Sua conversazione con {service}",
        "en": "Your conversation with {service}",
        "es": "Su conversación con {service}",
        "fr": "Votre conversation avec {service}",
        "de": "Ihr Gespräch mit {service}",
        "pt": "A sua conversa com {service}",
    },
    "intro": {
        "it": "Ecco la trascrizione della Sua conversazione con {service} del {date}.",
        "en": "Here is the transcript of your conversation with {service} on {date}.",
        "es": "Aquí tiene la transcripción de su conversación con {service} del {date}.",
        "fr": "Voici la transcription de votre conversation avec {service} du {date}.",
        "de": "Hier ist das Protokoll Ihres Gesprächs mit {service} vom {date}.",
        "pt": "Aqui está a transcrição da sua conversa com {service} de {date}.",
    },
    "you": {"it": "Lei", "en": "You", "es": "Usted", "fr": "Vous", "de": "Sie", "pt": "Você"},
    "agent": {
        "it": "Operatore",
        "en": "Agent",
        "es": "Agente",
        "fr": "Conseiller",
        "de": "Mitarbeiter",
        "pt": "Atendente",
    },
    "file": {
        "it": "File: {name}",
        "en": "File: {name}",
        "es": "Archivo: {name}",
        "fr": "Fichier : {name}",
        "de": "Datei: {name}",
        "pt": "Ficheiro: {name}",
    },
    "empty": {
        "it": "Nessun messaggio in questa conversazione.",
        "en": "There were no messages in this conversation.",
        "es": "No hubo mensajes en esta conversación.",
        "fr": "Cette conversation ne contient aucun message.",
        "de": "In diesem Gespräch gab es keine Nachrichten.",
        "pt": "Não houve mensagens nesta conversa.",
    },
    "asked": {
        "it": "Riceve questa e-mail perché ha chiesto la trascrizione alla fine della chat.",
        "en": "You are receiving this e-mail because you asked for the transcript.",
        "es": "Recibe este correo porque pidió la transcripción al final del chat.",
        "fr": "Vous recevez cet e-mail parce que vous avez demandé la transcription.",
        "de": "Sie erhalten diese E-Mail, weil Sie das Protokoll angefordert haben.",
        "pt": "Recebe este e-mail porque pediu a transcrição no fim da conversa.",
    },
    "auto": {
        "it": "{service} invia la trascrizione di ogni conversazione all'indirizzo indicato.",
        "en": "{service} sends the transcript of each conversation to the address you gave.",
        "es": "{service} envía la transcripción de cada conversación a la dirección indicada.",
        "fr": "{service} envoie la transcription de chaque conversation à l'adresse indiquée.",
        "de": "{service} sendet das Protokoll jedes Gesprächs an die angegebene Adresse.",
        "pt": "{service} envia a transcrição de cada conversa para o endereço indicado.",
    },
}


def language_of(code: str) -> str:
    """One of LANGUAGES for a locale or language code ('pt-BR' → 'pt'), else English."""
    base = code.split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else DEFAULT


def say(key: str, language: str, **values: str) -> str:
    """The sentence ``key`` in ``language`` (a LANGUAGES code), with its values filled in."""
    return CATALOGUE[key][language_of(language)].format(**values)
