"""Hand-written Health and Politics stories of the sample site (invented text, newest first)."""

from __future__ import annotations

from .drafts import Draft

HEALTH: tuple[Draft, ...] = (
    Draft(
        "health", "new-cell-therapy-shows-promise-against-leukemia",
        "New cell therapy shows promise against leukemia", "Rania Haddad", "2022-11-24 18:32",
        ("Cell Therapy", "Cancer", "Medicine"),
        "An early trial of an engineered immune-cell treatment put most patients with relapsed "
        "leukemia into remission, researchers said.",
        (
            "<p>Doctors at a university hospital reported on Thursday that an experimental cell "
            "therapy brought 19 of 24 patients with relapsed acute leukemia into remission within "
            "three months – a result they called &quot;remarkable&quot; for a group who had run "
            "out of standard options.</p>",
            "<p>The treatment takes a patient's own T cells, modifies them in the laboratory to "
            "recognise a protein on the surface of cancer cells, and infuses them back. Unlike "
            "earlier versions, the new cells are built to switch off if they cause severe "
            "inflammation, which the team hopes will make the therapy safer to give outside "
            "specialist centres.</p>",
            "<p>&quot;For the first time, we can offer something to families who were told there "
            "was nothing left,&quot; said the trial's lead haematologist. Manufacturing each dose "
            "still takes about three weeks, and the team is working with regional partners to "
            "shorten that to ten days. 🧬</p>",
        ),
        feat="ld og time",
    ),
    Draft(
        "health", "who-warns-of-cholera-spread-across-region",
        'WHO warns of "silent" cholera spread across the region', None, "2022-11-23 10:15",
        ("WHO", "Cholera", "Public Health", "Lebanon"),
        "The World Health Organization said cases are likely undercounted as testing lags behind "
        "the outbreak.",
        (
            "<p>The World Health Organization warned on Wednesday that cholera is spreading "
            "faster than official figures show, with many mild cases never tested. A regional "
            "official described the outbreak as &quot;silent but relentless&quot;.</p>",
            "<p>Health authorities have set up oral rehydration points in crowded neighbourhoods "
            "and in refugee settlements, where shared water tanks are the main source of drinking "
            "water. Chlorine tablets and soap are being distributed door to door.</p>",
            "<p>The agency urged donors to fund water &amp; sanitation repairs, not only vaccines, "
            "saying that without clean water the disease will return every summer.</p>",
        ),
        feat="og lazy",
    ),
    Draft(
        "health", "heatwaves-push-hospitals-to-the-limit",
        "Heatwaves push hospitals to the limit", "Karim Nassar", "2022-11-21 09:05",
        ("Climate Change", "Heat", "Public Health"),
        "Emergency rooms recorded a sharp rise in heat-related admissions during an unusually "
        "long autumn heatwave.",
        (
            "<p>Emergency departments recorded a 40 percent rise in heat-related admissions during "
            "the twelve-day heatwave that ended last week, according to figures shared by three "
            "public hospitals.</p>",
            "<p>Elderly patients and outdoor workers made up most of the cases. Doctors said power "
            "cuts made the situation worse, because many families could not run fans or keep "
            "medicines cool at home.</p>",
            "<p>Climate scientists expect such events to become longer and more frequent. A "
            "hospital director called for cooling centres and for heat alerts to be sent by text "
            "message – &quot;simple measures that save lives&quot;.</p>",
        ),
        feat="ld-graph time srcset",
    ),
    Draft(
        "health", "gaza-clinics-ration-fuel-as-generators-fail",
        "Gaza clinics ration fuel as generators fail", "Lina Mansour", "2022-11-19 14:40",
        ("Gaza", "Palestine", "Public Health", "Energy"),
        "Primary care centres in Gaza have cut opening hours to save fuel for dialysis and "
        "maternity wards.",
        (
            "<p>Primary care clinics in Gaza have cut their opening hours to save fuel, keeping "
            "generators running only for dialysis machines, incubators and vaccine fridges.</p>",
            "<p>&quot;We choose every day which department gets electricity,&quot; said the "
            "director of one centre. Spare parts for ageing generators are hard to find, and "
            "technicians improvise repairs with whatever is available.</p>",
            "<p>Aid agencies called for fuel deliveries to be exempted from restrictions, warning "
            "that a prolonged shortage would put newborns and chronic patients at risk.</p>",
        ),
        feat="time lazy",
    ),
    Draft(
        "health", "measles-vaccination-drive-reaches-remote-villages",
        "Measles vaccination drive reaches remote villages", None, "2022-11-17 08:20",
        ("Vaccines", "Yemen", "WHO"),
        "Mobile teams vaccinated more than 200,000 children in mountain districts in two weeks.",
        (
            "<p>Mobile vaccination teams reached more than 200,000 children in remote mountain "
            "districts during a two-week campaign, health officials said.</p>",
            "<p>Teams travelled on foot and by donkey to villages cut off by damaged roads, "
            "carrying vaccines in cool boxes. Local volunteers went ahead to explain the campaign "
            "to families and to answer questions from sceptical parents.</p>",
            "<p>Measles cases had risen sharply over the past year as routine immunisation "
            "collapsed. Officials hope the campaign will stop the outbreak before winter.</p>",
        ),
        feat="ld",
    ),
    Draft(
        "health", "study-links-air-pollution-to-childhood-asthma",
        "Study links air pollution to childhood asthma", "Omar Khoury", "2022-11-14 16:45",
        ("Air Pollution", "Climate Change", "Children"),
        "Children living near diesel generators were twice as likely to develop asthma, a new "
        "study found.",
        (
            "<p>Children who live within 100 metres of private diesel generators are twice as "
            "likely to develop asthma, according to a study of 3,000 households published this "
            "week.</p>",
            "<p>Private generators fill the gap left by the public grid in many cities, often "
            "installed in narrow streets and on balconies. Researchers measured fine particles at "
            "levels several times above recommended limits.</p>",
            "<p>The authors urged municipalities to require filters and to move generators away "
            "from schools, while acknowledging that the real fix is a reliable power supply.</p>",
        ),
        feat="og time",
    ),
    Draft(
        "health", "mental-health-hotline-sees-record-calls",
        "Mental health hotline sees record calls", "Maya Saleh", "2022-11-10 12:00",
        ("Mental Health", "Lebanon"),
        "A national support line answered more calls in October than in any month since it "
        "opened.",
        (
            "<p>A national mental health hotline answered more than 4,000 calls in October, the "
            "highest monthly figure since it opened, its operators said.</p>",
            "<p>Callers most often cited financial stress, loneliness and anxiety about the "
            "future. Volunteers answer in Arabic, English and French, and the line now runs "
            "around the clock – ٢٤ ساعة, as its posters say.</p>",
            "<p>The service relies on donations and trained volunteers, and its founders say "
            "demand is outgrowing their capacity.</p>",
        ),
    ),
    Draft(
        "health", "antibiotic-resistance-new-front-in-hospital-wards",
        "Antibiotic resistance: the new front in hospital wards", None, "2022-10-29 11:30",
        ("Antibiotics", "WHO", "Medicine"),
        "Doctors report rising numbers of infections that no longer respond to common "
        "antibiotics.",
        (
            "<p>Hospitals are reporting a rising share of infections that resist the most common "
            "antibiotics, forcing doctors to use older, more toxic drugs as a last resort.</p>",
            "<p>Over-the-counter sales of antibiotics, often without a prescription, are a major "
            "driver, pharmacists admit. Shortages of some drugs push patients to stop treatment "
            "early, which also helps resistant bacteria survive.</p>",
            "<p>The WHO lists antimicrobial resistance among the top global public health "
            "threats. Infection control – hand hygiene, isolation rooms, clean equipment – remains "
            "the first line of defence.</p>",
        ),
        feat="ld og time srcset",
    ),
    Draft(
        "health", "ai-diagnosis-tools-raise-privacy-questions",
        "AI diagnosis tools raise privacy questions", "Youssef Darwish", "2022-10-20 19:10",
        ("AI & Ethics", "Technology", "Medicine"),
        "Hospitals trialling machine-learning tools for scans face questions about who owns "
        "patient data.",
        (
            "<p>Several private hospitals have begun trialling software that reads X-rays and "
            "flags possible tumours, promising faster diagnoses where radiologists are scarce.</p>",
            "<p>But doctors and lawyers are asking who owns the images used to train such "
            "systems, and whether patients were told. &quot;Consent forms were written for "
            "treatment, not for training algorithms,&quot; a medical ethicist said.</p>",
            "<p>Regulators are drafting guidelines on data protection &amp; accountability, "
            "including who is responsible when a machine misses a diagnosis.</p>",
        ),
        feat="ld-array lazy",
    ),
    Draft(
        "health", "clean-water-project-cuts-child-illness-in-cote-divoire",
        "Clean water project cuts child illness in Côte d'Ivoire", "Nadia Fares",
        "2022-10-12 07:55",
        ("Côte d'Ivoire", "Water", "Africa", "Children"),
        "Village wells and hand-washing stations halved diarrhoea cases among young children, "
        "an evaluation found.",
        (
            "<p>A village water project in northern Côte d'Ivoire halved cases of diarrhoea among "
            "children under five within two years, an independent evaluation found.</p>",
            "<p>The project drilled wells, built hand-washing stations at schools and trained "
            "local committees to maintain pumps. Committee members collect a small fee from each "
            "household to pay for repairs.</p>",
            "<p>Health workers said the biggest change was in school attendance, as fewer "
            "children stayed home sick. 💧</p>",
        ),
        feat="og time",
    ),
)

