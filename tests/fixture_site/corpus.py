"""Text corpus of the fixture news site: body paragraphs by topic and the stories built on them.

Every paragraph is 60-120 words of plain news prose. Body paragraphs are shared out so that
none appears on more than two pages; every story has its own lede whose first sentence is
unique, so each article's text is distinct and findable.
"""

from __future__ import annotations

from dataclasses import dataclass

TOPICS: tuple[str, ...] = ("economy", "weather", "elections", "sport", "science")

PARAGRAPHS: dict[str, tuple[str, ...]] = {
    "economy": (
        "Economists had expected a smaller move. A survey of twenty forecasters published last "
        "week pointed to growth of around 0.2 per cent, and several banks had warned that the "
        "cold snap in December would weigh on construction and retail. Instead, spending on "
        "services held up better than feared, helped by a late surge in restaurant bookings and "
        "a strong month for cinemas, according to figures from the statistics office.",
        "The central bank has held its main interest rate at 4.25 per cent since September, and "
        "policymakers have repeatedly said they want to see wage growth slow before they cut. "
        "Average earnings rose by 5.1 per cent in the three months to November, down from a "
        "peak of almost 8 per cent two years ago but still well above the level that officials "
        "regard as consistent with their inflation target.",
        "Retailers reported a mixed picture over the holiday period. Large supermarket chains "
        "said sales of premium own-label food had risen sharply, while department stores "
        "described footfall as disappointing. Online sales accounted for just over a quarter of "
        "all purchases, a share that has barely changed since the end of the pandemic, when many "
        "shoppers returned to high streets and retail parks.",
        "Business groups welcomed the figures but warned that higher employer contributions, "
        "which take effect in April, would force many firms to delay hiring. A survey by the "
        "chambers of commerce found that almost half of small companies planned to raise prices "
        "in the first quarter, and one in five expected to reduce staff numbers. Manufacturers "
        "were the most pessimistic of all the sectors questioned in the survey.",
        "Mortgage lenders have started to trim their fixed-rate deals in anticipation of lower "
        "borrowing costs later in the year. The average two-year fixed rate fell to 5.3 per cent "
        "this week, the lowest level since the summer, according to the data provider "
        "Moneyfacts. Brokers said demand from first-time buyers had picked up, although "
        "affordability remains stretched in many parts of the country.",
        "The port authority said container volumes rose for the fourth month in a row, driven "
        "by imports of machinery and electronic components. Shipping rates on the main routes "
        "from Asia have nearly doubled since the autumn after vessels were diverted away from "
        "the Red Sea, adding as much as two weeks to journey times and pushing up costs for "
        "importers of furniture, clothing and household goods.",
        "Energy prices remain the biggest uncertainty for households. Wholesale gas prices rose "
        "by a third over the winter as storage levels across the continent fell faster than "
        "expected, and the regulator will announce the next price cap at the end of February. "
        "Consumer groups have urged the government to extend support for low-income families, "
        "who spend a larger share of their income on heating.",
        "Shares in the company rose by 6 per cent in early trading after it raised its profit "
        "forecast for the full year. The chief executive said cost cuts made over the past "
        "eighteen months, including the closure of two distribution centres and a reduction in "
        "head office staff, had begun to pay off. Analysts said the results were stronger than "
        "the market had expected but questioned whether the pace could last.",
        "Trade unions said the settlement fell short of what members had asked for but would be "
        "put to a ballot over the coming fortnight. The offer includes a pay rise of 4.5 per "
        "cent backdated to October, a one-off payment of five hundred pounds and a commitment "
        "to review shift patterns. Union leaders said they would recommend acceptance, while "
        "warning that further action remained possible.",
        "Farmers have warned that a run of wet harvests, higher fertiliser costs and changes to "
        "subsidy payments have left many family farms struggling to break even. The national "
        "farmers' union said its members expected to plant fewer acres of wheat this spring, "
        "which could push up the price of bread and animal feed later in the year. Ministers "
        "have promised to publish a new food security strategy in the summer.",
        "The housing ministry said construction had started on 38,000 new homes in the final "
        "quarter, well short of the rate needed to meet its target of building a million and a "
        "half homes over five years. Developers blamed planning delays and the cost of "
        "materials, while councils said a shortage of qualified planners meant applications "
        "were taking far longer to process than the law allows.",
        "Tourism operators reported their best January for bookings in more than a decade, "
        "with demand for city breaks and spring holidays in southern Europe particularly "
        "strong. Airlines said higher fares had not deterred travellers, and one low-cost "
        "carrier added extra flights to Portugal and Greece. Industry analysts cautioned that "
        "households might cut back later in the year if energy bills rise again.",
    ),
    "weather": (
        "Forecasters said the heaviest rain would fall over high ground in the north and west, "
        "where up to 80 millimetres could accumulate in twenty-four hours. Rivers that were "
        "already running high after a wet December are expected to respond quickly, and the "
        "environment agency has issued more than forty flood warnings, meaning that flooding is "
        "expected and immediate action is required in those areas.",
        "Gusts of more than seventy miles an hour were recorded on exposed coasts overnight, and "
        "several ferry crossings were cancelled. Rail operators imposed speed restrictions on "
        "lines through open countryside, and passengers were advised to check before they "
        "travelled. Engineers worked through the night to clear fallen trees from tracks and "
        "roads, and power companies said crews were on standby.",
        "About 12,000 homes were without electricity on Sunday morning, most of them in rural "
        "areas where overhead lines were brought down by falling branches. The network operator "
        "said most customers would be reconnected by the evening, but warned that some remote "
        "properties could wait until Tuesday. Vulnerable customers were offered hot meals and "
        "the use of community centres as warm spaces.",
        "Temperatures are expected to fall sharply behind the weather front, with a widespread "
        "frost and icy stretches on untreated roads. Highways teams have put gritters on "
        "standby, and schools in the worst-affected areas have been told to check guidance "
        "before opening. Snow is likely on hills above three hundred metres, and a few "
        "centimetres could settle at lower levels by Thursday morning.",
        "Residents of the riverside village spent the night moving furniture upstairs and "
        "piling sandbags against their front doors. Volunteers from the parish council handed "
        "out flasks of tea and checked on elderly neighbours, while firefighters pumped water "
        "from the main road. It is the third time in five years that the village has flooded, "
        "and residents said they felt abandoned by the authorities.",
        "Climate scientists said the storm was consistent with a warming trend that makes "
        "extreme rainfall more likely, because warmer air holds more moisture. A study "
        "published last year found that the heaviest downpours have become around a fifth more "
        "intense since the 1960s. They cautioned, however, that a single event cannot be "
        "attributed to climate change without detailed analysis."
        " Such studies usually take several weeks.",
        "The mountain rescue team was called out twice over the weekend to help walkers who had "
        "become lost in low cloud on the fells. Both groups were found safe and well, but "
        "rescuers urged people to carry a map and compass, to check the forecast before "
        "setting out and to turn back if conditions deteriorate. Daylight hours remain short, "
        "and darkness falls before five o'clock.",
        "Airports in the region reported delays of up to three hours as crews de-iced aircraft "
        "and cleared runways. Several flights were diverted, and one airline cancelled all "
        "departures until midday. Travellers described long queues at the check-in desks and "
        "few staff on hand to answer questions, while the airport said it had followed its "
        "winter operations plan and apologised for the inconvenience.",
        "Gardeners and farmers have welcomed the mild spell, which has seen daffodils flower "
        "several weeks earlier than usual in southern counties. Horticulturalists warned, "
        "however, that a sudden return to frost could damage early blossom on fruit trees. "
        "Beekeepers reported that some colonies had become active unusually early in the year, "
        "using up their winter stores before many flowers were available.",
        "The weather service said January had so far been one of the sunniest on record in the "
        "east, with more than seventy hours of sunshine in some places. In contrast, parts of "
        "the west had received nearly double their average rainfall. The agency said a "
        "blocking area of high pressure over Scandinavia was steering weather systems on an "
        "unusual track across the country.",
        "Council officials said the cost of repairing roads damaged by the storm could run into "
        "millions, and they have asked central government for emergency funding. Potholes "
        "appeared on dozens of routes after water got into cracks in the surface and then "
        "froze. Cyclists and motorcyclists were asked to take particular care, and residents "
        "were encouraged to report damage through the council website.",
        "Hospitals reported a rise in admissions for falls and fractures as pavements turned to "
        "ice. Emergency departments asked people to attend only if their condition was urgent, "
        "and pharmacists urged older residents to keep medicines and supplies at home in case "
        "they could not get out. Health officials also reminded people to keep at least one "
        "room heated to eighteen degrees.",
    ),
    "elections": (
        "Turnout was estimated at 61 per cent, slightly higher than at the previous election, "
        "with long queues reported at polling stations in the capital during the afternoon. "
        "Election officials said voting had passed off peacefully, although a handful of "
        "stations opened late because of staff shortages. Counting began immediately after the "
        "polls closed, and the first results were expected shortly before midnight.",
        "The governing party campaigned on its record on jobs and public spending, promising to "
        "keep taxes stable and to invest in hospitals and railways. The opposition focused on "
        "the rising cost of living and accused ministers of neglecting rural areas. Smaller "
        "parties hoped to benefit from widespread disillusionment with the two main blocs, "
        "which have dominated national politics for decades.",
        "Opinion polls in the final week suggested a close race, with neither of the main "
        "parties likely to win an outright majority. Analysts said a coalition was the most "
        "probable outcome, although negotiations could take weeks or even months. The "
        "president is expected to invite the leader of the largest party to begin talks once "
        "the official results have been certified.",
        "International observers said the vote had been well organised but criticised the "
        "unequal access of candidates to state television. In a preliminary statement, the "
        "observer mission said media coverage had favoured the incumbent, and that campaign "
        "finance rules were poorly enforced. It called on the authorities to publish "
        "detailed results for every polling station."
        " Its final report is due in two months.",
        "Young voters turned out in greater numbers than expected, according to exit polls, and "
        "many said the climate and housing costs were their main concerns. In university "
        "towns, queues stretched around the block for much of the evening. Several candidates "
        "had campaigned heavily on social media platforms, using short videos to reach first-"
        "time voters who rarely watch political debates on television.",
        "The electoral commission said postal votes would be counted on Monday, and that the "
        "final result in some closely fought districts might not be known until later in the "
        "week. Around one in eight voters chose to vote by post, a record. Party officials "
        "said they were confident of their figures but would wait for the count before "
        "making any statement about the outcome.",
        "In his victory speech, the mayor thanked volunteers who had knocked on doors through "
        "the winter and promised to govern for everyone in the city. He said his first "
        "priorities would be bus services, affordable housing and cleaner air. His opponent "
        "conceded defeat shortly after midnight, congratulating him on a hard-fought campaign "
        "and wishing him well in the role."
        " He takes office on Monday.",
        "Parliament will reconvene next month to elect a speaker and approve the new "
        "government's programme. Constitutional experts said the timetable was tight but "
        "achievable, provided the coalition partners agreed on a budget quickly. Several "
        "ministers from the outgoing cabinet are expected to keep their posts, while the "
        "finance ministry could pass to the junior partner."
        " The opposition said it would scrutinise any deal closely and table its own budget "
        "amendments.",
        "The referendum question asked voters whether the voting age should be lowered to "
        "sixteen for local and regional elections. Supporters argued that young people pay "
        "taxes and can work, and should therefore have a say in how their communities are "
        "run. Opponents said sixteen-year-olds were not ready for the responsibility, and "
        "warned that the change would increase the influence of schools.",
        "Candidates spent the final day of the campaign touring marginal seats, where a few "
        "hundred votes could decide the result. The prime minister visited a hospital and a "
        "factory, while the opposition leader held a rally in a sports hall that was filled "
        "well beyond its capacity. Both avoided detailed questions from reporters about "
        "spending plans for the next parliament.",
        "Election law forbids the publication of new opinion polls in the final forty-eight "
        "hours before voting, a rule intended to prevent last-minute manipulation. Critics "
        "say the ban is outdated in an age of social media, where unofficial surveys circulate "
        "widely, and the commission has said it will review the rules. Breaches can lead to "
        "fines of up to fifty thousand euros.",
        "Voters in the north-east, a former industrial heartland, swung strongly towards the "
        "opposition for the first time in a generation. Local campaigners said the closure of "
        "a steelworks last year and cuts to bus routes had left many feeling ignored. In "
        "contrast, the governing party held its ground in the prosperous suburbs around the "
        "capital and in several coastal towns.",
    ),
    "sport": (
        "The visitors took the lead after eleven minutes when their captain rose highest at a "
        "corner and headed into the far corner. The home side responded with a spell of "
        "pressure, hitting the post twice before half-time, but the goalkeeper made a string "
        "of fine saves to keep them out. The crowd of 41,000 grew increasingly restless as the "
        "first half drew to a close.",
        "The manager said afterwards that he was proud of the way his players had responded to "
        "a difficult week, which included two injuries in training and a cup defeat. He "
        "praised the young midfielder, who was making only his third league start, and said "
        "the club would not be rushed into signing players in the transfer window just to "
        "satisfy fans and pundits.",
        "The equaliser came midway through the second half, when the substitute cut in from "
        "the left and curled a shot into the top corner from twenty yards. Moments later the "
        "home side thought they had won it, but the goal was ruled out for offside after a "
        "lengthy review by the video assistant referee. Both sets of players were booked in "
        "the scuffle that followed.",
        "The result leaves the club fourth in the table, two points behind the leaders with a "
        "game in hand. Their next match is a difficult away trip to the reigning champions, "
        "who have not lost at home since August. Supporters have been promised an extra "
        "allocation of tickets after complaints that the away section sold out within minutes "
        "last season.",
        "She completed the course in two hours, nineteen minutes and forty seconds, beating "
        "her previous best by more than a minute despite a strong headwind over the final five "
        "kilometres. The race was held in cold, clear conditions, and thousands of spectators "
        "lined the route along the river. Organisers said more than 18,000 runners had "
        "finished, a record for the event.",
        "The tennis player said she had struggled with a shoulder injury throughout the "
        "autumn and had considered withdrawing from the tournament. After a slow start, she "
        "found her rhythm in the second set and broke serve three times to take the match. "
        "She will face the second seed in the quarter-finals, a player she has beaten only "
        "once in five previous meetings.",
        "Rugby officials confirmed that the stadium roof would be closed for the match after "
        "forecasters warned of heavy rain. Both teams named unchanged sides, with the home "
        "coach keeping faith with the half-back pairing that struggled last weekend. Around "
        "70,000 supporters are expected, and fans were advised to arrive early because of "
        "extra security checks at every entrance."
        " Kick-off is at a quarter to five.",
        "The cycling team announced that its leader would skip the spring classics to focus on "
        "the grand tours, a decision that surprised many observers. Team officials said the "
        "rider needed time to recover fully from a crash in September, in which he broke his "
        "collarbone. He is expected to return to racing at a stage race in Spain in early "
        "March.",
        "The league has introduced new rules on financial sustainability, limiting the amount "
        "clubs can spend on wages to seventy per cent of their revenue. Clubs that break the "
        "rules face fines and, in serious cases, points deductions. Several chairmen have "
        "complained that the rules favour established clubs with large commercial incomes "
        "over ambitious newcomers."
        " The rules will be reviewed at the end of the season, the league said in a statement.",
        "The cricket side collapsed from 180 for two to 231 all out on the third afternoon, "
        "losing eight wickets for fifty-one runs as the ball began to swing under heavy "
        "cloud. The opening bowler took five wickets in a spell of eleven overs, his best "
        "figures in test cricket. The visitors will need to bat for most of the final two "
        "days to save the match.",
        "Ticket prices for the championship have risen by an average of fifteen per cent, "
        "prompting criticism from supporter groups who say that families are being priced "
        "out. The organisers said the increase reflected higher costs for security and "
        "stewarding, and pointed out that a number of discounted tickets would still be "
        "available for children and pensioners."
        " Sales open on the first of March.",
        "The swimmer, who is nineteen, broke the national record in the 200 metres freestyle "
        "at the winter championships, touching the wall in one minute, forty-five seconds. "
        "Her coach said she had made big improvements in her turns over the past year and "
        "was now training twice a day. She is expected to be selected for the world "
        "championships in the summer.",
    ),
    "science": (
        "The researchers followed more than 40,000 adults for an average of eleven years, "
        "recording their diet, physical activity and sleep. Those who walked at least seven "
        "thousand steps a day had a markedly lower risk of heart disease than those who walked "
        "fewer than four thousand. The authors stressed that the study was observational and "
        "could not prove that walking itself caused the difference.",
        "The telescope, which was launched two years ago, observes in infrared light and can "
        "detect the faint glow of galaxies formed only a few hundred million years after the "
        "Big Bang. Astronomers said the new images showed surprisingly mature galaxies, with "
        "more stars and heavier elements than current models predict for such an early "
        "period of cosmic history."
        " The findings were presented at a conference in the United States.",
        "The team used a combination of satellite data and measurements from ocean buoys to "
        "track changes in sea-surface temperature. They found that marine heatwaves have "
        "become longer and more frequent over the past four decades, with serious "
        "consequences for coral reefs, kelp forests and fisheries. Some species have moved "
        "hundreds of kilometres towards the poles."
        " The authors called for more marine protected areas to help ecosystems adapt.",
        "The vaccine produced a strong immune response in more than ninety per cent of "
        "participants in the trial, with side effects that were mostly mild and short-lived, "
        "such as a sore arm and tiredness. Regulators will now review the data, and the "
        "manufacturer hopes the vaccine could be available for older adults before next "
        "winter, subject to approval."
        " The trial involved almost twenty thousand volunteers in nine countries.",
        "Engineers at the university have built a prototype battery that uses sodium instead "
        "of lithium, an element that is far more abundant and cheaper to extract. The battery "
        "stores less energy for its weight than the best lithium cells, but the team said it "
        "could be well suited to storing electricity from wind and solar farms, where weight "
        "matters less than cost.",
        "The fossil was discovered by an amateur collector walking along the beach after a "
        "winter storm had eroded part of the cliff. Palaeontologists said the specimen, a "
        "small marine reptile, was remarkably complete, with much of its skull and spine "
        "preserved. It is thought to be about 185 million years old, and will go on display "
        "at the natural history museum next year.",
        "The mission will carry a small lander to the surface of the Moon, where it will drill "
        "into the regolith and analyse samples for traces of water ice. Scientists believe "
        "that ice in permanently shadowed craters near the south pole could one day supply "
        "drinking water and rocket fuel for astronauts. Launch is scheduled for the autumn, "
        "weather permitting."
        " The agency said the budget for the mission had been approved last month.",
        "The study, published in a leading medical journal, found that the drug reduced the "
        "rate of cognitive decline by about a quarter over eighteen months in patients with "
        "early-stage disease. Independent experts described the result as modest but "
        "meaningful, while cautioning that the treatment requires regular infusions and "
        "careful monitoring for side effects."
        " The drug is not yet licensed, and a decision by regulators is expected later this year.",
        "Volunteers recorded more than two million sightings of birds over a single weekend as "
        "part of the annual garden survey. The house sparrow was the most commonly seen "
        "species for the twentieth year running, although its numbers have fallen by more than "
        "half since the late 1970s. Starlings and blue tits made up the rest of the top "
        "three."
        " Organisers said the number of people taking part had never been higher.",
        "The computer model was trained on forty years of weather observations and can produce "
        "a ten-day forecast in under a minute on a single machine, compared with hours on a "
        "supercomputer for traditional methods. Meteorologists said the approach was "
        "promising but needed more testing, particularly for rare extreme events that are "
        "poorly represented in historical data."
        " The national weather service plans to run both systems side by side for a year.",
        "Archaeologists excavating a site ahead of a new road found the remains of a Roman "
        "villa, including a mosaic floor depicting dolphins and sea creatures. The villa is "
        "thought to have been occupied from the second to the fourth century. Local "
        "volunteers have helped to record the finds, and the road's route is being reviewed "
        "to protect the most significant parts.",
        "The researchers said their findings could help to explain why some people recover "
        "from infection quickly while others develop long-lasting symptoms. They identified "
        "a group of immune cells that remained unusually active months after the illness had "
        "cleared. Further work is needed, they said, to establish whether targeting those "
        "cells could lead to effective treatments."
        " The work was funded by a national research council and a medical charity.",
    ),
}


