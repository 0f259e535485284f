"""The words that tell names apart: titles and ranks, bodies, documents, places, countries
(in English, and in Korean before a title), and the verbs of speech. Data only: the rules
that read them are in `names`, `entities` and `hangul`."""

from __future__ import annotations

# Countries whose names are several words: "the United States said" is a country speaking,
# not a person. (One-word names are never taken for people's: a name needs two words.) Kept
# as `kind_of` reads a name, without "of" and "the": "Democratic Republic Congo".
COUNTRIES = frozenset(" ".join(w for w in name.split() if w not in ("of", "the")) for name in """
united states|united states of america|united kingdom|great britain|saudi arabia|united arab emirates
south africa|south sudan|central african republic|democratic republic of the congo|republic of the congo
north korea|south korea|new zealand|sri lanka|costa rica|el salvador|burkina faso|sierra leone
equatorial guinea|papua new guinea|czech republic|dominican republic|saint lucia|solomon islands
marshall islands|cabo verde|cape verde|east timor|san marino|vatican city|ivory coast|north macedonia
russian federation|islamic republic of iran|syrian arab republic|republic of korea|people's republic of china
united republic of tanzania|state of palestine|holy see|republic of türkiye|republic of moldova
soviet union|union of soviet socialist republics
""".strip().replace("\n", "|").split("|"))
# Countries whose names are one word, found on their own when capitalised, with no gazetteer:
# a brief on any topic names them ("Sudan", "Chad"). Matched case-sensitively as a whole
# capitalised word standing alone, never inside a longer name ("Panama Canal", "Chad Smith");
# the config's gazetteer names come first. (Georgia is left out: more often a US state.)
ONE_WORD_COUNTRIES = frozenset("""
Afghanistan Albania Algeria Andorra Angola Argentina Armenia Australia Austria Azerbaijan Bahamas
Bahrain Bangladesh Barbados Belarus Belgium Belize Benin Bhutan Bolivia Botswana Brazil Britain Brunei
Bulgaria Burundi Cambodia Cameroon Canada Chad Chile China Colombia Comoros Congo Croatia Cuba Cyprus
Czechia Denmark Djibouti Dominica Ecuador Egypt Eritrea Estonia Eswatini Ethiopia Fiji Finland France
Gabon Gambia Germany Ghana Greece Grenada Guatemala Guinea Guinea-Bissau Guyana Haiti Honduras Hungary
Iceland India Indonesia Iran Iraq Ireland Israel Italy Jamaica Japan Jordan Kazakhstan Kenya Kiribati
Kosovo Kuwait Kyrgyzstan Laos Latvia Lebanon Lesotho Liberia Libya Liechtenstein Lithuania Luxembourg
Madagascar Malawi Malaysia Maldives Mali Malta Mauritania Mauritius Mexico Micronesia Moldova Monaco
Mongolia Montenegro Morocco Mozambique Myanmar Namibia Nauru Nepal Netherlands Nicaragua Niger Nigeria
Norway Oman Pakistan Palau Palestine Panama Paraguay Peru Philippines Poland Portugal Qatar Romania
Russia Rwanda Samoa Senegal Serbia Seychelles Singapore Slovakia Slovenia Somalia Spain Sudan Suriname
Sweden Switzerland Syria Taiwan Tajikistan Tanzania Thailand Togo Tonga Tunisia Turkey Türkiye
Turkmenistan Tuvalu Uganda Ukraine Uruguay Uzbekistan Vanuatu Venezuela Vietnam Yemen Zambia Zimbabwe
""".split())

# Countries as Korean writes them before a title ("러시아 대통령", "미국 국무장관"): a word of
# a title there, never the second word of a foreign name (`hangul.names`).
KOREAN_COUNTRIES = frozenset("""
미국 중국 일본 한국 북한 남한 러시아 영국 프랑스 독일 이탈리아 스페인 캐나다 호주 뉴질랜드 인도 파키스탄
이란 이라크 이스라엘 시리아 튀르키예 터키 사우디 이집트 우크라이나 벨라루스 폴란드 몽골 베트남 대만 필리핀
태국 인도네시아 말레이시아 싱가포르 쿠바 브라질 멕시코 아르헨티나 남아공 나이지리아 수단 예멘 카타르
""".split())