POLITICS: tuple[Draft, ...] = (
    Draft(
        "politics", "lebanon-parliament-fails-again-to-elect-president",
        "Lebanon's parliament fails again to elect a president", "Hassan Azar",
        "2022-11-24 20:05",
        ("Lebanon", "Elections", "Parliament"),
        "A seventh session ended without a winner as blocs remained divided over candidates.",
        (
            "<p>Lebanon's parliament failed for the seventh time on Thursday to elect a new "
            "president, as no candidate came close to the required majority.</p>",
            "<p>Many lawmakers cast blank ballots, and the session lost its quorum after the "
            "first round when several blocs walked out. The speaker set a new session for next "
            "week.</p>",
            "<p>The vacancy leaves a caretaker government with limited powers at a time when the "
            "country needs decisions on the economy, banking and electricity.</p>",
        ),
        feat="ld og time", also="analysis",
    ),
    Draft(
        "politics", "secret-briefing-leaked",
        "Secret briefing leaked to the press, officials scramble", None, "2022-11-23 22:10",
        ("Diplomacy",),
        "A confidential briefing on border talks appeared online, prompting an investigation.",
        (
            "<p>A confidential briefing on border negotiations was published online late on "
            "Wednesday, prompting officials to open an investigation into the leak.</p>",
            "<p>The document summarises positions taken by both delegations in recent rounds and "
            "lists possible compromises. Officials did not confirm its authenticity.</p>",
            "<p>This page is disallowed in robots.txt: polite crawlers never fetch it.</p>",
        ),
        feat="time",
    ),
    Draft(
        "politics", "yemen-truce-talks-resume-in-muscat",
        "Yemen truce talks resume in Muscat", "Sara Idris", "2022-11-22 13:25",
        ("Yemen", "Diplomacy", "Oman"),
        "Negotiators returned to the Omani capital to discuss salaries, ports and prisoner "
        "exchanges.",
        (
            "<p>Negotiators returned to Muscat on Tuesday for a new round of talks aimed at "
            "restoring and extending the truce in Yemen.</p>",
            "<p>The agenda includes payment of public sector salaries, the reopening of roads "
            "and airports, and a further exchange of prisoners. Omani mediators have shuttled "
            "between the delegations for weeks.</p>",
            "<p>Residents of Sanaa and Taiz said they hoped the talks would ease prices and "
            "travel. &quot;We want to live normally,&quot; said a teacher.</p>",
        ),
        feat="og lazy",
    ),
    Draft(
        "politics", "sanctions-squeeze-syrian-fuel-imports",
        "Sanctions squeeze Syrian fuel imports", None, "2022-11-20 09:50",
        ("Syria", "Sanctions", "Energy", "Economy"),
        "Fuel queues lengthened across Syrian cities as deliveries fell short of demand.",
        (
            "<p>Queues at petrol stations stretched for kilometres in several Syrian cities this "
            "week as fuel deliveries fell well short of demand.</p>",
            "<p>Officials blamed sanctions that deter shipping and insurance companies. Public "
            "transport has been cut back and some government offices closed for extra days.</p>",
            "<p>Prices on the black market rose to several times the official rate, hitting "
            "farmers who need diesel for irrigation pumps.</p>",
        ),
        feat="ld time",
    ),
    Draft(
        "politics", "iraq-budget-deal-ends-months-of-deadlock",
        "Iraq budget deal ends months of deadlock", "Karim Nassar", "2022-11-18 17:15",
        ("Iraq", "Economy", "Parliament"),
        "Lawmakers approved a spending plan that unlocks delayed projects and salaries.",
        (
            "<p>Iraq's parliament approved a budget deal on Friday after months of deadlock, "
            "unlocking funds for delayed infrastructure projects and public salaries.</p>",
            "<p>The agreement sets the share of oil revenue for the regions and increases "
            "spending on electricity and water. Critics said it does little to reduce dependence "
            "on oil.</p>",
            "<p>Economists welcomed the end of uncertainty but warned that the plan assumes oil "
            "prices stay high.</p>",
        ),
        feat="time",
    ),
    Draft(
        "politics", "west-bank-raids-draw-un-condemnation",
        "West Bank raids draw UN condemnation", "Lina Mansour", "2022-11-16 06:40",
        ("Palestine", "UN", "Human Rights"),
        "UN officials called for an independent investigation after overnight raids.",
        (
            "<p>United Nations officials condemned overnight raids in the occupied West Bank and "
            "called for an independent investigation into civilian casualties.</p>",
            "<p>Residents described homes being searched and roads blocked for hours. Human "
            "rights groups said the number of such operations has risen sharply this year.</p>",
            "<p>The UN envoy urged all parties to avoid escalation &amp; protect civilians.</p>",
        ),
        feat="og srcset time",
    ),
    Draft(
        "politics", "latin-american-leaders-meet-on-regional-trade",
        "Latin American leaders meet on regional trade", None, "2022-11-11 15:00",
        ("Latin America", "Economy", "Diplomacy"),
        "A summit focused on tariffs, infrastructure and a common position on debt.",
        (
            "<p>Leaders from across Latin America met for a two-day summit on regional trade, "
            "infrastructure and a common position on debt relief.</p>",
            "<p>The final statement called for lower tariffs between member states and for "
            "joint investment in railways and power lines.</p>",
            "<p>Observers said the summit signalled a wish to reduce reliance on a single "
            "trading partner.</p>",
        ),
        feat="ld lazy",
    ),
    Draft(
        "politics", "election-observers-report-high-turnout",
        "Election observers report high turnout", "Omar Khoury", "2022-11-03 21:30",
        ("Elections", "Africa"),
        "Observers praised the calm vote but noted delays in opening some polling stations.",
        (
            "<p>International observers reported high turnout and a generally calm atmosphere in "
            "Sunday's legislative elections.</p>",
            "<p>Some polling stations opened hours late because ballot papers arrived late, and "
            "observers recommended better logistics for future votes.</p>",
            "<p>Preliminary results are expected within a week. This story carries no date at "
            "all, neither visible nor in metadata.</p>",
        ),
        feat="nodate",
    ),
    Draft(
        "politics", "energy-ministers-clash-over-gas-pipeline-route",
        "Energy ministers clash over gas pipeline route", "Hassan Azar", "2022-10-27 10:10",
        ("Energy", "Gas", "Europe"),
        "Talks on a new Mediterranean gas pipeline stalled over its route and financing.",
        (
            "<p>Energy ministers failed to agree on the route of a proposed Mediterranean gas "
            "pipeline, with talks stalling over cost-sharing and maritime boundaries.</p>",
            "<p>European buyers want new supplies quickly, but investors are wary of long "
            "projects as demand forecasts shift.</p>",
            "<p>Ministers agreed to meet again in the new year.</p>",
        ),
        feat="ld og time",
    ),
)