@dataclass(frozen=True)
class Story:
    """One article's own text: everything except the shared body paragraphs."""

    key: str
    topic: str
    section: str  # "world", "business", "sport", "news"
    slug: str
    title: str
    summary: str
    lede: str  # first paragraph; its first sentence is unique across the site
    authors: tuple[str, ...]
    tags: tuple[str, ...] = ()
    linked: bool = True
    language: str = "en"
    own_paragraphs: tuple[str, ...] = ()  # non-English stories carry their whole body


STORIES: tuple[Story, ...] = (
    Story(
        "gdp", "economy", "business", "economy-grows-unexpectedly-in-november",
        "Economy grows unexpectedly in November as services rebound",
        "Output rose by 0.4 per cent, beating forecasts, as consumers kept spending.",
        "The economy grew by 0.4 per cent in November, official figures showed on Thursday, "
        "easing fears that the country was sliding towards recession. The rebound was led by "
        "hospitality and professional services, while manufacturing output was flat for a "
        "second month. The chancellor said the numbers showed that the government's plan was "
        "working, although opposition politicians said living standards were still squeezed.",
        ("Jane Doe",),
    ),
    Story(
        "rates", "economy", "business", "central-bank-signals-rate-cut-in-spring",
        "Central bank signals first rate cut could come in spring",
        "The governor said falling inflation opened the door to lower borrowing costs.",
        "The governor of the central bank signalled on Tuesday that the first cut in interest "
        "rates for almost two years could come as early as the spring. Speaking to a committee "
        "of MPs, she said inflation had fallen faster than the bank had expected in the "
        "autumn, but warned that the labour market remained tight and that policymakers would "
        "need more evidence before acting.",
        ("John Smith",), ("markets",),
    ),
    Story(
        "grain", "economy", "world", "grain-shipments-resume-from-black-sea-ports",
        "Grain shipments resume from Black Sea ports after winter pause",
        "Dozens of bulk carriers left Odesa in the first week of the year.",
        "Forty-two bulk carriers loaded with wheat and maize left ports near Odesa in the first "
        "week of January, the Ukrainian infrastructure ministry said, the highest weekly total "
        "since the summer. Exporters said insurance premiums for ships entering the Black Sea "
        "had fallen, although they remained several times higher than before the war. Buyers "
        "in Egypt, Spain and China took the largest share of the cargoes.",
        ("Priya Patel", "Marco Rossi"), ("ukraine",),
    ),
    Story(
        "strike", "economy", "business", "rail-workers-accept-pay-offer",
        "Rail workers vote to accept pay offer, ending long dispute",
        "Members backed the deal by a large majority after eighteen months of strikes.",
        "Rail workers have voted by a large majority to accept a pay offer, bringing an end to "
        "a dispute that has disrupted services on and off for eighteen months. The union said "
        "82 per cent of members who took part in the ballot backed the deal. Train operators "
        "said timetables would return to normal from next week, and passengers were thanked "
        "for their patience during the long series of walkouts.",
        ("Amina Okafor",),
    ),
    Story(
        "weather-storm", "weather", "news", "storm-brings-flooding-to-northern-valleys",
        "Storm Isha brings flooding and power cuts to northern valleys",
        "Hundreds of homes were evacuated as rivers burst their banks overnight.",
        "Storm Isha swept across the northern valleys overnight, flooding more than three "
        "hundred homes and forcing the evacuation of a care home as the river burst its banks "
        "shortly after two o'clock in the morning. Emergency services rescued a dozen people "
        "from cars trapped in floodwater, and a major incident was declared in two districts. "
        "No serious injuries have been reported, the police said on Sunday.",
        ("Tom Becker",),
    ),
    Story(
        "weather-cold", "weather", "news", "cold-snap-to-bring-snow-and-ice",
        "Cold snap to bring snow and ice as temperatures plunge",
        "Forecasters warn of the coldest nights of the winter so far.",
        "A cold snap arriving from the Arctic will bring the coldest nights of the winter so "
        "far, with temperatures expected to fall to minus twelve degrees in sheltered glens, "
        "the weather service said on Monday. Amber warnings for snow and ice have been issued "
        "for much of the north, and drivers have been told to avoid unnecessary journeys. "
        "Health officials have asked people to check on elderly relatives and neighbours.",
        ("Jane Doe", "Tom Becker"),
    ),
    Story(
        "weather-sun", "weather", "news", "sunniest-january-on-record-in-the-east",
        "East on course for sunniest January since records began",
        "Some towns have already had more sunshine than in the whole of last January.",
        "Coastal towns in the east are on course for their sunniest January since records "
        "began in 1929, meteorologists said, with clear skies for eleven days in a row. The "
        "dry, bright weather has been a welcome change after a dismal autumn, although it has "
        "come with sharp overnight frosts. Water companies said reservoirs remained healthy "
        "after heavy rain in November and December.",
        ("Priya Patel",), (), False,
    ),
    Story(
        "weather-fog", "weather", "world", "freezing-fog-grounds-flights-across-europe",
        "Freezing fog grounds hundreds of flights across Europe",
        "Airports in Amsterdam, Frankfurt and Paris cancelled departures for a second day.",
        "Freezing fog grounded hundreds of flights at airports across northern Europe for a "
        "second day on Wednesday, leaving thousands of passengers stranded during one of the "
        "busiest travel weeks of the year. Amsterdam's Schiphol cancelled more than a third of "
        "its departures, and delays spread through the network as aircraft and crews ended up "
        "in the wrong places. Visibility fell below fifty metres in places.",
        ("Marco Rossi",),
    ),
    Story(
        "vote-result", "elections", "world", "coalition-talks-after-inconclusive-vote",
        "Coalition talks loom after inconclusive parliamentary vote",
        "No party won a majority, leaving the country facing weeks of negotiation.",
        "No party won an overall majority in Sunday's parliamentary election, leaving the "
        "country facing weeks of coalition negotiations, according to near-complete results "
        "published by the electoral commission. The centre-right alliance finished first with "
        "31 per cent of the vote, four points ahead of the social democrats, while a new "
        "anti-corruption party came third in its first national contest."
        " Turnout was the highest in two decades.",
        ("John Smith", "Amina Okafor"),
    ),
    Story(
        "mayor", "elections", "news", "new-mayor-elected-on-record-turnout",
        "Independent candidate elected mayor on record turnout",
        "The former teacher won by fewer than two thousand votes.",
        "A former secondary school teacher standing as an independent has been elected mayor "
        "of the city by a margin of fewer than two thousand votes, on the highest turnout for "
        "a local election in its history. He overturned a majority that the governing party "
        "had held for almost twenty years, campaigning largely on public transport, "
        "affordable housing and what he called the neglect of outer districts.",
        ("Jane Doe",),
    ),
    Story(
        "ukraine-vote", "elections", "world", "ukraine-debates-wartime-election-rules",
        "Kyiv lawmakers debate how post-war elections could be held",
        "A working group is studying voting for refugees and soldiers at the front.",
        "Members of Ukraine's parliament have begun debating how elections could be organised "
        "once martial law is lifted, with a working group studying how millions of refugees "
        "abroad and soldiers at the front could cast their votes. Officials stressed that no "
        "vote can legally take place while martial law remains in force, and that security "
        "conditions would have to allow observers to monitor the count.",
        ("Marco Rossi",), ("ukraine",),
    ),
    Story(
        "referendum", "elections", "news", "referendum-on-voting-age-rejected",
        "Voters reject lowering the voting age to sixteen",
        "The proposal was defeated by 56 per cent to 44 per cent.",
        "Voters have rejected a proposal to lower the voting age to sixteen for local and "
        "regional elections, with 56 per cent voting against in a referendum on Sunday. The "
        "result was closer than many had predicted, and supporters said they would continue "
        "to campaign for the change. Turnout among the youngest eligible voters was "
        "substantially higher than in last year's general election.",
        ("Priya Patel",), (), False,
    ),
    Story(
        "derby", "sport", "sport", "late-equaliser-earns-point-in-city-derby",
        "Late equaliser earns United a point in city derby",
        "A curling shot from the substitute rescued a draw in front of a sell-out crowd.",
        "A stunning late equaliser from a teenage substitute rescued a point for United in a "
        "fiercely contested city derby on Saturday evening, in front of a sell-out crowd. The "
        "result keeps both clubs in touch with the top of the table but will do little to "
        "settle the argument over which side has the stronger squad. Tempers flared on the "
        "touchline several times during a bruising second half.",
        ("Tom Becker",),
    ),
    Story(
        "marathon", "sport", "sport", "course-record-at-winter-marathon",
        "Course record falls at the winter marathon",
        "The Kenyan runner broke a record that had stood since 2011.",
        "The winter marathon produced its first course record in fourteen years on Sunday, "
        "when a Kenyan runner crossed the line almost a minute inside the previous best in "
        "the women's race. She broke clear of a leading group of six at the thirty-kilometre "
        "mark and was never caught. In the men's race, a late sprint decided the winner after "
        "more than two hours of tactical running.",
        ("Amina Okafor",),
    ),
    Story(
        "tennis", "sport", "sport", "comeback-win-sends-qualifier-into-last-eight",
        "Comeback win sends qualifier into the last eight",
        "The world number 112 came from a set down to reach the quarter-finals.",
        "A qualifier ranked 112th in the world came from a set and a break down to reach the "
        "quarter-finals of a tournament for the first time in her career on Tuesday. She "
        "saved two match points in the second set before taking control of the rallies with "
        "her forehand. Afterwards she said she had almost given up the sport last year "
        "because of injuries and the cost of travelling to tournaments.",
        ("John Smith",),
    ),
    Story(
        "cricket", "sport", "sport", "visitors-collapse-on-third-day",
        "Visitors collapse on third day as seamers take control",
        "Eight wickets fell for fifty-one runs under heavy cloud.",
        "The visiting side suffered a dramatic collapse on the third day of the second test, "
        "losing eight wickets in the afternoon session to leave the hosts firmly in control "
        "of the match and the series. Heavy cloud rolled in after lunch, and the home seamers "
        "made full use of the conditions. The visitors' coach said his batters had been "
        "undone by high-quality bowling rather than poor shots.",
        ("Jane Doe",), (), False,
    ),
    Story(
        "steps", "science", "news", "walking-seven-thousand-steps-cuts-heart-risk",
        "Walking seven thousand steps a day linked to lower heart risk",
        "A large study followed more than 40,000 adults for over a decade.",
        "Walking around seven thousand steps a day is linked to a substantially lower risk of "
        "heart disease and early death, according to one of the largest studies of its kind, "
        "published on Wednesday. The benefit appeared to level off at around ten thousand "
        "steps, suggesting that the popular target may be more than most people need. The "
        "findings apply to adults of all ages, the researchers said.",
        ("Priya Patel",),
    ),
    Story(
        "galaxies", "science", "news", "telescope-finds-surprisingly-mature-galaxies",
        "Space telescope finds surprisingly mature early galaxies",
        "Astronomers say the images challenge models of how galaxies formed.",
        "Astronomers using the James Webb Space Telescope have found a group of galaxies that "
        "appear far more mature than they should be, given that they existed only about five "
        "hundred million years after the Big Bang. The discovery, reported in the journal "
        "Nature, adds to a growing body of evidence that galaxies formed and grew faster in "
        "the early universe than scientists had thought.",
        ("Marco Rossi",),
    ),
    Story(
        "battery", "science", "business", "sodium-battery-prototype-unveiled",
        "University unveils sodium battery for storing wind and solar power",
        "The cells use cheap, abundant materials instead of lithium.",
        "A university spin-out company has unveiled a prototype sodium-ion battery that it "
        "says could cut the cost of storing renewable electricity by a third, using materials "
        "that are cheap and widely available. The company plans to build a pilot factory next "
        "year and has signed an agreement with an energy firm to test the batteries at a wind "
        "farm on the coast. Investors have put in twelve million pounds.",
        ("Amina Okafor", "Tom Becker"), ("energy",),
    ),
    Story(
        "fossil", "science", "news", "storm-uncovers-jurassic-sea-reptile",
        "Winter storm uncovers Jurassic sea reptile on the beach",
        "An amateur collector spotted the skull poking out of a fallen boulder.",
        "An amateur fossil hunter walking his dog after a winter storm has discovered the "
        "near-complete skeleton of a Jurassic sea reptile on a beach beneath crumbling clay "
        "cliffs. He noticed a row of teeth protruding from a boulder that had fallen overnight "
        "and called the local museum. A team spent three days carefully extracting the rock "
        "before the next high tide could wash it away.",
        ("John Smith",),
    ),
    Story(
        "vaccine", "science", "news", "rsv-vaccine-trial-shows-strong-response",
        "Vaccine trial shows strong protection for older adults",
        "More than ninety per cent of participants produced a strong immune response.",
        "A new vaccine against respiratory syncytial virus produced strong protection in a "
        "large trial of adults over sixty, the manufacturer said on Friday, raising hopes of "
        "cutting winter hospital admissions among older people. The virus causes coughs and "
        "colds in most people but can lead to pneumonia in the very young and the elderly. "
        "Full results will be presented at a medical conference in March.",
        ("Jane Doe",), (), False,
    ),
    Story(
        "de-bahn", "economy", "business", "bahn-streik-beendet",
        "Tarifeinigung bei der Bahn: Streiks vorerst beendet",
        "Die Gewerkschaft und der Konzern haben sich nach monatelangem Streit geeinigt.",
        "Nach monatelangem Tarifstreit haben sich die Lokführergewerkschaft und die Deutsche "
        "Bahn in der Nacht zum Mittwoch auf einen neuen Tarifvertrag geeinigt. Damit sind "
        "weitere Streiks im Personenverkehr vorerst vom Tisch, wie beide Seiten am Morgen in "
        "Berlin mitteilten. Pendler und Reisende hatten in den vergangenen Wochen immer wieder "
        "mit Zugausfällen, überfüllten Bahnsteigen und langen Wartezeiten zu kämpfen."
        " Die Einigung kam überraschend schnell.",
        ("Anna Schmidt",), (), True, "de",
        (
            "Der Vertrag sieht eine stufenweise Erhöhung der Löhne um insgesamt 420 Euro im "
            "Monat vor, verteilt auf eine Laufzeit von sechsundzwanzig Monaten. Außerdem "
            "erhalten die Beschäftigten eine einmalige Inflationsausgleichsprämie von "
            "zweitausendachthundertfünfzig Euro. Die Wochenarbeitszeit für Schichtarbeiter "
            "soll bis zum Jahr 2029 schrittweise von achtunddreißig auf fünfunddreißig Stunden "
            "sinken, allerdings nur für diejenigen, die das ausdrücklich wünschen."
            " Wer mehr arbeitet, soll auch mehr verdienen.",
            "Der Personalvorstand der Bahn sprach von einem schmerzhaften, aber tragfähigen "
            "Kompromiss. Das Unternehmen müsse nun zusätzliches Personal einstellen, um die "
            "kürzeren Arbeitszeiten auszugleichen, sagte er bei einer Pressekonferenz. Schon "
            "heute fehlten in vielen Regionen Lokführer und Fahrdienstleiter, weshalb die "
            "Bahn ihre Ausbildungsprogramme in diesem Jahr deutlich ausweiten wolle. Die "
            "Kosten des Abschlusses bezifferte er auf mehrere hundert Millionen Euro jährlich.",
            "Fahrgastverbände begrüßten die Einigung, forderten aber zugleich eine bessere "
            "Entschädigung für die Kunden. Viele Pendler hätten in den vergangenen Monaten "
            "auf das Auto umsteigen oder sich kurzfristig freinehmen müssen, hieß es. Zudem "
            "müsse die Bahn endlich pünktlicher werden: Im vergangenen Jahr kam nur knapp "
            "zwei Drittel der Fernzüge ohne nennenswerte Verspätung ans Ziel, so wenig wie "
            "seit vielen Jahren nicht mehr.",
            "Auch in der Politik war die Erleichterung groß. Der Verkehrsminister erklärte, "
            "die Einigung sei ein gutes Signal für die Wirtschaft, die unter den Ausfällen im "
            "Güterverkehr gelitten habe. Mehrere Industrieverbände hatten gewarnt, dass "
            "Lieferketten durch die wiederholten Streiks empfindlich gestört würden. Die "
            "Opposition forderte dagegen eine grundsätzliche Reform des Streikrechts in der "
            "kritischen Infrastruktur, was die Gewerkschaften entschieden ablehnen."
            " Eine Mehrheit dafür ist nicht in Sicht.",
            "Der neue Tarifvertrag soll rückwirkend zum ersten Januar gelten. Die Mitglieder "
            "der Gewerkschaft müssen dem Ergebnis noch in einer Urabstimmung zustimmen, die "
            "in den kommenden vier Wochen stattfinden soll. Eine Zustimmung gilt jedoch als "
            "sicher, da die Tarifkommission den Kompromiss einstimmig empfohlen hat. Bis zum "
            "Ende der Laufzeit gilt eine Friedenspflicht, in der keine Arbeitskämpfe erlaubt "
            "sind."
            " Danach beginnen neue Verhandlungen.",
        ),
    ),
    Story(
        "de-hochwasser", "weather", "world", "hochwasser-in-niedersachsen",
        "Hochwasser in Niedersachsen: Deiche unter Druck",
        "Nach tagelangem Regen kämpfen Helfer entlang der Flüsse gegen die Fluten.",
        "Nach tagelangem Dauerregen kämpfen in Niedersachsen tausende Einsatzkräfte gegen das "
        "Hochwasser an mehreren Flüssen, während die Pegelstände vielerorts weiter steigen. "
        "In einigen Gemeinden an der Aller und der Weser wurden Straßen gesperrt und "
        "Anwohner aufgefordert, ihre Keller zu räumen. Der Ministerpräsident besuchte am "
        "Sonntag die betroffenen Gebiete und dankte den vielen freiwilligen Helfern."
        " Für mehrere Landkreise gilt weiterhin die höchste Warnstufe.",
        ("Lukas Weber",), (), True, "de",
        (
            "Feuerwehr, Technisches Hilfswerk und Bundeswehr sind seit Tagen im Dauereinsatz. "
            "Sie füllen Sandsäcke, verstärken aufgeweichte Deiche und pumpen Wasser aus "
            "überfluteten Kellern. Besonders kritisch sei die Lage an älteren Deichen, die "
            "durch den anhaltenden Druck des Wassers durchweicht seien, sagte ein Sprecher des "
            "Landkreises. Man beobachte die Schutzanlagen rund um die Uhr und sei auf eine "
            "Evakuierung weiterer Ortsteile vorbereitet.",
            "Der Deutsche Wetterdienst rechnet erst zur Mitte der Woche mit einer Entspannung. "
            "Bis dahin könnten in den Mittelgebirgen noch einmal bis zu vierzig Liter Regen "
            "pro Quadratmeter fallen, hieß es in der aktuellen Vorhersage. Weil die Böden "
            "vollständig gesättigt sind, fließt das Wasser fast ungebremst in die Bäche und "
            "Flüsse ab. Meteorologen sprechen von einer ungewöhnlich langen und nassen "
            "Wetterlage für diese Jahreszeit.",
            "In mehreren Dörfern haben Bewohner ihre Häuser vorsorglich verlassen und sind bei "
            "Verwandten oder in Notunterkünften untergekommen. Turnhallen und Gemeindehäuser "
            "wurden mit Feldbetten ausgestattet, ehrenamtliche Helfer verteilen warme Mahlzeiten "
            "und Getränke. Viele Landwirte brachten ihr Vieh auf höher gelegene Weiden. Die "
            "Solidarität in der Region sei enorm, sagte eine Bürgermeisterin, die seit drei "
            "Nächten kaum geschlafen hat."
            " Die Lage bleibt angespannt.",
            "Die Landesregierung kündigte schnelle und unbürokratische Hilfen für Betroffene "
            "an. Ein Soforthilfeprogramm soll Haushalte unterstützen, deren Wohnungen durch das "
            "Wasser unbewohnbar geworden sind. Zugleich wird erneut über den Hochwasserschutz "
            "diskutiert: Umweltverbände fordern, den Flüssen mehr Raum zu geben und "
            "Überschwemmungsflächen zu renaturieren, statt immer höhere Deiche zu bauen."
            " Der Landtag will sich in der kommenden Woche in einer Sondersitzung mit dem "
            "Hochwasser und seinen Folgen befassen.",
        ),
    ),
    Story(
        "fr-neige", "weather", "world", "la-neige-paralyse-le-sud-est",
        "La neige paralyse une partie du Sud-Est",
        "Des milliers d'automobilistes ont passé la nuit bloqués sur les routes.",
        "D'importantes chutes de neige ont paralysé mardi une grande partie du Sud-Est, où des "
        "milliers d'automobilistes sont restés bloqués pendant plusieurs heures sur les routes "
        "et les autoroutes de la vallée du Rhône. Près de quarante mille foyers étaient privés "
        "d'électricité en fin de journée, selon le gestionnaire du réseau. La préfecture a "
        "ouvert des gymnases pour accueillir les personnes qui ne pouvaient pas rentrer chez "
        "elles.",
        ("Claire Martin",), (), True, "fr",
        (
            "Selon Météo-France, il est tombé jusqu'à trente centimètres de neige en quelques "
            "heures dans certaines communes de la Drôme et de l'Ardèche, un phénomène rare à "
            "si basse altitude. L'épisode était pourtant annoncé depuis plusieurs jours, et "
            "une vigilance orange avait été déclenchée pour sept départements. Les services "
            "de déneigement, rapidement débordés, n'ont pas pu dégager à temps les axes "
            "principaux avant l'heure de pointe du soir.",
            "Sur l'autoroute, des poids lourds se sont mis en travers de la chaussée, bloquant "
            "la circulation dans les deux sens. Des bénévoles de la Croix-Rouge ont distribué "
            "des couvertures, de l'eau et des repas chauds aux automobilistes immobilisés. "
            "Certains ont raconté avoir attendu plus de dix heures dans leur voiture, sans "
            "information sur la durée probable de leur attente, avec des enfants en bas âge.",
            "Le ministre de l'Intérieur s'est rendu sur place mercredi matin et a promis un "
            "retour d'expérience pour comprendre pourquoi les moyens n'avaient pas été "
            "déployés plus tôt. Plusieurs élus locaux ont dénoncé un manque d'anticipation "
            "et réclamé davantage de saleuses pour les routes départementales. Les "
            "sociétés d'autoroute assurent de leur côté avoir respecté leurs procédures."
            " Une réunion de crise doit se tenir en préfecture jeudi matin.",
            "La circulation des trains a également été fortement perturbée, avec de nombreux "
            "TER supprimés et des TGV circulant à vitesse réduite entre Lyon et Marseille. La "
            "SNCF a conseillé aux voyageurs de reporter leurs déplacements non essentiels. "
            "Les écoles de plusieurs communes sont restées fermées mercredi, et les "
            "transports scolaires ont été suspendus jusqu'à nouvel ordre dans trois "
            "départements."
            " Le trafic devrait revenir à la normale jeudi.",
        ),
    ),
)