# Words that name a role or title: "Foreign Minister X", "X, director general of ...".
ROLE_WORDS = frozenset("""
leader minister diplomat adviser advisor analyst fellow director president spokesperson
spokesman spokeswoman secretary chairman chairwoman chair chief envoy ambassador counterpart
commander official premier chancellor senator governor mayor professor researcher expert
editor correspondent head officer king queen prince founder economist scholar lawmaker
negotiator representative delegate aide dictator ruler admiral colonel marshal
judge justice prosecutor attorney lawyer congressman congresswoman host anchor reporter
columnist author candidate nominee executive ceo cfo coo chairperson owner manager coach
captain bishop cardinal pope commissioner inspector sheriff superintendent strategist
lt gov sen rep gen col sgt capt maj adm supt ltg mg bg ltc cpt sgm csm sfc ssg spc pfc cpl
brig cmdr cdr pvt ens amb
secretary-general under-secretary-general director-general vice-president vice-chairman
attorney-general governor-general commander-in-chief administrator coordinator rapporteur
counselor counsellor undersecretary attache attaché speaker asg usg
""".split())
# Words that qualify a role ("Senior Fellow", "National Security Adviser") without naming anyone.
ROLE_MODIFIERS = frozenset("""
foreign defence defense senior deputy vice prime national security top former special
interior finance trade unification state executive assistant associate principal supreme
first acting chief general resident permanent political humanitarian high 1st 2nd 3rd staff commanding
""".split())
# Military ranks: a title only before a person's name ("General Burhan", "Major General Pat
# Ryder", "Sgt. 1st Class James Burciaga", whose run starts at "Class"), never in "UN General
# Assembly" or "Major League" (`split_role`).
RANKS = frozenset("general lieutenant brigadier sergeant corporal major specialist class".split())
# Words that open a title whatever follows ("Deputy Pentagon Press Secretary Sabrina Singh").
TITLE_OPENERS = frozenset("deputy vice acting former assistant associate senior principal".split())
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame"})
# The words a title is made of ("Deputy Defense Minister", "Major General"); with an honorific.
TITLE_PARTS = ROLE_WORDS | ROLE_MODIFIERS | RANKS
TITLE_WORDS = TITLE_PARTS | HONORIFICS
# A name with one of these words is an organisation ("Gatestone Institute", "Foreign Ministry").
ORG_WORDS = frozenset("""
ministry department institute institution council force forces army navy corps agency
assembly committee commission party union organization organizations organisation
organisations initiative office bank fund group association foundation university centre
center company corporation inc ltd news times post tribune herald gazette telegraph chronicle
command court parliament congress senate
government administration alliance coalition network service authority bureau guard house
nations agency media tv radio television board club team studio studios labs press journal
magazine channel airlines motors systems technologies partners capital holdings llc plc corp
panel program programme league electric dynamics atomics mills federation confederation chamber
society consortium division squadron brigade battalion regiment fleet wing battery platoon flotilla
research
""".split())
# A name ending in one of these is a document or an event ("Nuclear Posture Review", "Korean War").
DOCUMENT_WORDS = frozenset("""
review report strategy act resolution treaty agreement accord declaration charter doctrine plan
communique communiqué memorandum protocol convention bill law
symposium conference summit forum meeting dialogue talks games olympics war
exercise exercises drill drills raid incident crisis
""".split())
# A name ending in one of these is a place whatever else it holds ("Hickam Air Force Base",
# "Peace House" is not: a house is a body's as often).
PLACE_ENDS = frozenset("base station camp airport port harbor harbour complex cosmodrome garrison".split())
# ... and one of these, or of those, makes it a place ("Sea of Japan", "Korean Peninsula").
PLACE_WORDS = frozenset("""
sea ocean peninsula strait bay river island islands mountain mountains province region regions canal cape
republic city coast asia europe africa america east west border zone gulf county state
district krai oblast valley archipelago lake desert atoll reef
""".split()) | PLACE_ENDS
# ... or it opens with one of these ("North Darfur", "South Kordofan", "West Bank").
COMPASS = frozenset("north south east west northern southern eastern western".split())
# What a title's object ends with: "for Humanitarian Affairs", "for Refugees", "of National
# Intelligence", "for Sudan" (and any body or place word, or a country).
PORTFOLIO_WORDS = frozenset("""
affairs refugees intelligence defence defense development security health trade finance justice
energy education agriculture environment operations peacekeeping peacebuilding policy relations
cooperation coordination rights disarmament migration africa asia europe americas unification
communications information planning logistics strategy personnel readiness transportation
commerce labor labour treasury interior homeland veterans housing
""".split()) | ORG_WORDS | PLACE_WORDS | {c.casefold() for c in ONE_WORD_COUNTRIES}

# Verbs that report speech or writing: "Kim said", "wrote Barry".
SPEECH_VERBS = frozenset("""
said says say told tells wrote writes added adds stated states declared declares warned warns
insisted insists noted notes argued argues claimed claims believes believed called calls
pledged pledges announced announces explained explains stressed stresses urged urges asked
asks replied replies tweeted posted commented remarked concluded recalled acknowledged
observed observes underscored underscores emphasized emphasizes emphasised emphasises
cautioned cautions reiterated reiterates
""".split())
# Words between a speaker and the verb: "Kim has also said", "Lavrov later told".
SPEECH_FILLERS = frozenset("""
also has have had already then later again reportedly previously earlier once repeatedly
publicly further separately recently has later had
""".split())

