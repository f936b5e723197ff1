"""Every sentence the bot says, in Swedish, in one place."""

from __future__ import annotations

from datetime import date, datetime

# --- Greeting and general -------------------------------------------------------------------

WELCOME = "Hej! Jag hjälper dig att beställa digitalt trygghetslarm till en brukare."
COMMANDS = (
    "Skriv **beställ** för att börja en beställning, **fortsätt** för att ta upp en sparad, "
    "**status** för att se hur dina beställningar går, eller **hjälp**. "
    "Har du alla uppgifter kan du skriva in dem i ett meddelande, eller skriva **formulär** "
    "och fylla i allt på en gång. För en skickad beställning: **ändra**, **avbeställ**, **vänta**, "
    "**meddela** eller **historik** och referensen (VT-…)."
)
NOT_UNDERSTOOD = "Det där förstod jag inte."
APOLOGY = "Oj, något gick fel hos mig. Försök igen om en liten stund. Det du redan har svarat är sparat."
TOO_LONG = "Meddelandet är för långt. Skriv högst {limit} tecken."
NO_TEXT = "Jag kan bara läsa text. Skriv ditt svar."

# --- Ordering: start, resume, cancel, back --------------------------------------------------

ORDER_START = "Då beställer vi ett digitalt trygghetslarm. Först tre frågor om rutinens förutsättningar."
ORDER_RESUME = "Vi fortsätter med beställningen där du slutade."
NO_DRAFT = "Du har ingen sparad beställning. Skriv **beställ** för att börja en ny."
HAS_DRAFT = "Du har en sparad beställning. Skriv **fortsätt** för att ta upp den, eller **börja om** för att ta bort den och börja en ny."
ALREADY_ORDERING = "Du är mitt i en beställning. Svara på frågan, eller skriv **avbryt**."
REMEMBERED_ORDERER = (
    "Jag har dig som {name}, {unit}, tel {phone}. Stämmer det inte kan du rätta det vid sammanfattningen."
)
ASK_CANCEL = "Vill du avbryta beställningen? Det du har fyllt i tas bort. (ja/nej)"
CANCELLED = "Beställningen är avbruten och uppgifterna är borttagna."
NOT_CANCELLED = "Då fortsätter vi."
BACK_AT_FIRST = "Det här är den första frågan."
MISSES_HINT = "Kör du fast? Skriv **hjälp** för mer om frågan, eller **avbryt** för att avbryta."
NOTHING_TO_CANCEL = "Det finns inget att avbryta just nu."

# --- Ordering: the questions, with help for each ----------------------------------------------

ASK_TRESERVA = "Har ni verkställt insatserna för trygghetslarm i Treserva? Det styr faktureringen till brukaren. (ja/nej)"
HELP_TRESERVA = (
    "Insatserna ska vara verkställda i Treserva innan larmet beställs, annars blir faktureringen fel."
)
STOP_TRESERVA = (
    "Verkställ insatserna i Treserva först, eftersom det styr faktureringen. "
    "Dina svar är sparade: skriv **fortsätt** när det är gjort."
)
ASK_KEY_RECEIPT = (
    "Har ni kvitterat ut en vanlig nyckel från brukaren med nyckelkvittens, "
    "och ligger den i verksamhetens nyckelskåp? (ja/nej)"
)
HELP_KEY_RECEIPT = (
    "Verksamheten ansvarar för en konventionell nyckel i nyckelskåpet. Nyckelkvittensen finns på "
    "utförarwebben, www.linkoping.se/ehalsa, under Trygghetsskapande teknik > Digitalt trygghetslarm."
)
STOP_KEY_RECEIPT = (
    "Kvittera ut nyckeln först; kvittensen finns på www.linkoping.se/ehalsa under Digitalt "
    "trygghetslarm. Dina svar är sparade: skriv **fortsätt** när det är gjort."
)
ASK_JOURNAL = "Har ni dokumenterat i brukarens journal i Treserva? (ja/nej)"
HELP_JOURNAL = "Rutinen kräver en anteckning i brukarens journal i Treserva innan beställningen skickas."
STOP_JOURNAL = (
    "Dokumentera i brukarens journal i Treserva först. "
    "Dina svar är sparade: skriv **fortsätt** när det är gjort."
)
ASK_UNIT = "Vilken verksamhet beställer du för? (t.ex. Hemtjänst Ryd)"
HELP_UNIT = "Skriv namnet på din enhet. Teamet ger återkoppling dit, och dina kollegor där kan följa ärendet."
ASK_ORDERER_NAME = "Vad heter du? (för- och efternamn)"
HELP_ORDERER_NAME = "Ditt namn står som beställare, så att teamet vet vem de ska fråga."
ASK_ORDERER_PHONE = "Vilket telefonnummer når teamet dig på?"
HELP_PHONE = "Skriv ett svenskt nummer, t.ex. 070-174 06 05 eller 08-465 004 12."
ASK_BRUKARE_NAME = "Vad heter brukaren? (för- och efternamn)"
HELP_BRUKARE_NAME = "Skriv brukarens för- och efternamn som i Treserva."
ASK_PERSONNUMMER = "Brukarens personnummer eller samordningsnummer? (ÅÅÅÅMMDD-NNNN)"
HELP_PERSONNUMMER = (
    "Tio eller tolv siffror, med eller utan bindestreck. Samordningsnummer går också bra. "
    "Är brukaren 100 år eller äldre och du skriver tio siffror, använd + i stället för -."
)
BIRTH_DATE_UNDERSTOOD = "Jag tolkar det som född {date}."
ASK_STREET = "Brukarens gatuadress? (gata och nummer, gärna lägenhetsnummer)"
HELP_STREET = "Adressen dit larmet ska installeras, t.ex. Storgatan 12, lgh 1102."
ASK_POSTNUMMER = "Postnummer? (fem siffror)"
HELP_POSTNUMMER = "Fem siffror, med eller utan mellanslag, t.ex. 582 23."
ASK_ORT = "Ort?"
HELP_ORT = "Postorten, t.ex. Linköping."
ASK_PHONE = "Brukarens telefonnummer?"
ASK_PORTKOD = "Portkod? Skriv koden, eller **ingen** om det inte finns någon."
HELP_PORTKOD = (
    "Koden till porten, om det finns en. Den visas bara för välfärdsteknikteamet och tas bort "
    "en vecka efter att ärendet är klart."
)
ASK_TAG_NEEDED = "Behövs nyckel eller tagg till ytterporten för att komma in? (ja/nej)"
HELP_TAG_NEEDED = "Svara ja om teamet behöver en nyckel eller tagg för att ta sig in genom porten."
ASK_TAG_COLLECTED = "Har verksamheten hämtat ut nyckeln eller taggen till ytterporten? (ja/nej)"
HELP_TAG_COLLECTED = "Teamet behöver veta om de kan låna den av er, eller måste ordna den själva."
ASK_CONTACT_KIND = (
    "Vem ska teamet kontakta för att boka tid för installationen? brukaren, närstående eller verksamheten?"
)
HELP_CONTACT_KIND = "Teamet ringer för att boka installationen. Du kan lägga till flera kontakter."
ASK_CONTACT_NAME = "Vad heter den närstående?"
HELP_CONTACT_NAME = "Skriv för- och efternamn."
ASK_CONTACT_RELATION = "Vilken relation har hen till brukaren? (t.ex. dotter, make, god man)"
HELP_CONTACT_RELATION = "Ett eller några ord, t.ex. son, granne, god man."
ASK_CONTACT_PHONE = "Den närståendes telefonnummer?"
ASK_MORE_CONTACTS = "Vill du lägga till fler kontakter för bokningen? (ja/nej)"
HELP_MORE_CONTACTS = "Svara ja för att lägga till en kontakt till, nej för att gå vidare."
ASK_RUBRIK = "Vilken rubrik i Lindesk? (Vård, Stöd och Omsorg > Välfärdsteknik > …)"
HELP_RUBRIK = "Beställningen registreras i Lindesk under Vård, Stöd och Omsorg > Välfärdsteknik."
ASK_UNDERRUBRIK = "Och vilken underrubrik under {rubrik}?"
HELP_UNDERRUBRIK = "Välj den underrubrik som passar beställningen bäst."
ASK_CONFIRM = (
    "Stämmer uppgifterna? Svara **ja** för att skicka, eller **ändra** och vad, t.ex. **ändra portkod**."
)
HELP_CONFIRM = "Du kan ändra: {fields}. Skriv t.ex. **ändra adress**."

