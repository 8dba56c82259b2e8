"""Hand-written Opinion and Analysis stories of the sample site (invented text, newest first)."""

from __future__ import annotations

from .drafts import Draft

OPINION: tuple[Draft, ...] = (
    Draft(
        "opinion", "the-world-cannot-look-away-from-gaza-hospitals",
        "The world cannot look away from Gaza's hospitals", "Nadia Fares", "2022-11-24 11:00",
        ("Gaza", "Palestine", "Public Health"),
        "Doctors in Gaza are doing the impossible every day. Applause is not enough.",
        (
            "<p>Every few months the world rediscovers Gaza's hospitals, shares a photograph of "
            "an exhausted surgeon, and moves on. The doctors do not have that option.</p>",
            "<p>They work with generators that fail, with medicines that arrive late, and with "
            "patients who cannot travel for treatment abroad. Their skill is extraordinary; their "
            "conditions are not acceptable.</p>",
            "<p>Solidarity should mean supplies, permits and funding – not only hashtags. 🏥</p>",
        ),
        feat="ld og time lazy",
    ),
    Draft(
        "opinion", "elections-without-trust-are-just-theatre",
        "Elections without trust are just theatre", "Youssef Darwish", "2022-11-22 18:00",
        ("Elections", "Democracy"),
        "A vote only matters if people believe it can change something.",
        (
            "<p>Turnout figures are often read as a verdict on democracy. They are better read "
            "as a verdict on trust.</p>",
            "<p>When voters believe that the outcome was settled in advance, or that those elected "
            "will be powerless, many stay home – not out of apathy, but out of realism.</p>",
            "<p>Rebuilding trust takes transparent counting, independent courts and leaders who "
            "accept defeat. None of these can be imported; all can be learned.</p>",
        ),
        feat="time", also="politics",
    ),
    Draft(
        "opinion", "climate-finance-promises-keep-slipping",
        "Climate finance promises keep slipping", "Maya Saleh", "2022-11-20 12:30",
        ("Climate Change", "Economy", "COP27"),
        "Rich countries pledged billions for adaptation. The money is still late.",
        (
            "<p>The climate summit closed with a new fund for loss and damage, and with the usual "
            "applause. Missing, once again, was a timetable.</p>",
            "<p>Countries that contributed least to warming are already paying for floods, "
            "droughts and heatwaves. For them, a promise without a date is not finance; it is "
            "hope.</p>",
            "<p>Adaptation money should flow as grants, not loans that add to debts that are "
            "already unpayable.</p>",
        ),
        feat="og",
    ),
    Draft(
        "opinion", "ai-and-ethics-who-writes-the-rules",
        "AI and ethics: who writes the rules?", "Daniel Mwangi and Maya Khoury", "2022-11-18 08:00",
        ("AI & Ethics", "Technology"),
        "The rules for artificial intelligence are being written in a handful of capitals.",
        (
            "<p>Artificial intelligence will shape hiring, lending, policing and medicine across "
            "the world. The rules that govern it are being drafted in a handful of capitals and "
            "company offices.</p>",
            "<p>Countries in the Global South are mostly consumers of these systems, and their "
            "languages and contexts are poorly represented in the data &amp; the debate.</p>",
            "<p>A fair framework needs more voices at the table, including those who will be "
            "judged by the algorithms.</p>",
        ),
        feat="ld srcset",
    ),
    Draft(
        "opinion", "lebanon-brain-drain-is-a-slow-emergency",
        "Lebanon's brain drain is a slow emergency", "Rania Haddad", "2022-11-15 19:45",
        ("Lebanon", "Migration", "Economy"),
        "Doctors, engineers and teachers are leaving. Each departure is a loss that compounds.",
        (
            "<p>Every week another friend announces a job abroad: a doctor in the Gulf, an "
            "engineer in Europe, a teacher in Canada. Each farewell party is cheerful; the sum of "
            "them is not.</p>",
            "<p>A country can rebuild bridges and power plants. Rebuilding a generation of "
            "professionals takes decades.</p>",
            "<p>Keeping people requires more than patriotism. It requires salaries that pay rent "
            "and a sense that tomorrow will be better than today.</p>",
        ),
        feat="ld og time",
    ),
    Draft(
        "opinion", "the-quiet-return-of-regional-diplomacy",
        "The quiet return of regional diplomacy", None, "2022-11-09 10:20",
        ("Diplomacy", "Iran", "Saudi Arabia"),
        "Rivals are talking again. That is worth more than it looks.",
        (
            "<p>Few headlines mark the moment when rivals start talking again. Yet the recent "
            "rounds of quiet meetings between regional capitals may matter more than any "
            "summit.</p>",
            "<p>Dialogue does not mean agreement. It means that misunderstandings can be "
            "corrected before they become crises.</p>",
            "<p>The region has paid dearly for the years without it.</p>",
        ),
        feat="og time", source="Al Mayadeen English",
    ),
    Draft(
        "opinion", "food-prices-are-a-political-weapon",
        "Food prices are a political weapon", "Sara Idris", "2022-11-02 14:10",
        ("Food Security", "Economy", "Yemen"),
        "When bread becomes unaffordable, politics follows.",
        (
            "<p>Wheat, oil and sugar prices have become instruments of pressure, whether through "
            "blockades, sanctions or speculation.</p>",
            "<p>Those who pay are families who already spend most of their income on food. In "
            "Yemen, a sack of flour now costs a week's wages.</p>",
            "<p>Food should be kept outside every conflict – a principle everyone signs and few "
            "respect.</p>",
        ),
        feat="noimg",
    ),
    Draft(
        "opinion", "in-defence-of-local-journalism",
        "In defence of local journalism", "Hassan Azar", "2022-10-25 09:00",
        ("Media", "Journalism"),
        "Local reporters know the story first and are paid last.",
        (
            "<p>Local reporters are usually the first to know what is happening, and the last to "
            "be paid for it.</p>",
            "<p>International outlets rely on them for fixers, translations and tips, then "
            "publish under other names. Their safety is rarely anyone's priority.</p>",
            "<p>Supporting local journalism is the best investment in accurate news.</p>",
        ),
        feat="ld lazy",
    ),
)