# Titles written short, with a full stop that ends no sentence: "Maj. Gen. Pat Ryder", "Dr. Lee".
TITLE_ABBREVIATIONS = "Lt|Gov|Sen|Rep|Gen|Brig|Col|Sgt|Capt|Cmdr|Cdr|Maj|Adm|Cpl|Pvt|Pfc|Spc|Ens|Amb|Supt|Dr|Mr|Mrs|Ms|Prof"

# Countries by their initials: one word, a country's name ("U.S. forces", "the DPRK said"),
# listed under the name they stand for, so that "U.S." and "United States" are one. (A text
# that writes "DPRK" spells it out as the Democratic People's Republic of Korea, not as North
# Korea; "PRC" is written beside "China" itself.)
COUNTRY_INITIALS = {
    "U.S.": "United States", "U.S.A.": "United States", "USA": "United States", "US": "United States",
    "U.K.": "United Kingdom", "UK": "United Kingdom", "UAE": "United Arab Emirates",
    "ROK": "Republic of Korea", "DPRK": "Democratic People's Republic of Korea", "PRC": "China",
}
# Capitals and a few cities much in the news, found on their own like one-word countries
# ("Khartoum", "Kyiv", "Pyongyang"): a brief on any topic names them. (Left out where the
# word is as often something else: Washington, Victoria, Kingston, Male.)
CAPITALS = frozenset("""
Kabul Tirana Algiers Luanda Yerevan Canberra Vienna Baku Nassau Manama Dhaka Minsk Brussels Belmopan
Porto-Novo Thimphu Sarajevo Gaborone Brasilia Brasília Sofia Ouagadougou Gitega Bujumbura Phnom Yaounde
Yaoundé Ottawa Bangui Beijing Bogota Bogotá Moroni Kinshasa Brazzaville Zagreb Havana Nicosia Prague
Copenhagen Djibouti Quito Cairo Asmara Tallinn Mbabane Addis Suva Helsinki Paris Libreville Banjul
Tbilisi Berlin Accra Athens Conakry Bissau Georgetown Tegucigalpa Budapest Reykjavik Delhi Jakarta
Tehran Baghdad Dublin Jerusalem Rome Tokyo Amman Astana Nairobi Pristina Kuwait Bishkek Vientiane Riga
Beirut Maseru Monrovia Tripoli Vaduz Vilnius Antananarivo Lilongwe Kuala Bamako Valletta Nouakchott
Chisinau Ulaanbaatar Podgorica Rabat Maputo Naypyidaw Windhoek Kathmandu Amsterdam Managua Niamey Abuja
Pyongyang Skopje Oslo Muscat Islamabad Ramallah Panama Asuncion Asunción Lima Manila Warsaw Lisbon Doha
Bucharest Moscow Kigali Riyadh Dakar Belgrade Freetown Singapore Bratislava Ljubljana Mogadishu Pretoria
Seoul Juba Madrid Colombo Khartoum Paramaribo Stockholm Bern Damascus Taipei Dushanbe Dodoma Bangkok Dili
Lome Lomé Tunis Ankara Ashgabat Kampala Kyiv Kiev Abu Dhabi London Montevideo Tashkent Caracas Hanoi
Sanaa Sana'a Lusaka Harare Aden Hodeidah Mariupol Kharkiv Odesa Donetsk Vladivostok Shanghai Busan Incheon
Osaka Okinawa Guam Hawaii Sapporo Jeddah Mecca Gaza Aleppo Mosul Basra Kandahar Benghazi Omdurman
""".split()) - {"Kuala", "Addis", "Abu", "Dhabi", "Phnom"}
# Bodies everyone writes by their initials ("UN", "NATO", "the IAEA") or by one word ("the
# Pentagon"): one word, an organisation.
ORG_INITIALS = frozenset("""
UN EU NATO ASEAN IAEA WFP UNICEF UNHCR OCHA UNDP UNESCO IMO ICC ICJ IMF WTO OSCE OPEC IGAD AU ECOWAS
CIA FBI NSA NSC DoD DOD CENTCOM INDOPACOM EUCOM AFRICOM NORAD IRGC KCNA USFK UNC CFC JCS NIS MOFA
""".split()) | frozenset(
    # ... and a few known by one word: "the Pentagon said", "the Houthis fired".
    "Pentagon Kremlin Politburo Hamas Hezbollah Houthis Taliban Interpol Europol".split())

# A ship's prefix opens its name, and the type before it is no part of another's.
SHIP_PREFIXES = frozenset({"HMS", "USS", "USNS", "RFA", "HMAS", "HMCS", "HMNZS", "HNLMS", "INS", "ITS", "FS", "MV", "M/V", "ROKS"})
SHIP_TYPES = frozenset("destroyer frigate cruiser corvette submarine carrier warship ship vessel tanker".split())
