"""Interface texts in Dutch (default, B1 level) and English.

Each key maps to (Dutch, English). Texts may hold {named} fields, filled by `t(...)`.
Questionnaire texts (phases, statements, answer labels) live in the questionnaire files.
"""

from __future__ import annotations

import re

from ipm_model.phases import DEFAULT_LANGUAGE, LANGUAGES

STRINGS: dict[str, tuple[str, str]] = {
    # -- app shell -----------------------------------------------------------------------------
    "app.title": ("iPM Ketenscan", "iPM Chain Scan"),
    "app.language": ("Taal", "Language"),
    "app.connection_lost": (
        "Geen verbinding met de server. Je antwoorden tot je laatste klik zijn bewaard. "
        "De app probeert het opnieuw; laad anders de pagina opnieuw.",
        "No connection to the server. Your answers up to your last tap are saved. "
        "The app keeps trying; otherwise reload the page.",
    ),
    "nav.start": ("Start", "Start"),
    "nav.scan": ("Vragenlijst", "Questionnaire"),
    "nav.about": ("Over het model", "About the model"),
    "error.questionnaire": (
        "De vragenlijst kan niet worden geladen. Vraag de beheerder om dit te herstellen.",
        "The questionnaire cannot be loaded. Ask the administrator to fix it.",
    ),
    "error.database": (
        "De database werkt nu niet. Je antwoorden zijn veilig tot je laatste klik. "
        "Probeer het zo opnieuw.",
        "The database is not working right now. Your answers are safe up to your last tap. "
        "Please try again shortly.",
    ),
    "error.detail": ("Melding voor de beheerder: {detail}", "Note for the administrator: {detail}"),
    "nav.section.participate": ("Meedoen", "Take part"),
    "nav.section.results": ("Resultaten", "Results"),
    "nav.section.facilitate": ("Begeleiden", "Facilitate"),
    "nav.section.info": ("Info", "Info"),
    "nav.results": ("Resultaten", "Results"),
    "nav.compare": ("Ketens vergelijken", "Compare chains"),
    "nav.progress": ("Voortgang", "Progress"),
    "nav.console": ("Workshops beheren", "Manage workshops"),
    "nav.projector": ("Projectiescherm", "Projector screen"),
    "nav.login": ("Inloggen begeleider", "Facilitator login"),
    # -- access ----------------------------------------------------------------------------------
    "access.bad_link": (
        "Deze link werkt niet (meer). Vraag de begeleider om een nieuwe link.",
        "This link does not work (any more). Ask the facilitator for a new link.",
    ),
    "access.link_expired": (
        "Deze link is verlopen. Vraag de begeleider of beheerder om een nieuwe link.",
        "This link has expired. Ask the facilitator or administrator for a new link.",
    ),
    "access.link_revoked": (
        "Deze link is ingetrokken. Vraag de begeleider of beheerder om een nieuwe link.",
        "This link has been revoked. Ask the facilitator or administrator for a new link.",
    ),
    "access.write_denied": (
        "Dat mag je niet wijzigen met deze toegang. Er is niets opgeslagen.",
        "You may not change this with your access. Nothing was saved.",
    ),
    "access.tampered": (
        "Deze wijziging klopt niet. Er is niets opgeslagen. Laad de pagina opnieuw.",
        "This change is not valid. Nothing was saved. Please reload the page.",
    ),
    "access.denied": (
        "Je hebt geen toegang tot deze pagina. Gebruik de link die je van de begeleider kreeg, "
        "of log in als beheerder.",
        "You do not have access to this page. Use the link you got from the facilitator, "
        "or log in as administrator.",
    ),
    "access.login_title": ("Inloggen voor begeleiders", "Login for facilitators"),
    "access.login_intro": (
        "Begeleiders en beheerders loggen hier in. Deelnemers hebben dit niet nodig: zij "
        "doen mee met de workshopcode.",
        "Facilitators and administrators log in here. Participants do not need this: they "
        "join with the workshop code.",
    ),
    "access.password": ("Wachtwoord beheerder", "Administrator password"),
    "access.login": ("Inloggen", "Log in"),
    "access.logout": ("Uitloggen", "Log out"),
    "access.wrong_password": ("Dit wachtwoord klopt niet.", "This password is not right."),
    "access.no_password": (
        "Er is geen beheerderswachtwoord ingesteld. Zet `admin_password` in de Streamlit "
        "secrets of de omgevingsvariabele `IPM_ADMIN_PASSWORD`.",
        "No administrator password is set. Put `admin_password` in the Streamlit secrets or "
        "the environment variable `IPM_ADMIN_PASSWORD`.",
    ),
    "access.logged_in": ("Je bent ingelogd als beheerder.", "You are logged in as administrator."),
    "access.has_links": (
        "Deze sessie heeft toegang via een link: {what}.",
        "This session has access through a link: {what}.",
    ),
    "access.oidc_login": (
        "Inloggen met je organisatie-account",
        "Log in with your organisation account",
    ),
    "access.oidc_not_admin": (
        "Je bent ingelogd als {email}, maar dit account is geen beheerder.",
        "You are logged in as {email}, but this account is not an administrator.",
    ),
    "access.throttled": (
        "Te veel pogingen. Wacht {seconds} seconden en probeer het dan opnieuw.",
        "Too many attempts. Wait {seconds} seconds and try again.",
    ),
    "access.unknown_page": (
        "Deze pagina bestaat niet (meer). Je ziet nu de startpagina.",
        "This page does not exist (any more). You now see the start page.",
    ),
    "access.needs_login": (
        'Om "{page}" te openen moet je ingelogd zijn. Log in, of open de link die je van de '
        "begeleider kreeg.",
        'To open "{page}" you need to be logged in. Log in, or open the link you got from '
        "the facilitator.",
    ),
    "access.logout_everywhere": ("Overal uitloggen", "Log out everywhere"),
    "access.logout_everywhere_help": (
        "Logt uit op alle apparaten en tabbladen die met deze rechten zijn ingelogd, bij hun "
        "volgende keer laden.",
        "Logs out every device and tab logged in with these rights, the next time they load.",
    ),
    "session.stays": (
        "Je blijft in deze browser {hours} uur ingelogd, ook als je de pagina herlaadt of een "
        "tweede tabblad opent. Op een gedeelde computer: log uit als je klaar bent.",
        "You stay logged in in this browser for {hours} hours, also when you reload the page "
        "or open a second tab. On a shared computer: log out when you are done.",
    ),
    "session.storing": ("Even geduld, je inlog wordt bewaard…", "One moment, saving your login…"),
    "session.refused.forged": (
        "Je inlog in deze browser is niet geldig. Log opnieuw in.",
        "Your login in this browser is not valid. Please log in again.",
    ),
    "session.refused.expired": (
        "Je inlog is verlopen: je blijft hoogstens {hours} uur ingelogd. Log opnieuw in.",
        "Your login has expired: you stay logged in for at most {hours} hours. Please log in "
        "again.",
    ),
    "session.refused.revoked": (
        'Je bent uitgelogd, omdat iemand "Overal uitloggen" koos. Log opnieuw in.',
        'You were logged out, because someone chose "Log out everywhere". Please log in again.',
    ),
    "session.refused.password_changed": (
        "Het wachtwoord van de beheerder is veranderd. Log opnieuw in met het nieuwe wachtwoord.",
        "The administrator password has changed. Please log in with the new password.",
    ),
    "session.refused.link_gone": (
        "De link waarmee je was ingelogd werkt niet meer (vernieuwd of ingetrokken). Vraag om "
        "de nieuwe link.",
        "The link you logged in with no longer works (renewed or withdrawn). Ask for the new link.",
    ),
    "session.refused.not_stored": (
        "Je browser heeft je inlog niet bewaard. Zet cookies aan voor deze site en log opnieuw "
        "in (of open de link opnieuw).",
        "Your browser did not keep your login. Allow cookies for this site and log in again (or "
        "open the link again).",
    ),
    "demo.banner": (
        "Dit is een demo met verzonnen gegevens. Kijk rond en vul de scan in, zonder account. "
        "Wil je iets veranderen? Dan krijg je je eigen kopie, 24 uur lang. De gedeelde demo "
        "wordt elke {hours} uur teruggezet.",
        "This is a demo with made-up data. Look around and take the scan, no account needed. "
        "Want to change something? Then you get your own copy, for 24 hours. The shared demo "
        "is reset every {hours} hours.",
    ),
    "demo.start_intro": (
        "Probeer de Ketenscan op drie manieren. Eén tik is genoeg.",
        "Try the Chain Scan in three ways. One tap is enough.",
    ),
    "demo.way_scan": ("Doe de scan als deelnemer", "Take the scan as a participant"),
    "demo.way_scan_gets": (
        "Voor deelnemers: je beantwoordt de stellingen per fase. Daarna zie je je eigen "
        "radar naast die van je groep. Keten en rol zijn al ingevuld; je kunt ze wijzigen.",
        "For participants: you answer the statements phase by phase. Then you see your own "
        "radar next to your group's. Chain and role are filled in; you can change them.",
    ),
    "demo.way_results": ("Bekijk 18 maanden resultaten", "See 18 months of results"),
    "demo.way_results_gets": (
        "Voor het managementteam: de resultaten per keten, ketens naast elkaar en de "
        "voortgang over vier metingen, met de afspraken die zijn gemaakt.",
        "For the management team: results per chain, chains side by side and progress over "
        "four measurements, with the actions that were agreed.",
    ),
    "demo.way_lead": ("Leid een workshop", "Lead a workshop"),
    "demo.way_lead_gets": (
        "Voor de begeleider: open en sluit rondes, zie wie klaar is en toon de groep op het "
        "projectiescherm. Je krijgt je eigen kopie van de demo, 24 uur lang.",
        "For the facilitator: open and close rounds, see who has finished and show the group "
        "on the projector. You get your own copy of the demo, for 24 hours.",
    ),
    "demo.other_code": ("Heb je een workshopcode?", "Do you have a workshop code?"),
    "demo.no_workshop": (
        "De demo-workshop is nu niet open. Probeer het over een minuut opnieuw.",
        "The demo workshop is not open right now. Please try again in a minute.",
    ),
    "demo.door_title": ("**Je eigen kopie van de demo**", "**Your own copy of the demo**"),
    "demo.door_text": (
        "De gedeelde demo kan iedereen bekijken, maar niemand kan hem veranderen. Wil je "
        "zelf een workshop leiden, rondes sluiten of afspraken wijzigen? Maak dan je eigen "
        "kopie. Alleen jij ziet die, in deze browser, 24 uur lang.",
        "Everyone can look at the shared demo, but nobody can change it. Want to lead a "
        "workshop, close rounds or change actions yourself? Then make your own copy. Only "
        "you see it, in this browser, for 24 hours.",
    ),
    "demo.door_button": ("Maak mijn eigen kopie", "Make my own copy"),
    "demo.sandbox_failed": (
        "Je eigen kopie kon nu niet worden gemaakt. Probeer het over een minuut opnieuw.",
        "Your own copy could not be made right now. Please try again in a minute.",
    ),
    "demo.join_note": (
        "Dit is een demo: andere bezoekers zien de groepsuitslag en de opmerkingen. Schrijf "
        "dus geen namen of echte gegevens op.",
        "This is a demo: other visitors see the group result and the comments. So do not "
        "write down names or real data.",
    ),
    "demo.sandbox_full": (
        "Er zijn nu heel veel bezoekers met een eigen kopie. Probeer het over {minutes} "
        "minuten opnieuw. Rondkijken en de scan invullen kan gewoon.",
        "Right now there are very many visitors with their own copy. Please try again in "
        "{minutes} minutes. You can still look around and take the scan.",
    ),
    "demo.own_copy": (
        "Dit is jouw eigen kopie van de demo. Alleen jij ziet je wijzigingen, {hours} uur lang.",
        "This is your own copy of the demo. Only you see your changes, for {hours} hours.",
    ),
    "demo.lead_tip": (
        "Zo leid je de workshop: open het **Projectiescherm** (in een tweede tabblad of op "
        "een tweede scherm) en tik hier op **Uitslag tonen op scherm**. De groep staat al "
        "klaar: gesimuleerde deelnemers die de scan hebben afgerond.",
        "How to lead the workshop: open the **Projector screen** (in a second tab or on a "
        "second screen) and tap **Show results on screen** here. The group is ready: "
        "simulated participants who finished the scan.",
    ),
    "demo.simulated_group": (
        "Demo: {n} van de {size} mensen in deze groep zijn gesimuleerd. Hun antwoorden zijn "
        "verzonnen.",
        "Demo: {n} of the {size} people in this group are simulated. Their answers are made up.",
    ),
    "demo.simulated_all": (
        "Demo: {n} deelnemers zijn gesimuleerd. Hun antwoorden zijn verzonnen.",
        "Demo: {n} participants are simulated. Their answers are made up.",
    ),
    "session.refused.demo_unknown": (
        "We kennen je eigen kopie van de demo niet (meer). Misschien is die verlopen: een "
        "kopie blijft 24 uur. Je ziet de gedeelde demo. Maak gerust een nieuwe kopie.",
        "We do not know your own copy of the demo (any more). It may have expired: a copy "
        "lasts 24 hours. You see the shared demo. Feel free to make a new copy.",
    ),
    "session.refused.sandbox_gone": (
        "Je eigen kopie van de demo bestaat niet meer. Een kopie blijft 24 uur; bij veel "
        "bezoekers ruimen we de oudste eerder op. Je ziet weer de gedeelde demo.",
        "Your own copy of the demo no longer exists. A copy lasts 24 hours; with many "
        "visitors the oldest go sooner. You see the shared demo again.",
    ),
    "share.qr_title": ("QR-code om mee te doen", "QR code to take part"),
    "share.handout_scan": (
        "Scan de QR-code met je tablet of telefoon",
        "Scan the QR code with your tablet or phone",
    ),
    "share.handout_code": (
        "Of ga naar de link en vul deze code in:",
        "Or open the link and enter this code:",
    ),
    "share.handout_foot": (
        "Je antwoorden zijn anoniem. Het invullen duurt ongeveer 15 minuten.",
        "Your answers are anonymous. It takes about 15 minutes.",
    ),
    "share.bad_public_url": (
        "Het publieke adres in `public_url` of `IPM_PUBLIC_URL` klopt niet: {detail}. "
        "Links en QR-codes gebruiken nu het adres uit je browser. Vul een adres in zoals "
        "`http://192.168.1.20:8501`.",
        "The public address in `public_url` or `IPM_PUBLIC_URL` is not valid: {detail}. "
        "Links and QR codes now use the address in your browser. Enter an address such as "
        "`http://192.168.1.20:8501`.",
    ),
    "share.loopback": (
        "Let op: deze link en QR-code wijzen naar {url}. Dat werkt alleen op deze computer. "
        "Tablets en telefoons kunnen ze niet openen.",
        "Note: this link and QR code point at {url}. That only works on this computer. "
        "Tablets and phones cannot open them.",
    ),
    "share.loopback_short": (
        "Let op: de QR-code wijst naar {url} en werkt niet op tablets. Zie Workshops beheren.",
        "Note: the QR code points at {url} and does not work on tablets. See Manage workshops.",
    ),
    "share.try_addresses": (
        "De netwerkadressen van deze computer. Open de app via een van deze links, of zet er "
        "een in `public_url`:",
        "This computer's network addresses. Open the app through one of these links, or put "
        "one in `public_url`:",
    ),
    "share.no_addresses": (
        "De netwerkadressen van deze computer zijn niet gevonden.",
        "This computer's network addresses could not be found.",
    ),
    "share.loopback_help": (
        "Zo kunnen tablets erbij: start de app zonder `--server.address` (of met "
        "`--server.address 0.0.0.0`), zet alle tablets op hetzelfde wifi-netwerk als deze "
        "computer, laat poort {port} toe in de firewall, en zet het adres in `public_url` "
        "(secrets) of `IPM_PUBLIC_URL`. Zie de README, deel Workshop.",
        "How tablets can reach it: start the app without `--server.address` (or with "
        "`--server.address 0.0.0.0`), put every tablet on the same Wi-Fi as this computer, "
        "allow port {port} in the firewall, and put the address in `public_url` (secrets) or "
        "`IPM_PUBLIC_URL`. See the README, section Workshop.",
    ),
    # -- console ------------------------------------------------------------------------------
    "console.organisation": ("Organisatie", "Organisation"),
    "console.new_org": ("Nieuwe organisatie", "New organisation"),
    "console.org_name": ("Naam van de organisatie", "Name of the organisation"),
    "console.create_org": ("Organisatie maken", "Create organisation"),
    "console.no_orgs": (
        "Er is nog geen organisatie. Maak er eerst een aan.",
        "There is no organisation yet. Create one first.",
    ),
    "console.tab_workshops": ("Workshops", "Workshops"),
    "console.tab_new": ("Nieuwe workshop", "New workshop"),
    "console.tab_settings": ("Ketens en rollen", "Chains and roles"),
    "console.no_workshops": (
        "Nog geen workshops. Maak er een aan bij 'Nieuwe workshop'.",
        "No workshops yet. Create one under 'New workshop'.",
    ),
    "console.code_status": ("Code **{code}** · {status}", "Code **{code}** · {status}"),
    "console.status_open": ("open: deelnemers kunnen meedoen", "open: participants can join"),
    "console.status_closed": ("gesloten: geen nieuwe antwoorden", "closed: no new answers"),
    "console.close": ("Sluiten", "Close"),
    "console.reopen": ("Weer openen", "Reopen"),
    "console.reopen_admin": (
        "Deze ronde is gesloten. Alleen een beheerder kan hem weer openen.",
        "This round is closed. Only an administrator can reopen it.",
    ),
    "console.links": ("Links intrekken of vernieuwen", "Revoke or renew links"),
    "console.link_until": ("Deze link werkt tot {date}.", "This link works until {date}."),
    "console.link_while_open": (
        "Deze link werkt zolang de ronde open is, en daarna nog {days} dagen.",
        "This link works while the round is open, and {days} days after.",
    ),
    "console.link_forever": ("Deze link verloopt niet.", "This link does not expire."),
    "console.link_revoked": (
        "Deze link is ingetrokken. Maak een nieuwe link als dat nodig is.",
        "This link has been revoked. Make a new link if needed.",
    ),
    "console.link_expired": (
        "Deze link is verlopen. Maak een nieuwe link als dat nodig is.",
        "This link has expired. Make a new link if needed.",
    ),
    "console.revoke": ("Link intrekken", "Revoke link"),
    "console.rotate": ("Nieuwe link maken", "Make a new link"),
    "console.confirm_revoke": (
        "Wie deze link heeft, kan er dan niet meer in. Weet je het zeker?",
        "Whoever has this link can no longer get in. Are you sure?",
    ),
    "console.confirm_rotate": (
        "De oude link werkt dan niet meer. Geef daarna de nieuwe link door. Weet je het zeker?",
        "The old link stops working. Hand out the new link afterwards. Are you sure?",
    ),
    "console.confirm": ("Ja, doorgaan", "Yes, go ahead"),
    "console.cancel": ("Annuleren", "Cancel"),
    "console.revoked": ("De link is ingetrokken.", "The link has been revoked."),
    "console.rotated": (
        "Er is een nieuwe link gemaakt. De oude werkt niet meer.",
        "A new link has been made. The old one no longer works.",
    ),
    "console.reveal": ("Uitslag tonen op scherm", "Show results on screen"),
    "console.hide": ("Uitslag verbergen", "Hide results"),
    "console.to_projector": ("Projectiescherm", "Projector screen"),
    "console.progress_total": (
        "Meegedaan: {joined} · klaar: {finished}. Je ziet alleen groepen, nooit wie wat "
        "antwoordde.",
        "Joined: {joined} · finished: {finished}. You see groups only, never who answered what.",
    ),
    "console.chain": ("Keten", "Chain"),
    "console.joined": ("Begonnen", "Joined"),
    "console.finished": ("Klaar", "Finished"),
    "console.share": ("Delen: code, link en QR-code", "Share: code, link and QR code"),
    "console.share_code": ("Workshopcode: **{code}**", "Workshop code: **{code}**"),
    "console.download_qr": ("QR-code downloaden (PNG)", "Download QR code (PNG)"),
    "console.download_handout": ("Hand-out om te printen (A4)", "Handout to print (A4)"),
    "console.facilitator_link": (
        "Link voor een begeleider (alleen deze workshop, zonder wachtwoord):",
        "Link for a facilitator (this workshop only, no password):",
    ),
    "console.results_link": (
        "Link voor het managementteam (alleen resultaten bekijken):",
        "Link for the management team (view results only):",
    ),
    "console.edit": ("Instellingen wijzigen", "Change settings"),
    "console.title": ("Titel", "Title"),
    "console.date": ("Datum", "Date"),
    "console.chains": ("Ketens", "Chains"),
    "console.questionnaire": ("Vragenlijst", "Questionnaire"),
    "console.min_group": ("Minimale groepsgrootte", "Minimum group size"),
    "console.min_group_help": (
        "Een groepsuitslag is pas zichtbaar vanaf dit aantal deelnemers (3 tot 10).",
        "A group result shows only from this number of participants (3 to 10).",
    ),
    "console.code_optional": ("Workshopcode (mag leeg)", "Workshop code (may be empty)"),
    "console.code_help": (
        "Leeg laten: de app kiest een code zonder letters die op elkaar lijken.",
        "Leave empty: the app picks a code without look-alike characters.",
    ),
    "console.create": ("Workshop maken", "Create workshop"),
    "console.created": ("Workshop gemaakt met code {code}.", "Workshop created with code {code}."),
    "console.save": ("Opslaan", "Save"),
    "console.saved": ("Opgeslagen.", "Saved."),
    "console.need_title": ("Geef de workshop een titel.", "Give the workshop a title."),
    "console.need_chain": ("Kies minstens één keten.", "Choose at least one chain."),
    "console.need_name": ("Vul een naam in.", "Enter a name."),
    "console.bad_date": ("Deze datum klopt niet.", "This date is not valid."),
    "console.refused": ("Dat kan niet: {reason}.", "That is not possible: {reason}."),
    "console.no_chains": (
        "Deze organisatie heeft nog geen ketens. Voeg ze toe bij 'Ketens en rollen'.",
        "This organisation has no chains yet. Add them under 'Chains and roles'.",
    ),
    "console.chain_name": ("Naam van de keten", "Name of the chain"),
    "console.rename": ("Hernoemen", "Rename"),
    "console.remove": ("Verwijderen", "Remove"),
    "console.archived": (
        "Keten '{name}' heeft antwoorden en is daarom gearchiveerd. Er gaat niets verloren.",
        "Chain '{name}' has answers, so it was archived. Nothing is lost.",
    ),
    "console.deleted": ("Keten '{name}' is verwijderd.", "Chain '{name}' was removed."),
    "console.new_chain": ("Nieuwe keten", "New chain"),
    "console.add": ("Toevoegen", "Add"),
    "console.partners": ("Partnerorganisaties", "Partner organisations"),
    "console.partners_help": ("Eén organisatie per regel", "One organisation per line"),
    "console.roles": ("Rollen voor deelnemers", "Roles for participants"),
    "console.role_id": ("Code", "Code"),
    "console.role_nl": ("Naam (Nederlands)", "Name (Dutch)"),
    "console.role_en": ("Naam (Engels)", "Name (English)"),
    "console.save_roles": ("Rollen opslaan", "Save roles"),
    # -- projector ----------------------------------------------------------------------------
    "projector.workshop": ("Workshop", "Workshop"),
    "projector.join": ("Doe mee!", "Join in!"),
    "projector.counts": (
        "{joined} begonnen · {finished} klaar",
        "{joined} started · {finished} finished",
    ),
    "projector.hidden": (
        "De uitslag is nog verborgen. De begeleider kiest wanneer hij zichtbaar wordt.",
        "The result is still hidden. The facilitator decides when it shows.",
    ),
    "projector.too_few_short": (
        "De uitslag komt vanaf {min} deelnemers die klaar zijn.",
        "The result shows from {min} finished participants.",
    ),
    "projector.based_on": ("{count} deelnemers", "{count} participants"),
    "projector.batches": (
        "Het scherm ververst per {batch} nieuwe deelnemers, zodat niemand opvalt.",
        "The screen updates per {batch} new participants, so nobody stands out.",
    ),
    "projector.update_now": ("Uitslag nu bijwerken", "Update result now"),
    "projector.gone": ("Deze workshop bestaat niet meer.", "This workshop no longer exists."),
    # -- results ------------------------------------------------------------------------------
    "results.no_organisation": (
        "Er zijn nog geen resultaten die je mag bekijken.",
        "There are no results you may view yet.",
    ),
    "results.round": ("Ronde", "Round"),
    "results.empty": (
        "Nog geen antwoorden in deze ronde. Zodra deelnemers de scan afronden, zie je hier "
        "de uitslag.",
        "No answers in this round yet. Once participants finish the scan, the result shows here.",
    ),
    "results.too_few": (
        "Nog te weinig deelnemers in deze keten: {count} van minimaal {min}. Zo blijft "
        "iedereen anoniem.",
        "Too few participants in this chain so far: {count} of at least {min}. That keeps "
        "everyone anonymous.",
    ),
    "results.based_on": (
        "Uitslag van {count} deelnemers uit keten {chain}.",
        "Result of {count} participants from chain {chain}.",
    ),
    "results.top_points": ("De drie grootste punten", "The three biggest points"),
    "results.no_points": (
        "Geen opvallende punten: bekijk de agenda voor de hele uitslag.",
        "Nothing stands out: see the agenda for the whole result.",
    ),
    "results.statements": ("Uitspraken", "Statements"),
    "results.not_yet_counted": (
        "{count} deelnemers die later klaar waren, tellen nog niet mee. De uitslag groeit "
        "per groepje, zodat niemand is terug te rekenen.",
        "{count} participants who finished later are not counted yet. The result grows in "
        "small groups, so that nobody can be worked out.",
    ),
    "results.all_chains": ("Alle ketens", "All chains"),
    "results.per_phase": ("Per fase", "Per phase"),
    "results.dk_rate": ("Weet ik niet", "Don't know"),
    "results.na_rate": ("N.v.t.", "N/A"),
    "results.order_signal": (
        "{later} scoort hoog ({later_score}), maar {earlier} is nog zwak ({earlier_score}). "
        "De fases bouwen op elkaar voort: begin bij {earlier}.",
        "{later} scores high ({later_score}), but {earlier} is still weak ({earlier_score}). "
        "The phases build on each other: start with {earlier}.",
    ),
    "results.conversation": (
        "Voor het volgende ketengesprek: begin bij {phase}. Openingsvraag: {question}",
        "For the next chain meeting: start with {phase}. Opening question: {question}",
    ),
    "results.disagreement": ("Meeste verschil van mening", "Most disagreement"),
    "results.disagreement_help": (
        "Uitspraken waarover de groep het minst eens is (spreiding). Goed om te bespreken.",
        "Statements the group agrees on least (spread). Good to discuss.",
    ),
    "results.dont_know": ("Vaak 'weet ik niet'", "Often 'don't know'"),
    "results.dont_know_help": (
        "Hier ontbreekt kennis of informatie in de keten.",
        "Here the chain lacks knowledge or information.",
    ),
    "results.no_dont_know": ("Niemand koos 'weet ik niet'.", "Nobody chose 'don't know'."),
    "results.agenda": ("Agenda voor het ketengesprek", "Agenda for the chain meeting"),
    "results.handvatten": ("Handvatten: wat kun je nu doen?", "Next steps: what can you do now?"),
    "results.downloads": ("Rapport en export", "Report and export"),
    "results.agenda_print": ("Agenda om te printen (HTML)", "Agenda to print (HTML)"),
    "results.report_html": ("Rapport (HTML, A4)", "Report (HTML, A4)"),
    "results.report_pptx": (
        "Presentatie voor het MT (PowerPoint)",
        "Slides for the MT (PowerPoint)",
    ),
    "results.comments": ("Opmerkingen van deelnemers", "Comments from participants"),
    "results.no_comments": ("Geen opmerkingen.", "No comments."),
    "compare.scope": ("Vergelijk in", "Compare in"),
    "compare.scope_round": ("Eén ronde", "One round"),
    "compare.scope_period": ("Een periode", "A period"),
    "compare.period": ("Periode", "Period"),
    "compare.chains": ("Ketens", "Chains"),
    "compare.title": ("Ketens naast elkaar", "Chains side by side"),
    "compare.hidden": (
        "Niet getoond (minder dan {min} deelnemers): {chains}.",
        "Not shown (fewer than {min} participants): {chains}.",
    ),
    "compare.heatmap": ("Alle fases in één overzicht", "All phases at a glance"),
    "compare.within": (
        "Binnen één keten: rollen en organisaties",
        "Within one chain: roles and organisations",
    ),
    "compare.within_help": (
        "Zo zie je of het MT, het ketenteam en de werkvloer hetzelfde beeld hebben. Een groep "
        "verschijnt pas vanaf {min} mensen, en nooit zo dat je een kleine groep kunt uitrekenen.",
        "This shows whether the MT, the chain team and the front line see the same picture. A "
        "group shows only from {min} people, and never so that a small group can be worked out.",
    ),
    "compare.within_round_only": (
        "Kies één ronde om rollen en organisaties te vergelijken.",
        "Choose one round to compare roles and organisations.",
    ),
    "compare.by": ("Verdeel naar", "Split by"),
    "compare.by_role": ("Rol", "Role"),
    "compare.by_partner": ("Organisatie", "Organisation"),
    "compare.perspectives": ("Perspectieven", "Perspectives"),
    "compare.within_too_few": (
        "Geen enkele groep heeft {min} of meer deelnemers. Daarom tonen we hier niets.",
        "No group has {min} or more participants, so nothing is shown here.",
    ),
    "compare.ambition": ("Afstand tot de ambitie", "Gap to the ambition"),
    "compare.ambition_help": (
        "Per groep: hoeveel punten hun ambitie voor over 12 maanden boven de score van nu "
        "ligt. Alleen waar minstens {min} mensen een ambitie gaven.",
        "Per group: how many points their ambition for 12 months from now lies above today's "
        "score. Only where at least {min} people gave an ambition.",
    ),
    "compare.hidden_groups": (
        "Sommige groepen zijn verborgen: te klein (minder dan {min}), of uit te rekenen uit "
        "de andere.",
        "Some groups are hidden: too small (fewer than {min}), or derivable from the others.",
    ),
    "progress.aimed": ("Ambitie toen", "Ambition then"),
    "progress.to_go": ("Nog te gaan", "Still to go"),
    "progress.aimed_help": (
        "Ambitie toen: waar de deelnemers van {before} de keten nu wilden zien (over 12 "
        "maanden). Nog te gaan: die ambitie min de score van nu.",
        "Ambition then: where the participants of {before} wanted the chain to be by now "
        "(in 12 months). Still to go: that ambition minus today's score.",
    ),
    "progress.versions": (
        "De vragenlijst veranderde tussen de rondes. De lijnen gebruiken alleen de {shared} "
        "uitspraken die in alle rondes hetzelfde waren ({dropped} niet meegeteld).",
        "The questionnaire changed between rounds. The lines use only the {shared} statements "
        "that were the same in every round ({dropped} left out).",
    ),
    "progress.trend": ("Per fase door de tijd", "Each phase over time"),
    "progress.changes": ("Verschil: {before} → {after}", "Change: {before} → {after}"),
    "progress.before": ("Vorige", "Before"),
    "progress.after": ("Laatste", "Latest"),
    "progress.change": ("Verschil", "Change"),
    "progress.n_before": ("n vorige", "n before"),
    "progress.n_after": ("n laatste", "n latest"),
    "progress.one_round": (
        "Na een tweede ronde zie je hier wat er veranderde.",
        "After a second round you will see here what changed.",
    ),
    # -- trust: intervals, change versus noise, quality, benchmark ------------------------------
    "trust.interval": ("90%-interval", "90% interval"),
    "trust.note": ("Let op", "Note"),
    "trust.wide": (
        "weinig deelnemers: voorzichtig lezen",
        "few participants: read with care",
    ),
    "trust.no_data": ("te weinig gegevens", "not enough data"),
    "trust.interval_help": (
        "90%-interval: de echte score van deze groep ligt met 90% zekerheid tussen deze twee "
        "getallen. Hoe minder deelnemers, hoe breder het interval.",
        "90% interval: the group's true score lies between these two numbers with 90% "
        "certainty. The fewer participants, the wider the interval.",
    ),
    "trust.radar_bars": (
        "De korte balken langs de assen zijn de 90%-intervallen.",
        "The short bars along the axes are the 90% intervals.",
    ),
    "trust.change_interval": ("90%-interval verschil", "90% interval of the change"),
    "trust.verdict": ("Echt verschil?", "Real difference?"),
    "trust.verdict.up": ("ja, hoger", "yes, higher"),
    "trust.verdict.down": ("ja, lager", "yes, lower"),
    "trust.verdict.noise": ("binnen de ruis", "within the noise"),
    "trust.verdict.unknown": ("te weinig gegevens", "not enough data"),
    "trust.change_help": (
        "Een verschil telt pas als echt als het hele 90%-interval boven of onder nul ligt. "
        "Anders is het binnen de ruis: het kan toeval zijn.",
        "A difference only counts as real when its whole 90% interval lies above or below "
        "zero. Otherwise it is within the noise: it may be chance.",
    ),
    "trust.two_chains": (
        "Verschil per fase: {b} min {a}",
        "Difference per phase: {b} minus {a}",
    ),
    "trust.two_chains_hint": (
        "Kies precies twee ketens om te zien welke verschillen echt zijn.",
        "Choose exactly two chains to see which differences are real.",
    ),
    "trust.difference": ("Verschil", "Difference"),
    "quality.title": ("Kwaliteit van de meting", "Quality of the measurement"),
    "quality.intro": (
        "Alleen voor begeleiders en beheerders. Meten de uitspraken van een fase samen één "
        "ding? Dat zegt Cronbachs alfa (0 tot 1). Alleen mensen die alle uitspraken van de "
        "fase met 1 tot 5 beantwoordden tellen mee, en pas vanaf {min} mensen.",
        "For facilitators and administrators only. Do the statements of a phase measure one "
        "thing together? Cronbach's alpha (0 to 1) says so. Only people who answered every "
        "statement of the phase with 1 to 5 count, and only from {min} people.",
    ),
    "quality.alpha": ("Alfa", "Alpha"),
    "quality.people": ("Mensen", "People"),
    "quality.verdict": ("Oordeel", "Verdict"),
    "quality.verdict.good": ("goed", "good"),
    "quality.verdict.sufficient": ("voldoende", "sufficient"),
    "quality.verdict.doubtful": (
        "twijfelachtig: lees de fase met zorg",
        "doubtful: read this phase with care",
    ),
    "quality.verdict.weak": (
        "zwak: de uitspraken meten niet één ding",
        "weak: the statements do not measure one thing",
    ),
    "quality.verdict.too_few": ("te weinig gegevens", "not enough data"),
    "quality.items": (
        "Per uitspraak: samenhang met de rest van de fase",
        "Per statement: fit with the rest of the phase",
    ),
    "quality.item_rest": ("Samenhang", "Item-rest"),
    "quality.misfits": (
        "Voor de eigenaar van de vragenlijst: deze uitspraken passen in meerdere rondes slecht "
        "bij hun fase: {statements}",
        "For the questionnaire owner: these statements fit their phase poorly in several "
        "rounds: {statements}",
    ),
    "quality.no_misfits": (
        "Alle uitspraken passen bij hun fase (over de rondes tot nu).",
        "Every statement fits its phase (over the rounds so far).",
    ),
    "quality.responses": (
        "Van de {finished} deelnemers die klaar zijn: {straight} gaven overal hetzelfde "
        "antwoord, {fast} waren opvallend snel klaar (minder dan 2 seconden per uitspraak). "
        "Namen tonen we niet.",
        "Of the {finished} participants who finished: {straight} gave the same answer "
        "everywhere, {fast} finished remarkably fast (under 2 seconds per statement). We show "
        "no names.",
    ),
    "leave_out.title": ("Opvallende antwoorden", "Careless-looking answers"),
    "leave_out.none": (
        "Niemand gaf overal hetzelfde antwoord of was opvallend snel klaar.",
        "Nobody gave the same answer everywhere or finished remarkably fast.",
    ),
    "leave_out.counts": (
        "{flagged} van de {finished} deelnemers die klaar zijn, vallen op: {straight} gaven "
        "overal hetzelfde antwoord, {fast} waren opvallend snel klaar. Namen tonen we niet.",
        "{flagged} of the {finished} participants who finished stand out: {straight} gave the "
        "same answer everywhere, {fast} finished remarkably fast. We show no names.",
    ),
    "leave_out.explain": (
        "U kunt hen samen weglaten uit de uitkomsten van deze ronde. Dat kan altijd terug. "
        "Het gaat alleen samen, nooit per persoon: zo kan niemand twee uitkomsten van elkaar "
        "aftrekken en zien wat één persoon antwoordde.",
        "You can leave them out of this round's results together. You can always undo it. "
        "It works only for all of them at once, never per person: so nobody can subtract two "
        "results and see what one person answered.",
    ),
    "leave_out.on": ("Laat hen weg uit de uitkomsten", "Leave them out of the results"),
    "leave_out.off": ("Tel hen weer mee", "Count them again"),
    "leave_out.state_on": (
        "Nu weggelaten: {left_out} van {flagged} opvallende deelnemers.",
        "Left out now: {left_out} of {flagged} participants who stand out.",
    ),
    "leave_out.state_off": ("Nu telt iedereen mee.", "Everyone counts now."),
    "leave_out.not_yet": (
        "In {chains} keten(s) kan weglaten nog niet veilig: te weinig andere deelnemers. "
        "Daar telt iedereen mee tot er genoeg zijn.",
        "In {chains} chain(s) leaving out is not safe yet: too few other participants. "
        "Everyone counts there until there are enough.",
    ),
    "leave_out.done_on": (
        "Opvallende antwoorden zijn weggelaten.",
        "Careless-looking answers are left out.",
    ),
    "leave_out.done_off": ("Iedereen telt weer mee.", "Everyone counts again."),
    "leave_out.rounds": (
        "In {rounds} zijn deelnemers met opvallende antwoorden weggelaten (overal hetzelfde "
        "antwoord of opvallend snel klaar).",
        "In {rounds}, participants with careless-looking answers are left out (the same "
        "answer everywhere or finished remarkably fast).",
    ),
    "leave_out.note": (
        "{n} deelnemer(s) met opvallende antwoorden weggelaten.",
        "{n} participant(s) with careless-looking answers left out.",
    ),
    "console.benchmark": (
        "Vergelijken met andere organisaties",
        "Comparing with other organisations",
    ),
    "console.benchmark_join": (
        "Doe mee aan de vergelijking met andere organisaties",
        "Take part in the comparison with other organisations",
    ),
    "console.benchmark_help": (
        "Andere organisaties zien dan alleen grijze banden waarin jullie ketens anoniem "
        "meetellen, nooit jullie naam. Zet je dit uit, dan telt jullie organisatie niet mee "
        "en zie je zelf ook geen vergelijking.",
        "Other organisations then only see grey bands in which your chains count "
        "anonymously, never your name. Turn this off and your organisation does not count, "
        "and you see no comparison yourself.",
    ),
    "trust.benchmark_band": (
        "Andere organisaties (middelste helft)",
        "Other organisations (middle half)",
    ),
    "trust.benchmark_caption": (
        "Grijze balk: de middelste helft van de ketens van minstens 5 andere organisaties "
        "met dezelfde uitspraken. Streepje: de middelste keten. Namen blijven geheim.",
        "Grey bar: the middle half of the chains of at least 5 other organisations with the "
        "same statements. Tick: the middle chain. Names stay secret.",
    ),
    # -- actions ------------------------------------------------------------------------------
    "actions.title": ("Acties", "Actions"),
    "actions.help": (
        "Spreek in het ketengesprek acties af, met een eigenaar en een datum. In de volgende "
        "ronde zie je ze terug naast de nieuwe score.",
        "Agree on actions in the chain meeting, with an owner and a date. In the next round "
        "you see them again next to the new score.",
    ),
    "actions.none": (
        "Nog geen acties voor deze keten in deze ronde.",
        "No actions yet for this chain in this round.",
    ),
    "actions.description": ("Actie", "Action"),
    "actions.owner": ("Eigenaar", "Owner"),
    "actions.due": ("Klaar op", "Due"),
    "actions.status": ("Stand", "Status"),
    "actions.status_open": ("open", "open"),
    "actions.status_busy": ("bezig", "in progress"),
    "actions.status_done": ("klaar", "done"),
    "actions.status_dropped": ("gestopt", "dropped"),
    "actions.add": ("Actie toevoegen", "Add action"),
    "actions.save": ("Wijzigingen opslaan", "Save changes"),
    "actions.need_description": ("Beschrijf de actie.", "Describe the action."),
    "actions.list_changed": (
        "De lijst met acties is net veranderd. Er is niets opgeslagen. "
        "Kijk de lijst na en sla opnieuw op.",
        "The list of actions has just changed. Nothing was saved. Check the list and save again.",
    ),
    "actions.previous": ("Acties vorige ronde", "Actions previous round"),
    # -- export and import ----------------------------------------------------------------------
    "transfer.export": ("Exporteren (Excel, CSV)", "Export (Excel, CSV)"),
    "transfer.export_help": (
        "Antwoorden staan er met een schuilnaam in, nooit met een naam. Deel ze alleen met wie "
        "ze nodig heeft.",
        "Answers carry a pseudonym, never a name. Share them only with people who need them.",
    ),
    "transfer.export_help_shown": (
        "Hier staan de groepsuitslagen, zoals op de uitslagpagina's. Antwoorden per persoon "
        "kan alleen een beheerder downloaden.",
        "These are the group results, as on the results pages. Only an administrator can "
        "download answers per person.",
    ),
    "transfer.xlsx": ("Alles in Excel", "Everything in Excel"),
    "transfer.csv_answers": ("Antwoorden (CSV)", "Answers (CSV)"),
    "transfer.csv_scores": ("Scores (CSV)", "Scores (CSV)"),
    "transfer.csv_comments": ("Opmerkingen (CSV)", "Comments (CSV)"),
    "transfer.csv_actions": ("Acties (CSV)", "Actions (CSV)"),
    "transfer.import": ("Antwoorden importeren (papier)", "Import answers (paper)"),
    "transfer.import_help": (
        "Antwoorden op papier of uit een ander programma? Download het sjabloon, vul het in en "
        "upload het als CSV (maximaal {limit} MB). We controleren eerst het hele bestand.",
        "Answers on paper or from another tool? Download the template, fill it in and upload "
        "it as CSV (at most {limit} MB). We check the whole file first.",
    ),
    "transfer.template": ("Sjabloon downloaden (CSV)", "Download template (CSV)"),
    "transfer.upload": ("CSV-bestand", "CSV file"),
    "transfer.issues": ("{count} problemen gevonden:", "{count} problems found:"),
    "transfer.line": ("Regel", "Line"),
    "transfer.column": ("Kolom", "Column"),
    "transfer.reason": ("Probleem", "Problem"),
    "transfer.mode": ("Wat wil je schrijven?", "What do you want to write?"),
    "transfer.mode_all_or_nothing": (
        "Alles of niets: alleen als het hele bestand klopt",
        "All or nothing: only if the whole file is right",
    ),
    "transfer.mode_valid_rows": (
        "Alleen de goede deelnemers, de rest overslaan",
        "Only the valid participants, skip the rest",
    ),
    "transfer.apply": ("{count} deelnemers importeren", "Import {count} participants"),
    "transfer.done": ("{count} antwoorden geïmporteerd.", "{count} answers imported."),
    # -- start / join --------------------------------------------------------------------------
    "start.intro": (
        "Met deze scan kijkt jullie ketenteam waar je staat in het iPM-ontwikkelmodel. "
        "Het duurt ongeveer 15 minuten. Je antwoorden zijn anoniem.",
        "With this scan your chain team sees where it stands in the iPM development model. "
        "It takes about 15 minutes. Your answers are anonymous.",
    ),
    "start.code_label": ("Workshopcode", "Workshop code"),
    "start.code_help": (
        "De code staat op het scherm of op de uitnodiging. Hoofdletters maken niet uit.",
        "The code is on the screen or in the invitation. Upper or lower case does not matter.",
    ),
    "start.code_button": ("Verder", "Continue"),
    "start.code_unknown": (
        "We kennen de code '{code}' niet. Kijk of je de code goed hebt overgenomen.",
        "We do not know the code '{code}'. Check that you copied it correctly.",
    ),
    "start.code_empty": ("Vul eerst een code in.", "Please enter a code first."),
    "start.code_closed": (
        "De workshop '{title}' is gesloten. Je kunt niet meer meedoen.",
        "The workshop '{title}' is closed. You can no longer take part.",
    ),
    "start.throttled": (
        "Te veel verkeerde codes. Wacht {seconds} seconden en probeer het dan opnieuw.",
        "Too many wrong codes. Wait {seconds} seconds and try again.",
    ),
    "start.workshop": ("Workshop: **{title}** ({date})", "Workshop: **{title}** ({date})"),
    "start.chain_label": ("In welke keten werk je mee?", "Which chain do you work in?"),
    "start.role_label": ("Wat is je rol?", "What is your role?"),
    "start.partner_label": (
        "Bij welke organisatie werk je? (niet verplicht)",
        "Which organisation do you work for? (optional)",
    ),
    "start.partner_own": ("Eigen organisatie", "Own organisation"),
    "start.choose": ("Kies…", "Choose…"),
    "start.begin": ("Start de scan", "Start the scan"),
    "start.need_choice": (
        "Kies je keten en je rol om te beginnen.",
        "Choose your chain and your role to begin.",
    ),
    "start.other_code": ("Andere code invullen", "Enter another code"),
    "start.resume_title": ("Al begonnen?", "Already started?"),
    "start.resume_label": ("Jouw hervatcode", "Your resume code"),
    "start.resume_help": (
        "Je kreeg deze code van 8 tekens toen je begon, bijvoorbeeld ABCD-EFGH.",
        "You got this 8-character code when you started, for example ABCD-EFGH.",
    ),
    "start.resume_button": ("Ga verder waar ik was", "Continue where I was"),
    "start.resume_unknown": (
        "Deze hervatcode kennen we niet. Kijk of je hem goed hebt overgenomen, "
        "of begin opnieuw met de workshopcode.",
        "We do not know this resume code. Check that you copied it correctly, "
        "or start again with the workshop code.",
    ),
    "start.bad_token": (
        "Deze persoonlijke link werkt niet (meer). Vul je hervatcode in, "
        "of begin opnieuw met de workshopcode.",
        "This personal link does not work (any more). Enter your resume code, "
        "or start again with the workshop code.",
    ),
    # -- scan ----------------------------------------------------------------------------------
    "scan.no_participant": (
        "Je bent nog niet begonnen. Ga naar de startpagina en vul de workshopcode in.",
        "You have not started yet. Go to the start page and enter the workshop code.",
    ),
    "scan.to_start": ("Naar de startpagina", "Go to the start page"),
    "scan.header": ("{workshop} · keten {chain}", "{workshop} · chain {chain}"),
    "scan.progress": (
        "Fase {phase} van {phases} · {answered} van {total} beantwoord",
        "Phase {phase} of {phases} · {answered} of {total} answered",
    ),
    "scan.progress_review": (
        "Afronden · {answered} van {total} beantwoord",
        "Finish · {answered} of {total} answered",
    ),
    "scan.phase_heading": ("Fase {number}: {name}", "Phase {number}: {name}"),
    "scan.instructions": (
        "Geef bij elke uitspraak aan hoe goed die past bij jullie keten nu.",
        "For each statement, say how well it fits your chain today.",
    ),
    "scan.statement_label": ("Uitspraak {number} van {count}", "Statement {number} of {count}"),
    "scan.comment_label": (
        "Opmerking over deze fase (niet verplicht): wat gaat goed? Wat kan beter?",
        "Comment on this phase (optional): what goes well? What could be better?",
    ),
    "scan.comment_help": (
        "Maximaal {limit} tekens. Schrijf geen namen van personen.",
        "At most {limit} characters. Please do not write names of people.",
    ),
    "scan.comment_cut": (
        "Je opmerking was langer dan {limit} tekens. We hebben de eerste {limit} tekens bewaard.",
        "Your comment was longer than {limit} characters. We kept the first {limit} characters.",
    ),
    "scan.comment_saved": ("Opmerking bewaard.", "Comment saved."),
    "scan.rule_missing_practice": (
        "Bestaat iets (nog) niet? Kies dan **oneens**. *N.v.t.* is alleen voor wat niet over "
        "jouw werk kan gaan.",
        "Does something not exist (yet)? Then choose **disagree**. *N/a* is only for what "
        "cannot be about your work.",
    ),
    "scan.help_button": ("Uitleg", "Explain"),
    "scan.ambition_heading": ("Jullie ambitie", "Your ambition"),
    "scan.ambition_intro": (
        "Waar moet deze keten over 12 maanden staan? Kies per fase het antwoord dat je over "
        "12 maanden wilt kunnen geven op de uitspraken van die fase. Je mag dit overslaan.",
        "Where should this chain be 12 months from now? For each phase, choose the answer "
        "you want to be able to give to that phase's statements in 12 months. You may skip "
        "this.",
    ),
    "scan.ambition_label": (
        "{number}. {name}: {question}",
        "{number}. {name}: {question}",
    ),
    "scan.ambition_skip": ("Overslaan →", "Skip →"),
    "scan.back": ("← Vorige", "← Back"),
    "scan.next": ("Volgende →", "Next →"),
    "scan.to_review": ("Naar afronden →", "To finish →"),
    "scan.saved_hint": (
        "Elk antwoord wordt meteen bewaard.",
        "Every answer is saved right away.",
    ),
    "scan.resume_info": (
        "Jouw hervatcode: **{code}**. Schrijf hem op. Daarmee ga je later verder, "
        "ook op een ander apparaat.",
        "Your resume code: **{code}**. Write it down. With it you can continue later, "
        "also on another device.",
    ),
    "scan.resume_link": ("Persoonlijke link", "Personal link"),
    "scan.review_heading": ("Afronden", "Finish"),
    "scan.review_all_done": (
        "Je hebt alle uitspraken beantwoord. Dank je wel!",
        "You have answered every statement. Thank you!",
    ),
    "scan.review_open": (
        "Nog {count} uitspraken zonder antwoord. Je mag afronden, maar een antwoord "
        "maakt de uitkomst beter. Kies gerust 'Weet ik niet' als je het niet weet.",
        "{count} statements still have no answer. You may finish, but an answer makes "
        "the result better. Feel free to choose 'Don't know' if you do not know.",
    ),
    "scan.review_open_phase": (
        "Fase {number} {name}: {count} open",
        "Phase {number} {name}: {count} open",
    ),
    "scan.go_to_phase": ("Naar fase {number}", "Go to phase {number}"),
    "scan.finish": ("Afronden en uitslag bekijken", "Finish and see the result"),
    "scan.closed": (
        "Deze workshop is gesloten. Je kunt je antwoorden niet meer wijzigen.",
        "This workshop is closed. You can no longer change your answers.",
    ),
    "scan.closed_not_saved": (
        "De workshop is net gesloten. Dit antwoord is niet meer bewaard.",
        "The workshop has just been closed. This answer was not saved.",
    ),
    # -- result --------------------------------------------------------------------------------
    "result.heading": ("Jouw uitslag", "Your result"),
    "result.thanks": (
        "Dank je wel voor het invullen! Hieronder zie je jouw scores per fase.",
        "Thank you for taking part! Below are your scores per phase.",
    ),
    "result.series_me": ("Ik", "Me"),
    "result.series_group": ("Groep", "Group"),
    "result.series_my_ambition": ("Mijn ambitie", "My ambition"),
    "result.group_waiting": (
        "De groepsuitslag komt zodra {min} deelnemers uit jouw keten klaar zijn. "
        "Nu zijn dat er {count}. Kijk straks nog eens.",
        "The group result appears once {min} participants from your chain have finished. "
        "So far {count} have. Check again later.",
    ),
    "result.group_shown": (
        "De groep is {count} deelnemers uit keten {chain}. Je ziet nooit antwoorden "
        "van één persoon.",
        "The group is {count} participants from chain {chain}. You never see the answers "
        "of one person.",
    ),
    "result.refresh": ("Groepsuitslag verversen", "Refresh group result"),
    "result.table_caption": (
        "Scores per fase (1 = helemaal mee oneens, 5 = helemaal mee eens). "
        "Een lege cel: te weinig antwoorden voor een score.",
        "Scores per phase (1 = strongly disagree, 5 = strongly agree). "
        "An empty cell: too few answers for a score.",
    ),
    "result.phase": ("Fase", "Phase"),
    "radar.who": ("Wie", "Who"),
    "radar.what": ("Wat", "What"),
    "result.score": ("Score", "Score"),
    "result.n": ("Aantal", "Count"),
    "result.sd": ("Spreiding (sd)", "Spread (sd)"),
    "result.not_enough": ("te weinig antwoorden", "not enough answers"),
    "result.next_step": (
        "Bespreek de uitslag in het volgende ketengesprek. Begin bij de fase met de "
        "laagste score: {phase}. Vraag: {question}",
        "Discuss the result in the next chain meeting (ketengesprek). Start with the "
        "phase with the lowest score: {phase}. Question: {question}",
    ),
    "result.edit": ("Antwoorden bekijken of aanpassen", "Review or change answers"),
    "result.radar_title": ("Scores per fase", "Scores per phase"),
    # -- about ---------------------------------------------------------------------------------
    "about.title": ("Over het model", "About the model"),
    "about.intro": (
        "iPM staat hier voor **integraal prestatiemanagement**: sturen langs klantketens in "
        "plaats van langs afdelingen. Het gaat dus niet over IPM als model voor "
        "projectmanagement (Integraal Projectmanagement). Het iPM-ontwikkelmodel heeft "
        "zeven fases. Ze bouwen op elkaar voort.",
        "Here iPM means **integral performance management** (integraal "
        "prestatiemanagement): steering along customer chains instead of along "
        "departments. It is not about IPM as a project management model (Integraal "
        "Projectmanagement). The iPM development model has seven phases. Each builds on "
        "the ones before.",
    ),
    "about.words_title": ("Woorden die we gebruiken", "Words we use"),
    "about.words": (
        "- **Keten (klantketen)**: alle stappen van de vraag van een klant tot het antwoord.\n"
        "- **Schakel**: één afdeling of organisatie in de keten.\n"
        "- **Ketenteam**: mensen uit elke schakel van één keten, met mandaat.\n"
        "- **Keteneigenaar**: lid van het MT dat verantwoordelijk is voor de keten.\n"
        "- **Ketengesprek**: vast overleg over resultaten en samenwerking, met acties.\n"
        "- **KPI**: een meetbaar getal waarmee je ziet of je op koers ligt.",
        "- **Chain (keten, klantketen)**: every step from a customer's need to meeting it.\n"
        "- **Link (schakel)**: one department or organisation in the chain.\n"
        "- **Chain team (ketenteam)**: people from every link of one chain, with a mandate.\n"
        "- **Chain owner (keteneigenaar)**: the MT member responsible for the chain.\n"
        "- **Chain meeting (ketengesprek)**: a regular meeting on results and collaboration, "
        "ending with actions.\n"
        "- **KPI**: a measurable number that shows whether you are on course.",
    ),
    "about.scoring_title": ("Zo rekent de scan", "How the scan scores"),
    "about.scoring": (
        "- Je geeft bij elke uitspraak een antwoord van 1 (helemaal mee oneens) tot 5 "
        "(helemaal mee eens).\n"
        "- 'Weet ik niet' en 'Niet van toepassing' tellen niet mee in de score. We tellen ze "
        "wel apart: veel 'weet ik niet' in een fase zegt ook iets.\n"
        "- De score van een fase is het gemiddelde van je antwoorden van 1 tot 5 in die fase. "
        "Je krijgt alleen een score als je minstens {share}% van de uitspraken met 1 tot 5 "
        "hebt beantwoord.\n"
        "- De groepsscore is het gemiddelde van de scores van de deelnemers. Je ziet die "
        "pas als minstens {min_group} mensen uit de keten klaar zijn. Zo blijft iedereen "
        "anoniem.\n"
        "- Je kiest zelf geen fase. De scan berekent waar jullie staan.",
        "- For each statement you answer from 1 (strongly disagree) to 5 (strongly agree).\n"
        "- 'Don't know' and 'Not applicable' do not count in the score. We do count them "
        "separately: many 'don't know' answers in a phase is a finding too.\n"
        "- A phase score is the mean of your 1 to 5 answers in that phase. You only get a "
        "score when at least {share}% of the statements have a 1 to 5 answer.\n"
        "- The group score is the mean of the participants' scores. It shows only once at "
        "least {min_group} people from the chain have finished. That keeps everyone "
        "anonymous.\n"
        "- You do not pick a phase yourself. The scan works out where you stand.",
    ),
    "about.key_question": ("Kernvraag", "Key question"),
    "about.glossary_title": ("Woordenlijst", "Glossary"),
    "results.ambition": ("Nu en ambitie", "Now and ambition"),
    "results.ambition_help": (
        "De score van nu naast waar de deelnemers de keten over 12 maanden willen zien. "
        "Een ambitie staat er pas als minstens {min} mensen hem invulden. Begin bij de "
        "grootste afstand.",
        "Today's score next to where the participants want the chain to be in 12 months. "
        "An ambition shows only when at least {min} people gave one. Start with the largest "
        "gap.",
    ),
    "results.now": ("Nu", "Now"),
    "results.ambition_series": ("Ambitie", "Ambition"),
    "results.gap": ("Afstand", "Gap"),
    "about.statements": ("{count} uitspraken", "{count} statements"),
    # -- first run (ui/firstrun.py) -------------------------------------------------------
    "setup.hint": (
        "Deze installatie is nog leeg: er is geen beheerder en geen organisatie. Wie de server "
        "startte, vindt in het venster van de server een eenmalige link om die aan te maken.",
        "This installation is still empty: there is no administrator and no organisation. "
        "Whoever started the server finds a one-time link in the server's window to set them up.",
    ),
    "setup.title": ("Eerste start", "First start"),
    "setup.intro": (
        "Maak de eerste organisatie aan en kies het beheerderswachtwoord (minstens 10 tekens). "
        "Het wachtwoord wordt alleen versleuteld (gehasht) bewaard.",
        "Create the first organisation and choose the administrator password (at least 10 "
        "characters). The password is stored only as a hash.",
    ),
    "setup.organisation": ("Naam van de organisatie", "Name of the organisation"),
    "setup.password": ("Beheerderswachtwoord", "Administrator password"),
    "setup.password_again": ("Wachtwoord nog een keer", "Password again"),
    "setup.button": ("Opslaan en inloggen", "Save and log in"),
    "setup.password_mismatch": (
        "De twee wachtwoorden zijn niet gelijk.",
        "The two passwords differ.",
    ),
    "setup.password_short": (
        "Het wachtwoord is te kort: kies minstens 10 tekens.",
        "The password is too short: choose at least 10 characters.",
    ),
    "setup.link_invalid": (
        "Deze link werkt niet (meer): hij is al gebruikt, verlopen of niet compleet. Start de "
        "server opnieuw voor een nieuwe link.",
        "This link does not work (any more): it was used, has expired or is incomplete. "
        "Restart the server for a new link.",
    ),
    "setup.done": (
        "Klaar: je bent ingelogd als beheerder. Ga naar de console om workshops te maken.",
        "Done: you are logged in as administrator. Go to the console to create workshops.",
    ),
    # -- administration: erasure, retention, audit log (pages/admin.py, ui/admin.py) -----------
    "nav.admin": ("Beheer", "Administration"),
    "admin.intro": (
        "Alleen voor beheerders. Wat je hier verwijdert, is voor altijd weg.",
        "For administrators only. What you delete here is gone for good.",
    ),
    "admin.tab_delete": ("Gegevens verwijderen", "Delete data"),
    "admin.tab_retention": ("Bewaartermijn", "Retention period"),
    "admin.tab_audit": ("Logboek", "Audit log"),
    "admin.backup_hint": (
        "Maak eerst een back-up op de server: `python -m ipm_model backup --out BESTAND`.",
        "Make a backup on the server first: `python -m ipm_model backup --out FILE`.",
    ),
    "admin.organisation": ("Organisatie", "Organisation"),
    "admin.no_orgs": ("Er zijn nog geen organisaties.", "There are no organisations yet."),
    "admin.workshop_heading": ("Eén workshop verwijderen", "Delete one workshop"),
    "admin.workshop": ("Workshop", "Workshop"),
    "admin.no_workshops": (
        "Deze organisatie heeft geen workshops.",
        "This organisation has no workshops.",
    ),
    "admin.state_open": ("open", "open"),
    "admin.state_closed": ("gesloten", "closed"),
    "admin.workshop_open": (
        "Deze workshop is open. Sluit hem eerst in Workshops beheren. Dan kan niemand meer "
        "antwoorden.",
        "This workshop is open. Close it first in Manage workshops. Then nobody can answer "
        "any more.",
    ),
    "admin.delete_workshop": ("Workshop verwijderen…", "Delete workshop…"),
    "admin.confirm_workshop": (
        "Je verwijdert workshop {code} ({title}, {date}) voor altijd. Dit gaat weg: {counts}. "
        "Ook de link voor de begeleider werkt dan niet meer. Dit kan niet terug.",
        "You delete workshop {code} ({title}, {date}) for good. This goes: {counts}. "
        "Its facilitator link stops working too. This cannot be undone.",
    ),
    "admin.yes_delete": ("Ja, voor altijd verwijderen", "Yes, delete for good"),
    "admin.org_heading": ("De hele organisatie verwijderen", "Delete the whole organisation"),
    "admin.org_open": (
        "Deze organisatie heeft open workshops ({codes}). Sluit ze eerst.",
        "This organisation has open workshops ({codes}). Close them first.",
    ),
    "admin.delete_org": ("Organisatie verwijderen…", "Delete organisation…"),
    "admin.confirm_org": (
        "Je verwijdert de organisatie {name} voor altijd, met alles erin. Dit gaat weg: "
        "{counts}. Ook de link naar de resultaten werkt dan niet meer. Dit kan niet terug.",
        "You delete the organisation {name} for good, with everything in it. This goes: "
        "{counts}. Its results link stops working too. This cannot be undone.",
    ),
    "admin.type_name": (
        "Typ de naam van de organisatie om te bevestigen: {name}",
        "Type the organisation's name to confirm: {name}",
    ),
    "admin.name_mismatch": (
        "De naam klopt niet. Er is niets verwijderd.",
        "The name does not match. Nothing was deleted.",
    ),
    "admin.deleted": ("Verwijderd: {what}. Weg: {counts}.", "Deleted: {what}. Gone: {counts}."),
    "admin.gone": (
        "Dit bestaat niet meer. Misschien heeft iemand het net verwijderd. Er is niets verwijderd.",
        "This no longer exists. Someone may have just deleted it. Nothing was deleted.",
    ),
    "admin.now_open": (
        "Er is intussen een workshop geopend. Sluit die eerst. Er is niets verwijderd.",
        "A workshop was opened meanwhile. Close it first. Nothing was deleted.",
    ),
    "admin.n.workshops": ("{n} workshop|{n} workshops", "{n} workshop|{n} workshops"),
    "admin.n.participants": ("{n} deelnemer|{n} deelnemers", "{n} participant|{n} participants"),
    "admin.n.answers": ("{n} antwoord|{n} antwoorden", "{n} answer|{n} answers"),
    "admin.n.comments": ("{n} opmerking|{n} opmerkingen", "{n} comment|{n} comments"),
    "admin.n.actions": ("{n} actie|{n} acties", "{n} action|{n} actions"),
    "admin.n.chains": ("{n} keten|{n} ketens", "{n} chain|{n} chains"),
    "admin.retention_none": (
        "Er is geen bewaartermijn. Gegevens blijven staan tot iemand ze verwijdert.",
        "There is no retention period. Data stays until someone deletes it.",
    ),
    "admin.retention_is": (
        "Bewaartermijn: {months} maanden nadat een ronde is gesloten.",
        "Retention period: {months} months after a round is closed.",
    ),
    "admin.retention_months": (
        "Maanden na het sluiten van een ronde (0 = geen bewaartermijn)",
        "Months after a round is closed (0 = no retention period)",
    ),
    "admin.retention_saved": ("De bewaartermijn is opgeslagen.", "The retention period is saved."),
    "admin.retention_bad": (
        "Kies een heel getal van 0 tot en met 1200 maanden.",
        "Choose a whole number from 0 to 1200 months.",
    ),
    "admin.due_now": ("Nu te verwijderen", "Due for deletion now"),
    "admin.due_none": ("Er hoeft nu niets weg.", "Nothing is due now."),
    "admin.due_next": ("Daarna aan de beurt", "Next in line"),
    "admin.next_none": (
        "Er staan geen andere gesloten workshops klaar.",
        "No other closed workshops are waiting.",
    ),
    "admin.apply": ("Nu verwijderen…", "Delete now…"),
    "admin.confirm_apply": (
        "Je verwijdert {count} voor altijd, met alle deelnemers en antwoorden. Dit kan niet terug.",
        "You delete {count} for good, with all participants and answers. This cannot be undone.",
    ),
    "admin.applied": ("Verwijderd: {count}.", "Deleted: {count}."),
    "admin.cron": (
        "De app verwijdert niet vanzelf. Klik op 'Nu verwijderen', of laat de server dit elke "
        "maand doen: `python -m ipm_model retention apply --yes`.",
        "The app does not delete by itself. Click 'Delete now', or let the server do it every "
        "month: `python -m ipm_model retention apply --yes`.",
    ),
    "admin.col.code": ("Code", "Code"),
    "admin.col.title": ("Titel", "Title"),
    "admin.col.organisation": ("Organisatie", "Organisation"),
    "admin.col.closed": ("Gesloten op", "Closed on"),
    "admin.col.due": ("Weg vanaf", "Deleted from"),
    "admin.col.participants": ("Deelnemers", "Participants"),
    "admin.audit_intro": (
        "Wie wat deed, en wanneer. Nieuwste eerst. Zonder antwoorden of wachtwoorden.",
        "Who did what, and when. Newest first. Without answers or passwords.",
    ),
    "admin.all": ("Alle", "All"),
    "admin.action": ("Wat", "Action"),
    "admin.from": ("Vanaf", "From"),
    "admin.to": ("Tot en met", "Up to and including"),
    "admin.bad_dates": (
        "De eerste datum ligt na de tweede. Draai ze om.",
        "The first date lies after the second. Swap them.",
    ),
    "admin.audit_count": (
        "{total} regels · pagina {page} van {pages}",
        "{total} entries · page {page} of {pages}",
    ),
    "admin.audit_empty": (
        "Geen regels gevonden met deze keuzes.",
        "No entries found with these choices.",
    ),
    "admin.page": ("Pagina", "Page"),
    "admin.download_csv": ("Download als CSV", "Download as CSV"),
    "admin.col.at": ("Wanneer (UTC)", "When (UTC)"),
    "admin.col.actor": ("Wie", "Who"),
    "admin.col.action": ("Wat", "What"),
    "admin.col.target": ("Waarop", "On what"),
    "admin.col.detail": ("Details", "Details"),
    "admin.act.workshop.create": ("Workshop gemaakt", "Workshop created"),
    "admin.act.workshop.close": ("Ronde gesloten", "Round closed"),
    "admin.act.workshop.reveal": ("Groepsuitslag getoond", "Group results shown"),
    "admin.act.workshop.hide": ("Groepsuitslag verborgen", "Group results hidden"),
    "admin.act.organisation.create": ("Organisatie gemaakt", "Organisation created"),
    "admin.act.workshop.reopen": ("Ronde heropend", "Round reopened"),
    "admin.act.import": ("Antwoorden ingelezen", "Answers imported"),
    "admin.act.export": ("Export", "Export"),
    "admin.act.report": ("Rapport gemaakt", "Report made"),
    "admin.act.link.revoke": ("Link ingetrokken", "Link revoked"),
    "admin.act.link.rotate": ("Link vernieuwd", "Link renewed"),
    "admin.act.delete.workshop": ("Workshop verwijderd", "Workshop deleted"),
    "admin.act.delete.organisation": ("Organisatie verwijderd", "Organisation deleted"),
    "admin.act.retention.set": ("Bewaartermijn ingesteld", "Retention period set"),
    "admin.act.retention.apply": ("Bewaartermijn toegepast", "Retention period applied"),
    "admin.act.backup": ("Back-up gemaakt", "Backup made"),
    "admin.act.restore": ("Back-up teruggezet", "Backup restored"),
    "admin.act.setup": ("Eerste installatie", "First set-up"),
    "admin.act.login.failed": ("Inloggen mislukt", "Login failed"),
}