ANALYSIS: tuple[Draft, ...] = (
    Draft(
        "analysis", "how-the-energy-crunch-reshapes-gulf-politics",
        "How the energy crunch reshapes Gulf politics", "Karim Nassar", "2022-11-23 16:00",
        ("Energy", "Oil", "Gulf", "Economy"),
        "High prices have given producers leverage and a new appetite for independence.",
        (
            "<p>The energy crisis has transformed the bargaining position of Gulf producers, who "
            "find themselves courted by buyers in Europe and Asia at once.</p>",
            "<p>Windfall revenues are funding ambitious domestic projects and a more assertive "
            "foreign policy, with less deference to traditional allies.</p>",
            "<p>Whether that independence lasts depends on prices that nobody controls.</p>",
        ),
        feat="ld og time srcset",
    ),
    Draft(
        "analysis", "yemen-war-economy-explained",
        "Yemen's war economy, explained", "Sara Idris", "2022-11-21 13:00",
        ("Yemen", "Economy", "Sanctions"),
        "Two central banks, two currencies and one exhausted population.",
        (
            "<p>Yemen today has two central banks, two exchange rates and a maze of checkpoints "
            "where goods are taxed again and again.</p>",
            "<p>These divisions have created winners who profit from scarcity, which is one "
            "reason peace is hard to sell to everyone.</p>",
            "<p>Any durable settlement will have to unify the currency and pay salaries.</p>",
        ),
        feat="og",
    ),
    Draft(
        "analysis", "the-economics-of-medicine-shortages",
        "The economics of medicine shortages", "Maya Saleh", "2022-11-12 10:00",
        ("Medicine", "Economy", "Lebanon"),
        "Subsidy cuts, currency collapse and smuggling explain empty pharmacy shelves.",
        (
            "<p>Pharmacy shelves empty for reasons that have more to do with finance than "
            "medicine: subsidies removed, currency collapsed, importers unable to pay.</p>",
            "<p>Smuggling moves subsidised drugs to neighbouring markets where they sell for "
            "more, and patients turn to expensive or counterfeit alternatives.</p>",
            "<p>Local production could help, but factories need dollars for raw materials too.</p>",
        ),
        feat="ld time lazy", also="health",
    ),
    Draft(
        "analysis", "water-scarcity-and-the-next-regional-conflict",
        "Water scarcity and the next regional conflict", "Lina Mansour", "2022-11-08 08:30",
        ("Water", "Climate Change", "Iraq", "Syria"),
        "Dams upstream and droughts downstream are raising the stakes on shared rivers.",
        (
            "<p>The Tigris and Euphrates carry less water every year, as upstream dams fill and "
            "rainfall declines.</p>",
            "<p>Farmers in Iraq and Syria are abandoning land, and cities face summer rationing. "
            "Water agreements between the riparian states remain vague.</p>",
            "<p>Without a binding deal, water will become one more source of tension.</p>",
        ),
        feat="time",
    ),
    Draft(
        "analysis", "china-growing-footprint-in-the-middle-east",
        "China's growing footprint in the Middle East", "Youssef Darwish", "2022-11-06 17:00",
        ("China", "Diplomacy", "Economy"),
        "Ports, power plants and trade deals add up to a new kind of influence.",
        (
            "<p>China's presence in the region has grown through ports, power plants and "
            "telecoms networks rather than military bases.</p>",
            "<p>For governments, Chinese finance comes with fewer political conditions, which "
            "makes it attractive – and controversial.</p>",
            "<p>The question is whether economic ties will turn into political alignment.</p>",
        ),
        feat="og time",
    ),
    Draft(
        "analysis", "what-the-midterm-results-mean-for-the-region",
        "What the midterm results mean for the region", None, "2022-11-04 12:45",
        ("Elections", "United States", "Diplomacy"),
        "A divided Congress is likely to change little in policy, but much in tone.",
        (
            "<p>The midterm results leave Washington divided, which usually means fewer new "
            "policies and more hearings.</p>",
            "<p>For the region, the main effects may be on arms sales, aid budgets and sanctions "
            "legislation, where Congress has a direct say.</p>",
            "<p>Governments are hedging their bets ahead of the next presidential race.</p>",
        ),
        feat="ld",
    ),
    Draft(
        "analysis", "africa-debt-dilemma",
        "Africa's debt dilemma", "Nadia Fares", "2022-10-30 15:20",
        ("Africa", "Economy", "Côte d'Ivoire"),
        "Rising interest rates turn manageable loans into a crisis.",
        (
            "<p>Rising global interest rates and a strong dollar have made debts that looked "
            "manageable two years ago suddenly heavy.</p>",
            "<p>Several governments now spend more on interest than on health and education "
            "combined – a trade-off with long consequences.</p>",
            "<p>Restructuring talks are slow, because creditors are more varied than ever.</p>",
        ),
        feat="og lazy time",
    ),
    Draft(
        "analysis", "sanctions-and-the-limits-of-pressure",
        "Sanctions and the limits of pressure", "Hassan Azar", "2022-10-18 11:10",
        ("Sanctions", "Iran", "Economy"),
        "Decades of sanctions show what they can and cannot achieve.",
        (
            "<p>Sanctions are often presented as an alternative to war. Their record is more "
            "ambiguous than their supporters admit.</p>",
            "<p>They weaken economies and currencies, but rarely change the policies they "
            "target, while the burden falls on ordinary people.</p>",
            "<p>Targets adapt, building new trade routes and partners.</p>",
        ),
        feat="ld og noimg",
    ),
    Draft(
        "analysis", "climate-and-the-next-pandemic",
        "Climate and the next pandemic", "Rania Haddad", "2022-10-05 09:40",
        ("Climate Change", "Public Health", "WHO"),
        "Warming is changing where diseases spread and how fast.",
        (
            "<p>Warmer temperatures are extending the range of mosquitoes and ticks, bringing "
            "diseases to places that never had them.</p>",
            "<p>Deforestation brings people and wildlife closer, raising the risk of new "
            "viruses jumping species.</p>",
            "<p>Surveillance and strong primary care are the best defences.</p>",
        ),
        feat="og time", also="health",
    ),
)