# special pages that are articles but not part of FixtureSite.articles
PRIVATE_STORY = Story(
    "private", "economy", "business", "secret-article",
    "Members only: inside the boardroom battle",
    "An exclusive for subscribers.",
    "This members-only report on the boardroom battle must never be fetched by a polite "
    "crawler, because the site's robots file forbids every path under the private folder. "
    "Directors clashed for hours over the future of the chief executive, according to three "
    "people familiar with the meeting, before agreeing to commission an independent review "
    "of the company's strategy and its handling of a string of recent profit warnings.",
    ("Jane Doe",),
)

SLOW_STORY = Story(
    "slow", "elections", "news", "slow",
    "Live: results come in from the regional elections",
    "Follow the count as it happens.",
    "Results from the regional elections are arriving slowly tonight, because the count in "
    "several rural districts was delayed by snow that blocked roads to the counting centres. "
    "Officials expect the first declarations well after midnight and the final seat totals "
    "by breakfast, although recounts have already been requested in two wards where fewer "
    "than twenty votes separate the leading candidates.",
    ("John Smith",),
)

# site furniture, in each language
FURNITURE: dict[str, dict[str, str]] = {
    "en": {"by": "By", "and": "and", "related": "Related News", "comments": "Comments",
           "limit": "Maximum 200 characters", "post": "Post comment", "share": "Share this story",
           "published": "Published", "leave": "Leave a comment",
           "date": "%d %B %Y, %H:%M UTC"},
    "de": {"by": "Von", "and": "und", "related": "Mehr zum Thema", "comments": "Kommentare",
           "limit": "Maximal 200 Zeichen", "post": "Kommentar senden", "share": "Artikel teilen",
           "published": "Veröffentlicht", "leave": "Schreiben Sie einen Kommentar",
           "date": "%d.%m.%Y, %H:%M Uhr"},
    "fr": {"by": "Par", "and": "et", "related": "Lire aussi", "comments": "Commentaires",
           "limit": "200 caractères maximum", "post": "Publier", "share": "Partager cet article",
           "published": "Publié le", "leave": "Laissez un commentaire",
           "date": "%d/%m/%Y à %Hh%M"},
}