def normalize_language(value: object) -> str:
    """A supported language code from any input (query parameter, setting); Dutch otherwise."""
    if isinstance(value, str) and value.strip().lower()[:2] in LANGUAGES:
        return value.strip().lower()[:2]
    return DEFAULT_LANGUAGE


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:=^&\"'%@/")
WORD_JOINER = "\u2060"
# Streamlit links bare URLs and e-mail addresses, and draws :emoji:, :material/icons: and
# :streamlit: on the text *after* Markdown escapes are resolved, so a backslash cannot stop
# them. An invisible word joiner after ':' (when text follows), after '@' and inside 'www.'
# breaks those patterns; the text still reads the same.
_AUTO_MARKUP = re.compile(r":(?=\S)|@|www(?=\.)", re.IGNORECASE)


def escape_markdown(text: object) -> str:
    """Make user-typed text show as plain text inside Markdown.

    No formatting, links, autolinks, images, HTML, LaTeX, icons, emoji or colours: Markdown
    characters get a backslash, line breaks become spaces, other invisible characters are
    dropped, and a word joiner (U+2060, never kept from the input) breaks autolinks and
    shortcodes. Removing the word joiners from what the browser shows gives the text back.
    """
    kept = "".join(
        " " if ch in "\r\n\t" else ch for ch in str(text) if ch.isprintable() or ch in "\r\n\t"
    )
    broken = _AUTO_MARKUP.sub(lambda m: m.group(0) + WORD_JOINER, kept)
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in broken)


def t(key: str, lang: str, /, **fields: object) -> str:
    """The interface text `key` in `lang`, with {fields} filled in.

    Text fields are escaped for Markdown, so a chain called `**x**` or `<b>` shows as typed.
    """
    nl, en = STRINGS[key]
    text = en if lang == "en" else nl
    if not fields:
        return text
    safe = {k: escape_markdown(v) if isinstance(v, str) else v for k, v in fields.items()}
    return text.format(**safe)