# --- Ordering: wrong answers ----------------------------------------------------------------

ERR_YES_NO = "Svara **ja** eller **nej**."
ERR_TEXT = "Skriv ett svar med bokstäver, högst {limit} tecken."
ERR_FULL_NAME = "Skriv både för- och efternamn, t.ex. Greta Johansson."
ERR_PNR_FORMAT = "Personnumret ska ha 10 eller 12 siffror, t.ex. ÅÅÅÅMMDD-NNNN."
ERR_PNR_DATE = "Datumet i personnumret finns inte. Kontrollera år, månad och dag."
ERR_PNR_CHECKSUM = "Sista siffran stämmer inte med de andra. Kontrollera de fyra sista siffrorna."
ERR_PHONE = "Det ser inte ut som ett svenskt telefonnummer. Skriv t.ex. 070-174 06 05."
ERR_PHONE_NOT_SWEDISH = "Jag tar bara emot svenska telefonnummer, t.ex. 070-174 06 05."
ERR_POSTNUMMER = "Postnumret ska ha fem siffror, t.ex. 582 23."
ERR_PORTKOD = "Skriv portkoden (siffror, gärna med bokstäver, högst 20 tecken), eller **ingen**."
ERR_CHOICE = "Välj ett av alternativen: {options}. Du kan också skriva numret."
ERR_CONFIRM = "Svara **ja** för att skicka, eller **ändra** och vad: {fields}."
ERR_EDIT_FIELD = 'Det går inte att ändra "{field}". Du kan ändra: {fields}.'

# --- Ordering: summary ----------------------------------------------------------------------

SUMMARY_TITLE = "Sammanfattning av beställningen"
LABEL_BRUKARE = "Brukare"
LABEL_PERSONNUMMER = "Personnummer"
LABEL_ADDRESS = "Adress"
LABEL_PHONE = "Telefon"
LABEL_PORTKOD = "Portkod"
LABEL_KEY = "Nyckel"
LABEL_OUTER_DOOR = "Ytterport"
LABEL_CONTACTS = "Kontakt för bokning"
LABEL_CATEGORY = "Lindesk"
LABEL_ORDERER = "Beställare"
LABEL_PREREQUISITES = "Förutsättningar"
VALUE_NO_PORTKOD = "ingen"
VALUE_KEY_COLLECTED = "kvitterad och i nyckelskåpet"
VALUE_TAG_NOT_NEEDED = "ingen nyckel eller tagg behövs"
VALUE_TAG_COLLECTED = "nyckel/tagg behövs, verksamheten har den"
VALUE_TAG_MISSING = "nyckel/tagg behövs, inte uthämtad"
VALUE_PREREQUISITES = "insatser verkställda i Treserva, nyckelkvittens, journal dokumenterad"
CONTACT_BRUKARE = "brukaren"
CONTACT_VERKSAMHET = "verksamheten"
CONTACT_NARSTAENDE = "{name} ({relation}) {phone}"
BUTTON_SEND = "Ja, skicka"
BUTTON_YES = "ja"
BUTTON_NO = "nej"
BUTTON_NO_PORTKOD = "ingen"

