"""Synthetic raw corpus for benchmarks: crawled-looking Kazakh foreign-policy press releases.

File i depends only on (seed, i): `random.Random(f"{seed}:{i}")` drives it, so any range of
indices can be generated alone, in any order, and matches a larger run. About 0.5% of files are
byte-identical copies of an earlier index and 0.5% re-wrap an earlier file's body in different
crawl noise; both re-derive their source from its own seed, so they are deterministic too.
People are invented by mixing name pools; real office-holders appear only in their own years.

    python benchmarks/synth.py 100000 /tmp/syn [--seed S] [--start K] [--jobs J]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

EXACT_DUP = 0.005
NEAR_DUP = 0.005
DUP_WINDOW = 2000  # a duplicate copies one of the previous DUP_WINDOW indices
CRLF = 0.04
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
FIRST_DAY = dt.date(1995, 1, 1).toordinal()
LAST_DAY = dt.date(2025, 12, 31).toordinal()
YEARS = range(1995, 2026)

# ---------------------------------------------------------------------------------------------
# Reference data. A "YYYY|" or "YYYY-YYYY|" prefix limits an entry to those years.
# ---------------------------------------------------------------------------------------------

# name | demonym | capital | first names ("*" = female) | surnames ("_" = space)
_COUNTRIES = """\
Lithuania|Lithuanian|Vilnius|Darius Linas Vytautas|Skusevičius Linkevičius Landsbergis Kazlauskas
Latvia|Latvian|Riga|Edgars Andris Krišjānis Jānis|Rinkēvičs Bērziņš Kariņš Ozols
Estonia|Estonian|Tallinn|Urmas Sven Margus Jüri|Reinsalu Mikser Tsahkna Tamm
Slovenia|Slovenian|Ljubljana|Andrej Miro Anže Tanja*|Logar Cerar Novak Fajon
Austria|Austrian|Vienna|Alexander Michael Karin* Peter|Schallenberg Linhart Kneissl Launsky
Germany|German|Berlin|Heiko Annalena* Frank Michael Tobias|Maas Baerbock Steinmeier Roth Lindner
France|French|Paris|Jean-Yves Catherine* Laurent François|Le_Drian Colonna Fabius Delattre
Italy|Italian|Rome|Luigi Antonio Paolo Marina*|Di_Maio Tajani Gentiloni Sereni
Spain|Spanish|Madrid|José Manuel Arancha* Alfonso|Albares González Dastis Margallo
the United Kingdom|British|London|Boris David Dominic James Wendy*|Morton Raab Cleverly Duncan Lammy
the United States|American|Washington|Antony John Richard Victoria*|Blinken Kerry Hoagland Nuland
Russia|Russian|Moscow|Sergey Grigory Andrey Alexey|Lavrov Karasin Rudenko Overchuk
China|Chinese|Beijing|Wang Li Zhang Qin|Yi Gang Hanhui Keqiang
Japan|Japanese|Tokyo|Fumio Taro Yoshimasa Yoko*|Kishida Kono Hayashi Kamikawa
the Republic of Korea|Korean|Seoul|Park Chung Kang Yoon|Jin Eui-yong Kyung-wha Byung-se
India|Indian|New Delhi|Subrahmanyam Sushma* Meenakashi* Vijay|Jaishankar Swaraj Lekhi Gokhale
Turkey|Turkish|Ankara|Mevlüt Hakan Yasin Ahmet|Çavuşoğlu Fidan Ekinci Davutoğlu
Uzbekistan|Uzbek|Tashkent|Abdulaziz Vladimir Bakhtiyor Sodiq|Kamilov Norov Saidov Safoev
Kyrgyzstan|Kyrgyz|Bishkek|Jeenbek Ruslan Chingiz Erlan|Kulubaev Kazakbaev Aidarbekov Abdyldaev
Tajikistan|Tajik|Dushanbe|Sirojiddin Muzaffar Hamrokhon|Muhriddin Huseinzoda Zarifi
Turkmenistan|Turkmen|Ashgabat|Rashid Vepa Berdimuhamet|Meredov Hadjiev Atayev
Azerbaijan|Azerbaijani|Baku|Jeyhun Elmar Khalaf|Bayramov Mammadyarov Khalafov
Georgia|Georgian|Tbilisi|Ilia Davit Lasha|Darchiashvili Zalkaliani Janelidze
Hungary|Hungarian|Budapest|Péter Levente Tamás|Szijjártó Magyar Menczer
Poland|Polish|Warsaw|Zbigniew Jacek Radosław Witold|Rau Czaputowicz Sikorski Waszczykowski
the Czech Republic|Czech|Prague|Jan Tomáš Lubomír Jakub|Lipavský Petříček Zaorálek Kulhánek
Finland|Finnish|Helsinki|Pekka Timo Elina* Ville|Haavisto Soini Valtonen Skinnari
Belgium|Belgian|Brussels|Didier Sophie* Hadja* Philippe|Reynders Wilmès Lahbib Goffin
the Netherlands|Dutch|The Hague|Stef Wopke Hanke* Bert|Blok Hoekstra Bruins Koenders
Switzerland|Swiss|Bern|Ignazio Didier Livia* Pascale*|Cassis Burkhalter Leu Baeriswyl
the United Arab Emirates|Emirati|Abu Dhabi|Abdullah Anwar Khalifa|bin_Zayed Gargash Shaheen
Saudi Arabia|Saudi|Riyadh|Faisal Adel Waleed|bin_Farhan Al-Jubeir Elkhereiji
Qatar|Qatari|Doha|Mohammed Soltan Khalid|Al_Thani Al-Muraikhi Al-Khulaifi
Egypt|Egyptian|Cairo|Sameh Hamdi Badr|Shoukry Loza Abdelatty
Iran|Iranian|Tehran|Mohammad Javad Hossein Abbas|Zarif Amir-Abdollahian Araghchi
Pakistan|Pakistani|Islamabad|Shah Bilawal Jalil Hina*|Qureshi Bhutto_Zardari Abbas Jilani
Mongolia|Mongolian|Ulaanbaatar|Battsetseg* Nyamtseren Damdin|Batmunkh Enkhtaivan Tsogtbaatar
Malaysia|Malaysian|Kuala Lumpur|Saifuddin Hishammuddin Anifah|Abdullah Hussein Aman"""
FAMILY_NAME_FIRST = {"Chinese", "Korean"}


@dataclass(frozen=True, slots=True)
class Country:
    name: str
    Name: str  # capitalised, for sentence starts
    dem: str
    capital: str
    firsts: tuple[str, ...]
    lasts: tuple[str, ...]


COUNTRIES = tuple(
    Country(n, n[:1].upper() + n[1:], d, c, tuple(f.split()),
            tuple(x.replace("_", " ") for x in s.split()))
    for n, d, c, f, s in (line.split("|") for line in _COUNTRIES.splitlines())
)

# acronym, full name, top official's title, seat, first year under this name, founded
ORGS = (
    ("UN", "United Nations", "UN Secretary-General", "New York", 1995, 1945),
    ("OSCE", "Organization for Security and Co-operation in Europe", "OSCE Secretary General",
     "Vienna", 1995, 1975),
    ("CICA", "Conference on Interaction and Confidence-Building Measures in Asia",
     "CICA Executive Director", "Almaty", 1999, 1992),
    ("SCO", "Shanghai Cooperation Organization", "SCO Secretary-General", "Beijing", 2001, 2001),
    ("CSTO", "Collective Security Treaty Organization", "CSTO Secretary General", "Moscow", 2002,
     2002),
    ("EAEU", "Eurasian Economic Union",
     "Chairman of the Board of the Eurasian Economic Commission", "Moscow", 2015,
     2015),
    ("EU", "European Union", "EU Special Representative for Central Asia", "Brussels", 1995, 1993),
    ("EEAS", "European External Action Service",
     "Secretary General of the European External Action Service", "Brussels", 2011,
     2010),
    ("OIC", "Organisation of Islamic Cooperation", "OIC Secretary General", "Jeddah", 2011, 1969),
    ("OECD", "Organisation for Economic Co-operation and Development", "OECD Secretary-General",
     "Paris", 1995, 1961),
    ("IAEA", "International Atomic Energy Agency", "IAEA Director General", "Vienna", 1995, 1957),
    ("NATO", "North Atlantic Treaty Organization", "NATO Deputy Secretary General", "Brussels",
     1995, 1949),
    ("AIFC", "Astana International Financial Centre", "AIFC Governor", "Astana", 2018, 2018),
    ("OTS", "Organization of Turkic States",
     "Secretary General of the Organization of Turkic States", "Istanbul", 2021,
     2009),
)
MENTION_ORGS = ("UN Security Council", "UN General Assembly", "UNESCO", "UNDP", "WTO", "CIS",
                "EBRD", "Asian Development Bank", "World Bank", "UN Human Rights Council")
INTL_FIRSTS = ("Thomas", "Helga*", "Michael", "Vladimir", "Zhang", "Hissein", "Rafael", "Jens",
               "Mathias", "Kubanychbek", "Antonio", "Teresa*", "Iyad", "Talant", "Josep",
               "Stanislav", "Peter", "Mircea")
INTL_LASTS = ("Greminger", "Schmid", "Burian", "Norov", "Ming", "Taha", "Grossi", "Stoltenberg",
              "Cormann", "Omuraliev", "Ribeiro", "Madani", "Amreyev", "Sultanov", "Borrell",
              "Sarybay", "Zas", "Geoană", "Gurría")

# full name, other spellings of the surname, role, first year, last year
KZ_LEADERS = (
    ("Nursultan Nazarbayev", ("Nazarbaev",), "president", 1995, 2018),
    ("Kassym-Jomart Tokayev", ("Tokaev",), "president", 2019, 2025),
    ("Kassym-Jomart Tokayev", ("Tokaev",), "fm", 1995, 1998),
    ("Yerlan Idrissov", ("Idrisov",), "fm", 1999, 2001),
    ("Kassym-Jomart Tokayev", ("Tokaev",), "fm", 2002, 2006),
    ("Marat Tazhin", (), "fm", 2007, 2008),
    ("Kanat Saudabayev", ("Saudabaev",), "fm", 2009, 2010),
    ("Yerzhan Kazykhanov", (), "fm", 2011, 2011),
    ("Yerlan Idrissov", ("Idrisov",), "fm", 2012, 2015),
    ("Kairat Abdrakhmanov", (), "fm", 2016, 2018),
    ("Beibut Atamkulov", (), "fm", 2019, 2019),
    ("Mukhtar Tileuberdi", ("Tleuberdi",), "fm", 2020, 2022),
    ("Murat Nurtleu", (), "fm", 2023, 2025),
    ("Akezhan Kazhegeldin", (), "pm", 1995, 1996),
    ("Nurlan Balgimbayev", ("Balgimbaev",), "pm", 1997, 1998),
    ("Kassym-Jomart Tokayev", ("Tokaev",), "pm", 1999, 2001),
    ("Daniyal Akhmetov", (), "pm", 2002, 2006),
    ("Karim Massimov", ("Masimov",), "pm", 2007, 2011),
    ("Serik Akhmetov", (), "pm", 2012, 2013),
    ("Karim Massimov", ("Masimov",), "pm", 2014, 2015),
    ("Bakytzhan Sagintayev", ("Sagintaev",), "pm", 2016, 2018),
    ("Askar Mamin", (), "pm", 2019, 2021),
    ("Alikhan Smailov", (), "pm", 2022, 2023),
    ("Olzhas Bektenov", (), "pm", 2024, 2025),
    ("Roman Vassilenko", ("Vasilenko",), "dfm", 2017, 2025),
    ("Akan Rakhmetullin", ("Rakhmetulin",), "dfm", 2019, 2025),
    ("Yerzhan Ashikbayev", ("Ashikbaev",), "dfm", 2016, 2021),
    ("Kairat Umarov", (), "pr", 2017, 2020),
)
KZ_FIRSTS = ("Yerlan", "Askar", "Dauren", "Nurlan", "Marat", "Berik", "Aidar", "Timur", "Kairat",
             "Yerzhan", "Almas", "Bakhyt", "Daulet", "Yerbolat", "Azamat", "Zhanibek", "Serik")
KZ_FEMALE = ("Aigul", "Zhanar", "Gulnara", "Saule", "Dana", "Asel", "Madina", "Aliya")
KZ_LASTS = ("Abenov", "Seitkali", "Nurpeisov", "Zhaksybekov", "Tulegenov", "Suleimenov",
            "Omarov", "Kenzhebayev", "Baimukhanov", "Iskakov", "Sarsenbayev", "Utebayev",
            "Mukhamediuly", "Bekmukhambetov", "Zhumabayev", "Kuanyshev", "Tokhtarov")
KZ_TITLES = {
    "president": ("President of Kazakhstan", "Kazakh President",
                  "President of the Republic of Kazakhstan", "Head of State"),
    "fm": ("Minister of Foreign Affairs of the Republic of Kazakhstan", "Kazakh Foreign Minister",
           "Foreign Minister of Kazakhstan", "Kazakhstan's Minister of Foreign Affairs"),
    "pm": ("Prime Minister of Kazakhstan", "Kazakh Prime Minister"),
    "dfm": ("Deputy Minister of Foreign Affairs of Kazakhstan", "Kazakh Deputy Foreign Minister",
            "Kazakhstan's Deputy Minister of Foreign Affairs"),
    "pr": ("Permanent Representative of Kazakhstan to the UN",),
    "amb": ("Ambassador of Kazakhstan to {country}", "Kazakh Ambassador to {country}"),
    "minister": ("Kazakh Minister of Trade and Integration", "Minister of Energy of Kazakhstan",
                 "Kazakh Minister of National Economy", "Deputy Prime Minister of Kazakhstan",
                 "Minister of Culture and Information of Kazakhstan"),
}
KZ_ROLES = ("president", "fm", "pm", "dfm", "pr", "amb", "minister")
KZ_ROLE_WEIGHTS = (12, 34, 6, 22, 3, 15, 8)
KZ_ROLE_SHORT = {"president": "Kazakh President", "fm": "Kazakh FM", "pm": "Kazakh PM",
                 "dfm": "Kazakh Deputy FM", "pr": "Kazakh envoy", "amb": "Kazakh Ambassador",
                 "minister": "Kazakh minister"}
F_TITLES = (  # counterpart tiers, weighted 40/25/20/7/8
    ("Minister of Foreign Affairs of {country}", "{dem} Foreign Minister",
     "Foreign Minister of {country}", "Head of the {dem} Foreign Ministry"),
    ("Vice-Minister of Foreign Affairs of {country}", "{dem} Deputy Foreign Minister",
     "State Secretary of the {dem} Ministry of Foreign Affairs"),
    ("Ambassador of {country} to Kazakhstan", "{dem} Ambassador to Kazakhstan"),
    ("Speaker of the Parliament of {country}",
     "Chairman of the {dem} Parliament's Foreign Affairs Committee"),
    ("{dem} Minister of Economy", "Minister of Transport of {country}", "{dem} Trade Minister"),
)
F_TIER_WEIGHTS = (40, 25, 20, 7, 8)

SECTORS = ("trade and economic", "investment", "transport and logistics", "energy", "digital",
           "agricultural", "cultural and humanitarian", "educational", "tourism", "green energy",
           "financial", "transit", "scientific and technical", "healthcare", "water management",
           "space", "defence", "mining and metallurgy", "pharmaceutical", "interregional")
TOPICS = ("regional security", "nuclear disarmament", "the situation in Afghanistan",
          "2000|climate change", "counter-terrorism", "2017|the Astana process on Syria",
          "food security", "water resources of Central Asia", "the visa regime",
          "connectivity across Eurasia", "2014|the Middle Corridor", "migration",
          "reform of the UN Security Council", "interfaith dialogue",
          "2015|the Sustainable Development Goals", "2005|cybersecurity", "the Aral Sea",
          "energy security", "drug trafficking",
          "2014|the Trans-Caspian International Transport Route")
INITIATIVES = ("2018|UNSC chairmanship", "2010|OSCE chairmanship", "CICA initiative",
               "2003|Congress of Leaders of World and Traditional Religions",
               "2016|Manifesto \"The World. The 21st Century\"", "2012-2017|EXPO-2017 bid",
               "2023|Astana International Forum", "nuclear-free world initiative",
               "2018|Astana International Financial Centre", "2012|Strategy-2050",
               "1997-2011|Strategy-2030", "2019|Regional Centre for SDGs",
               "2020|International Agency for Biological Safety proposal",
               "Eurasian integration initiative")
DOCS = ("a memorandum of understanding", "an agreement on visa-free travel",
        "a roadmap for trade and economic cooperation", "a joint statement",
        "an agreement on the avoidance of double taxation",
        "a cooperation plan between the foreign ministries", "an agreement on readmission",
        "a protocol on political consultations", "a programme of cultural cooperation",
        "an investment agreement")
EVENTS = ("the Munich Security Conference", "2006|the Bled Strategic Forum",
          "2023|the Astana International Forum", "the UN General Assembly",
          "the OSCE Ministerial Council", "2001|the SCO Council of Foreign Ministers",
          "1999|the CICA Ministerial Meeting", "2021|the Antalya Diplomacy Forum",
          "2016|the Raisina Dialogue", "2000|the Doha Forum",
          "2007|the EU-Central Asia Ministerial Meeting", "2008-2018|the Astana Economic Forum",
          "2004|the Valdai Discussion Club", "2013|the Baku Global Forum")
KZ_EVENTS = ("2008-2018|the Astana Economic Forum", "2023|the Astana International Forum",
             "2002|the Eurasian Media Forum", "1998|the plenary session of the Foreign "
             "Investors' Council", "2003|the Congress of Leaders of World and Traditional "
             "Religions", "2017|the Astana Finance Days", "the Kazakhstan Investment Forum")
KZ_CITIES = ("Almaty", "Shymkent", "Aktau", "Atyrau", "Karaganda", "Turkestan", "Aktobe",
             "Pavlodar", "Ust-Kamenogorsk", "Kostanay", "Taraz", "Kyzylorda")
PUBLISHERS = ("Kazinform", "2013|Kazakhstan 2050", "2010|The Astana Times", "2002|Kazakh TV",
              "2010|Tengrinews", "Inform.kz", "Press service of the MFA of Kazakhstan",
              "2015|BNews.kz", "2012|Kapital.kz", "Trend", "The Baltic Course",
              "Akorda press service", "KazTAG", "2011|Vlast.kz",
              "Embassy of the Republic of Kazakhstan")
SECTIONS = ("Market", "Politics", "Diplomacy", "World", "Economy", "Nation", "Foreign Policy",
            "News", "Analytics", "Region")
SAID = ("noted", "said", "stressed", "emphasized", "stated", "underlined", "pointed out")
AMOUNTS = ("${n} million", "$ {n} million", "${b} billion", "{n} billion tenge",
           "USD {n} million", "{n} million US dollars", "over ${n} million", "KZT {n} billion",
           "1999|EUR {n} million", "1999|€{n} million")

# ---------------------------------------------------------------------------------------------
# Sentence templates. Slots: {K}/{k} Kazakh official (with title / short form), {k_he},
# {F}/{f} counterpart, {country} {Country} {dem} {A_dem} {capital} {city} {kz_cap} {kcity}
# {org} {org_full} {org_year} {org2} {mention} {sector} {sector2} {topic} {initiative} {doc}
# {event} {kz_event} {amount} {amount2} {n} {pct} {year_past} {year_trade} {year_next}
# {dm} (" on July 3" or "") {a_meeting} ("a July 3 meeting" / "a meeting") {said}.
# ---------------------------------------------------------------------------------------------

LEADS_BI = (
    "{K} held talks with {F} in {city}{dm}.",
    "{K} met with {F} during an official visit to {city}{dm}.",
    "Kazakhstan and {country} intend to continue their enhanced cooperation and partnership at "
    "the political level, to intensify economic diplomacy and interaction in the international "
    "arena. This is the main agenda of the Kazakh-{dem} consultations between the foreign "
    "ministries of the two countries held in {city}{dm}.",
    "{K} had a telephone conversation with {F}{dm}.",
    "{K} received {F}{dm}, who arrived in {kz_cap} on a working visit.",
    "{F} emphasized Kazakhstan's important role in ensuring regional security and stability "
    "during {a_meeting} with {K} in {city}.",
    "{K} and {F} signed {doc} in {city}{dm}.",
    "A round table organized by the Embassy of Kazakhstan in {country} was dedicated to "
    "Kazakhstan's {initiative}{dm}. The meeting was attended by {F}, experts and international "
    "journalists.",
    "The {dem} delegation headed by {F} was received by {K}{dm}.",
    "Prospects for expanding {sector} cooperation between Kazakhstan and {country} were discussed "
    "at {a_meeting} between {K} and {F}.",
)
LEADS_ML = (
    "{K} met with {F} on the sidelines of {event} in {city}{dm}.",
    "Kazakhstan stands ready to contribute to {org_full} ({org}) efforts to strengthen "
    "international security and cooperation, said {K} at {a_meeting} with {F}.",
    "{K} took part in the meeting of the {org} Council held in {city}{dm}.",
    "{F} praised Kazakhstan's contribution to the work of the {org} during {a_meeting} with {K} "
    "in {city}.",
    "{K} received {F}{dm}, who is on a working visit to Kazakhstan.",
    "{K} had a phone call with {F}{dm} to discuss the agenda of the {org_full}.",
)
BODY_C = (
    "The parties discussed a wide range of issues on the bilateral and multilateral agenda, "
    "including cooperation in the {sector} and {sector2} spheres.",
    "Special attention was paid to {topic} and to the prospects of joint projects in the "
    "{sector} sector.",
    "The sides noted the importance of regular high-level contacts and agreed to maintain close "
    "interaction within the framework of the {org2}.",
    "Issues of {topic} were also on the agenda of the meeting.",
    "The Kazakh side informed its counterpart about the priorities of Kazakhstan's foreign "
    "policy and the political and economic reforms initiated by the Head of State.",
    "{k} briefed the guests on Kazakhstan's {initiative}.",
    "The situation around {topic} was discussed among international issues.",
    "Particular attention was paid to interaction in the framework of international "
    "organizations such as the {org}, {org2} and {mention}.",
    "The parties exchanged views on {topic} and on the preparation of upcoming events within "
    "the {org2}.",
    "{k} stressed that Kazakhstan consistently advocates the peaceful settlement of conflicts on "
    "the basis of international law and the UN Charter.",
    "It was noted that since gaining independence Kazakhstan has contributed significantly to "
    "strengthening international security.",
    "The interlocutors agreed to intensify joint work on {topic}.",
    "According to {k}, the potential of cooperation in the {sector} sphere is far from exhausted.",
    "{f} expressed appreciation for Kazakhstan's consistent position on {topic}.",
    "The meeting also touched upon the implementation of agreements reached in {year_past}.",
    "Kazakhstan's practical experience in implementing the priorities of its {initiative} was "
    "noted.",
    "Both sides expressed interest in expanding cooperation in {sector} and {sector2} areas.",
    "The Kazakh diplomat stressed that {kz_cap} advocates a peaceful settlement in conflict "
    "zones in accordance with the norms of international law.",
    "The importance of the {mention} in addressing {topic} was highlighted.",
    "At the end of the meeting, the parties agreed to continue consultations at the expert level.",
    "{k} invited {f} to take part in {kz_event}.",
    "The sides discussed preparations for the next meeting of the {org2} ministerial council.",
    "Kazakhstan's candidacy for membership in the {mention} was also discussed.",
    "The parties confirmed their mutual focus on increasing the effectiveness of the joint fight "
    "against international terrorism, the drug business and the consequences of climate change.",
    "Over {n} representatives of government agencies, business circles and the expert community "
    "took part in the event.",
    "{f}, in turn, noted the clear progress in Kazakhstan's socio-political and socio-economic "
    "development.",
    "In this context, the role of Kazakhstan as a bridge between Europe and Asia was highlighted.",
    "The guests were briefed on the presidential address to the people of Kazakhstan and on the "
    "reforms under way in the country.",
    "The negotiations were held in a friendly atmosphere traditional for the relations between "
    "the two sides.",
    "During the visit, the delegation also held meetings in {kcity}.",
    "Earlier the same day, {k} visited {kcity}, where {k_he} met with representatives of the "
    "business community.",
    "On the same day, {f} laid flowers at the Independence Monument in Almaty.",
    "The sides noted that the next round of consultations will be held in {year_next}.",
    "{k} also held bilateral meetings with colleagues from a number of European and Asian "
    "countries.",
    "Both sides reaffirmed their commitment to the goals of the {org2}.",
    "Regarding the legacy of the {year_past} summit, the initiatives of Kazakhstan remain "
    "particularly relevant.",
    "The participants showed keen interest in Kazakhstan's approach to {topic}.",
    "Kazakhstan supports the idea to create thematic centres of the {org2} in Almaty.",
    "2018|The delegation also visited the Astana International Financial Centre and the Astana "
    "Hub technopark.",
    "Cooperation in the {sector} sector remains a priority area for both sides.",
    "Kazakhstan is interested in attracting investment worth {amount} in the {sector} sector.",
    "The cost of the projects discussed is estimated at {amount}.",
)
BODY_BI = (
    "For {year_trade}, {country} became one of the largest trade partners of Kazakhstan in the "
    "region, with bilateral trade amounting to {amount}.",
    "Diplomats stated the growth of trade volume in the first {months} months of this year, "
    "which, according to Kazakhstan's data, amounted to {amount}, and in {year_past} - "
    "{amount2}.",
    "The sides believe that this will be facilitated by the active work of the Kazakh-{dem} "
    "Intergovernmental Commission on Trade and Economic Cooperation.",
    "The countries have established a solid legal and contractual basis of relations, including "
    "in the {sector} and {sector2} spheres.",
    "Currently, {n} joint ventures with {dem} capital are operating in Kazakhstan.",
    "{dem} investments in the Kazakh economy have exceeded {amount} since {year_past}.",
    "The parties discussed the opening of direct air communication between {kz_cap} and "
    "{capital}.",
    "Kazakhstan and {country} supported each other in the elections to international bodies, "
    "including the {mention}.",
    "The sides gave a positive assessment to the development of cultural and humanitarian "
    "exchanges between Kazakhstan and {country}.",
    "About {n} Kazakh students receive training at universities in {country} annually.",
    "Special attention was paid to the development of contacts between the regions and to "
    "twinning between {kcity} and {capital}.",
    "The establishment of a Kazakh-{dem} business council was discussed.",
    "{f} noted that {country} views Kazakhstan as a key partner in Central Asia.",
    "2018|The parties agreed to jointly promote the so-called “New economy” field, and fintech "
    "links between {capital} and the Astana International Financial Centre.",
    "{A_dem} company plans to invest {amount} in a new plant in the {kcity} region.",
    "2014|The {dem} side expressed interest in the transit potential of Kazakhstan and the "
    "Trans-Caspian International Transport Route.",
    "Kazakh-{dem} relations are developing dynamically in the political, trade and economic "
    "spheres, {k} {said}.",
    "The parties agreed to hold the next meeting of the intergovernmental commission in "
    "{capital}.",
    "The {dem} Foreign Ministry confirmed its readiness to support Kazakhstan's initiatives "
    "within the {org2}.",
    "It was noted that {country} was among the first countries to recognize the independence of "
    "Kazakhstan.",
    "The volume of mutual trade in {year_trade} reached {amount}, an increase of {pct} percent.",
)
BODY_ML = (
    "The meeting discussed deepening cooperation with the {org}, a key tool for political "
    "dialogue and an important structure in international relations.",
    "{f} expressed appreciation for the {org}'s cooperation with Kazakhstan and welcomed "
    "Kazakhstan's efforts to strengthen interfaith dialogue.",
    "Appreciation was also expressed for Kazakhstan's support to the organization at a time when "
    "multilateralism is under great pressure.",
    "The {org} was established in {org_year} and today unites {n} member and partner states.",
    "The parties discussed the implementation of {org} projects in Central Asia worth {amount}.",
    "The {org} Secretariat will allocate {amount} for regional projects next year.",
    "{f} highlighted the role of the {org} in promoting {topic}.",
    "In this context, the distinctive role of Kazakhstan in the {org} committees on {topic} was "
    "highlighted.",
    "The sides exchanged views on the agenda of the upcoming {org} summit.",
    "A key part of the meeting was the discussion of regional economic and transport "
    "integration.",
    "{k} informed the {org} leadership about the priorities of Kazakhstan's foreign policy.",
)
QUOTES = (
    "Kazakhstan has always been a reliable partner of {target} and we intend to strengthen our "
    "cooperation",
    "All our key initiatives have always found understanding among our {target_adj} partners",
    "It is necessary to develop a comprehensive approach to the diversification of our economic "
    "partnership",
    "The international community needs countries that build bridges, promote dialogue and "
    "support mediation efforts, like Kazakhstan",
    "We see great potential in the {sector} sphere and are ready to work on concrete projects",
    "Our countries share common views on {topic}",
    "Kazakhstan serves as a shining example of a consistent struggle for peace",
    "We highly appreciate the support of {target} for Kazakhstan's {initiative}",
    "Today's talks confirmed the strategic nature of our relations",
    "There is no alternative to dialogue and diplomacy when it comes to {topic}",
    "We are interested in increasing the volume of trade and investment",
    "Kazakhstan stands for the development of constructive relations between all the actors in "
    "the region",
    "This visit opens a new page in our cooperation",
    "Multilateralism remains the cornerstone of Kazakhstan's foreign policy",
    "The {org2} must adapt to the threats and challenges of the 21st century",
)
QUOTE_FORMS = ("“{q}”, {who} {said}.", "“{q},” {who} {said}.", "\"{q},\" {who} {said}.",
               "{who} {said}: “{q}.”", "“{q}. {q2}”, {who} {said}.")
CLOSINGS = (
    "The negotiations were held in a friendly atmosphere traditional for the relations between "
    "Kazakhstan and {target}.",
    "At the end of the meeting, the parties agreed to maintain regular contacts.",
    "Following the talks, the sides agreed on a schedule of further contacts.",
    "The meeting took place in a constructive and open atmosphere.",
    "The parties expressed confidence that the agreements reached will contribute to the further "
    "strengthening of cooperation.",
    "The visit of {f} will continue in {kcity}.",
)
SUBHEADS = ("{f} visited {kcity}", "Business forum held on the sidelines",
            "Cooperation in {sector} sphere", "Kazakhstan and the {org2}: new horizons",
            "Results of the talks")
REFERENCE_NOTES = (
    "For reference: The {org_full} ({org}) was established in {org_year}. Today it brings "
    "together {n} member states and partners.",
    "For reference: Diplomatic relations between Kazakhstan and {country} were established in "
    "{dip_year}.",
    "For reference: Kazakhstan and {country} signed the Treaty on Friendship and Cooperation in "
    "{dip_year}.",
)
TITLES_BI = (
    "Kazakhstan and {country} discuss {topic}",
    "Kazakh-{dem} consultations held in {city}",
    "{role} meets {dem} counterpart",
    "Kazakhstan’s {initiative} discussed in {country}",
    "{klast} holds talks with {flast}",
    "Kazakhstan, {country} agree to boost {sector} cooperation",
    "{dem} delegation visits {kz_cap}",
    "Kazakhstan and {country} sign {doc}",
    "Prospects of Kazakh-{dem} cooperation discussed in {city}",
    "Kazakhstan seeks closer ties with {country}",
    "KAZAKHSTAN AND {COUNTRY} STRENGTHEN PARTNERSHIP",
)
TITLES_ML = (
    "Kazakhstan stands ready to contribute to {org} security and co-operation efforts",
    "{role} meets {org} leadership in {city}",
    "Kazakhstan's role in the {org} discussed in {city}",
    "{klast} addresses {org} meeting",
    "Kazakhstan and {org} discuss {topic}",
    "{org} praises Kazakhstan's contribution to {topic}",
)
NAV = ("Home / News / Foreign policy", "Main | Politics | Diplomacy", "EN | РУС | ҚАЗ",
       "Menu\nSearch\nSubscribe", "Home › Diplomacy",
       "Ministry of Foreign Affairs of the Republic of Kazakhstan\nPress releases",
       "Log in | Register")
SHARE = ("Share: Facebook Twitter Telegram WhatsApp", "Share this article", "Print",
         "Print version", "Views: {views}", "Tags: Kazakhstan, {country}, diplomacy",
         "Subscribe to our Telegram channel", "Follow us on Facebook and Twitter",
         "Found a mistake? Select it and press Ctrl+Enter", "© {year} All rights reserved.",
         "Comments (0)", "Share on VK  Share on Twitter  Share on Facebook")
TEASER_HEADS = ("Read also:", "Read also", "Related news", "Most read", "Read more:")

FORMATS = ("dateline", "dateline_caps", "metadata", "metadata_titled", "byline",
           "astana_no_date", "kazinform", "created_only", "portal", "embassy_dmy",
           "untitled_dateline", "undated", "date_conflict")
WEIGHTS = (20, 10, 9, 5, 10, 3, 9, 8, 8, 6, 5, 4, 3)
ORIGINAL, EXACT, NEAR = "original", "exact_duplicate", "near_duplicate"


def _by_year(items: Sequence[str]) -> dict[int, tuple[str, ...]]:
    """Entries valid in each year, their "YYYY|" / "YYYY-YYYY|" prefixes stripped."""
    parsed = []
    for item in items:
        lo, hi, text = 0, 9999, item
        if item[:4].isdigit() and item[4] in "|-":
            span, text = item.split("|", 1)
            lo, _, end = span.partition("-")
            lo, hi = int(lo), int(end or 9999)
        parsed.append((lo, hi, text))
    return {y: tuple(t for lo, hi, t in parsed if lo <= y <= hi) for y in YEARS}


TOPICS_Y, INITIATIVES_Y, EVENTS_Y, KZ_EVENTS_Y, PUBLISHERS_Y, AMOUNTS_Y = (
    _by_year(x) for x in (TOPICS, INITIATIVES, EVENTS, KZ_EVENTS, PUBLISHERS, AMOUNTS))
BODY_BI_Y = _by_year(BODY_C + BODY_BI)
BODY_ML_Y = _by_year(BODY_C + BODY_ML)
BODY_C_Y = _by_year(BODY_C)
ORGS_Y = {y: tuple(o for o in ORGS if o[4] <= y) for y in YEARS}
ACRONYMS_Y = {y: tuple(o[0] for o in orgs) for y, orgs in ORGS_Y.items()}
PAST_Y = {y: tuple(range(max(1992, y - 12), y)) for y in YEARS}  # for "agreements reached in"
COUNTS = (12, 30, 57, 150, 200, 400)
PERCENTS = tuple(range(3, 61))


NO_ARTICLE = re.compile(r"\b[Tt]he (NATO|UNESCO)\b(?! [A-Z])")  # "the NATO" only before a noun


def _the(acronym: str) -> str:
    return acronym if acronym in ("NATO", "UNESCO") else f"the {acronym}"


def _pick(rnd: Callable[[], float], seq: Sequence) -> object:
    """rng.choice, about ten times faster (the generator's hot path)."""
    return seq[int(rnd() * len(seq))]


def _weighted(rnd: Callable[[], float], items: Sequence, weights: Sequence[int]) -> object:
    x = rnd() * sum(weights)
    for item, w in zip(items, weights, strict=True):
        x -= w
        if x < 0:
            return item
    return items[-1]


class _Slots(dict):
    """A format_map mapping that draws a volatile slot (sector, amount...) on first use.

    `draw` maps a slot to a tuple to pick from or a function to call.
    """

    draw: dict[str, tuple | Callable[[], object]]
    rnd: Callable[[], float]

    def __missing__(self, key: str) -> object:
        d = self.draw[key]
        value = self[key] = d[int(self.rnd() * len(d))] if type(d) is tuple else d()
        return value


@dataclass(slots=True)
class Release:
    """What a crawl wraps: everything but the noise."""

    title: str
    date: dt.date
    place: str  # dateline city
    paragraphs: list[str]
    publisher: str
    section: str
    country: str  # for tags and embassy headers
    year_missing: bool  # the body gives a day and month of the event, without year


# ---------------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------------

def kz_capital(d: dt.date) -> str:
    """The capital's name in use on day d."""
    if d < dt.date(1997, 12, 10):
        return "Almaty"
    if d < dt.date(1998, 5, 6):
        return "Akmola"
    if d < dt.date(2019, 3, 23):
        return "Astana"
    if d < dt.date(2022, 9, 17):
        return "Nur-Sultan"
    return "Astana"


def _named(full: str, variants: Sequence[str] = (), female: bool = False,
           family_first: bool = False) -> list[str]:
    """Short forms of a name: 'Mr. Vassilenko', 'R. Vassilenko', 'Vassilenko', 'R. Vasilenko'."""
    first, last = full.split(" ", 1)
    if family_first:  # "Wang Yi" is "Mr. Wang"
        return [f"Mr. {first}", first, full]
    mr = "Ms." if female else "Mr."
    bare = last[:1].upper() + last[1:]  # "bin Farhan" starts sentences as "Bin Farhan"
    return [f"{mr} {last}", f"{first[0]}. {last}", bare, *(f"{first[0]}. {v}" for v in variants)]


def _invented(rnd: Callable[[], float], firsts: Sequence[str], lasts: Sequence[str],
              family_first: bool = False) -> tuple[str, list[str], bool]:
    first, last = _pick(rnd, firsts), _pick(rnd, lasts)
    female = first.endswith("*")
    full = f"{first.rstrip('*')} {last}"
    return full, _named(full, (), female, family_first), female


def _kz_official(rnd: Callable[[], float], year: int, country: str
                 ) -> tuple[str, list[str], str, bool]:
    """(name with title, short forms, role, female) of a Kazakh official in office that year."""
    role = _weighted(rnd, KZ_ROLES, KZ_ROLE_WEIGHTS)
    holders = [p for p in KZ_LEADERS if p[2] == role and p[3] <= year <= p[4]]
    if holders:
        name, variants = _pick(rnd, holders)[:2]
        shorts, female = _named(name, variants), False
    else:  # ambassadors, ministers and years without a listed holder get invented people
        female = rnd() < 0.25
        last = _pick(rnd, KZ_LASTS) + ("a" if female else "")
        name = f"{_pick(rnd, KZ_FEMALE if female else KZ_FIRSTS)} {last}"
        shorts = _named(name, (), female)
    title = _pick(rnd, KZ_TITLES[role]).format(country=country)
    if rnd() < 0.15:  # postposed title: "Roman Vassilenko, Deputy Minister of ..., met"
        return f"{name}, {title},", shorts, role, female
    return f"{title} {name}", shorts, role, female


def _make_release(rng: random.Random, fmt: str) -> Release:
    rnd = rng.random
    if fmt == "kazinform" and rnd() < 0.6:  # KAZINFORM datelines mostly from the Nur-Sultan years
        lo, hi = dt.date(2019, 3, 23).toordinal(), dt.date(2022, 9, 16).toordinal()
    else:
        lo, hi = FIRST_DAY, LAST_DAY
    date = dt.date.fromordinal(lo + int(rnd() * (hi - lo + 1)))
    year = date.year
    kz_cap = kz_capital(date)
    c: Country = _pick(rnd, COUNTRIES)
    orgs = ORGS_Y[year]
    org = _pick(rnd, orgs)
    multilateral = rnd() < 0.3
    K, k_shorts, role, k_female = _kz_official(rnd, year, c.name)
    if multilateral:
        name, f_shorts, _ = _invented(rnd, INTL_FIRSTS, INTL_LASTS)
        F = f"{org[2]} {name}"
        city = org[3] if rnd() < 0.6 else kz_cap
        city = kz_cap if city == "Astana" else city
    else:
        name, f_shorts, _ = _invented(rnd, c.firsts, c.lasts, c.dem in FAMILY_NAME_FIRST)
        tier = _weighted(rnd, F_TITLES, F_TIER_WEIGHTS)
        F = f"{_pick(rnd, tier).format(country=c.name, dem=c.dem)} {name}"
        city = c.capital if rnd() < 0.5 else _pick(rnd, (kz_cap, kz_cap, "Almaty"))
    need_dm = fmt == "astana_no_date" or rnd() < 0.15
    dm = f"{MONTHS[date.month - 1]} {date.day}"
    base = {
        "K": K, "F": F, "country": c.name, "Country": c.Name, "dem": c.dem, "capital": c.capital,
        "A_dem": ("An " if c.dem[0] in "AEIOU" else "A ") + c.dem, "city": city,
        "kz_cap": kz_cap, "org": org[0], "org_full": org[1], "org_year": org[5],
        "k_he": "she" if k_female else "he", "doc": _pick(rnd, DOCS),
        "event": _pick(rnd, EVENTS_Y[year]), "initiative": _pick(rnd, INITIATIVES_Y[year]),
        "dm": f" on {dm}" if need_dm else "",
        "a_meeting": (("an " if dm[0] in "AO" else "a ") + dm + " meeting") if need_dm
        else "a meeting",
        "target": _the(org[0]) if multilateral else c.name, "year_next": year + 1,
        "target_adj": "international" if multilateral else c.dem,
        "dip_year": 1992 + int(rnd() * 4), "months": _pick(rnd, ("six", "eight", "nine")),
        "role": KZ_ROLE_SHORT[role], "klast": k_shorts[2], "flast": name.split(" ", 1)[
            0 if c.dem in FAMILY_NAME_FIRST and not multilateral else 1],
        "COUNTRY": c.name.upper(),
    }
    topics, amounts = TOPICS_Y[year], AMOUNTS_Y[year]

    def amount() -> str:
        n = 5 + int(rnd() * 946)
        return _pick(rnd, amounts).format(n=n, b=f"{n / 100:.1f}")

    draw = {  # volatile slots, drawn afresh for each sentence or quote
        "k": tuple(k_shorts), "f": tuple(f_shorts), "kcity": KZ_CITIES, "mention": MENTION_ORGS,
        "org2": ACRONYMS_Y[year], "sector": SECTORS, "sector2": SECTORS,
        "topic": topics, "amount": amount, "amount2": amount, "said": SAID,
        "n": COUNTS, "pct": PERCENTS, "year_past": PAST_Y[year],
        "year_trade": (year, year - 1, year - 2),
        "kz_event": KZ_EVENTS_Y[year],
    }

    def slots() -> _Slots:
        s = _Slots(base)
        s.draw, s.rnd = draw, rnd
        return s

    def take(pool: list) -> str:  # draw without replacement
        j = int(rnd() * len(pool))
        pool[j], pool[-1] = pool[-1], pool[j]
        return pool.pop()

    lead = _pick(rnd, LEADS_ML if multilateral else LEADS_BI).format_map(slots())
    paragraphs = [lead.replace(",.", ".").replace(",,", ",")]  # after a postposed title
    pool = list((BODY_ML_Y if multilateral else BODY_BI_Y)[year])
    quotes = list(QUOTES)
    target = 250 + int(rnd() * 601)  # body words; closing lines below add at most ~50
    words = lead.count(" ") + 1
    while words < target:
        s, r = slots(), rnd()
        if r < 0.2:
            if len(quotes) < 2:
                quotes = list(QUOTES)
            para = _pick(rnd, QUOTE_FORMS).format(
                q=take(quotes).format_map(s), q2=take(quotes).format_map(s),
                who=s["k" if rnd() < 0.5 else "f"], said=s["said"])
        elif r < 0.23 and len(paragraphs) > 2:
            para = _pick(rnd, SUBHEADS).format_map(s)  # mid-body subheading
        else:
            if len(pool) < 3:
                pool = list(BODY_C_Y[year])
            para = " ".join(take(pool).format_map(slots()) for _ in range(1 + int(rnd() * 3)))
        paragraphs.append(para)
        words += para.count(" ") + 1
    while words > 850 and len(paragraphs) > 2:
        words -= paragraphs.pop().count(" ") + 1
    if rnd() < 0.5:
        paragraphs.append(_pick(rnd, CLOSINGS).format_map(slots()))
    if rnd() < 0.2:  # multilateral releases only get the note on the organisation
        note = REFERENCE_NOTES[0] if multilateral else _pick(rnd, REFERENCE_NOTES)
        paragraphs.append(note.format_map(slots()))
    paragraphs = [NO_ARTICLE.sub(r"\1", p) if "NATO" in p or "UNESCO" in p else p
                  for p in paragraphs]
    if not multilateral and rnd() < 0.25:
        place = c.capital  # an embassy reporting from abroad
    elif city in (c.capital, org[3]):
        place = city
    else:
        place = kz_cap if rnd() < 0.85 else "Almaty"
    title = _pick(rnd, TITLES_ML if multilateral else TITLES_BI).format_map(slots())
    return Release(title, date, place, paragraphs, _pick(rnd, PUBLISHERS_Y[year]),
                   _pick(rnd, SECTIONS), c.name, need_dm)


# ---------------------------------------------------------------------------------------------
# Crawl noise and formats
# ---------------------------------------------------------------------------------------------

def _us(d: dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def _stamp(rnd: Callable[[], float], d: dt.date) -> str:
    minute = _pick(rnd, (0, 15, 30, 45, int(rnd() * 60)))
    return f"{d.day}.{d.month:02d}.{d.year}, {7 + int(rnd() * 16):02d}:{minute:02d}"


def _created(rnd: Callable[[], float], d: dt.date, shift: int = 0) -> str:
    """The portal footer; `shift` moves it away from the release date."""
    c = d + dt.timedelta(days=shift + _pick(rnd, (0, 0, 0, 1, 2)))
    u = c + dt.timedelta(days=_pick(rnd, (0, 0, 0, 1, 30)))
    created, updated = _stamp(rnd, c), _stamp(rnd, u)
    if u == c and rnd() < 0.7:
        updated = created
    return f"Created at : {created}, Updated at : {updated}"


def _teasers(rnd: Callable[[], float]) -> str:
    """A block of other articles' headlines."""
    items = [_pick(rnd, TEASER_HEADS)]
    for _ in range(2 + int(rnd() * 3)):
        c, o, y = _pick(rnd, COUNTRIES), _pick(rnd, ORGS), 2010 + int(rnd() * 16)
        items.append(_pick(rnd, TITLES_BI + TITLES_ML).format(
            country=c.name, COUNTRY=c.name.upper(), dem=c.dem, topic=_pick(rnd, TOPICS_Y[y]),
            city=c.capital, role=_pick(rnd, tuple(KZ_ROLE_SHORT.values())),
            initiative=_pick(rnd, INITIATIVES_Y[y]), klast=_pick(rnd, KZ_LASTS),
            flast=_pick(rnd, c.lasts), sector=_pick(rnd, SECTORS), kz_cap="Astana",
            doc=_pick(rnd, DOCS), org=o[0]))
    return "\n\n".join(items)


def _share(rnd: Callable[[], float], rel: Release) -> str:
    lines = {_pick(rnd, SHARE) for _ in range(1 + int(rnd() * 3))}
    views = f"{40 + int(rnd() * 9000):,}".replace(",", " ")
    return "\n".join(s.format(views=views, country=rel.country, year=rel.date.year)
                     for s in sorted(lines))


def _body(rnd: Callable[[], float], rel: Release, prefix: str = "",
          blank_runs: bool = False) -> str:
    """Paragraphs, the dateline or metadata glued to the first, maybe a teaser inside."""
    paras = [prefix + rel.paragraphs[0], *rel.paragraphs[1:]]
    if len(paras) > 4 and rnd() < 0.12:  # another article's teaser in the middle of the text
        paras.insert(2 + int(rnd() * (len(paras) - 3)), _teasers(rnd))
    if not blank_runs:
        return "\n\n".join(paras)
    return "".join(p + _pick(rnd, ("\n\n", "\n\n\n\n", "\n\n\n\n\n\n")) for p in paras).rstrip()


def _render(rel: Release, fmt: str, rnd: Callable[[], float]) -> str:
    d, place = rel.date, rel.place
    dash = _pick(rnd, (" - ", " – ", " — "))
    dateline = f"{place}, {_us(d)}{dash}"
    head: list[str] = [rel.title]
    tail: list[str] = []
    if fmt == "dateline":
        body = _body(rnd, rel, dateline)
        if rnd() < 0.5:
            tail.append(_created(rnd, d, 1 if rnd() < 0.3 else 0))
    elif fmt == "dateline_caps":
        body = _body(rnd, rel, f"{place.upper()}, {_us(d)}{dash}")
        tail.append(_share(rnd, rel))
    elif fmt in ("metadata", "metadata_titled"):
        head = head if fmt == "metadata_titled" else []
        body = _body(rnd, rel, f" date {d.isoformat()} ", blank_runs=True)
    elif fmt == "byline":
        head = ["Skip to Content", rel.title, f"by {_us(d)} {rel.section}"]
        body = _body(rnd, rel)
        tail.append(f"Source: {rel.publisher}")
    elif fmt == "astana_no_date":  # no date but the body's day and month
        head = head if rnd() < 0.3 else []
        body = _body(rnd, rel, f"{kz_capital(d).upper()}{dash}")
    elif fmt == "kazinform":
        body = _body(rnd, rel, f"{place.upper()}. KAZINFORM{dash}")
        tail.append(_created(rnd, d))
    elif fmt == "created_only":
        body = _body(rnd, rel)
        tail.append(_created(rnd, d))
    elif fmt == "portal":
        head = [_pick(rnd, NAV), rel.title, f"Source: {rel.publisher}"]
        body = _body(rnd, rel, dateline)
        tail.append(_share(rnd, rel))
    elif fmt == "embassy_dmy":
        head = [f"Embassy of the Republic of Kazakhstan in {rel.country}", rel.title]
        body = _body(rnd, rel, f"{place}, {d.day} {MONTHS[d.month - 1]} {d.year}{dash}")
    elif fmt == "untitled_dateline":
        head = []
        body = _body(rnd, rel, dateline)
        tail.append(f"Source: {rel.publisher}")
    elif fmt == "undated":
        body = _body(rnd, rel)
    else:  # date_conflict: the dateline and "Created at" disagree by weeks to years
        body = _body(rnd, rel, dateline)
        tail.append(_created(rnd, d, (1 if rnd() < 0.5 else -1) * (40 + int(rnd() * 760))))
    if rnd() < 0.35:
        tail.append(_teasers(rnd))
    if rnd() < 0.15:
        tail.append(_share(rnd, rel))
    text = ("\n\n\n\n" if rnd() < 0.1 else "\n\n").join([*head, body, *tail])
    return text + "\n" if rnd() < 0.5 else text


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------

def _plan(seed: int, i: int) -> tuple[str, int, random.Random]:
    """(kind, source index, rng positioned after the plan's draws) for file i."""
    rng = random.Random(f"{seed}:{i}")
    r = rng.random()
    if i > 0 and r < EXACT_DUP + NEAR_DUP:
        lo = max(0, i - DUP_WINDOW)
        return (EXACT if r < EXACT_DUP else NEAR), lo + int(rng.random() * (i - lo)), rng
    return ORIGINAL, i, rng


def _content(seed: int, i: int) -> tuple[Release, str, random.Random]:
    """File i's release, its format and the rng to render it with."""
    kind, src, rng = _plan(seed, i)
    if kind == ORIGINAL:
        fmt = _weighted(rng.random, FORMATS, WEIGHTS)
        return _make_release(rng, fmt), fmt, rng
    rel, fmt, _ = _content(seed, src)
    if kind == NEAR:  # same release, new noise in another format
        fmt = _pick(rng.random, [f for f in FORMATS if f != fmt])
    return rel, fmt, rng


def describe(i: int, seed: int = 0) -> tuple[str, int, str]:
    """(kind, source index, format) of file i; kind is original/exact_duplicate/near_duplicate."""
    kind, src, _ = _plan(seed, i)
    return kind, src, _content(seed, i)[1]


def render(i: int, seed: int = 0) -> bytes:
    """The bytes of file i."""
    kind, src, _ = _plan(seed, i)
    if kind == EXACT:
        return render(src, seed)
    rel, fmt, rng = _content(seed, i)
    text = _render(rel, fmt, rng.random)
    if rng.random() < CRLF:
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8")


def _write_range(args: tuple[int, int, Path, int]) -> int:
    """Write files lo..hi-1; return the bytes written."""
    lo, hi, out_dir, seed = args
    size = 0
    for i in range(lo, hi):
        data = render(i, seed)
        (out_dir / f"syn_{i:07d}.txt").write_bytes(data)
        size += len(data)
    return size


def _generate(n: int, out_dir: Path, seed: int, start: int, jobs: int | None
              ) -> tuple[list[Path], int]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and n >= 2000:  # spawned workers: safe even if the caller runs threads
        chunks = [(lo, min(lo + 1000, start + n), out_dir, seed)
                  for lo in range(start, start + n, 1000)]
        with get_context("spawn").Pool(jobs) as pool:
            size = sum(pool.imap_unordered(_write_range, chunks))
    else:
        size = _write_range((start, start + n, out_dir, seed))
    return [out_dir / f"syn_{i:07d}.txt" for i in range(start, start + n)], size


def generate(n: int, out_dir: Path, seed: int = 0, start: int = 0,
             jobs: int | None = None) -> list[Path]:
    """Write syn_{i:07d}.txt for i in [start, start + n) into out_dir; return the paths.

    `jobs` worker processes share the work (default: one per CPU, and none for small n);
    the bytes written do not depend on it.
    """
    return _generate(n, out_dir, seed, start, jobs)[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of files")
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="index of the first file")
    ap.add_argument("--jobs", type=int, default=None,
                    help="worker processes (default: one per CPU; output is the same for any)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    paths, size = _generate(args.n, args.out_dir, args.seed, args.start, args.jobs)
    secs = time.perf_counter() - t0
    print(f"wrote {len(paths)} files, {size / 1e6:.1f} MB to {args.out_dir} in {secs:.1f} s "
          f"({len(paths) / max(secs, 1e-9):,.0f} files/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
