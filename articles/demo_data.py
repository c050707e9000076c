"""The demo newsroom: Port Aldery, a fictional harbour city on the fictional Kestrel Coast.

Everything here is invented for the demo and written for it; `manage.py load_demo` turns it into rows.
Times are relative to the moment the demo is loaded: `ago` (hours before) for published articles,
`in_minutes` for scheduled ones.
"""

from html import escape

AGENCY = "Coastal Press Agency"


def P(text):
    return f"<p>{escape(text, quote=False)}</p>"


def LEAD(text):
    return f'<p class="lead">{escape(text, quote=False)}</p>'


def H(text):
    return f"<h2>{escape(text, quote=False)}</h2>"


def Q(text, who):
    return f"<blockquote><p>{escape(text, quote=False)}</p><p>— {escape(who, quote=False)}</p></blockquote>"


def UL(*items):
    return "<ul>" + "".join(f"<li>{escape(item, quote=False)}</li>" for item in items) + "</ul>"


def TABLE(header, *rows):
    """A table as the body's editor writes one: header cells first, each cell's text a paragraph."""

    def row(cells, tag):
        return "<tr>" + "".join(f"<{tag}><p>{escape(c, quote=False)}</p></{tag}>" for c in cells) + "</tr>"

    body = row(header, "th") + "".join(row(cells, "td") for cells in rows)
    return f"<table><tbody>{body}</tbody></table>"


def OL(*items):
    return "<ol>" + "".join(f"<li>{escape(item, quote=False)}</li>" for item in items) + "</ol>"


SECTIONS = [
    ("city", "City", "Council decisions, transport, housing and the neighbourhoods of Port Aldery."),
    (
        "harbour",
        "Harbour & Business",
        "The port, the fishing fleet, the shipyards and the jobs that depend on them.",
    ),
    (
        "environment",
        "Environment",
        "Tides, storms, the river Aller and the wildlife that shares the Kestrel Coast with us.",
    ),
    ("culture", "Culture", "Music, theatre, museums, books and the festivals that fill the Old Quay."),
    ("sport", "Sport", "The Gulls, the Aller regatta and the clubs that keep the coast moving."),
]

TAGS = {
    "ferries": "Ferries",
    "housing": "Housing",
    "council-budget": "Council budget",
    "north-basin": "North Basin",
    "fishing": "Fishing",
    "storms": "Storms",
    "wind-power": "Wind power",
    "river-aller": "River Aller",
    "lantern-night": "Lantern Night",
    "theatre": "Theatre",
    "the-gulls": "The Gulls",
    "regatta": "Regatta",
    "cycling": "Cycling",
    "schools": "Schools",
    "gull-holm": "Gull Holm",
}

# slug: (name, kind, job title, bio, x, mastodon, bluesky, portrait colour)
AUTHORS = {
    "marta-quillon": (
        "Marta Quillon",
        "staff",
        "City Hall reporter",
        "Marta has covered the council chamber for six years and has sat through every budget night since. "
        "She grew up above a chandlery on the Old Quay and still cycles to work along the sea wall.",
        "martaquillon",
        "@marta@mastodon.social",
        "mquillon.bsky.social",
        (188, 92, 70),
    ),
    "idris-okafor": (
        "Idris Okafor",
        "staff",
        "Harbour and business correspondent",
        "Idris writes about the port, the fleet and the money that moves through both. Before journalism "
        "he spent four years as a deckhand on the Gull Holm ferry.",
        "idris_okafor",
        "",
        "idrisokafor.bsky.social",
        (52, 104, 150),
    ),
    "helena-brandt": (
        "Helena Brandt",
        "staff",
        "Environment editor",
        "Helena follows the tides, the weather and the long argument about the sea wall. She keeps a tide "
        "table on her desk and a pair of binoculars in her bag.",
        "",
        "@hbrandt@mastodon.social",
        "helenabrandt.bsky.social",
        (64, 132, 96),
    ),
    "sunniva-lark": (
        "Sunniva Lark",
        "staff",
        "Data and transport reporter",
        "Sunniva turns timetables, planning files and traffic counts into stories. Ask her about bus "
        "punctuality at your own risk.",
        "sunnivalark",
        "",
        "",
        (120, 84, 160),
    ),
    "tomas-whitlock": (
        "Tomás Whitlock",
        "contributor",
        "Arts critic",
        "Tomás reviews theatre, music and exhibitions for the paper and teaches drama at the Kestrel Coast "
        "College. He has seen every Lantern Night since 1998.",
        "",
        "@tomas@mastodon.social",
        "",
        (170, 130, 50),
    ),
    "aoife-calder": (
        "Aoife Calder",
        "contributor",
        "Sports writer",
        "Aoife reports on the Gulls, rowing and open-water swimming. She rowed in the Aller regatta for "
        "eleven years and now watches it from the press boat.",
        "aoifecalder",
        "",
        "aoifecalder.bsky.social",
        (40, 140, 150),
    ),
    "coastal-press-agency": (
        AGENCY,
        "agency",
        "Wire service",
        "Coastal Press Agency is the news wire of the Kestrel Coast, supplying reports, photographs and "
        "data to newspapers and broadcasters along the shore.",
        "coastalpress",
        "",
        "",
        (30, 50, 80),
    ),
}

