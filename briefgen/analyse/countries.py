"""Countries' names, for telling a country from a person or a place without a gazetteer
(`names.kind_of`, and a one-word country found on its own by `entities`)."""

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