# Words for `ändra <fält>`: the field's name as users say it.
EDIT_UNIT = "verksamhet"
EDIT_ORDERER_NAME = "ditt namn"
EDIT_ORDERER_PHONE = "ditt telefonnummer"
EDIT_BRUKARE_NAME = "namn"
EDIT_PERSONNUMMER = "personnummer"
EDIT_ADDRESS = "adress"
EDIT_POSTNUMMER = "postnummer"
EDIT_ORT = "ort"
EDIT_PHONE = "telefon"
EDIT_PORTKOD = "portkod"
EDIT_OUTER_DOOR = "ytterport"
EDIT_CONTACTS = "kontakter"
EDIT_CATEGORY = "kategori"

# --- Ordering: filed ------------------------------------------------------------------------

FILED = (
    "Tack! Beställningen är registrerad med referens **{reference}**. "
    "Välfärdsteknikteamet kontaktar {contacts} för att boka installationen. "
    "Skriv **status {reference}** när du vill veta hur det går."
)

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip


def date_text(day: date) -> str:
    """A date as Swedes write it in running text: '7 maj 1946'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# --- Välfärdsteknikteamet: states, refusals, notifications ------------------------------------

STATE_NAMES = {
    "DRAFT": "utkast",
    "FILED": "skickad till teamet",
    "RECEIVED": "mottagen av teamet",
    "BOOKED": "installation bokad",
    "INSTALLED": "installerad",
    "CLOSED": "klar",
    "CANCELLED": "makulerad",
}
REFUSE_STATE = "{reference} är {state}, så det går inte nu."
REFUSE_ALREADY_TAKEN = "{reference} handläggs redan av {name}."
REFUSE_CONCURRENT = "Någon annan ändrade {reference} samtidigt. Skriv **visa {reference}** och försök igen."
REFUSE_INSTALL_BEFORE_BOOKING = (
    "Boka installationen för {reference} först, t.ex. **boka {reference} 2026-12-03 10:00**."
)
REFUSE_CLOSE_REMAINING = "{reference} kan inte avslutas än. Kvar att bocka av: {items}."
REFUSE_CLOSE_WITHOUT_FEEDBACK = (
    "Skriv återkopplingen efter referensen, t.ex. **avsluta VT-2026-0042 Larmet är installerat och testat.**"
)
REFUSE_CANCEL_WITHOUT_REASON = (
    "Skriv orsaken efter referensen, t.ex. **makulera VT-2026-0042 Brukaren har tackat nej.**"
)
REFUSE_NOT_TEAM = "Det kommandot är bara för välfärdsteknikteamet."
ORDER_NOT_FOUND = "Jag hittar inget ärende {reference}."

NOTIFY_TEAM_FILED = (
    "Ny beställning **{reference}**: {brukare}, från {unit}. Skriv **ta {reference}** för att handlägga den."
)
NOTIFY_TEAM_UNREACHABLE = (
    "Beställaren av **{reference}** ({unit}) gick inte att nå i chatten. Kontakta verksamheten på annat sätt."
)
NOTIFY_ORDERER_RECEIVED = (
    "Välfärdsteknikteamet har tagit emot **{reference}** ({brukare}). {name} handlägger ärendet."
)
NOTIFY_ORDERER_BOOKED = "Installationen för **{reference}** ({brukare}) är bokad {when}."
NOTIFY_ORDERER_CLOSED = (
    "**{reference}** ({brukare}) är klart. Återkoppling från välfärdsteknikteamet: {feedback}"
)
NOTIFY_ORDERER_CANCELLED = "**{reference}** ({brukare}) är makulerat. Orsak: {reason}"
BUTTON_TAKE = "Ta ärendet"
BUTTON_SHOW = "Visa allt"
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def when_text(moment: datetime) -> str:
    """A booked time as said in Swedish: 'torsdag 3 december 2026 kl. 10.00'."""
    return f"{WEEKDAYS[moment.weekday()]} {date_text(moment.date())} kl. {moment:%H.%M}"


# --- Lindesk: the ticket in the service desk, its delivery, and events back from the desk -------

TICKET_SUBJECT = "{reference} Beställning av digitalt trygghetslarm, {unit}"
TICKET_TITLE = "Beställning av digitalt trygghetslarm {reference}"
TICKET_LABEL_CATEGORY = "Kategori"
TICKET_CONFIRMED = "Bekräftat av beställaren"
TICKET_CONFIRM_TRESERVA = "Insatser verkställda i Treserva"
TICKET_CONFIRM_KEY_RECEIPT = "Nyckel kvitterad med nyckelkvittens och i nyckelskåpet"
TICKET_CONFIRM_JOURNAL = "Dokumenterat i brukarens journal i Treserva"
LABEL_TICKET = "Lindesk-ärende"
TICKET_STATE_NAMES = {
    "queued": "på väg till Lindesk",
    "delayed": "väntar på att Lindesk ska svara",
    "sent": "skickat till Lindesk",
    "failed": "kunde inte skickas till Lindesk",
}
TICKET_DESK_ID = "{state}, ärende {desk_id}"
DESK_ACTOR_NAME = "Teamet i Lindesk"
NOTIFY_ORDERER_TICKET_DELAYED = "Lindesk svarar inte just nu. **{reference}** är registrerad här och skickas till Lindesk så snart Lindesk svarar."
NOTIFY_ORDERER_TICKET_SENT = "Nu har Lindesk tagit emot **{reference}** ({brukare})."
NOTIFY_TEAM_TICKET_FAILED = (
    "**{reference}** ({unit}) kunde inte skickas till Lindesk: Lindesk tog inte emot ärendet. "
    "När felet hos Lindesk är åtgärdat, skriv **skicka om {reference}**. "
    "Skriv **visa {reference}** för uppgifterna."
)

RESENT = (
    "**{reference}** skickas till Lindesk en gång till, som samma ärende med samma referens. "
    "Tar Lindesk inte emot det nu heller får teamet besked igen."
)
RESEND_NO_TICKET = "{reference} skickas inte till Lindesk, så det finns inget att skicka om."
RESEND_NOT_REFUSED = (
    "{reference} behöver inte skickas om ({label}: {state}). "
    "Bara ett ärende som Lindesk inte tog emot kan skickas om."
)


# --- Välfärdsteknikteamet in chat: team commands, booking times, the inventory list ------------

TEAM_CHANNEL_REGISTERED = "Klart! Den här konversationen får nu teamets aviseringar om nya beställningar."
TEAM_NEED_REFERENCE = "Skriv ärendets referens efter **{verb}**, t.ex. **{verb} VT-2026-0042**."
TEAM_HELP = """Välfärdsteknikteamets kommandon:
- **ärenden**: öppna ärenden, äldst först
- **visa VT-2026-0042**: alla uppgifter, även portkod
- **ta VT-2026-0042**: du handlägger ärendet, beställaren får besked
- **boka VT-2026-0042 3 dec kl 10 kontaktad dottern**: installationstiden, beställaren får den
- **klar VT-2026-0042** och **installerat**, **registrerat**, **inventarie larm A123 lås L456** eller **information**
- **avsluta VT-2026-0042** och din återkoppling: när allt är avbockat
- **makulera VT-2026-0042** och orsaken
- **fråga VT-2026-0042** och din fråga: till verksamheten som beställde, svaret kommer hit
- **historik VT-2026-0042**: allt som har hänt med ärendet, vem och när
- **skicka om VT-2026-0042**: skickar ett ärende som Lindesk inte tog emot en gång till, med samma referens
- **inventarie**: inventarielistan, och en länk till den som CSV-fil
- **registrera teamkanal**: den här konversationen får aviseringar om nya beställningar
- **logg** eller **logg 2026-11-01**: länk till loggen över vem som har sett och ändrat ärenden
I ett ärendes tråd i Teams behövs ingen referens: **ta**, **boka 3 dec kl 10**, **fråga …**."""
OPEN_ORDERS_TITLE = "Öppna ärenden, äldst först:"
OPEN_ORDER_LINE = "- **{reference}** {brukare} ({unit}), inkom {filed}: {state}, {assignee}"
NO_ASSIGNEE = "ingen handläggare än"
NO_OPEN_ORDERS = "Inga öppna ärenden just nu."
DETAILS_TITLE = "{reference}: {state}"
LABEL_ASSIGNEE = "Handläggare i teamet"
LABEL_BOOKING = "Installation"
LABEL_CHECKLIST_DONE = "Avbockat"
LABEL_CHECKLIST_LEFT = "Kvar"
LABEL_DEVICES = "Serienummer"
LABEL_FEEDBACK = "Återkoppling"
LABEL_CANCEL_REASON = "Orsak"
VALUE_NOTHING = "inget"
VALUE_DEVICES = "larm {alarm}, lås {lock}"
VALUE_NO_SERIAL = "saknas"
BOOKING_CONTACTED = "{when}, kontaktad: {who}"
TAKEN = "Du handlägger nu **{reference}**. Beställaren har fått besked. Boka sedan tid, t.ex. **boka {reference} 3 dec kl 10**."
BOOKED = "Bokat: **{reference}** {when}. Beställaren har fått tiden."
TICKED = "Avbockat för **{reference}**: {item}. Kvar: {remaining}."
TICKED_ALL = "Avbockat för **{reference}**: {item}. Allt är klart, avsluta med **avsluta {reference}** och din återkoppling till beställaren."
TICK_WHICH = "Skriv vad som är klart: installerat, registrerat, inventarie eller information, t.ex. **klar {reference} registrerat**."
TICK_SERIALS = "Jag förstod inte serienumren. Skriv t.ex. **klar {reference} inventarie larm A123 lås L456**."
CLOSED_REPLY = "**{reference}** är avslutat. Beställaren har fått din återkoppling."
CANCELLED_REPLY = "**{reference}** är makulerat. Beställaren har fått orsaken."
INVENTORY_TITLE = "Inventarielistan, enheter med serienummer:"
INVENTORY_LINE = "- **{reference}** {brukare}, {address}: {devices} ({state})"
INVENTORY_EMPTY = "Inventarielistan är tom: inga serienummer är registrerade än."
INVENTORY_OLDER = "… och {count} äldre, som finns i CSV-filen."
INVENTORY_LINK = "Ladda ner listan som CSV-fil (länken gäller i {minutes} minuter, bara för dig): {url}"
CSV_HEADER = ("Referens", "Brukare", "Adress", "Larm", "Låsenhet", "Status", "Installation")
DOWNLOAD_REFUSED = (
    "Länken är ogiltig eller för gammal. Skriv inventarie i chatten med boten för att få en ny."
)

WHEN_NOT_UNDERSTOOD = "Jag förstod inte tiden. Skriv datum och klockslag, t.ex. **2026-12-03 10:00**, **3/12 10.00** eller **3 dec kl 10**."
WHEN_NEEDS_TIME = "Skriv klockslaget också, t.ex. **3 dec kl 10**."
WHEN_NO_SUCH_DATE = "Det datumet finns inte. Kontrollera dag och månad."
WHEN_NO_SUCH_TIME = "Det klockslaget finns inte. Skriv t.ex. **10:00** eller **kl 14.30**."
WHEN_PAST = "Den tiden ({when}) har redan varit. Skriv en tid framåt."
WHEN_TOO_FAR = "Den tiden ({when}) är mer än ett år bort. Kontrollera året."

# --- Web chat page and Teams app (issue 7: adapters/webchat, adapters/teams) --------------------

PAGE_TITLE = "Trygghetslarm – {municipality}"
PAGE_HEADING = "Beställ trygghetslarm"
PAGE_CHAT_LABEL = "Chatt med trygghetslarmsboten"
PAGE_NOSCRIPT = "Chatten behöver JavaScript. Slå på JavaScript i webbläsaren och ladda om sidan."
PAGE_START_FAILED = "Chatten kunde inte startas. Ladda om sidan om en liten stund."
PAGE_BUNDLE_MISSING = (
    "Chattfönstret är inte installerat på servern än. Den som driftar boten installerar det med "
    "kommandot {command} (det behöver Node.js och npm) och laddar sedan om sidan."
)

TEAMS_NAME_SHORT = "Trygghetslarm"
TEAMS_NAME_FULL = "Trygghetslarm – beställ digitalt trygghetslarm"
TEAMS_DESCRIPTION_SHORT = "Beställ digitalt trygghetslarm till en brukare, steg för steg."
TEAMS_DESCRIPTION_FULL = (
    "Med boten beställer hemtjänstens personal ett digitalt trygghetslarm till en brukare, steg för "
    "steg enligt kommunens rutin. Välfärdsteknikteamet tar emot beställningarna i sin teamkanal, "
    "bokar installationen och ger återkoppling som boten skickar till den som beställde."
)
TEAMS_STAFF_COMMANDS = (
    ("beställ", "Börja en ny beställning av trygghetslarm"),
    ("formulär", "Fyll i hela beställningen i ett formulär"),
    ("fortsätt", "Fortsätt med din sparade beställning"),
    ("börja om", "Ta bort den sparade beställningen och börja om"),
    ("tillbaka", "Gå tillbaka till föregående fråga"),
    ("avbryt", "Avbryt beställningen"),
    ("status", "Hur dina beställningar går; skriv t.ex. status VT-2026-0042 eller status och brukarens namn"),
    ("mina ärenden", "Dina och din enhets öppna beställningar, nyast först"),
    ("hjälp", "Vad boten kan, eller mer om frågan du står på"),
)
TEAMS_TEAM_COMMANDS = (
    ("registrera teamkanal", "Den här kanalen får teamets aviseringar om nya beställningar"),
    ("ärenden", "Visa öppna beställningar"),
    ("visa VT-…", "Visa en beställning med alla uppgifter, t.ex. visa VT-2026-0042"),
    ("ta VT-…", "Ta hand om en beställning"),
    ("boka VT-…", "Boka installationen, t.ex. boka VT-2026-0042 2026-12-03 10:00"),
    ("klar VT-…", "Bocka av: installerat, registrerat, inventarie eller information"),
    ("avsluta VT-…", "Avsluta med återkoppling till beställaren"),
    ("makulera VT-…", "Makulera en beställning, med orsak"),
    ("inventarie", "Inventarielistan med serienummer, som CSV-fil"),
    ("hjälp", "Vad boten kan göra för teamet"),
)


# --- Status questions (issue 4): how an order stands, asked in the staff's own words -----------

STATUS_TITLE = "{reference}: {brukare}, {personnummer}"
LABEL_STATE = "Läge"
LABEL_BOOKED = "Installation"
LABEL_LAST_EVENT = "Senaste händelse"
LABEL_NEXT = "Nästa steg"
VALUE_NO_ASSIGNEE = "ingen ännu"
LAST_EVENT = "{event}, {date}"
EVENT_NAMES = {
    "filed": "beställningen skickades",
    "received": "teamet tog emot ärendet",
    "booked": "installationen bokades",
    "closed": "ärendet avslutades",
    "cancelled": "ärendet makulerades",
}
EVENT_CHECKLIST = "teamet bockade av: {item}"
NEXT_STEPS = {
    "FILED": "Teamet tar emot beställningen och ringer för att boka en tid för installationen.",
    "RECEIVED": "Teamet ringer för att boka en tid för installationen.",
    "BOOKED": "Teamet kommer och installerar larmet på den bokade tiden.",
    "INSTALLED": "Teamet registrerar larmet och avslutar ärendet med en återkoppling till er.",
    "CLOSED": "Inget mer: ärendet är klart.",
    "CANCELLED": "Inget mer. Behövs ett larm ändå, skriv **beställ** för en ny beställning.",
}
STATUS_LINE = "{number}. **{reference}** {brukare}: {state}"
STATUS_MORE = "… och {count} till."
STATUS_WHICH = "Vilket ärende menar du?"
STATUS_SEVERAL = "Jag hittar flera ärenden. Vilket menar du?"
STATUS_MINE = "Öppna ärenden för dig och din verksamhet, nyast först:"
STATUS_MINE_NONE = "Du och din verksamhet har inga öppna ärenden just nu."
STATUS_NONE = "Jag hittar inga ärenden för dig eller din verksamhet. Har du en referens? Skriv t.ex. **status VT-2026-0042**."
STATUS_NOT_FOUND_FOR = "Jag hittar inget ärende för {what}. Skriv **status** för att se dina senaste ärenden."
STATUS_BAD_PERSONNUMMER = (
    "Personnumret stämmer inte. Kontrollera siffrorna och skriv t.ex. **status ÅÅÅÅMMDD-NNNN**."
)
STATUS_CHOOSE_NUMBER = "Svara med numret."
STATUS_CHOOSE_REFERENCE = "Skriv **status** och referensen, t.ex. **status {reference}**."

# --- Privacy and security (issue 6): erased data, rate limit, the audit log ----------------------

VALUE_ERASED = "borttagen enligt gallringsregeln"
VALUE_ANONYMISED = "anonymiserad"
RATE_LIMITED = "Du skickar många meddelanden på kort tid. Vänta en minut, så svarar jag igen."
AUDIT_REFUSED = "Loggen över vem som har sett och ändrat ärenden är bara för välfärdsteknikteamet."
AUDIT_BAD_DATE = (
    "Jag förstod inte datumet. Skriv t.ex. **logg 2026-11-01** för loggen från och med den 1 november."
)
AUDIT_LINK = (
    "Loggen från och med {since} (vem som har sett, ändrat och exporterat ärenden). Ladda ner den som "
    "CSV-fil, länken gäller i {minutes} minuter, bara för dig: {url}"
)
AUDIT_DOWNLOAD_REFUSED = (
    "Länken är ogiltig eller för gammal. Skriv logg i chatten med boten för att få en ny."
)
AUDIT_CSV_HEADER = ("Tid", "Vem (användar-id)", "Vad", "Ärende", "Kanal", "Konversation", "Detalj")
AUDIT_ACTION_NAMES = {
    "view": "visade alla uppgifter",
    "export": "exporterade",
    "change": "ändrade",
    "erase": "gallrade",
}
ADMIN_DESCRIPTION = "Underhåll av Trygghetslarm-boten. Läser samma inställningar som appen (miljön och .env)."
ADMIN_ROTATE_HELP = "kryptera om alla uppgifter med den första nyckeln i DATA_ENCRYPTION_KEY"
ADMIN_RETENTION_HELP = "gallra nu: portkoder, gamla ärenden, utkast och konversationer"
ADMIN_EXPORT_HELP = "skriv loggen (vem som har sett, ändrat och exporterat ärenden) som CSV"
ADMIN_SINCE_HELP = "från och med datum, ÅÅÅÅ-MM-DD (utan: de senaste 30 dagarna)"
ADMIN_OUT_HELP = "filen att skriva till (utan: skärmen)"
ADMIN_ROTATED = (
    "Omkrypterat med den nyaste nyckeln: {counts}. Nu kan de äldre nycklarna tas bort ur DATA_ENCRYPTION_KEY."
)
ADMIN_RETENTION_DONE = (
    "Gallrat: portkod och nyckeluppgifter i {access} ärenden, {anonymised} ärenden anonymiserade, "
    "{drafts} utkast, {states} konversationer, {messages} skickade meddelanden och "
    "{profiles} beställarprofiler borttagna."
)
ADMIN_EXPORTED = "Loggen från och med {since} är skriven till {out} ({count} rader)."

# --- Free text: orders asked for and given in the staff's own words ------------------------------

OFFER_ORDER = "Vill du beställa ett trygghetslarm?"
OFFER_DECLINED = "Okej. Skriv **beställ** när du vill beställa, eller **hjälp** för vad jag kan."
UNDERSTOOD_TITLE = "Det här fick jag med mig:"
UNDERSTOOD_PROBLEM = "{label}: {message}"
NOT_PLACED = "Jag förstod inte: {parts}. Skriv det igen om det behövs, eller ta med det i rätt fråga."
PHONES_UNASSIGNED = "Jag vet inte vems telefonnummer {phones} är. Jag frågar efter dem nedan."
KEY_CONFIRMED_SEPARATELY = "Nyckeln bekräftar du i frågorna om rutinen."
CORRECTED = "Ändrat: {label}."
CORRECTION_REJECTED = "Jag ändrade inget. {message}"
LABEL_STREET = "Gatuadress"
LABEL_POSTNUMMER = "Postnummer"
LABEL_ORT = "Ort"
LABEL_UNIT = "Verksamhet"
LABEL_ORDERER_NAME = "Ditt namn"
LABEL_ORDERER_PHONE = "Ditt telefonnummer"
VALUE_TAG_NEEDED = "nyckel/tagg behövs"
BUTTON_RESUME = "fortsätt"
BUTTON_RESTART = "börja om"
BUTTON_FORM = "formulär"
BUTTON_ORDER = "beställ"
CORRECT_CONTACT_HINT = "Skriv kontakten med relation, namn och telefon, t.ex. **byt kontakt till dottern Lena Berg 070-174 06 42**."
CORRECT_ADDRESS_HINT = (
    "Skriv adressen med gata och nummer, t.ex. **ändra adress till Storgatan 12 B, 582 22 Linköping**."
)

# --- The order form card ---

FORM_TITLE = "Beställ digitalt trygghetslarm"
FORM_INTRO = "Fyll i uppgifterna och tryck på **Skicka formuläret**. Efteråt frågar jag om rutinens tre förutsättningar: Treserva, nyckelkvittens och journal."
FORM_HAS_ERRORS = "Några uppgifter behöver rättas. Se de röda texterna under fälten."
FORM_SECTION_ORDERER = "Du som beställer"
FORM_SECTION_BRUKARE = "Brukaren"
FORM_SECTION_OUTER_DOOR = "Ytterporten"
FORM_SECTION_CATEGORY = "Kategori i Lindesk"
FORM_CONTACT_HINT = "Ska teamet kontakta en närstående, fyll också i namn, relation och telefonnummer."
FORM_LABEL_PORTKOD = "Portkod? Skriv koden, eller ingen om det inte finns någon."
FORM_LABEL_TAG_NEEDED = "Behövs nyckel eller tagg till ytterporten för att komma in?"
FORM_LABEL_TAG_COLLECTED = "Om den behövs: har verksamheten hämtat ut nyckeln eller taggen till ytterporten?"
FORM_LABEL_CONTACT_KIND = "Vem ska teamet kontakta för att boka tid för installationen?"
FORM_LABEL_CONTACT_RELATION = "Vilken relation har den närstående till brukaren?"
FORM_LABEL_CATEGORY = "Rubrik och underrubrik i Lindesk (under Vård, Stöd och Omsorg > Välfärdsteknik)"
FORM_CONTACT_NARSTAENDE = "en närstående"
FORM_RELATIONS = (
    "dotter",
    "son",
    "make",
    "maka",
    "sambo",
    "barnbarn",
    "syster",
    "bror",
    "granne",
    "god man",
    "annan",
)
FORM_CHOOSE = "Välj"
FORM_REQUIRED = "Det här behöver fyllas i."
FORM_REQUIRED_CHOICE = "Välj ett av alternativen."
FORM_SUBMIT = "Skicka formuläret"
FORM_CANCEL = "Avbryt"

# --- Free text: what the extraction found wrong ---

ERR_TWO_PERSONNUMMER = "Jag hittade två olika personnummer. Skriv brukarens personnummer."
ERR_CONTACT_FULL_NAME = (
    "Jag behöver både för- och efternamn på den närstående som teamet ska ringa, t.ex. Lena Berg."
)
OTHER_MATTERS = (
    "Det kan jag inte svara på. Jag hjälper dig att beställa trygghetslarm och att se hur beställningarna går. "
    "Frågor om avgifter, uppsägning eller fel på ett larm tar du med välfärdsteknikteamet."
)
YOU_ARE_WELCOME = (
    "Varsågod! Skriv **beställ** när du vill beställa ett larm, eller **status** för hur det går."
)
GOODBYE = "Hej då! Skriv när du behöver mig igen."

# --- Replies that survive the channel (issue 15): a team channel that removed the bot -----------

NOTIFY_TEAM_CHANNEL_LOST = (
    "Boten har tagits bort från en av teamets kanaler och kan inte längre skriva där. Teamets meddelanden "
    "kommer nu bara hit. När boten har lagts till i kanalen igen och någon skriver där får den dem igen."
)

# --- Free text: a närstående named without a phone (extraction) ---

ERR_CONTACT_PHONE = (
    "Jag behöver telefonnumret till {name}, som teamet ska ringa för att boka, "
    "t.ex. dottern Lena Berg 070-174 06 42."
)

# --- After filing: change, cancel, pause, message, questions, history (bot/followup/) ----------

REFUSE_CHANGE_STATE = (
    "{reference} är redan installerat eller avslutat och kan inte ändras här. "
    "Ring välfärdsteknikteamet, eller skriv **meddela {reference}** och vad det gäller."
)
REFUSE_NOT_YOURS = (
    "{reference} är inte beställt av din verksamhet, så det kan du inte ändra eller se historiken för."
)
UNDO_NOTHING = "Det finns inget svar att ta tillbaka."
UNDO_TOO_LATE = "Svaret har redan gått till teamet och kan inte tas tillbaka. Skriv **meddela {reference}** och rättelsen."
NO_OPEN_QUESTION = "Teamet väntar inte på något svar om {reference}. Vill du skriva till teamet, skriv **meddela {reference}** och ditt meddelande."
CHANGE_KEY_COLLECTED = "hämtad, i nyckelskåpet"
CHANGE_KEY_NOT_COLLECTED = "inte hämtad"
CHANGE_TAG_NOT_NEEDED = "behövs inte"
CHANGE_TAG_COLLECTED = "behövs, hämtad"
CHANGE_TAG_MISSING = "behövs, inte hämtad än"
CHANGE_PORTKOD_HIDDEN = "ändrad (visas med **visa**)"
CHANGE_FIELD_FIXED = (
    "Det går bara att ändra telefon, adress, portkod, nyckel, ytterdörr och kontakt för bokning. "
    "Är namn eller personnummer fel, skriv **avbeställ** och beställ på nytt."
)
CHANGE_ADDRESS_WHOLE = (
    "Skriv hela nya adressen: gata, postnummer och ort, t.ex. Storgatan 3, 582 24 Linköping."
)
CHANGE_ASK_VALUE = {
    "telefon": "Vilket är brukarens nya telefonnummer? T.ex. 070-174 06 99.",
    "adress": "Vilken är den nya adressen? Gata, postnummer och ort, t.ex. Storgatan 3, 582 24 Linköping.",
    "portkod": "Vilken är den nya portkoden? Skriv **ingen** om det inte finns någon.",
    "nyckel": "Är nyckeln hämtad och i nyckelskåpet?",
    "ytterdörr": "Behövs tagg eller nyckel till ytterdörren, och är den hämtad?",
    "kontakt": (
        "Vem ska teamet kontakta för att boka installationen? Skriv **brukaren**, **verksamheten**, "
        "eller en närstående med namn och telefon, t.ex. dottern Lena Berg 070-174 06 42."
    ),
}
TEAM_CARD_STATE_TITLE = "{reference}: {state}"
LABEL_PAUSED = "Vilande"
VALUE_PAUSED = "till {until}: {reason}"
LABEL_QUESTION = "Fråga till verksamheten"
TEAM_WAITING = "väntar på svar på fråga {number} sedan {since}"
TEAM_EVENT_TAKEN = "**{reference}**: {actor} handlägger ärendet."
TEAM_EVENT_BOOKED = "**{reference}**: installationen är bokad {when} ({actor})."
TEAM_EVENT_TICKED = "**{reference}**: {item} är avbockat ({actor})."
TEAM_EVENT_CLOSED = "**{reference}** är avslutat ({actor}). Återkoppling: {text}"
TEAM_EVENT_CANCELLED = "**{reference}** är makulerat av {actor}. Orsak: {text}"
TEAM_EVENT_CHANGED = "**{reference}**: {actor} ({unit}) ändrade {field}: {value}"
TEAM_EVENT_PAUSED = (
    "**{reference}** vilar till {until}: {reason} ({actor}, {unit}). Teamet påminns den dagen."
)
TEAM_EVENT_MESSAGE = "**{reference}**: meddelande från {actor} ({unit}): {text}"
TEAM_EVENT_QUESTION = "**{reference}**: fråga {number} till {unit} från {actor}: {text}"
TEAM_EVENT_ANSWER = "**{reference}**: svar från {actor} ({unit}) på fråga {number}: {text}"
TEAM_EVENT_DESK_COMMENT = "**{reference}**: kommentar i Lindesk: {text}"

# --- Lindesk updates ---

TICKET_UPDATE_REFERENCE = "Gäller beställning {reference}."
NOTIFY_TEAM_UPDATE_FAILED = (
    "Lindesk tog inte emot en uppdatering av **{reference}** ({unit}). "
    "Skriv **historik {reference}** för vad som hänt och för in det i ärendet i Lindesk."
)
DESK_PORTKOD_CHANGED = "{reference}: {actor} ändrade portkoden till {portkod}."
NOTIFY_ORDERER_QUESTION = (
    "Välfärdsteknikteamet har en fråga om **{reference}** ({brukare}): {text}\n\n"
    "Svara här, eller skriv **svar {reference}** och ditt svar."
)
NOTIFY_ORDERER_DESK_COMMENT = "Teamet har skrivit om **{reference}** ({brukare}) i Lindesk: {text}"
NOTIFY_ORDERER_CANCELLED_BY = "**{reference}** ({brukare}) är avbeställt av {name}. Orsak: {reason}"
REMIND_TEAM_PAUSE_END = (
    "**{reference}** ({brukare}, {unit}) vilar inte längre från i dag. Dags att boka installationen?"
)
REMIND_ORDERER_PAUSE_END = (
    "Påminnelse: **{reference}** ({brukare}) vilar inte längre från i dag, och teamet har fått veta det. "
    "Behöver det vänta mer, skriv **vänta {reference} till** och ett datum."
)
REMIND_TEAM_QUESTION_WAITS = "**{reference}** ({unit}): fråga {number} har väntat på svar en arbetsdag. Verksamheten har fått en påminnelse."
REMIND_ORDERER_QUESTION = (
    "Påminnelse: teamet väntar på svar om **{reference}** ({brukare}): {text}\n\n"
    "Svara här, eller skriv **svar {reference}** och ditt svar."
)

# --- After filing: commands and dates (bot/language/followup*.py) ---

PAUSE_DATE_HINT = (
    "Jag förstod inte till vilket datum beställningen ska vänta. Skriv t.ex. **till 15 januari**, "
    "**till 2027-01-15** eller **om två veckor**, gärna med orsaken, t.ex. korttidsboende."
)
PAUSE_DATE_NOT_AHEAD = (
    "{date} är inte framåt i tiden. Skriv den dag då beställningen ska tas upp igen, "
    "t.ex. **till 15 januari** eller **om två veckor**."
)
PAUSE_DATE_TOO_FAR = (
    "En beställning kan vänta högst ett år. Skriv ett datum inom ett år, t.ex. **till 15 januari**, "
    "eller avbeställ och beställ på nytt när larmet behövs."
)
PAUSE_NO_SUCH_DATE = (
    "Det datumet finns inte i almanackan. Skriv t.ex. **till 15 januari** eller **till 2027-01-15**."
)
HISTORY_TITLE = "Historik för **{reference}** ({state}):"
HISTORY_LINE = "- {when}: {what}"
HISTORY_SOMEONE = "teamet"
HISTORY_LINES = {
    "filed": "beställd av {actor}",
    "received": "mottagen av {actor}",
    "booked": "installationen bokad till {text} ({actor})",
    "checklist": "{item} avbockat ({actor})",
    "closed": "avslutad av {actor}",
    "cancelled": "makulerad av {actor}: {text}",
    "changed": "{text} ändrad av {actor}",
    "paused": "vilande till {text} ({actor}): {reason}",
    "message": "meddelande från {actor}: {text}",
    "question": "fråga från {actor}: {text}",
    "answer": "svar från {actor}: {text}",
    "answer-withdrawn": "svaret togs tillbaka av {actor}",
    "desk-comment": "kommentar i Lindesk: {text}",
    "ticket:sent": "skickad till Lindesk",
    "ticket:delayed": "Lindesk svarade inte, skickas igen",
    "ticket:failed": "Lindesk tog inte emot ärendet",
    "ticket:requeued": "skickas om till Lindesk ({actor})",
}
FOLLOWUP_NEED_REFERENCE = "Vilket ärende gäller det? Skriv referensen efter **{verb}**, t.ex. **{verb} VT-2026-0042**. Skriv **mina ärenden** för att se dina."
FOLLOWUP_DROPPED = "Okej, inget är ändrat i {reference}."
CHANGE_WHICH_FIELD = "Vad vill du ändra i {reference}?"
CHANGE_FIELD_UNKNOWN = "Jag förstod inte vad som ska ändras."
CHANGE_DONE = "Ändrat i **{reference}**: {field} är nu {value}. Teamet har fått veta det."
CANCEL_ASK_REASON = "Varför ska {reference} avbeställas? Skriv orsaken, t.ex. brukaren har tackat nej."
CANCEL_DONE = "**{reference}** är avbeställt. Teamet har fått orsaken."
PAUSE_ASK_DATE = "Till vilket datum ska {reference} vänta? T.ex. **15 januari** eller **om två veckor**."
PAUSE_ASK_REASON = "Varför ska {reference} vänta? T.ex. korttidsboende eller sjukhus."
PAUSE_DONE = "**{reference}** vilar till {until}. Teamet vet om det, och ni båda får en påminnelse den dagen."
MESSAGE_ASK_TEXT = "Vad vill du skriva till teamet om {reference}?"
MESSAGE_SENT = "Skickat till teamet om **{reference}**."
ANSWER_ASK_TEXT = "Vad är ditt svar till teamet om {reference}?"
ANSWER_SENT = "Skickat till teamet om **{reference}**. Vill du ta tillbaka svaret, tryck **Ångra** inom {seconds} sekunder."
BUTTON_UNDO = "ångra"
UNDO_DONE = (
    "Svaret om **{reference}** är taget tillbaka. Teamet har inte fått det, och frågan väntar på svar igen."
)
ASK_ASK_TEXT = "Vad vill du fråga verksamheten om {reference}?"
ASK_SENT = "Frågan om **{reference}** är skickad till {unit}. Svaret kommer hit."
STATUS_PAUSED = "vilar till {until}"
STATUS_QUESTION = "{text} (svara med **svar {reference}** och ditt svar)"
CANCEL_NEED_REFERENCE = (
    "Vilken beställning ska avbeställas? Skriv **avbeställ** och referensen, t.ex. **avbeställ VT-2026-0042**, "
    "och orsaken. Skriv **mina ärenden** för att se dina. Gäller det ett larm som redan är installerat, "
    "kontakta välfärdsteknikteamet."
)
CANCEL_CONFIRM = "Vill du avbeställa **{reference}**? Orsak: {reason}\n\nDet går inte att ångra. (ja/nej)"