# Each article: slug, headline, section, authors (byline order), dek, tags, state, when, lead image
# (motif, caption, alt text), body blocks, and optionally source credit, related slugs, flags, correction.
ARTICLES = [
    {
        "slug": "storm-surge-closes-north-basin",
        "headline": "Storm surge closes the North Basin for the first time in nine years",
        "section": "harbour",
        "authors": ["coastal-press-agency", "idris-okafor"],
        "dek": "Harbour officials shut the container berths overnight as the tide rose over the quay edge; "
        "ships were told to stay at anchor off Gull Holm.",
        "tags": ["north-basin", "storms"],
        "state": "published",
        "ago": 1,
        "breaking": True,
        "featured": True,
        "source_credit": "With reporting by Coastal Press Agency",
        "image": (
            "storm",
            "Waves break over the North Basin quay late on Tuesday night.",
            "A stylised stormy harbour with dark waves, slanting rain and a container crane.",
        ),
        "related": [
            "tide-gauges-highest-water",
            "sea-wall-repairs-where-the-money-goes",
            "container-terminal-strike-called-off",
        ],
        "body": [
            LEAD(
                "Port Aldery closed the North Basin to shipping late on Tuesday after a storm surge pushed "
                "the evening tide over the edge of the container quay, the first full closure of the "
                "basin since the winter of 2016."
            ),
            P(
                "Crane drivers were sent home shortly before ten o'clock, and the three vessels waiting to "
                "berth were told to hold position in the sheltered water east of Gull Holm."
            ),
            Q(
                "We would rather lose a night of work than lose a crane. The quay will reopen when the "
                "engineers have walked every metre of it.",
                "Harbour master Orla Penhallow, speaking to Coastal Press Agency",
            ),
            H("What happens next"),
            P(
                "Engineers were due to inspect the quay surface and the drainage channels at first light. "
                "The port authority said most cargo would be delayed by a day rather than diverted."
            ),
            UL(
                "The ferry to Gull Holm is suspended until the afternoon sailing.",
                "Saltgate Road is closed between the fish market and the lifeboat station.",
                "The council has opened the Brackwater sports hall for anyone who cannot stay at home.",
            ),
        ],
    },
    {
        "slug": "night-ferry-to-gull-holm-trial",
        "headline": "Council backs a night ferry to Gull Holm for a one-year trial",
        "section": "city",
        "authors": ["marta-quillon"],
        "dek": "Islanders have asked for a late boat for a decade. From spring, one will leave the Old Quay "
        "at 23:30 on Fridays and Saturdays.",
        "tags": ["ferries", "gull-holm", "council-budget"],
        "state": "published",
        "ago": 5,
        "featured": True,
        "image": (
            "ferry",
            "The Gull Holm ferry leaves the Old Quay at dusk.",
            "An illustration of a small ferry crossing a calm harbour under an orange evening sky.",
        ),
        "related": ["aldery-ferries-orders-electric-boats", "mayor-winter-transport-plan"],
        "body": [
            LEAD(
                "Islanders on Gull Holm will be able to stay in the city for a late meal or a show from "
                "next spring, after councillors voted to pay for a night ferry on a one-year trial."
            ),
            P(
                "The transport committee approved the plan by nine votes to two on Wednesday evening. The "
                "boat will leave the Old Quay at 23:30 on Fridays and Saturdays and return empty, with a "
                "second crossing added in summer if demand holds."
            ),
            P(
                "About 1,400 people live on the island. A petition asking for a later sailing gathered more "
                "than 900 signatures last year, most of them from the island's two villages."
            ),
            H("Who pays"),
            P(
                "The trial will cost the city a little under 180,000 a year once fares are counted. Aldery "
                "Ferries will run the service with its existing crew rota and one extra deckhand."
            ),
            Q(
                "Young people leave the island because the last boat leaves at nine. This is a small thing "
                "that says: you can live here and still have a life in town.",
                "Councillor Bea Tremayne, who represents Gull Holm",
            ),
            P(
                "The two councillors who voted against said the money would be better spent on the bus "
                "routes that serve the estates on Tanner's Hill."
            ),
        ],
    },
    {
        "slug": "tide-gauges-highest-water",
        "headline": "Tide gauges at Saltgate record the highest water in a decade",
        "section": "environment",
        "authors": ["helena-brandt"],
        "dek": "The gauge by the lifeboat station read 4.31 metres above chart datum, eleven centimetres "
        "higher than anything measured since it was installed.",
        "tags": ["storms", "river-aller"],
        "state": "published",
        "ago": 8,
        "image": (
            "tide",
            "The tide gauge at Saltgate, with the lifeboat station behind it.",
            "A graphic of a tide gauge post rising out of grey water, with a chart line climbing.",
        ),
        "related": ["storm-surge-closes-north-basin", "sea-wall-repairs-where-the-money-goes"],
        "body": [
            LEAD(
                "Tuesday night's surge was the highest water recorded at Saltgate since the tide gauge "
                "there was put in, according to readings published by the harbour authority on "
                "Wednesday."
            ),
            P(
                "The gauge peaked at 4.31 metres above chart datum at 22:40, eleven centimetres above the "
                "previous record. Strong south-westerly winds held back the ebb, and the river Aller, "
                "already high after a wet fortnight, had nowhere to drain."
            ),
            H("Why the river matters"),
            P(
                "When the Aller is in flood and the tide is high, the water meets at the Narrows and backs "
                "up into the low streets of Brackwater. Residents there reported water at their doorsteps "
                "but no homes flooded."
            ),
            P(
                "Hydrologists at Kestrel Coast University said one reading did not make a trend, but that "
                "the four highest readings on record had all come in the last seven years."
            ),
        ],
    },
    {
        "slug": "tanners-hill-school-street-vote",
        "headline": "Tanner's Hill parents vote on a car-free school street",
        "section": "city",
        "authors": ["sunniva-lark"],
        "dek": "If the ballot passes, Kiln Lane will close to traffic for forty minutes at the start and "
        "end of each school day.",
        "tags": ["schools", "cycling"],
        "state": "published",
        "ago": 26,
        "image": (
            "street",
            "Kiln Lane at the start of the school day.",
            "An illustration of a narrow street with painted bicycle symbols and a school gate.",
        ),
        "related": ["saltgate-road-cycle-lane-opens"],
        "body": [
            LEAD(
                "Families at Kiln Lane Primary have until Friday to vote on whether the street outside the "
                "school should close to cars at drop-off and pick-up times."
            ),
            P(
                "Traffic counts taken by the council in October found 212 vehicles using the lane between "
                "8:15 and 8:55 on an average weekday, most of them dropping off children within sight of the "
                "gate."
            ),
            H("How it would work"),
            UL(
                "Planters and a folding barrier at each end of the lane, staffed by volunteers.",
                "Residents and blue badge holders can still drive in and out.",
                "A six-month trial, with new traffic counts before the council decides to keep it.",
            ),
            P(
                "The head teacher, Gwen Ashdown, said she would stay neutral until the result was in, but "
                "that the playground supervisors had asked for something to be done for years."
            ),
        ],
    },
    {
        "slug": "fish-market-dawn-auction-online",
        "headline": "Fish market moves its dawn auction online after a record season",
        "section": "harbour",
        "authors": ["idris-okafor"],
        "dek": "Buyers in inland towns will be able to bid on the morning's catch from their phones; the "
        "auctioneers will keep calling the lots on the quay.",
        "tags": ["fishing"],
        "state": "published",
        "ago": 50,
        "featured": True,
        "image": (
            "market",
            "Crates of the morning's catch on the market floor.",
            "A bright illustration of stacked fish crates under a market hall roof at sunrise.",
        ),
        "related": ["port-levy-small-boat-owners"],
        "body": [
            LEAD(
                "The Port Aldery fish market will run its five o'clock auction online as well as on the "
                "quay from next month, after the busiest landing season in its records."
            ),
            P(
                "Boats landed just over 8,000 tonnes at the market this year, most of it mackerel, crab and "
                "hake. The market's cooperative says buyers from inland towns had been asking for a way to "
                "bid without sending someone to the coast overnight."
            ),
            Q(
                "The shout stays. The lots will be called on the floor the way my grandfather called them; "
                "there will just be more hands in the air, some of them on a screen.",
                "Auctioneer Davy Rourke",
            ),
            H("What changes for the boats"),
            P(
                "Skippers will be paid the same day instead of at the end of the week, the cooperative said, "
                "because the online system settles bids on the spot."
            ),
        ],
    },
    {
        "slug": "lantern-night-new-route",
        "headline": "Lantern Night returns to the Old Quay with a new route along the water",
        "section": "culture",
        "authors": ["tomas-whitlock"],
        "dek": "The procession will follow the harbour wall for the first time, ending with boats carrying "
        "lanterns out to the mouth of the Aller.",
        "tags": ["lantern-night"],
        "state": "published",
        "ago": 62,
        "featured": True,
        "image": (
            "lanterns",
            "Lanterns on the water at the mouth of the Aller, at the end of last year's Lantern Night.",
            "An illustration of glowing paper lanterns reflected in dark water.",
        ),
        "related": ["ropewalk-museum-opens", "harbour-playhouse-ushers-play"],
        "body": [
            LEAD(
                "Lantern Night, the city's oldest winter festival, will take a new route this year: along "
                "the harbour wall from the Ropewalk to the lifeboat station, and then out onto the water."
            ),
            P(
                "Organisers said the old route through the narrow streets behind the Old Quay had become too "
                "crowded, with more than 20,000 people turning out last year."
            ),
            H("The lanterns"),
            P(
                "Schools across the city have been making lanterns since September in workshops under the "
                "Ropewalk. This year's theme is the island, and many of the designs are seabirds, boats and "
                "lighthouses."
            ),
            OL(
                "18:00 Lanterns gather at the Ropewalk.",
                "18:30 The procession sets off along the harbour wall.",
                "19:15 Twelve boats carry lanterns out to the mouth of the Aller.",
                "19:45 Music on the fish market steps.",
            ),
        ],
    },
    {
        "slug": "gulls-climb-to-third",
        "headline": "The Gulls climb to third after a late header at Brackwater Road",
        "section": "sport",
        "authors": ["aoife-calder"],
        "dek": "Captain Ruairi Penn rose highest from a corner in the 88th minute to beat Saltmarsh Town "
        "2–1 in front of a sold-out crowd.",
        "tags": ["the-gulls"],
        "state": "published",
        "ago": 75,
        "image": (
            "pitch",
            "Brackwater Road under the floodlights.",
            "An illustration of a football pitch from above, with striped grass and floodlights.",
        ),
        "related": ["gulls-coast-derby-preview"],
        "body": [
            LEAD(
                "Aldery Harbour FC moved into the promotion places on Saturday as Ruairi Penn's late header "
                "gave the Gulls a 2–1 win over Saltmarsh Town at Brackwater Road."
            ),
            P(
                "The visitors had led at half-time through a deflected shot, but the home side were level "
                "within ten minutes of the restart when Kit Ferreira finished a move that began with the "
                "goalkeeper."
            ),
            H("A captain's goal"),
            P(
                "With two minutes left, Penn met Ferreira's corner at the near post and glanced it into the "
                "far corner. The ground's 4,800 seats were sold out for the first time this season."
            ),
            P(
                "The Gulls are third, two points behind the leaders, with the coast derby against Kestrel "
                "Rovers next."
            ),
        ],
    },
    {
        "slug": "skerry-bank-first-power",
        "headline": "Skerry Bank wind farm sends its first power ashore",
        "section": "environment",
        "authors": ["helena-brandt", "coastal-press-agency"],
        "dek": "Six of the forty turbines are now turning. When all are running, the farm will make about "
        "as much electricity as the whole Kestrel Coast uses in a year.",
        "tags": ["wind-power"],
        "state": "published",
        "ago": 98,
        "source_credit": "With reporting by Coastal Press Agency",
        "image": (
            "wind",
            "Turbines on Skerry Bank, seen from the Gull Holm ferry.",
            "An illustration of white wind turbines standing in a blue-green sea under a pale sky.",
        ),
        "related": ["aldery-ferries-orders-electric-boats", "shipyard-forty-apprentices"],
        "body": [
            LEAD(
                "The first electricity from the Skerry Bank wind farm reached the grid on Monday, three "
                "years after work began on the foundations eighteen kilometres off the coast."
            ),
            P(
                "Six turbines are now turning, and the operator expects the remaining thirty-four to be "
                "connected in stages over the winter."
            ),
            Q(
                "The first megawatt-hour is a small number with a big story behind it. Most of the people "
                "who built this live within twenty miles of the cable landing.",
                "Project director Amrit Sole, in a statement to Coastal Press Agency",
            ),
            H("Jobs on shore"),
            P(
                "The maintenance base in the North Basin employs 64 people, and the shipyard on the Narrows "
                "has won the contract for the two service vessels that will carry technicians out to the "
                "turbines."
            ),
        ],
    },
    {
        "slug": "budget-draft-potholes-tram-study",
        "headline": "Budget draft puts 4.2 million into pothole repairs and nothing into the tram study",
        "section": "city",
        "authors": ["marta-quillon"],
        "dek": "The council's finance chief says roads come first this year. Campaigners for a harbour tram "
        "say the city is putting off a decision it will have to make anyway.",
        "tags": ["council-budget"],
        "state": "published",
        "ago": 122,
        "image": (
            "chart",
            "The council's draft budget, by department.",
            "A bar chart illustration in warm colours with one tall bar standing out.",
        ),
        "related": ["mayor-winter-transport-plan", "night-ferry-to-gull-holm-trial"],
        "body": [
            LEAD(
                "Port Aldery's draft budget for next year sets aside 4.2 million for road repairs, the "
                "largest sum in a decade, and drops the feasibility study for a harbour tram."
            ),
            P(
                "Councillor Ellis Marchbank, who holds the finance brief, told the budget committee that the "
                "city had received more than 3,000 pothole reports since January."
            ),
            H("Where the money goes"),
            TABLE(
                ("Spending", "This year", "Next year (draft)"),
                ("Road and pavement repairs", "2.7 million", "4.2 million"),
                ("Sea wall at Saltgate, on top of national funding", "0.8 million", "1.1 million"),
                ("Libraries, including longer opening hours", "0.5 million", "0.6 million"),
                ("Harbour tram feasibility study", "0.4 million", "nothing"),
            ),
            P("The draft goes to a public consultation before the final vote in February."),
        ],
    },
    {
        "slug": "shipyard-forty-apprentices",
        "headline": "Shipyard on the Narrows takes on forty apprentices",
        "section": "harbour",
        "authors": ["idris-okafor"],
        "dek": "The largest intake in the yard's history follows the contract to build two service vessels "
        "for the Skerry Bank wind farm.",
        "tags": ["wind-power"],
        "state": "published",
        "ago": 146,
        "image": (
            "shipyard",
            "A hull takes shape in the covered dock on the Narrows.",
            "An illustration of a ship's hull on a slipway with a gantry crane above it.",
        ),
        "related": ["skerry-bank-first-power"],
        "body": [
            LEAD(
                "Narrows Marine has taken on forty apprentices this autumn, the largest intake the "
                "shipyard has ever had."
            ),
            P(
                "The new starters will train as welders, electricians and fitters over four years, spending "
                "two days a week at the Kestrel Coast College."
            ),
            P(
                "The yard's order book has filled up since it won the contract for two service vessels for "
                "the offshore wind farm, and a ferry refit for Aldery Ferries is due next year."
            ),
            H("A yard that nearly closed"),
            P(
                "Twelve years ago the yard employed fewer than thirty people and its owners were looking for "
                "a buyer. It now employs 310."
            ),
        ],
    },
    {
        "slug": "ropewalk-museum-opens",
        "headline": "A rope factory becomes a museum: the Ropewalk opens its doors",
        "section": "culture",
        "authors": ["tomas-whitlock"],
        "dek": "The long brick shed where the harbour's ropes were spun for two centuries reopens as a "
        "museum of the working waterfront.",
        "tags": ["lantern-night"],
        "state": "published",
        "ago": 170,
        "image": (
            "museum",
            "Inside the Ropewalk, which runs the length of three streets.",
            "An illustration of a long brick hall in perspective, with coiled ropes on the floor.",
        ),
        "related": ["lantern-night-new-route", "harbour-playhouse-ushers-play"],
        "correction": "An earlier version of this article gave the length of the Ropewalk as 300 metres. "
        "It is 366 metres long.",
        "body": [
            LEAD(
                "For two hundred years, rope for every ship that left Port Aldery was spun in one long "
                "building behind the Old Quay. On Saturday the Ropewalk opened again, this time as a "
                "museum."
            ),
            P(
                "The shed is 366 metres long, so long that the workers who walked the yarn from one end to "
                "the other once joked that they crossed three parishes a day."
            ),
            H("What is inside"),
            P(
                "The displays follow the rope from hemp field to harbour: spinning wheels, a restored "
                "laying machine, and a wall of knots that visitors are invited to try."
            ),
            P(
                "One end of the building is given over to the lantern workshops that schools use before "
                "Lantern Night, which organisers hope will bring families back through the year."
            ),
        ],
    },
    {
        "slug": "regatta-crews-train-high-river",
        "headline": "Regatta crews train at dawn as the river Aller runs high",
        "section": "sport",
        "authors": ["aoife-calder"],
        "dek": "Club captains have moved training to the slack water before sunrise, with two weeks to go "
        "before the Aller regatta.",
        "tags": ["regatta", "river-aller"],
        "state": "published",
        "ago": 194,
        "image": (
            "rowing",
            "An eight on the Aller at first light.",
            "An illustration of a rowing boat with eight rowers on a misty river at sunrise.",
        ),
        "related": ["river-aller-cleanup-three-tonnes", "swimmers-cross-the-narrows"],
        "body": [
            LEAD(
                "The fast water on the river Aller has pushed rowing clubs onto the water before dawn, "
                "when the current is at its weakest, as crews prepare for the regatta."
            ),
            P(
                "The regatta committee said the course would be shortened from 1,600 metres to 1,200 if the "
                "river stayed high, moving the start downstream of the old railway bridge."
            ),
            Q(
                "You learn more about a crew in one cold morning on a fast river than in a month of calm "
                "evenings.",
                "Harriet Vell, captain of Aller Rowing Club",
            ),
            H("The entries"),
            P(
                "Thirty-one clubs have entered, four more than last year, including two junior crews from "
                "Gull Holm who will cross on the early ferry on race day."
            ),
        ],
    },
    {
        "slug": "gasworks-housing-cooperative-approved",
        "headline": "Housing co-operative wins approval for 120 homes on the old gasworks",
        "section": "city",
        "authors": ["marta-quillon", "sunniva-lark"],
        "dek": "Half the flats will be let at rents tied to local wages. The site has been fenced off since "
        "the gas holders came down in 2009.",
        "tags": ["housing"],
        "state": "published",
        "ago": 218,
        "image": (
            "housing",
            "The old gasworks site, seen from Tanner's Hill.",
            "An illustration of new terraced houses with pitched roofs beside a green courtyard.",
        ),
        "related": ["budget-draft-potholes-tram-study", "library-hours-extended"],
        "body": [
            LEAD(
                "Plans for 120 homes on the former gasworks at Brackwater were approved on Thursday, "
                "ending fifteen years in which the site sat empty behind a fence."
            ),
            P(
                "The scheme, put forward by the Brackwater Housing Co-operative, includes flats and family "
                "houses around a shared courtyard, with a bakery and a nursery on the ground floor."
            ),
            H("What residents will pay"),
            P(
                "Sixty of the homes will be let at rents set at a third of the median local wage. The rest "
                "will be sold to members of the co-operative, who must live in them."
            ),
            P(
                "Planning officers said the cleanup of the contaminated ground would take most of next year, "
                "with the first residents moving in the year after."
            ),
        ],
    },
    {
        "slug": "terns-counted-on-gull-holm",
        "headline": "Volunteers count 2,300 terns on Gull Holm",
        "section": "environment",
        "authors": ["helena-brandt"],
        "dek": "The island's colony has doubled since dogs were banned from the north beach during the "
        "nesting season.",
        "tags": ["gull-holm"],
        "state": "published",
        "ago": 242,
        "image": (
            "birds",
            "Terns over the north beach of Gull Holm.",
            "An illustration of many small seabirds flying over a low green island.",
        ),
        "related": ["night-ferry-to-gull-holm-trial"],
        "body": [
            LEAD(
                "Volunteers counted 2,300 breeding terns on Gull Holm this summer, twice as many as five "
                "years ago, in the island's annual bird survey."
            ),
            P(
                "The count is done from hides over three mornings in June. Most of the birds nest on the "
                "shingle of the north beach, which has been closed to dogs from April to August since the "
                "island's council voted for the ban."
            ),
            Q(
                "People grumbled for a season and then started bringing their visitors to watch. The birds "
                "have become part of the island.",
                "Survey organiser Nell Ashby",
            ),
            P(
                "The survey also recorded the first breeding pair of oystercatchers on the island's south "
                "side for more than a decade."
            ),
        ],
    },
    {
        "slug": "container-terminal-strike-called-off",
        "headline": "Container terminal strike called off after overnight talks",
        "section": "harbour",
        "authors": ["coastal-press-agency"],
        "dek": "Crane drivers and lashers at the North Basin accepted a two-year pay deal in the early "
        "hours, hours before a 48-hour stoppage was due to start.",
        "tags": ["north-basin"],
        "state": "published",
        "ago": 266,
        "source_credit": AGENCY,
        "image": (
            "cranes",
            "Container cranes at the North Basin.",
            "An illustration of tall container cranes against a purple evening sky.",
        ),
        "related": ["storm-surge-closes-north-basin", "port-levy-small-boat-owners"],
        "body": [
            LEAD(
                "A strike at Port Aldery's container terminal was called off early on Friday after "
                "negotiators for the workers and the terminal operator agreed a two-year pay deal."
            ),
            P(
                "About 260 crane drivers, lashers and yard staff had been due to stop work at six o'clock "
                "for 48 hours. The union said members had accepted the offer in a ballot held at the "
                "terminal gate."
            ),
            Q(
                "Nobody wanted ships sitting off the island while we argued. This deal is fair to people who "
                "work nights in all weathers.",
                "Union branch secretary Colm Ferris, speaking to Coastal Press Agency",
            ),
            H("The terms"),
            UL(
                "A pay rise of 5 per cent this year and 4 per cent next year.",
                "A new allowance for shifts worked in winds above gale force.",
                "A joint review of rest breaks for crane drivers.",
            ),
        ],
    },
    {
        "slug": "harbour-playhouse-ushers-play",
        "headline": "Harbour Playhouse stages a play written by its ushers",
        "section": "culture",
        "authors": ["tomas-whitlock"],
        "dek": "Front of House is a comedy about one chaotic night in the theatre's foyer, and it is the "
        "funniest thing on an Aldery stage this year.",
        "tags": ["theatre"],
        "state": "published",
        "ago": 290,
        "image": (
            "stage",
            "The cast of Front of House during rehearsals.",
            "An illustration of a theatre stage with red curtains and a single spotlight.",
        ),
        "related": ["ropewalk-museum-opens", "chamber-orchestra-harbour-sheds-review"],
        "body": [
            LEAD(
                "Ushers see everything: the latecomers, the lost tickets, the row that will not stop "
                "whispering. At the Harbour Playhouse, five of them have turned what they have seen into "
                "a play."
            ),
            P(
                "Front of House follows one opening night in which the heating fails, a seagull gets into "
                "the bar and the leading actor's dog has to be found before the second act."
            ),
            H("The verdict"),
            P(
                "It is loose in places and the second half runs long, but the jokes land because they are "
                "true. The audience on opening night laughed hardest at the scenes everyone in the building "
                "had clearly lived through."
            ),
            P(
                "Front of House runs until the end of the month, with a relaxed performance on Sunday "
                "afternoons."
            ),
        ],
    },
    {
        "slug": "saltgate-road-cycle-lane-opens",
        "headline": "Cycle lane on Saltgate Road opens, six months late",
        "section": "city",
        "authors": ["sunniva-lark"],
        "dek": "The protected lane links the Old Quay to the university. Delays to a drainage contract held "
        "it up through the summer.",
        "tags": ["cycling"],
        "state": "published",
        "ago": 338,
        "image": (
            "bike",
            "The new lane on Saltgate Road, looking towards the sea.",
            "An illustration of a green-painted cycle lane beside a road, with a bicycle symbol.",
        ),
        "related": ["tanners-hill-school-street-vote"],
        "body": [
            LEAD(
                "The 2.4-kilometre protected cycle lane along Saltgate Road opened on Monday, half a year "
                "after it was first promised."
            ),
            P(
                "Automatic counters at either end recorded 1,130 cycle trips on the first day. The council "
                "said it expected that number to grow once the university term began."
            ),
            H("Why it was late"),
            P(
                "Surveyors found that the drains under the road could not take the run-off from the new "
                "kerbs, and the drainage work had to be redesigned and tendered again."
            ),
            P(
                "Bus passengers on the number 4 route have complained that the new stops sit further from "
                "the kerb. The council says it will review the stop layout in the spring."
            ),
        ],
    },
    {
        "slug": "swimmers-cross-the-narrows",
        "headline": "Kestrel Coast swimmers cross the Narrows for the lifeboat fund",
        "section": "sport",
        "authors": ["aoife-calder", "coastal-press-agency"],
        "dek": "Eighty-six swimmers made the crossing in water of thirteen degrees and raised more than "
        "40,000 for the Saltgate lifeboat.",
        "tags": ["gull-holm"],
        "state": "published",
        "ago": 386,
        "source_credit": "With reporting by Coastal Press Agency",
        "image": (
            "swim",
            "Swimmers in bright caps set off from the Gull Holm slipway.",
            "An illustration of swimmers' coloured caps dotted across rippled blue water.",
        ),
        "related": ["regatta-crews-train-high-river", "terns-counted-on-gull-holm"],
        "body": [
            LEAD(
                "Eighty-six swimmers crossed the Narrows from Gull Holm to the Saltgate slipway on Sunday, "
                "raising money for the lifeboat that keeps watch over the same stretch of water."
            ),
            P(
                "The 1.8-kilometre swim was timed to the slack water at high tide. The fastest swimmer, "
                "sixteen-year-old Maisie Korda, finished in 27 minutes; the last in just under an hour."
            ),
            Q(
                "We have rescued people from the Narrows in worse water than this. Today we got to watch "
                "people cross it for fun, which is a much better day at work.",
                "Lifeboat coxswain Jory Adeyemi, to Coastal Press Agency",
            ),
            P("The lifeboat station said the money would go towards new drysuits for its crew."),
        ],
    },
    {
        "slug": "river-aller-cleanup-three-tonnes",
        "headline": "River Aller cleanup pulls three tonnes of rubbish from the banks",
        "section": "environment",
        "authors": ["helena-brandt"],
        "dek": "Four hundred volunteers found shopping trolleys, a motorbike and about nine thousand "
        "plastic bottles along eleven kilometres of river.",
        "tags": ["river-aller"],
        "state": "published",
        "ago": 458,
        "image": (
            "river",
            "The Aller where it meets the harbour at the Narrows.",
            "An illustration of a winding blue river between green banks, seen from above.",
        ),
        "related": ["regatta-crews-train-high-river", "tide-gauges-highest-water"],
        "body": [
            LEAD(
                "Volunteers hauled three tonnes of rubbish out of the river Aller on Saturday in the "
                "biggest cleanup the river has seen."
            ),
            P(
                "Groups worked their way downstream from the weir at Millford to the Narrows, filling skips "
                "that the council had left at six bridges along the route."
            ),
            H("What they found"),
            UL(
                "About 9,000 plastic bottles, most of them found in the reeds below Millford weir.",
                "Fourteen shopping trolleys.",
                "A motorbike, which police are trying to trace to its owner.",
                "A ship's bell, now on loan to the Ropewalk museum.",
            ),
            P("The organisers plan to repeat the cleanup in spring, before the birds begin nesting."),
        ],
    },
    {
        "slug": "aldery-ferries-orders-electric-boats",
        "headline": "Aldery Ferries orders two electric boats for the Gull Holm crossing",
        "section": "harbour",
        "authors": ["idris-okafor"],
        "dek": "The boats will charge at the Old Quay while passengers board and are due in service in "
        "two years.",
        "tags": ["ferries", "gull-holm"],
        "state": "published",
        "ago": 482,
        "image": (
            "ferry",
            "An artist's impression of the new electric ferry.",
            "An illustration of a modern white ferry on teal water with a charging mast on the quay.",
        ),
        "related": ["night-ferry-to-gull-holm-trial", "skerry-bank-first-power"],
        "body": [
            LEAD(
                "Aldery Ferries has ordered two battery-electric ferries to replace the diesel boats that "
                "have run to Gull Holm since the 1990s."
            ),
            P(
                "Each boat will carry 250 passengers and twelve cars. They will charge for eight minutes at "
                "the Old Quay during every turnaround, from a new connection to the harbour's grid."
            ),
            H("The cost"),
            P(
                "The company said the order was worth about 31 million, with a third of it coming from a "
                "national fund for cleaner coastal transport."
            ),
            P(
                "Island residents asked at a public meeting whether the new boats would be able to sail in "
                "the same winter weather as the old ones. The company said they would be built to the same "
                "standard."
            ),
        ],
    },
    # Scheduled: the first goes live a couple of minutes after the demo is loaded.
    {
        "slug": "mayor-winter-transport-plan",
        "headline": "Mayor sets out a winter transport plan for the storm season",
        "section": "city",
        "authors": ["marta-quillon"],
        "dek": "Gritting routes, a storm timetable for buses and a text alert for ferry cancellations are "
        "in the plan Mayor Ines Garrow will present to the council.",
        "tags": ["ferries", "storms", "council-budget"],
        "state": "scheduled",
        "in_minutes": 2,
        "image": (
            "city",
            "Port Aldery's town hall on a winter evening.",
            "An illustration of a city skyline at dusk with lit windows and a clock tower.",
        ),
        "related": ["storm-surge-closes-north-basin", "night-ferry-to-gull-holm-trial"],
        "body": [
            LEAD(
                "Mayor Ines Garrow will ask the council this week to approve a winter transport plan, "
                "after the storm surge that closed the North Basin also cut bus and ferry services for a "
                "day."
            ),
            P(
                "The plan gives the city a single storm timetable for buses, agreed in advance with the "
                "operators, so that passengers know which routes will keep running when the sea road "
                "closes."
            ),
            H("What is in the plan"),
            UL(
                "Gritting on every bus route on Tanner's Hill, not just the main roads.",
                "A storm timetable that keeps the number 2 and number 7 running inland.",
                "A free text alert for ferry cancellations, sent before the first sailing.",
            ),
            P("The plan is expected to cost about 250,000 a year, paid from the roads budget."),
        ],
    },
    {
        "slug": "chamber-orchestra-harbour-sheds-review",
        "headline": "Review: the Aldery Chamber Orchestra plays the harbour sheds",
        "section": "culture",
        "authors": ["tomas-whitlock"],
        "dek": "A concert in a fish shed should not work. The sound of the sea under the floor made it one "
        "of the best nights of music this year.",
        "tags": ["theatre"],
        "state": "scheduled",
        "in_minutes": 5 * 60,
        "image": (
            "music",
            "The orchestra in the net shed on the fish market quay.",
            "An illustration of musical notes and violin shapes floating above wooden boards.",
        ),
        "related": ["harbour-playhouse-ushers-play"],
        "body": [
            LEAD(
                "The Aldery Chamber Orchestra took its winter programme out of the concert hall and into "
                "the old net shed on the fish market quay, and the gamble paid off."
            ),
            P(
                "Twenty-two players sat on a stage of pallets. The audience sat on benches borrowed from the "
                "rowing club, and the tide could be heard moving under the boards between movements."
            ),
            H("The music"),
            P(
                "The programme kept to pieces written for small rooms, and the shed's wooden walls gave the "
                "strings a warmth the concert hall never does."
            ),
        ],
    },
    {
        "slug": "gulls-coast-derby-preview",
        "headline": "Preview: the Gulls face Kestrel Rovers in the coast derby",
        "section": "sport",
        "authors": ["aoife-calder"],
        "dek": "Third against fifth, and the first derby at Brackwater Road with both clubs in the "
        "promotion race.",
        "tags": ["the-gulls"],
        "state": "scheduled",
        "in_minutes": 2 * 24 * 60,
        "image": (
            "pitch",
            "The away end at Brackwater Road.",
            "An illustration of a football pitch at night seen from high in the stand.",
        ),
        "related": ["gulls-climb-to-third"],
        "body": [
            LEAD(
                "For the first time in a generation, the coast derby matters to both ends of the table: "
                "the Gulls are third and Kestrel Rovers fifth, separated by a single win."
            ),
            P(
                "The Gulls have won four of their last five at home. Rovers have the best away defence in "
                "the division and have not lost on the road since August."
            ),
            H("Team news"),
            P(
                "Ruairi Penn is expected to start despite a knock to his ankle in training. Rovers are "
                "without their first-choice goalkeeper, who is suspended."
            ),
        ],
    },
    # In review: waiting for an editor.
    {
        "slug": "port-levy-small-boat-owners",
        "headline": "What the new port levy means for small boat owners",
        "section": "harbour",
        "authors": ["idris-okafor"],
        "dek": "Moorings in the inner harbour will cost more from April. We worked out what the change "
        "means for a typical fishing boat, a yacht and a rowing club.",
        "tags": ["fishing", "north-basin"],
        "state": "review",
        "image": (
            "harbour",
            "Small boats moored in the inner harbour.",
            "An illustration of small boats moored in rows in a sheltered harbour.",
        ),
        "related": ["fish-market-dawn-auction-online"],
        "body": [
            LEAD(
                "From April, everyone who keeps a boat in Port Aldery's inner harbour will pay a new levy "
                "towards the cost of repairing the harbour walls."
            ),
            P(
                "The harbour authority says the levy will raise about 600,000 a year. Owners of the smallest "
                "boats say they are being asked to pay for damage done by the largest."
            ),
            H("Three examples"),
            UL(
                "A ten-metre fishing boat: about 340 more a year.",
                "A seven-metre yacht on a swinging mooring: about 120 more.",
                "The Aller Rowing Club's pontoon: about 900 more.",
            ),
        ],
    },
    {
        "slug": "sea-wall-repairs-where-the-money-goes",
        "headline": "Sea wall repairs: where the money will go",
        "section": "environment",
        "authors": ["helena-brandt", "sunniva-lark"],
        "dek": "Engineers have ranked every stretch of the wall from Saltgate to Brackwater. Here is what "
        "gets fixed first.",
        "tags": ["storms"],
        "state": "review",
        "image": (
            "seawall",
            "The sea wall at Saltgate at low tide.",
            "An illustration of a curved stone sea wall with waves breaking against it.",
        ),
        "related": ["tide-gauges-highest-water", "storm-surge-closes-north-basin"],
        "body": [
            LEAD(
                "A survey of Port Aldery's sea wall, finished after last week's storm surge, sets out which "
                "stretches will be repaired first."
            ),
            P(
                "The survey graded each 50-metre section of the wall from one to five. Eleven sections were "
                "given the worst grade, most of them on the exposed bend at Saltgate."
            ),
            H("The order of work"),
            OL(
                "The Saltgate bend, beside the lifeboat station.",
                "The slipway at Brackwater, where the wall has cracked along its foot.",
                "The promenade below Tanner's Hill.",
            ),
        ],
    },
    # Drafts: still being written.
    {
        "slug": "library-hours-extended",
        "headline": "Library hours to be extended in three neighbourhoods",
        "section": "city",
        "authors": ["marta-quillon"],
        "dek": "Libraries in Brackwater, Tanner's Hill and Saltgate will open on Sunday afternoons from "
        "the new year.",
        "tags": ["council-budget", "schools"],
        "state": "draft",
        "image": (
            "library",
            "Shelves in Brackwater library.",
            "An illustration of colourful book spines on tall wooden shelves.",
        ),
        "related": ["budget-draft-potholes-tram-study"],
        "body": [
            LEAD(
                "Three of Port Aldery's branch libraries will open on Sunday afternoons from January, the "
                "council has confirmed."
            ),
            P(
                "The extra hours are paid for from the 0.6 million set aside for libraries in the draft "
                "budget. [Check the final figure after the February vote.]"
            ),
        ],
    },
    {
        "slug": "old-quay-bookshops-walking-guide",
        "headline": "Bookshops of the Old Quay: a walking guide",
        "section": "culture",
        "authors": ["tomas-whitlock"],
        "dek": "Seven bookshops in ten minutes' walk, from the maps-and-charts specialist to the one that "
        "only sells poetry.",
        "tags": [],
        "state": "draft",
        "image": (
            "books",
            "A stack of second-hand books in a shop window on the Old Quay.",
            "An illustration of a stack of books in a lit shop window on a dark street.",
        ),
        "related": ["ropewalk-museum-opens"],
        "body": [
            LEAD(
                "You can buy a sea chart, a first edition and a book of poems about herring within ten "
                "minutes' walk of the fish market."
            ),
            H("The route"),
            OL(
                "Penhallow's Charts, on the corner of Rope Street.",
                "The Tide Line, second-hand and rare.",
                "Verse, which sells only poetry.",
            ),
        ],
    },
]


