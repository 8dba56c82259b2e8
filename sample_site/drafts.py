"""The record hand-written stories are drafted in, and shared background paragraphs per section."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Draft:
    section: str  # section key: health, politics, opinion, analysis
    slug: str
    title: str  # plain text; templates escape it
    author: str | None
    when: str  # "2022-11-24 18:32" Beirut wall time; also orders listings for "nodate" stories
    tags: tuple[str, ...]
    summary: str  # plain text
    paras: tuple[str, ...]  # trusted HTML, the story's own paragraphs
    feat: str = ""  # Story.features, space separated
    also: str = ""  # another section whose listing shows this story too
    source: str = "Agencies"


# Background paragraphs, several per story, so articles reach a realistic 300–900 words without
# hand-writing each one in full. Picked in rotation by the story's index.
POOLS: dict[str, tuple[str, ...]] = {
    "health": (
        "<p>Health workers across the region have warned for months that the combination of "
        "currency collapse, fuel shortages and staff emigration is pushing public hospitals toward "
        "a breaking point. Several directors said they now plan budgets week by week, because the "
        "price of imported supplies can double between one order and the next, and suppliers "
        "increasingly ask to be paid in cash and in dollars.</p>",
        "<p>Researchers cautioned that early results, however encouraging, are only a first step. "
        "Larger trials with longer follow-up are needed to confirm the benefit, to measure side "
        "effects that appear late, and to understand which patients respond best. &quot;We have "
        "seen promising numbers before that did not survive a bigger study,&quot; one reviewer "
        "noted, urging patience from families and from the press alike.</p>",
        "<p>Cost remains the central question. Treatments developed in wealthy countries often "
        "arrive years later in the Global South, if at all, and at prices that ministries of "
        "health cannot sustain. Advocates want licensing deals and regional manufacturing so that "
        "clinics in Beirut, Sanaa or Abidjan are not left waiting at the end of the queue.</p>",
        "<p>Public health specialists stress that prevention is still the cheapest medicine: clean "
        "water, vaccination, nutrition and safe housing. &quot;Every dollar spent on sanitation "
        "saves several in emergency care,&quot; said a regional epidemiologist, adding that such "
        "programmes rarely make headlines because their success is measured in illnesses that "
        "never happen.</p>",
        "<p>Nurses describe long shifts, delayed salaries and a steady stream of colleagues "
        "leaving for jobs abroad. Training a specialist nurse takes years; losing one takes a "
        "single visa. Hospital unions have called for hardship allowances and housing support, "
        "arguing that without staff, new equipment and new drugs will sit unused.</p>",
        "<p>Data gaps make the picture harder to read. Many clinics still keep paper records, and "
        "national surveillance systems were disrupted during the pandemic. Officials say a shared "
        "digital registry – promised for years – would let them spot outbreaks earlier and move "
        "supplies to where they are needed most, rather than reacting after the fact.</p>",
    ),
    "politics": (
        "<p>Analysts say the deadlock reflects a deeper crisis of confidence between political "
        "blocs that have governed by consensus for decades. Each side fears that any concession "
        "now will be used against it later, and so the safest move is often no move at all, even "
        "as the cost of paralysis is paid by ordinary citizens in queues and power cuts.</p>",
        "<p>Regional and international actors are watching closely. Diplomats in several capitals "
        "have sent quiet messages urging restraint, while publicly insisting that the outcome is "
        "for the people of the country alone to decide. Observers note that such statements rarely "
        "stop outside powers from backing their preferred candidates behind the scenes.</p>",
        "<p>On the streets, the mood is one of fatigue rather than anger. &quot;We have heard the "
        "same promises for years,&quot; said a shopkeeper in the capital, who asked not to be "
        "named. &quot;What we need is electricity, medicine and a currency that holds its value "
        "for more than a week.&quot;</p>",
        "<p>Constitutional experts point out that the rules leave much room for interpretation, "
        "and that past crises were usually settled by political bargains rather than by the "
        "courts. A senior lawyer described the current dispute as &quot;a test of whether the "
        "institutions still work when the usual deal-makers cannot agree.&quot;</p>",
        "<p>Economic pressure adds urgency. International lenders have made further support "
        "conditional on reforms that require a functioning government and parliament, including "
        "a new budget, banking restructuring and measures against corruption &amp; smuggling. "
        "Without them, officials concede, the next tranche of aid is unlikely to arrive.</p>",
        "<p>Opposition figures accused the authorities of using procedural delays to avoid "
        "accountability, while government supporters said the opposition was exploiting public "
        "hardship for political gain. Both sides agreed on one point only: that the coming weeks "
        "will be decisive.</p>",
    ),
    "opinion": (
        "<p>It is tempting to treat each crisis as a separate story, with its own villains and its "
        "own solutions. But the pattern repeats too often to be an accident. Decisions taken far "
        "away, by people who will never live with their consequences, keep shaping the lives of "
        "millions who were never asked.</p>",
        "<p>Critics will say this argument is naive, that power is power and the weak must accept "
        "the world as it is. Yet history is full of arrangements that seemed permanent until the "
        "day they were not. What changes them is rarely a single speech; it is the slow "
        "accumulation of people who refuse to look away.</p>",
        "<p>The media bears part of the responsibility. Coverage arrives in bursts, when images "
        "are dramatic enough, and then moves on. The quiet work of rebuilding – the teacher who "
        "reopens a school, the engineer who restores a water line – seldom earns a headline, "
        "though it is exactly what deserves attention.</p>",
        "<p>There is an Arabic word for this kind of endurance: <em>sumud</em> (صمود), "
        "steadfastness. It is often used as a slogan, but its real meaning is practical. It is "
        "the daily decision to stay, to keep the shop open, to send the children to school, even "
        "when every calculation says that leaving would be easier.</p>",
        "<p>None of this requires heroics from policymakers, only consistency. Apply the same "
        "standards everywhere; fund what was promised; listen to the people on the ground before "
        "announcing plans on their behalf. It is not a radical programme. It is, in fact, what "
        "most governments already claim to be doing.</p>",
        "<p>Readers will draw their own conclusions. Mine is simple: the question is not whether "
        "we can afford to act, but how much longer we can afford not to. The bill for inaction "
        "is already being paid, just not by those who chose it.</p>",
    ),
    "analysis": (
        "<p>To understand the shift, it helps to look at the numbers over a decade rather than a "
        "single year. Trade flows, investment pledges and diplomatic visits all point in the same "
        "direction, even if each one on its own could be dismissed as noise. Taken together, they "
        "describe a region quietly rebalancing its relationships.</p>",
        "<p>Three scenarios now seem plausible. In the first, the current arrangement holds, with "
        "occasional flare-ups managed through back channels. In the second, economic strain "
        "forces a new settlement on less favourable terms. In the third – the least likely but "
        "most consequential – a sudden shock reorders priorities altogether.</p>",
        "<p>Much depends on energy prices. A sustained rise strengthens producers and gives them "
        "room to pursue independent foreign policies; a fall exposes budget gaps and makes them "
        "more dependent on outside finance. Forecasters are divided, and the range of estimates "
        "for next year is unusually wide.</p>",
        "<p>Domestic politics cannot be separated from these external pressures. Governments "
        "facing inflation and unemployment have less room for bold moves abroad, and more reason "
        "to seek quick wins that can be presented at home. That dynamic explains several recent "
        "decisions that looked puzzling from the outside.</p>",
        "<p>Historical comparisons are imperfect but instructive. Similar moments in the 1970s and "
        "the 1990s produced alliances that lasted for a generation, and others that collapsed "
        "within months. The difference, scholars argue, usually lay in whether ordinary people "
        "saw any benefit from the new arrangement.</p>",
        "<p>What to watch in the coming months: the next round of budget announcements, the "
        "outcome of pending negotiations on debt and energy, and any change in the tone of "
        "official media. Small signals – a cancelled visit, a new trade office, a reworded "
        "statement – often arrive before the big announcements do.</p>",
    ),
}