# Readers' comments on a few published stories: (name, text, state, replies). "held" waits in the
# moderation queue (a first-time commenter), "reported" is public and flagged by readers; replies are
# published. Addresses are made up from the name at example.net and never shown.
COMMENTS = {
    "storm-surge-closes-north-basin": [
        (
            "Ines Varga",
            "The gates held in 2013 with a higher surge. Has anyone asked why they were closed this "
            "time before the water came?",
            "published",
            [
                (
                    "Tomas Brede",
                    "They close on the forecast, not on the water. I work the lock: better shut a day "
                    "early than open a day late.",
                ),
                ("Ines Varga", "Fair enough. Thank you for answering, and for the long night."),
            ],
        ),
        (
            "Malin Ekholt",
            "Our cellar on Quay Row flooded anyway. The sandbags came after the tide had turned.",
            "published",
            [],
        ),
        ("Pat Rowley", "Every storm the same story. First time writing in, but I had to say it.", "held", []),
    ],
    "night-ferry-to-gull-holm-trial": [
        (
            "Dev Anand",
            "A night crossing means I can take the late shift at the hospital without sleeping on a "
            "colleague's sofa. Good news.",
            "published",
            [("Rosa Lind", "Same for the bakery crews. Let's hope the trial is long enough to judge.")],
        ),
        (
            "Harbour Watcher",
            "Anyone who wants a ferry at midnight should move to the island and stop whining.",
            "reported",
            [],
        ),
    ],
    "saltgate-road-cycle-lane-opens": [
        (
            "Sam Okoro",
            "Rode it this morning: smooth, wide and separated from the buses. Six months late, but worth it.",
            "published",
            [],
        ),
    ],
}


def articles_of_a_real_newsroom() -> int:
    """How many articles the database holds when not one of them is the demo's: a newsroom's own database,
    reached by `make run` or `make demo` with its production `.env`, which the demo must not fill with its
    stories, pictures and logins. 0 when it is empty or already holds the demo."""
    from django.db import connection

    from articles.models import Article

    if Article._meta.db_table not in connection.introspection.table_names():
        return 0  # a database not migrated yet holds nothing
    if Article.objects.filter(slug__in=[article["slug"] for article in ARTICLES]).exists():
        return 0
    return Article.objects.count()


def refuse_a_real_newsroom(command: str) -> None:
    """Stop `command` (`load_demo`, `ensure_demo_logins`) on a database that holds a newsroom's own work."""
    from django.core.management.base import CommandError

    if found := articles_of_a_real_newsroom():
        raise CommandError(
            f"This database holds {found} article{'s' if found != 1 else ''} and none of the demo's: it "
            "looks like a newsroom's own (is DATABASE_URL, perhaps from .env, the production one?). Nothing "
            f"was changed. To add the demo to it all the same: manage.py {command} --force"
        )
