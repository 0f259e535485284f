"""The sections beyond the themes: quotes, people and organisations, timeline, what
changed, emerging topics and source labels, on the seeds and on small made-up articles."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from briefgen.analyse import analyse, quotes
from briefgen.analyse.changes import compare, previous_brief
from briefgen.config import load_config, parse_config
from briefgen.errors import ConfigError
from briefgen.ingest import ingest
from briefgen.models import Article, EmbeddedPost, PreviousBrief, SummaryPoint, ThemeSection
from briefgen.pipeline import build_brief
from briefgen.render.html import eventdate, render_html

from .conftest import DEFAULT_CONFIG, write

SEOUL = ZoneInfo("Asia/Seoul")
THEMES = [{"key": "missiles", "label": "Missiles", "terms": {"missile*": 2}}]


def config(**extra: object):
    return parse_config({"sources": [{"name": "S", "path": "x/"}], "themes": THEMES, **extra})


def article(text: str, id: str = "a1", published: datetime | None = None, **kw: object) -> Article:
    return Article(id=id, source=str(kw.pop("source", "S")), title=f"Title {id}", text=text, published=published, **kw)  # type: ignore[arg-type]


def timeline_of(text: str, published: datetime):  # type: ignore[no-untyped-def]
    """The timeline the analysis finds in one article of that date."""
    return analyse([article(text, published=published)], config()).timeline


def entities_of(*articles: Article, cfg=None) -> dict:
    """The entities the analysis finds in these articles, by name."""
    return {e.name: e for e in analyse(list(articles), cfg or config()).entities}


@pytest.fixture(scope="module")
def seeds():
    cfg = load_config(DEFAULT_CONFIG)
    return analyse(ingest(cfg).articles, cfg)


# -- People and organisations -----------------------------------------------------


def test_seed_people_are_found_as_people(seeds):
    people = {e.name: e for e in seeds.entities if e.kind == "person"}
    for name in ("Kim Jong-un", "Jo Chol Su", "Sergey Lavrov", "Josep Borrell", "Jake Sullivan", "Choe Son Hui",
                 "Mark P Barry", "Gordon Chang", "Andrew A Michta", "Chang Ho-jin"):
        assert name in people, name
    # Aliases are merged, hashtags included; the count is of every form.
    assert {"Kim", "Kim Jong-Un", "#KimJongUn"} <= set(people["Kim Jong-un"].aliases)
    assert people["Kim Jong-un"].mentions >= 8
    assert "Russian Foreign Minister" in people["Sergey Lavrov"].roles
    assert people["Jo Chol Su"].roles[0].startswith("director general of the Department")
    # Nobody is a person by accident.
    assert not {"North Korea", "Korean Peninsula", "White House", "Foreign Minister"} & set(people)


def test_seed_countries_and_organisations_merge_their_aliases(seeds):
    found = {e.name: e for e in seeds.entities}
    north = found["North Korea"]
    assert north.kind == "country" and {"DPRK", "Pyongyang", "DPR Korea"} <= set(north.aliases)
    assert found["Gatestone Institute"].kind == "organisation"
    assert found["Sea of Japan"].kind == "place"
    assert found["Russia"].themes and "russia" in found["Russia"].themes
    assert not any(e.name in ("New Year", "Democratic People's", "Top EU") for e in seeds.entities)


def test_the_default_gazetteer_names_the_allied_command_and_the_us_departments():
    # Read from briefs of real text: "USFK" and "United States Forces Korea" were two
    # organisations; "State Department" and "Department of State" two more.
    cfg = load_config(DEFAULT_CONFIG)
    found = entities_of(
        article("United States Forces Korea moved a Patriot battery. USFK said the State Department agreed.", id="a1"),
        article("U.S. Forces Korea and the Department of State said the drills would go on.", id="a2"), cfg=cfg)
    assert found["United States Forces Korea"].mentions == 3 and found["United States Forces Korea"].kind == "organisation"
    assert found["US State Department"].mentions == 2 and "USFK" not in found and "State Department" not in found


def test_a_gazetteer_surname_inside_a_hyphenated_given_name_is_no_mention():
    # Read from a brief of real text: "Adm. Choi Yoon-hee, Republic of Korea chairman of the Joint
    # Chief of Staff" was a mention of President Yoon Suk Yeol (the gazetteer's alias "Yoon").
    cfg = load_config(DEFAULT_CONFIG)
    found = entities_of(article("Adm. Choi Yoon-hee, Republic of Korea chairman of the Joint Chiefs of Staff, met Gen. "
                                "Thurman.", id="a1"),
                        cfg=cfg)
    assert "Yoon Suk Yeol" not in found and found["Choi Yoon-hee"].kind == "person", found
    # ... while a name after a hyphen in a compound still counts: "Russia-backed", "Yoon-era".
    found = entities_of(article("President Yoon spoke in Seoul on the Russia-backed plan.", id="a2"), cfg=cfg)
    assert found["Yoon Suk Yeol"].mentions == 1 and "Russia" in found, found


def test_a_ship_named_for_a_gazetteer_place_and_a_press_secretary():
    # Read from a brief of real text: "USS George Washington" was "USS George" and a mention of
    # the United States (the default gazetteer's alias "Washington"); "Pentagon Press Secretary
    # Peter Cook" gave an organisation "Pentagon Press".
    cfg = load_config(DEFAULT_CONFIG)
    found = entities_of(article("The aircraft carrier USS George Washington arrived in Busan, South Korea. Pentagon "
                                "Press Secretary Peter Cook said the visit was planned.", id="a1"), cfg=cfg)
    assert "USS George Washington" in found and "United States" not in found, found
    assert "Pentagon Press" not in found and found["Peter Cook"].roles == ("Pentagon Press Secretary",), found


def test_names_without_a_gazetteer():
    text = (
        "Analyst Mary Jones said the talks had failed.\n\n"
        "Gordon Chang and Chang Ho-jin met in Seoul.\n\n"
        "Jones wrote that Chang was late.\n\n"
        "Tensions rose at the Ministry of Unification on Friday, the Korea Institute said."
    )
    found = entities_of(article(text))
    assert found["Mary Jones"].kind == "person" and found["Mary Jones"].mentions == 2  # "Jones" merged
    assert found["Mary Jones"].roles == ("Analyst",)
    # "Chang" is the first or last name of two people: it stays no one's.
    assert found["Gordon Chang"].mentions == 1 and found["Chang Ho-jin"].mentions == 1
    assert found["Korea Institute"].kind == "organisation"
    assert found["Ministry of Unification"].kind == "organisation"
    assert "Tensions" not in " ".join(found)


def test_a_paper_spoken_to_and_a_sentence_opening_word_are_not_people():
    # From a new user's Sudan brief: "Sudan Tribune" and the United States listed under
    # People, "Since April" a name.
    text = (
        "Military sources told Sudan Tribune the team had been authorised to discuss the agenda.\n\n"
        "Since April 2023 the Rapid Support Forces have besieged the city, said Mohamed Bashir Abu Nommo.\n\n"
        "The United States said it would send more aid, and Saudi Arabia told the envoys to return.\n\n"
        "The following statement was issued by the Spokesman for UN Secretary-General António Guterres."
    )
    found = entities_of(article(text))
    assert found["Sudan Tribune"].kind == "organisation"
    assert found["Mohamed Bashir Abu Nommo"].kind == "person"  # "said X": X spoke
    assert not any(name.startswith("Since") for name in found)
    # A country that speaks is still a country.
    assert found["United States"].kind == "country" and found["Saudi Arabia"].kind == "country"
    # What a role leaves of a run does not open with its connector.
    assert not any(name.startswith("for ") for name in found)


def test_one_word_countries_without_a_gazetteer():
    # A brief on a new topic lists no entities: "Sudan" and "Chad" were no entity at all.
    text = (
        "Sudan's army retook the city, and Chad closed its border with Sudan.\n\n"
        "Egypt said it would host talks on the Panama Canal fees.\n\n"
        "Representative Jim Jordan said the bill would pass. Jordan said so twice."
    )
    other = "Chad Smith, a Georgia lawyer, met the Sudanese delegation. Chad said little."
    found = entities_of(article(text), article(other, id="a2"))
    assert found["Sudan"].kind == "country" and found["Sudan"].mentions == 2
    assert found["Sudan"].aliases == ("Sudan",)  # the possessive is not part of the name
    assert found["Chad"].kind == "country" and found["Egypt"].kind == "country"
    # Never a word of a longer name, and the person an article names comes first.
    assert "Panama" not in found and "Panama Canal" in found
    # ... a waterway, a cape or an archipelago is a place (read from a Red Sea brief: "Suez
    # Canal" and "Cape of Good Hope" were no place, and its places table lacked them).
    assert found["Panama Canal"].kind == "place"
    assert "Jordan" not in found and found["Jim Jordan"].mentions == 2
    assert found["Chad"].source_ids == ("a1",) and found["Chad Smith"].kind == "person" and "Georgia" not in found


def test_un_titles_and_regions_of_a_new_topic():
    # From a new user's Sudan brief: a hyphenated title left Guterres "other", a title before
    # a title became a name ("Spokesperson for UN"), and regions had no kind.
    text = (
        "The following statement was issued by the Spokesperson for UN Secretary-General António Guterres.\n\n"
        "Director-General Tedros Adhanom Ghebreyesus warned of famine in North Darfur and South Kordofan.\n\n"
        "The Russian Federation abstained.\n\n"
        "USAID Administrator Samantha Power met UN Resident Coordinator Clementine Nkweta-Salami."
    )
    found = entities_of(article(text))
    assert found["António Guterres"].kind == "person" and found["António Guterres"].roles == ("UN Secretary-General",)
    assert not any("Spokesperson" in name for name in found)
    assert found["Tedros Adhanom Ghebreyesus"].kind == "person"
    assert found["North Darfur"].kind == "place" and found["South Kordofan"].kind == "place"
    assert found["Russian Federation"].kind == "country"
    assert found["Samantha Power"].roles == ("USAID Administrator",)
    assert found["Clementine Nkweta-Salami"].roles == ("UN Resident Coordinator",) and "UN Resident" not in found
    # A title after the name, capitalised: only when its words before "for" or "of" are a title's.
    briefing = ("Rosemary DiCarlo, Under-Secretary-General for Political and Peacebuilding Affairs, briefed the Council. "
                "John Smith, President Biden and Jane Doe met.")
    found = entities_of(article(briefing, id="a2"))
    assert found["Rosemary DiCarlo"].roles == ("Under-Secretary-General for Political and Peacebuilding Affairs",)
    assert found["John Smith"].roles == ()
    # A title with its object before the name: the object is no part of the name.
    titled = ("Under-Secretary-General for Humanitarian Affairs Martin Griffiths said the war must end. "
              "UN High Commissioner for Refugees Filippo Grandi visited Chad.")
    found = entities_of(article(titled, id="a3"))
    assert found["Martin Griffiths"].roles == ("Under-Secretary-General for Humanitarian Affairs",)
    assert found["Filippo Grandi"].kind == "person" and found["Filippo Grandi"].roles == ("UN High Commissioner for Refugees",)
    assert not any("Affairs Martin" in name or "Refugees Filippo" in name for name in found)


def test_a_titles_list_of_regions_runs_past_its_comma_and_a_press_secretary_keeps_press():
    # From UN coverage: the People list had "Assistant Secretary-General for Europe" and, for
    # the White House's press secretary, "secretary".
    text = (
        "Miroslav Jenča, Assistant Secretary-General for Europe, Central Asia and the Americas in the Departments of "
        "Political and Peacebuilding Affairs and Peace Operations, briefed the Council.\n\n"
        "In Washington, White House press secretary Jay Carney said the launch was a threat.\n\n"
        "Vladimir Putin, President of Russia, Xi Jinping and Kim Jong Un, the three leaders, met in Moscow.\n\n"
        "Martin Griffiths, Under-Secretary-General for Humanitarian Affairs, and Ted Chaiban, a deputy director, spoke."
    )
    found = entities_of(article(text))
    assert found["Miroslav Jenča"].roles == ("Assistant Secretary-General for Europe, Central Asia and the Americas in the "
                                            "Departments of Political and Peacebuilding Affairs and Peace Operations",)
    assert found["Jay Carney"].roles == ("White House press secretary",)
    # Not past the comma of "President of Russia": other people follow it, not its regions.
    assert found["Vladimir Putin"].roles == ("President of Russia",)
    assert found["Martin Griffiths"].roles == ("Under-Secretary-General for Humanitarian Affairs",)


def test_an_honorific_and_a_surname_in_one_article_meet_the_full_name_of_another():
    # IMO coverage of the Red Sea: "Mr. Dominguez said" (a person with no role) in one
    # article and "Secretary-General Arsenio Dominguez" in another raised KeyError in the
    # day's merge of names, and the whole analysis with it.
    first = article("IMO Secretary-General Arsenio Dominguez described the attacks as unacceptable.", id="a1")
    second = article("There must be restraint in the Red Sea, Mr. Dominguez said on Tuesday.", id="a2")
    people = {e.name: e for e in analyse([first, second], config()).entities if e.kind == "person"}
    assert people["Arsenio Dominguez"].mentions == 2 and "Dominguez" not in people
    assert people["Arsenio Dominguez"].source_ids == ("a1", "a2")


def test_a_name_without_its_first_word_is_the_one_person_whose_name_ends_so():
    # UN coverage names "Mohamed Khaled Khiari" in one story and "Khaled Khiari" in another:
    # the People list had two people, each with half the mentions.
    first = article("Mohamed Khaled Khiari, Assistant Secretary-General for the Middle East, briefed the Council.", id="a1")
    second = article("Khaled Khiari said the launch was a serious risk to civil aviation.", id="a2")
    result = analyse([first, second], config())
    people = {e.name: e for e in result.entities if e.kind == "person"}
    assert "Khaled Khiari" not in people and people["Mohamed Khaled Khiari"].mentions == 2
    # A UN title's initials are a title ("ASG Khiari"), and a name's suffix is not its surname
    # ("Lloyd Austin III" is "Secretary Austin"): the People list had both twice.
    third = article("ASG Khiari told the Council the launch was reckless.", id="a5")
    fourth = article("Secretary of Defense Lloyd Austin III met reporters.", id="a6")
    fifth = article("Secretary Austin said the drills would go on.", id="a7")
    people = {e.name: e for e in analyse([first, second, third, fourth, fifth], config()).entities if e.kind == "person"}
    assert people["Mohamed Khaled Khiari"].mentions == 3 and not {"Khiari", "ASG Khiari"} & set(people)
    assert people["Lloyd Austin III"].mentions == 2 and "Austin" not in people
    # Two people whose names end so: neither takes the shorter name.
    third = article("Ambassador Soo Young Kim met Minister Min Young Kim in Seoul.", id="a3")
    fourth = article("Young Kim said the talks went well.", id="a4")
    people = {e.name for e in analyse([third, fourth], config()).entities if e.kind == "person"}
    assert {"Soo Young Kim", "Min Young Kim", "Young Kim"} <= people


def test_a_name_numbered_by_year_and_iteration_is_an_exercise():
    # "Buddy Wing 16-3" was an organisation (a unit's "Wing"); "8th Fighter Wing" still is one.
    text = "Pilots of the 8th Fighter Wing flew during Buddy Wing 16-3 and Max Thunder 15-1 at Kunsan."
    found = entities_of(article(text))
    assert found["Buddy Wing"].kind == "other" and found["Max Thunder"].kind == "other"
    assert found["8th Fighter Wing"].kind == "organisation"
    # An event or a base by its last word, whatever bodies its other words name; the Soviet
    # Union is a country.
    text = ("Troops rehearsed during the Joint Command Post Exercise. Jets flew from Hickam Air Force Base. "
            "The Soviet Union backed the Blue House Raid, the Air Force said.")
    found = entities_of(article(text, id="a2"))
    assert found["Joint Command Post Exercise"].kind == "other" and found["Blue House Raid"].kind == "other"
    assert found["Hickam Air Force Base"].kind == "place" and found["Soviet Union"].kind == "country"
    assert found["Air Force"].kind == "organisation"
    # A document by the word before its "of"; a country's long name around a gazetteer name.
    gazetteer = config(entities=[{"name": "China", "kind": "country"}])
    found = entities_of(article("The statement did not invoke Chapter VII, as the People's Republic of China asked; "
                                "the Treaty of Peking was cited.", id="a4"), cfg=gazetteer)
    assert found["People's Republic of China"].kind == "country" and found["Treaty of Peking"].kind == "other"
    # A nation's thing is no place in the north: "North Korean Stakhanovite", "South Korean Nuri".
    found = entities_of(article("The North Korean Stakhanovite movement grew, as did South Korean Nuri launches.", id="a3"))
    assert found["North Korean Stakhanovite"].kind != "place" and found["South Korean Nuri"].kind != "place"


def test_a_title_between_commas_is_the_name_before_it_and_a_model_is_no_place():
    # From a UN meeting record: "Conflict Armament Research" was a person titled "Executive
    # Director", and "South Korean F-35A" a place.
    text = ("Jonah Leff, Executive Director, Conflict Armament Research, whose organization traces weapons, "
            "presented findings.\n\nThe allies flew a US B-52H bomber with South Korean F-35A fighters.")
    found = entities_of(article(text))
    assert found["Jonah Leff"].roles == ("Executive Director",)
    assert found["Conflict Armament Research"].kind == "organisation" and found["Conflict Armament Research"].roles == ()
    assert found["South Korean F-35A"].kind == "other"
    # A title that introduces the name after it keeps it, commas or not.
    found = entities_of(article("In Pyongyang, North Korea's leader, Kim Jong-un, said the launch succeeded.", id="a2"))
    assert found["Kim Jong-un"].roles == ("North Korea's leader",)


def test_a_long_title_after_a_name_still_makes_a_person_who_is_quoted():
    # From VOA on Sudan: an 18-word title was taken for no title, so the analyst was no
    # person and the quotation he gave had no speaker.
    text = (
        "Alex DeWaal, executive director of the World Peace Foundation at the Fletcher School of Law and "
        "Diplomacy at Tufts University, described it as a routine practice.\n\n"
        "\"The Sudan Armed Forces are cutting off all material supplies to areas under RSF control,\" DeWaal told VOA."
    )
    result = analyse([article(text)], config())
    found = {e.name: e for e in result.entities}
    assert found["Alex DeWaal"].kind == "person" and found["Alex DeWaal"].roles[0].startswith("executive director of")
    assert [q.speaker for q in result.quotes] == ["Alex DeWaal"]


def test_a_speaker_with_an_honorific_after_the_quotation():
    # UN News on Sudan: '..., " Mr. Guterres said.' left the quotation with no speaker.
    text = (
        "Secretary-General António Guterres appealed to all parties in Sudan.\n\n"
        "\u201cThe United Nations and our humanitarian partners are doing everything we can,\u201d Mr. Guterres said."
    )
    (quote,) = analyse([article(text)], config()).quotes
    assert quote.speaker == "António Guterres"


def test_a_speaker_named_after_a_title_or_speaking_for_a_country():
    # Army, Navy and Treasury releases: '," said Secretary of the Treasury Scott Bessent',
    # '," said USN Cpt. Thomas Dearborn, ...' (which also ended a sentence at "Cpt.") and UN
    # coverage's "the United Kingdom's delegate warned that “...”" had no speaker.
    text = (
        "\u201cWe will not tolerate this ongoing campaign of terror in Sudan,\u201d said Secretary of the Treasury "
        "Scott Bessent.\n\n"
        "\"We looked at bringing supplies ashore in a time of war,\" said USN Cpt. Thomas Dearborn, Expeditionary "
        "Strike Group 3 chief of staff.\n\n"
        "Speaking after the vote, the United Kingdom\u2019s delegate warned that \u201can attack on the city would "
        "be catastrophic for the people sheltering there\u201d."
    )
    said = {q.text[:10]: (q.speaker, q.speaker_kind) for q in analyse([article(text)], config()).quotes}
    assert said == {"We will no": ("Scott Bessent", "person"), "We looked ": ("Thomas Dearborn", "person"),
                    "an attack ": ("United Kingdom", "country")}, said


def speakers(text: str) -> dict[str, str | None]:
    """Each quotation of a brief of one article (by its first ten characters) and its speaker."""
    return {q.text[:10]: q.speaker for q in analyse([article(text)], config()).quotes}


def test_a_title_in_quotation_marks_is_no_quotation():
    # Read from a brief of real text (Wikipedia): 'Putin wrote an editorial titled "Russia and the
    # DPRK: Traditions of Friendship and Cooperation Through the Years"' was a key quote of his;
    # so was a report's title written as one (DIA, Red Sea).
    text = ("Hours before his arrival, Putin wrote an editorial titled \"Russia and the DPRK: Traditions of Friendship "
            "and Cooperation Through the Years\" in Rodong Sinmun, where he praised the \"friendly and neighborly "
            "relationship between Russia and the DPRK\". The drill, dubbed \u201cFreedom Shield of the Allied Forces "
            "in Korea 24\u201d, began. The report, \u201cYemen: Houthi Attacks Placing Pressure on International "
            "Trade,\u201d follows the agency's February report.")
    assert set(speakers(text)) == {"friendly a"}, speakers(text)


def test_a_quotation_carried_over_paragraphs_is_one():
    # Read from a brief of real text (State Department): 'In a statement, Secretary of State John
    # Kerry said, "...This is the second time ...' opens a quotation the paragraph does not close
    # (news writing closes it only in its last paragraph): it was no quotation at all.
    text = ("In a statement, Secretary of State John Kerry said, \"...This is the second time in just over a month "
            "that the D.P.R.K. has chosen to conduct a major provocation.\n\n"
            "Prime Minister Theresa May said: \u201cI condemn this completely irresponsible act by the DPRK.\n\n"
            "\u201cIt poses a threat to the region and we will work with partners.\u201d")
    said = speakers(text)
    assert said["...This is"] == "John Kerry" and said["I condemn "] == "Theresa May", said


def test_a_paragraph_that_is_only_a_quotation_goes_on_with_the_speaker_before():
    # Read from a brief of real text (VOA, Sudan): '"... through starvation," DeWaal told VOA.' then
    # a paragraph '"The logics of war are leading relentlessly to famine."' left it without a
    # speaker; so did Austin's second paragraph in Rome.
    text = ("\u201cSudan is the worst crisis of the century by the measure of deaths through starvation,\u201d said "
            "Alex DeWaal, the director of the World Peace Foundation.\n\n"
            "\u201cThe logics of war are leading relentlessly to famine.\u201d\n\n"
            "The United Nations said the fighting goes on.\n\n"
            "\u201cNobody expected it to last this long, not the generals and not us.\u201d")
    said = speakers(text)
    assert said == {"Sudan is t": "Alex DeWaal", "The logics": "Alex DeWaal", "Nobody exp": None}, said


def test_a_quotation_opened_straight_and_closed_curly():
    # Read from a brief of real text (UN News, Sudan): '"This cessation of hostilities must lead to a
    # definitive silencing of the guns,” he added, stressing, “the values of Ramadan must prevail.”'
    # opened with a straight mark and closed with a curly one: it ran to the paragraph's end,
    # attribution and second quotation included.
    from briefgen.analyse.quotemarks import quotations

    text = ("\"A cessation of hostilities must lead to a definitive silencing of the guns,\u201d he added, stressing, "
            "\u201cthe values of Ramadan must prevail across the whole country.\u201d")
    assert [text[a:b] for a, b in quotations(text)] == [
        "A cessation of hostilities must lead to a definitive silencing of the guns,",
        "the values of Ramadan must prevail across the whole country."]


def test_key_quotes_follow_the_days_leading_stories():
    # Read from a brief of real text: nine of ten key quotes were units' publicity lines, because
    # speakers of equal standing were taken in alphabetical order of their first names.
    from briefgen.models import Entity, Quote, Story

    quotes_ = [Quote(f"Words of {name} said at length here.", name, "person", None, None, (f"p{n}",), (article,))
               for n, (name, article) in enumerate([("Aaron Able", "a3"), ("Zoe Zed", "a1"), ("Mia Mid", "a2")])]
    people = [Entity(q.speaker, "person", 1, (q.speaker,), (), (), q.passage_ids, q.source_ids) for q in quotes_]
    ranked = [Story(f"s-{a}", (a,), ("S",), rank=r) for a, r in (("a1", 1), ("a2", 2), ("a3", 3))]
    chosen = quotes.select(quotes_, sorted(people, key=lambda e: e.name), 2, ranked)
    assert [q.speaker for q in chosen] == ["Zoe Zed", "Mia Mid"], chosen


def test_a_quotation_that_goes_on_after_its_attribution_is_the_same_speakers():
    # Army stories: '"...," said Schantz. "To have a project that reminds us about that is
    # good."' left the second quotation with no speaker.
    text = (
        "Col. Blair A. Schantz leads the district.\n\n"
        "\u201cWe're here to support the war fighter and maintain the posture,\u201d said Schantz, the district's "
        "commander. \u201cTo have a project that reminds us about that is good.\u201d\n\n"
        "\u201cWe are still coordinating additional actions in the region,\u201d said U.S. envoy Sung Kim. Talks "
        "resumed on Monday. \u201cWe will use them if we must and we shall.\u201d"
    )
    said = speakers(text)
    assert said == {"We're here": "Blair A. Schantz", "To have a ": "Blair A. Schantz", "We are sti": "Sung Kim",
                    "We will us": None}, said
    # ... also when the first quotation is not shown because it points back ("It's been ..."):
    # it still says whose the next one is.
    text = (
        "\"It's been really great being a part of this exercise,\" said Maj. Ad Godinez, the battalion's training "
        "officer. \"RSOI is a great test for what a Stryker brigade can do quickly in this theater.\""
    )
    said = speakers(text)
    assert said == {"RSOI is a ": "Ad Godinez"}, said


def test_a_speaker_named_after_the_quotation_behind_a_title_or_before_what_he_is():
    # DOD News, CENTCOM, the US Mission to the UN and Marine Corps releases: '," Air Force Brig.
    # Gen. Pat Ryder said', '," said Cmdr. Jeremy Robertson, ...', '," U.S. Mission to the
    # United Nations spokesperson Nate Evans said' and '," Lyle G. Layher, head of ..., said'
    # had no speaker (and "Cmdr." made no person).
    text = (
        "\u201c[The Central Park] was boarded by these five individuals. They attempted to access the crew "
        "cabin,\u201d Air Force Brig. Gen. Pat Ryder said this morning.\n\n"
        "\"Our crew was ready and defended the ship against the drones,\" said Cmdr. Jeremy Robertson, the "
        "destroyer's commanding officer. \"No matter the challenge, we answered the call.\"\n\n"
        "\u201cThe numerous unjustified attacks on shipping must stop at once,\u201d U.S. Mission to the United "
        "Nations spokesperson Nate Evans said in a statement.\n\n"
        "\u201cPersonnel provided a team to load the vessels for the exercise,\u201d Lyle G. Layher, head of the "
        "command's team, said.\n\n"
        "\u201cThe launch violates every resolution of the council on the matter,\u201d the report said, citing "
        "Kim Jong Un.\n\n"
        # A service in lower case before the rank, and UN coverage's "observed".
        "\"By studying each other's systems, we are linking our two armies,\" said South Korean army Capt. Hyo Sang "
        "Kim, commander of the company.\n\n"
        "\u201cThere have been further alarming developments in the Red Sea,\u201d observed Khaled Khiari, Assistant "
        "Secretary-General for the Middle East."
    )
    said = speakers(text)
    assert said == {"[The Centr": "Pat Ryder", "Our crew w": "Jeremy Robertson", "No matter ": "Jeremy Robertson",
                    "The numero": "Nate Evans", "Personnel ": "Lyle G. Layher", "The launch": None,
                    "By studyin": "Hyo Sang Kim", "There have": "Khaled Khiari"}, said
    text = (
        # What the speaker is, then a name: his; not a name after "adding that".
        "\u201cWe watched the missile launch closely from the ship today,\u201d said a department official, "
        "Lieutenant Colonel Michelle Baldanza.\n\n"
        "\u201cWe recorded every second of the flight and sent it on,\u201d said the spokesman, adding that Kim Jong Un "
        "had watched it.\n\n"
        # Two people named there: neither alone is the speaker.
        "\u201cWe condemn this launch in the strongest possible terms today,\u201d U.S. Secretary of State Antony "
        "Blinken and South Korean Foreign Minister Park Jin said in a joint statement."
    )
    said = speakers(text)
    assert said == {"We condemn": None, "We watched": "Michelle Baldanza", "We recorde": None}, said
    text = (
        # "According to X, ..." before the quotation: X's, the person after a title first; not a
        # document of X's ("the U.S. intelligence community's assessment").
        "According to Patrick Shanahan, who was acting Secretary of Defense, the exercise was designed \"to "
        "reduce tensions and support our diplomatic efforts.\"\n\n"
        "According to Pentagon Press Secretary Pat Ryder, the troops were \"moving toward the front lines in "
        "Kursk right now.\"\n\n"
        "According to the U.S. intelligence community\u2019s assessment, Kim views missiles as \"a guarantee of "
        "his regime's survival and power.\""
    )
    said = speakers(text)
    assert said == {"to reduce ": "Patrick Shanahan", "moving tow": "Pat Ryder", "a guarante": None}, said


def test_a_title_runs_back_through_its_of():
    # "Chief of Naval Operations Adm. Lisa Franchetti" was titled "Naval Operations Adm.";
    # "Spokesman for UN Secretary-General António Guterres" is not Guterres's title.
    found = entities_of(article("Chief of Naval Operations Adm. Lisa Franchetti met the crew. "
                                "The Spokesman for UN Secretary-General António Guterres said so.", id="a1"))
    # (The rank after the post is no part of it: read from a brief of real text.)
    assert found["Lisa Franchetti"].roles == ("Chief of Naval Operations",)
    assert "Spokesman" not in " ".join(found["António Guterres"].roles)
    # A briefer introducing himself: the title is not "I'm Major General".
    found = entities_of(article("Good afternoon. I\u2019m Major General Pat Ryder, and I said so.", id="a2"))
    assert found["Pat Ryder"].roles == ("Major General",)


def test_a_title_that_is_only_a_rank_gives_way_to_the_post_after_the_name():
    # Read from briefs of real text: "Navy Capt. Jeff Davis, a Pentagon spokesman" was titled
    # "Navy Capt.", "Vice Adm. Brad Cooper, commander of U.S. Naval Forces Central Command" "Vice
    # Adm."; "Pentagon Press Secretary Air Force Brig. Gen. Pat Ryder" kept the rank after the post.
    found = entities_of(article(
        "\u201cWe detected a launch of a ballistic missile from North Korea,\u201d said Navy Capt. Jeff Davis, a "
        "Pentagon spokesman. Vice Adm. Brad Cooper, commander of U.S. Naval Forces Central Command, agreed. "
        "Pentagon Press Secretary Air Force Brig. Gen. Pat Ryder said so too. NATO Secretary General Jens "
        "Stoltenberg and Secretary of the Navy Carlos Del Toro, who was in Seoul, spoke later.", id="a1"))
    roles = {name: e.roles for name, e in found.items() if e.kind == "person"}
    assert roles["Jeff Davis"] == ("a Pentagon spokesman",), roles
    assert roles["Brad Cooper"] == ("commander of U.S. Naval Forces Central Command",), roles
    assert roles["Pat Ryder"] == ("Pentagon Press Secretary",), roles
    # A post's own words stay: no rank is cut from them.
    assert roles["Jens Stoltenberg"] == ("NATO Secretary General",) and roles["Carlos Del Toro"] == ("Secretary of the Navy",)


def test_a_one_word_alias_is_not_a_word_of_someone_elses_name():
    # Real text on the peninsula: "Kim Il Sung", "Kim Jong Il", "Kim Dae Jung" and "Ambassador
    # Sung Kim" were all counted as Kim Jong-un (the gazetteer's alias "Kim").
    cfg = load_config(DEFAULT_CONFIG)
    text = (
        "The founder Kim Il Sung died in 1994 and Kim Jong Il succeeded him.\n\n"
        "President Kim Dae Jung met Ambassador Sung Kim in Seoul.\n\n"
        "Chairman Kim watched the launch, and Mr. Kim said it succeeded. Kim Jong Un smiled."
    )
    found = entities_of(article(text), cfg=cfg)
    assert found["Kim Jong-un"].passage_ids == ("a1-3", "a1-4") and found["Kim Jong-un"].mentions == 3
    assert {"Kim Il Sung", "Kim Jong Il", "Kim Dae Jung", "Sung Kim"} <= set(found)


def test_titles_opening_a_sentence_and_the_kinds_of_real_names():
    text = (
        "Secretary of State Antony J. Blinken held a call with the Panel of Experts.\n\n"
        "North Koreans and South Korean officials met at Osan Air Base and Camp Humphreys.\n\n"
        "Rockets rose from the Vostochny Cosmodrome in the Russian Far East."
    )
    found = entities_of(article(text))
    assert found["Antony J. Blinken"].kind == "person" and found["Antony J. Blinken"].roles == ("Secretary of State",)
    assert found["Panel of Experts"].kind == "organisation"
    assert found["Osan Air Base"].kind == "place" and found["Camp Humphreys"].kind == "place"
    assert found["Vostochny Cosmodrome"].kind == "place"
    # "and" inside one name, never between two.
    un = "He met the Department of Economic and Social Affairs, Egypt and Saudi Arabia at the Suez Canal and Panama Canal."
    named = set(entities_of(article(un, id="a3")))
    assert "Department of Economic and Social Affairs" in named and {"Egypt", "Saudi Arabia", "Suez Canal", "Panama Canal"} <= named
    ships = "The Arleigh Burke-class destroyer said it shot down two drones, Arleigh Burke-class crews said."
    assert entities_of(article(ships, id="a2"))["Arleigh Burke-class"].kind == "other"
    # People and adjectives of a nation are no places.
    assert all(found[n].kind != "place" for n in ("North Koreans", "South Korean") if n in found)


def test_ranks_and_a_title_with_one_name_make_a_person():
    # From the Sudan, Red Sea and Korea parts: ranks were no titles ("Lieutenant General
    # Mohamed Hamdan Dagalo" was one name of kind other), "General Burhan" and "Sgt. 1st Class
    # James Burciaga" kept their titles in the name, and "al-Burhan" cut the name short.
    text = (
        "Lieutenant General Mohamed Hamdan Dagalo, known as Hemedti, leads the RSF.\n\n"
        "General Dagalo said the RSF would not stop.\n\n"
        "Abdel Fattah al-Burhan met envoys in Port Sudan, and General Burhan said the army would fight on.\n\n"
        "Sgt. 1st Class James Burciaga loaded the vehicles. General Electric said it would deliver engines, "
        "the UN General Assembly voted, and Major League Baseball paused.\n\n"
        "President Biden said the alliance held."
    )
    found = entities_of(article(text))
    people = {n: e for n, e in found.items() if e.kind == "person"}
    assert set(people) == {"Mohamed Hamdan Dagalo", "Abdel Fattah al-Burhan", "James Burciaga", "Biden"}, set(people)
    assert people["Mohamed Hamdan Dagalo"].mentions == 2 and people["Mohamed Hamdan Dagalo"].roles == ("Lieutenant General", "General")
    assert set(people["Abdel Fattah al-Burhan"].aliases) == {"Abdel Fattah al-Burhan", "Burhan"}
    assert people["James Burciaga"].roles == ("Sgt. 1st Class",) and people["Biden"].roles == ("President",)
    assert found["UN General Assembly"].kind == "organisation" and found["General Electric"].kind == "organisation"
    assert found["Major League Baseball"].kind == "organisation"


def test_a_surname_after_a_title_joins_the_full_name_another_article_gives():
    # "President Trump" in one statement, "Donald Trump" in another: one person in the People
    # table. A surname two people share stays on its own.
    found = entities_of(article("President Trump said the strikes would go on.", id="a1"),
                        article("Donald Trump said so, and Eric Trump said no.", id="a2"),
                        article("Envoy Grundberg said talks would resume.", id="a3"),
                        article("Hans Grundberg told the Council the truce held.", id="a4"))
    assert "Trump" in found and found["Trump"].roles == ("President",)
    assert found["Hans Grundberg"].mentions == 2 and set(found["Hans Grundberg"].aliases) == {"Grundberg", "Hans Grundberg"}
    assert "Grundberg" not in found


def test_spellings_of_one_name_meet_and_a_possessive_keeps_the_kind():
    # Sudan and Red Sea reporting spells names both ways in one day's articles.
    found = entities_of(article("General Abdel-Fattah Burhan said the army would fight on.", id="a1"),
                        article("Abdel Fattah al-Burhan, the army chief, met envoys. The Bab el-Mandeb is narrow, "
                                "and President Trump spoke of the Trump Administration's commitment to the "
                                "United Kingdom's ships off the Bab al-Mandeb.", id="a2"))
    assert found["Abdel-Fattah Burhan"].mentions == 2
    assert set(found["Abdel-Fattah Burhan"].aliases) == {"Abdel-Fattah Burhan", "Abdel Fattah al-Burhan"}
    assert found["Bab el-Mandeb"].mentions == 2
    assert found["Trump Administration"].kind == "organisation" and found["United Kingdom"].kind == "country"
    assert found["Trump"].kind == "person"


def test_documents_federations_army_abbreviations_and_middle_initials():
    found = entities_of(
        article("The 2022 Nuclear Posture Review said any attack was unacceptable. The National Retail "
                "Federation warned of costs. LTG William M. Burleson III inspected the troops.", id="a1"),
        article("Secretary of State Antony J. Blinken spoke first. Later, Antony Blinken said talks would go on.", id="a2"))
    assert found["Nuclear Posture Review"].kind == "other" and found["National Retail Federation"].kind == "organisation"
    assert found["William M. Burleson III"].kind == "person" and found["William M. Burleson III"].roles == ("LTG",)
    assert found["Antony J. Blinken"].mentions == 2 and "Antony Blinken" not in found


def test_capitals_initials_numbered_units_and_events_without_a_gazetteer():
    # From the entity-labelled real-text set: a brief on a new topic listed no "Khartoum",
    # no "U.S." and no "UN"; "2nd Infantry Division" was "Infantry Division" of kind other;
    # "Champoux said Key Resolve keeps ..." made the exercise a person; "the Trilateral Junior
    # Officer Exchange Symposium July 4-8" made "Exchange Symposium July" one.
    found = entities_of(article(
        "The 2nd Infantry Division and the 51st Munitions Squadron trained near Pyongyang with U.S. and ROK troops "
        "under the UN flag, as fighting went on in Khartoum and Djibouti watched. Lt. Gen. Bernard S. Champoux said "
        "Key Resolve keeps the Republic of Korea-U.S. Alliance ready. Leaders met during the Trilateral Junior "
        "Officer Exchange Symposium July 4-8. I thank Assistant Secretary-General Khiari and Gen. LaCamera. "
        "The Pentagon said the Houthis fired again."))
    kinds = {name: e.kind for name, e in found.items()}
    assert {k: kinds.get(k) for k in ("2nd Infantry Division", "51st Munitions Squadron", "UN", "United States",
                                      "Pyongyang", "Khartoum", "Djibouti", "Republic of Korea", "Key Resolve",
                                      "Trilateral Junior Officer Exchange Symposium", "Khiari", "LaCamera")} == {
        "2nd Infantry Division": "organisation", "51st Munitions Squadron": "organisation", "UN": "organisation",
        "United States": "country", "Pyongyang": "place", "Khartoum": "place", "Djibouti": "country",
        "Republic of Korea": "country", "Key Resolve": "other", "Trilateral Junior Officer Exchange Symposium": "other",
        "Khiari": "person", "LaCamera": "person"}
    # A country's initials are the country they stand for: "U.S." is the United States, and
    # "ROK" and "Republic of Korea" are one country, with both forms.
    assert "U.S." in found["United States"].aliases and {"ROK", "Republic of Korea"} <= set(found["Republic of Korea"].aliases)
    assert "U.S." not in found and "ROK" not in found
    assert kinds["Pentagon"] == kinds["Houthis"] == "organisation"
    # A unit's number after its name is its name's too (CENTCOM releases: "Combined Task Force
    # 151" and "Task Force 153" were both "Task Force"); a year after a name is not.
    found = entities_of(article("Its ships joined Combined Task Force 151, Task Force 153 and Carrier Strike Group 2 "
                                "as the Air Force 2024 budget grew.", id="a2"))
    assert {"Combined Task Force 151", "Task Force 153", "Carrier Strike Group 2", "Air Force"} <= set(found), sorted(found)
    assert sorted(n for n, k in kinds.items() if k == "person") == ["Bernard S. Champoux", "Khiari", "LaCamera"]


def test_a_body_or_place_a_title_names_and_initials_a_title_cuts_off():
    # "Gen. Paul J. LaCamera, Commander of United Nations Command, ..." lost the command into
    # his title; "the CFC Commander" and "the EU High Representative" lost the initials;
    # "United Nations Office for the Coordination of Humanitarian Affairs" broke at "for the".
    found = entities_of(article(
        "Gen. Paul J. LaCamera, Commander of United Nations Command, held a call. As the CFC Commander, he "
        "spoke with the EU High Representative and Edem Wosornu of the United Nations Office for the "
        "Coordination of Humanitarian Affairs. Assistant Secretary-General for the Middle East Khaled Khiari "
        "briefed. Secretary of State for Foreign Affairs David Lammy replied."))
    kinds = {name: e.kind for name, e in found.items()}
    for name, kind in (("United Nations Command", "organisation"), ("CFC", "organisation"), ("EU", "organisation"),
                       ("United Nations Office for the Coordination of Humanitarian Affairs", "organisation"),
                       ("Middle East", "place"), ("Khaled Khiari", "person"), ("David Lammy", "person")):
        assert kinds.get(name) == kind, (name, kinds)
    assert not [n for n in kinds if n.startswith("State")], kinds


def test_weapons_named_for_the_sea_a_body_and_its_speaker_and_a_transcripts_capitals():
    text = (
        "HMS Richmond fired Sea Ceptor missiles and HMS Diamond fired Sea Viper in the Sea of Okhotsk.\n\n"
        "The Ministry of Defence Alan Smith said the ships would sail.\n\n"
        "SABRINA SINGH: Thanks, everyone.\n\n"
        "Deputy Pentagon Press Secretary Sabrina Singh said the United States would act. "
        "Honourable Members will know the rest."
    )
    found = entities_of(article(text))
    assert found["Sea Ceptor"].kind == "other" and found["Sea Viper"].kind == "other"
    assert found["Sea of Okhotsk"].kind == "place"
    assert found["Ministry of Defence"].kind == "organisation" and found["Alan Smith"].kind == "person"
    assert found["Sabrina Singh"].kind == "person" and found["Sabrina Singh"].mentions == 2
    assert found["Sabrina Singh"].roles == ("Deputy Pentagon Press Secretary",)
    assert not {"SABRINA SINGH", "Deputy Pentagon Press", "Honourable Members"} & set(found)
    # Written only in capitals, a name may be an acronym: no person.
    assert entities_of(article("Col. Jeremiah Willis, Commander USACE FED, said so.", id="a2"))["USACE FED"].kind == "other"


def test_a_gazetteer_name_comes_before_the_built_in_country():
    from briefgen.analyse.entities import Recogniser
    from briefgen.analyse.gazetteer import Gazetteer
    from briefgen.models import Passage

    gazetteer = Gazetteer(load_config(DEFAULT_CONFIG).entities)
    passage = Passage("p", "a", "Russia and Iran signed a treaty in Moscow.", 0, 0)
    (mentions,) = Recogniser(gazetteer, [passage.text]).article([passage])
    assert [(m.name, m.kind, m.known) for m in mentions] == [
        ("Russia", "country", True), ("Iran", "country", False), ("Russia", "country", True)]


def test_the_gazetteer_finds_what_a_scan_of_every_alias_at_every_place_finds():
    # Its expression looks for the aliases' first letters before anything else: it must
    # find exactly what trying each alias at each character finds (longest first, whole
    # words, not after a letter, # or @), with the seeds' entities and with an alias that
    # starts with a digit.
    import random
    import re

    from briefgen.analyse.gazetteer import APOS, Gazetteer

    entities = list(load_config(DEFAULT_CONFIG).entities)
    entities += parse_config({"sources": [{"name": "S", "path": "x/"}], "themes": THEMES,
                              "entities": [{"name": "38th parallel", "kind": "place"}]}).entities
    for chosen in (entities[:-1], entities):
        gazetteer = Gazetteer(chosen)
        aliases = sorted(gazetteer.alias_of, key=lambda a: (-len(a), a))
        each = [re.compile(re.sub(r"\\ |['\u2019]", lambda m: APOS if m.group(0) in "'\u2019" else r"\s+", re.escape(a)))
                for a in aliases]
        rng = random.Random(len(chosen))
        pieces = [*aliases, " ", "  ", "\n", "#", "@", "x", "’s", "'s", "-", ".", "Kim", "North", "Sea", "1", "the "]
        for _ in range(400):
            text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
            expected, i = [], 0
            while i < len(text):
                for alias in each:
                    m = alias.match(text, i)
                    if m and (i == 0 or not re.match(r"[\w#@]", text[i - 1])) and not re.match(r"\w", text[m.end():m.end() + 1]):
                        expected.append(m.span())
                        i = m.end()
                        break
                else:
                    i += 1
            found = [m.span() for m in gazetteer.regex.finditer(text)]  # type: ignore[union-attr]
            assert found == expected, text


def test_expressions_written_for_speed_find_what_their_plain_forms_find():
    # Written to start with a class of characters (so Python's engine can skip to them), the
    # boundary before that character tested after it: the same matches in any text.
    import random
    import re

    from briefgen.analyse import entities, events

    plain = {
        entities.CAPITALISED_RE: r"(?<![\w#@'\u2019-])[A-Z][\w]*(?:-[\w]+)*(?![\w-])",
        events._NAME: r"\b[A-Z][\w'’-]*(?:\s+(?:of\s+)?[A-Z][\w'’-]*)*",
        events._NUMBER: r"\b\d[\d,.]*\b",
    }
    pieces = ["A", "Kim", "of", "of ", "x", "7", "2024", "3.5", "1,000", ".", ",", "-", "'", "’", "#", "@", "_", " ", "\n",
              "é", "É", "북한", "U.S.", "Jong-un", "People's"]
    rng = random.Random(18)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 25))) for _ in range(3000)]
    for fast, slow in plain.items():
        expected = re.compile(slow)
        assert [[m.span() for m in fast.finditer(t)] for t in texts] == [[m.span() for m in expected.finditer(t)] for t in texts]


def test_gazetteer_alias_clash_is_a_config_error():
    with pytest.raises(ConfigError) as info:
        config(entities=[
            {"name": "Kim Jong-un", "kind": "person", "aliases": ["Kim"]},
            {"name": "Kim Yo-jong", "kind": "person", "aliases": ["Kim"]},
        ])
    assert "entities[1]: 'Kim' already names 'Kim Jong-un'" in str(info.value)
    with pytest.raises(ConfigError, match=r"entities\[0\]\.kind"):
        config(entities=[{"name": "X", "kind": "planet"}])


# -- Key quotes ---------------------------------------------------------------------


def test_seed_quotes_are_attributed_to_who_said_them(seeds):
    speakers = {}
    for quote in seeds.quotes:
        speakers.setdefault(quote.speaker, []).append(quote)
    assert any(q.text.startswith("Our nuclear weapons are a means") for q in speakers["Kim Jong-un"])
    assert any(q.text.startswith("If the ROK") for q in speakers["Kim Jong-un"])
    assert speakers["Jo Chol Su"][0].text.startswith("On Sept. 30, the UNSC took a vote")
    assert speakers["Jo Chol Su"][0].attribution == "Jo said"
    assert speakers["Sergey Lavrov"][0].text.startswith("The policy of the United States")
    assert speakers["Sergey Lavrov"][0].role == "Russian Foreign Minister"
    assert speakers["Josep Borrell"][0].text.startswith("condemn(s) in the strongest possible terms")
    assert speakers["Mark P Barry"][0].attribution == "wrote Barry"
    assert speakers["White House"][0].speaker_kind == "organisation"
    for quote in seeds.quotes:
        assert quote.source_ids and quote.passage_ids


def test_a_quote_nobody_is_named_for_is_attributed_to_no_one():
    text = (
        "Kim Jong-un and Yoon Suk Yeol were both at the summit.\n\n"
        'He said: "We will not be the first to fire a single shot across the line."\n\n'
        'Banners read "Long live the great leader and his glorious revolutionary army" in the square.\n\n'
        '"There is no sign of a thaw between the two sides this year," it said.'
    )
    cfg = config(entities=[
        {"name": "Kim Jong-un", "kind": "person", "aliases": ["Kim"]},
        {"name": "Yoon Suk Yeol", "kind": "person"},
    ])
    result = analyse([article(text)], cfg)
    assert len(result.quotes) == 3
    # Two people in the sentence before: "He" could be either, so it is no one.
    assert all(q.speaker is None and q.attribution is None for q in result.quotes)


def test_inverted_attributions():
    text = (
        '"Sanctions have failed to change the regime\'s behaviour at all," said Victor Cha, a Korea expert.\n\n'
        '"The launch violated several UN Security Council resolutions," according to the Foreign Ministry.\n\n'
        '"The missile flew about 600 kilometres before falling into the sea," the report said.'
    )
    quotes = {q.text[:12]: q for q in analyse([article(text)], config()).quotes}
    assert quotes["Sanctions ha"].speaker == "Victor Cha" and quotes["Sanctions ha"].role == "a Korea expert"
    assert quotes["The launch v"].speaker == "Foreign Ministry"
    # "the report" is no one the text names.
    assert quotes["The missile "].speaker is None


def test_pronouns_resolve_when_unambiguous():
    text = (
        "Defence Minister Shin Won-sik visited the border on Monday.\n\n"
        '"We are ready to respond to any provocation immediately and in full," he said.\n\n'
        'The Unification Ministry said in a statement: "Dialogue remains the only way forward for both Koreas."\n\n'
        'It also said that "humanitarian aid will continue regardless of the tensions this winter."'
    )
    result = analyse([article(text)], config())
    by_text = {q.text[:20]: q for q in result.quotes}
    assert by_text["We are ready to resp"].speaker == "Shin Won-sik"
    assert by_text["We are ready to resp"].role == "Defence Minister"
    assert by_text["Dialogue remains the"].speaker == "Unification Ministry"
    assert by_text["humanitarian aid wil"].speaker == "Unification Ministry"


# -- Timeline -------------------------------------------------------------------------


def test_seed_timeline_in_order(seeds):
    labels = [eventdate(e) for e in seeds.timeline]
    wanted = ["8 Sep (year not given)", "23–27 Sep (year not given)", "30 Sep (year not given)",
              "30 Dec 2023", "2 Jan 2024", "14 Jan 2024", "16 Jan 2024"]
    positions = [labels.index(w) for w in wanted]
    assert positions == sorted(positions), labels
    by_label = dict(zip(labels, seeds.timeline, strict=True))
    assert by_label["16 Jan 2024"].text.startswith("North Korea abolishes key government organisations")
    assert by_label["30 Dec 2023"].status == "inferred" and "January 16, 2024" in by_label["30 Dec 2023"].basis
    assert by_label["23–27 Sep (year not given)"].start.iso() == "--09-23"
    # Weekdays in an undated article stay unresolved, and say so.
    sunday = next(e for e in seeds.timeline if e.expression == "On Sunday")
    assert sunday.status == "unresolved" and sunday.start is None and labels[-2:] == [
        "Sunday (date not known)", "Tuesday (date not known)"]
    texts = {p.id: p.text for p in seeds.passages}
    for event in seeds.timeline:
        # Verbatim: its own sentence, after the one it leans on when it does ("Meanwhile, ...").
        context = " ".join(texts[pid] for pid in event.context_passage_ids)
        own = event.text.removeprefix(context).lstrip() if context else event.text
        assert event.source_ids and own in texts[event.passage_id]
        assert not event.text.startswith("Meanwhile")
    tuesday = next(e for e in seeds.timeline if e.expression == "on Tuesday")
    assert tuesday.text.startswith("Pyongyang continues to sell weapons to Russia") and tuesday.context_passage_ids


def test_relative_dates_resolve_against_the_published_date():
    published = datetime(2024, 1, 17, 9, 0, tzinfo=SEOUL)  # a Wednesday
    text = (
        "North Korea fired a missile on Sunday, officials said.\n\n"
        "The talks held on New Year's Eve and on 3 January failed.\n\n"
        "Drills ran from Dec. 28 to Jan. 2 near the border.\n\n"
        "Pyongyang last tested a nuclear bomb in 2017."
    )
    events = timeline_of(text, published)
    got = [(e.start.iso() if e.start else None, e.end.iso() if e.end else None, e.status) for e in events]
    assert got == [
        ("2017", None, "explicit"),
        ("2023-12-28", "2024-01-02", "inferred"),
        ("2023-12-31", None, "inferred"),
        ("2024-01-03", None, "inferred"),
        ("2024-01-14", None, "inferred"),
    ]
    assert events[-1].basis == "the Sunday up to the article's date, 2024-01-17"


def test_a_day_and_month_far_ahead_of_the_article_is_last_year_unless_the_sentence_looks_ahead():
    # A Treasury release of 29 November on "his May 4 Executive Order" put the order in May
    # of the next year: the nearest May 4. News reports the past.
    published = datetime(2026, 11, 29, 9, 0, tzinfo=SEOUL)
    text = (
        "As directed by the President in his May 4 Executive Order, Treasury acted today.\n\n"
        "The ministers will meet again on May 4 in Geneva.\n\n"
        "The division holds its annual exercise Dec. 7-15 near the border.\n\n"
        "The unit arrived in Korea March 18, officials said."
    )
    events = timeline_of(text, published)
    got = {e.text.split()[1] if e.text.startswith("The") else e.text.split()[0]: e.start.iso() for e in events}
    assert got == {"As": "2026-05-04", "ministers": "2027-05-04", "division": "2026-12-07", "unit": "2026-03-18"}
    # A Royal Navy story of 30 November put "in one night on January 9, shot down seven
    # drones" in the coming January, and a Pentagon update "On Jan. 16 ..., Houthi militants
    # launched" likewise: a nearer date told as a deed done is last year's too. What is told
    # ahead ("set for", "will") or a day or two ahead (a date in Seoul, a report in UTC) stays.
    events = timeline_of(
        "The ship shot down seven drones aimed at merchant vessels on January 9.\n\n"
        "On Jan. 16, Houthi militants launched an anti-ship ballistic missile.\n\n"
        "The talks were postponed and are now set for Jan. 12.\n\n"
        "The ministers will meet on Jan. 20 in Geneva.\n\n"
        "North Korea fired a missile on Dec. 1, local time, officials said.",
        datetime(2026, 11, 30, 9, 0, tzinfo=SEOUL))
    years = {(e.start.month, e.start.day): e.start.year for e in events}
    assert years == {(1, 9): 2026, (1, 16): 2026, (1, 12): 2027, (1, 20): 2027, (12, 1): 2026}, years


def test_embedded_post_dates_anchor_an_undated_article():
    text = "A missile flew 1,000 km into the sea, the military says.\n\nThe drills began on 12 January and ended on Jan. 13."
    post = EmbeddedPost("A missile flew 1,000 km into the sea, the military says.", date(2024, 1, 14), "TRT World (@trtworld)")
    events = analyse([article(text, embeds=(post,))], config()).timeline
    assert [(e.start.iso(), e.status) for e in events] == [
        ("2024-01-12", "inferred"), ("2024-01-13", "inferred"), ("2024-01-14", "explicit")]
    assert events[-1].expression == "January 14, 2024" and "TRT World" in events[-1].basis


def test_ingest_keeps_embedded_post_dates(project: Path):
    cfg = load_config(project / "sources.yaml")
    articles = {a.title: a for a in ingest(cfg).articles}
    embeds = articles["What's North Korea up to?"].embeds
    assert [e.posted for e in embeds] == [date(2024, 1, 16), date(2024, 1, 14)]
    assert embeds[0].by == "TRT World (@trtworld)"
    assert "(@trtworld)" not in articles["What's North Korea up to?"].text


def test_timeline_limit_keeps_the_most_recent():
    text = "\n\n".join(f"Talks were held on January {d}, 2024 in the capital city." for d in range(1, 11))
    events = analyse([article(text)], config(brief={"timeline_events": 3})).timeline
    assert [e.start.iso() for e in events] == ["2024-01-08", "2024-01-09", "2024-01-10"]


# -- What changed ---------------------------------------------------------------------


def _section(key: str, *texts: str) -> ThemeSection:
    return ThemeSection(key, key.title(), [SummaryPoint(t, ("a1",), f"p{i}", 1.0) for i, t in enumerate(texts)], [])


def test_changes_new_continuing_dropped_and_quiet():
    previous = PreviousBrief(
        date(2024, 1, 16),
        {"missiles": "Missiles", "drills": "Drills", "old": "Old theme"},
        {
            "missiles": ["North Korea fired a ballistic missile into the East Sea.", "The launch was condemned by Tokyo."],
            "drills": ["Allied forces held drills near the border."],
            "old": ["A theme no longer configured."],
        },
    )
    sections = [
        _section("missiles", "North Korea fired a ballistic missile into the East Sea!", "A second missile followed at dawn."),
        _section("drills"),
    ]
    changes = compare(sections, previous)
    missiles, drills = changes.themes
    assert [p.text for p in missiles.continuing] == ["North Korea fired a ballistic missile into the East Sea!"]
    assert [p.text for p in missiles.new] == ["A second missile followed at dawn."]
    assert missiles.dropped == 1 and drills.dropped == 1
    assert [(q.key, q.label, q.previous_points) for q in changes.quiet] == [("drills", "Drills", 1), ("old", "Old theme", 1)]
    assert compare(sections, None).first


def test_previous_brief_is_the_newest_readable_earlier_json(tmp_path: Path):
    def brief_json(day: str, text: str) -> None:
        data = {"themes": [{"key": "missiles", "label": "Missiles", "summary": [{"text": text}]}]}
        write(tmp_path / day / f"brief-{day}.json", json.dumps(data))

    brief_json("2024-01-14", "Oldest.")
    brief_json("2024-01-15", "Older.")
    write(tmp_path / "2024-01-16/brief-2024-01-16.json", "{not json")
    brief_json("2024-01-17", "Today's own, not a previous one.")
    found = previous_brief(tmp_path, date(2024, 1, 17))
    assert found is not None and found.date == date(2024, 1, 15) and found.points == {"missiles": ["Older."]}
    assert previous_brief(tmp_path, date(2024, 1, 14)) is None
    assert previous_brief(tmp_path / "missing", date(2024, 1, 14)) is None


def test_second_brief_reports_what_changed(project: Path):
    cfg = load_config(project / "sources.yaml")
    out = project / "out"
    first = build_brief(cfg, date(2024, 1, 16), out_dir=out, formats=["json"]).brief
    assert first.changes.first
    (project / "seeds/000_f94ec538fc6634e2.txt").unlink()
    second = build_brief(cfg, date(2024, 1, 17), out_dir=out, formats=["json", "md"]).brief
    assert second.changes.previous_date == date(2024, 1, 16)
    # The seed left is the same story with nothing new: not repeated as news. The deleted
    # seed's story has gone quiet.
    kept = first.stories[[s.main_article for s in first.stories].index(second.stories[0].main_article)]
    assert second.changes.unchanged_stories == [kept.id] and not second.changes.new_stories
    assert [r.headline for r in second.changes.quiet_stories] == [s.headline for s in first.stories if s.id != kept.id]
    assert second.stories[0].continues.first_reported == date(2024, 1, 16) and second.bottom_line == []
    drills = next(c for c in second.changes.themes if c.key == "drills")
    assert not drills.new and drills.dropped
    data = json.loads((out / "2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    assert data["changes"]["previous_date"] == "2024-01-16"
    assert data["changes"]["stories"]["unchanged"] == [kept.id]
    assert data["stories"][0]["continues"] == {"date": "2024-01-16", "story": kept.id, "first_reported": "2024-01-16",
                                                "day": 2, "updated": False}
    md = (out / "2024-01-17/brief-2024-01-17.md").read_text(encoding="utf-8")
    assert "_Since the brief of 16 Jan 2024: 0 new stories, 0 updated, 1 with nothing new, 1 gone quiet._" in md
    assert f"- **Nothing new** {kept.headline}" in md.replace("\\", "") and "- **Gone quiet** " in md
    assert "_Nothing new since the last brief._" in md


# -- Emerging topics ------------------------------------------------------------------


def test_emerging_topics_need_support():
    texts = [
        "The typhoon flooded rice paddies across the southern provinces.",
        "Rice paddies were flooded by the typhoon in three provinces.",
        "Farmers said the typhoon destroyed rice paddies before harvest.",
        "A ballet company toured the capital last week.",
    ]
    one = [article(t, id=f"a{i}") for i, t in enumerate(texts)]
    result = analyse(one, config())
    assert len(result.emerging) == 1
    topic = result.emerging[0]
    assert "typhoon" in " ".join(topic.terms) and len(topic.passage_ids) == 3 and len(topic.source_ids) == 3
    assert analyse(one, config()).emerging == result.emerging  # deterministic
    # Three passages from one article is not enough support by default.
    single = article("\n\n".join(texts[:3]), id="only")
    assert analyse([single], config()).emerging == []
    assert analyse([single], config(brief={"emerging_min_articles": 1})).emerging


def test_an_emerging_topics_phrases_are_as_its_passages_write_them():
    # UN and MARAD texts: word pairs are taken after stop words are dropped, so labels read
    # "gulf aden" and "statement capacity" ("a statement in my capacity as ..."), pairs the
    # text never writes. A phrase is shown as written, or not at all.
    texts = [
        "Tankers waited for the freedom of navigation after a statement in my capacity as chair was read.",
        "More tankers asked for freedom of navigation while a statement in my capacity as chair followed.",
        "Tankers crossing slowed, freedom of navigation in doubt, after a statement in my capacity as chair.",
    ]
    (topic,) = analyse([article(t, id=f"a{i}") for i, t in enumerate(texts)], config()).emerging
    assert "freedom of navigation" in topic.terms, topic.terms
    told = " ".join(texts).casefold()
    for term in topic.terms:
        assert term in told, topic.terms


def test_lines_that_introduce_others_make_no_emerging_topic():
    # UN releases: "The following statement was issued today by the Spokesman ..." in three
    # releases made a topic whose points were those lines (or, once they could not be
    # printed, one said "Its sentences are printed elsewhere", which they were not).
    texts = [
        "The following statement was issued today by the Spokesman for UN Secretary-General António Guterres:",
        "The following statement was issued today by the Spokesperson for UN Secretary-General António Guterres:",
        "The following is a near-verbatim transcript of today's noon briefing by the Spokesman for the Secretary-General.",
    ]
    result = analyse([article(t + "\n\nThe typhoon flooded rice paddies.", id=f"a{i}") for i, t in enumerate(texts)], config())
    assert not any("following" in " ".join(t.terms) for t in result.emerging), result.emerging
    assert not any(p.text.startswith("The following") for p in result.other), result.other


def test_seed_emerging_topics(seeds):
    assert seeds.emerging
    # A topic's points are sentences the body does not print already (on the seeds, Other
    # developments prints the cluster's most central ones): none is printed twice.
    body = {p.passage_id for p in seeds.bottom_line} | {p.id for p in seeds.other} | \
        {p.passage_id for s in seeds.themes for p in s.summary}
    assert {p.id for p in seeds.other} & {i for t in seeds.emerging for i in t.passage_ids}
    for topic in seeds.emerging:
        assert len(topic.passage_ids) >= 3 and len(topic.source_ids) >= 2 and topic.terms
        assert not {p.passage_id for p in topic.points} & body


# -- Source labels ----------------------------------------------------------------------


def test_source_labels_reach_citations_and_state_media_is_flagged(tmp_path: Path):
    write(tmp_path / "sources.yaml", """
        timezone: Asia/Seoul
        sources:
          - {name: KCNA, path: kcna/, type: state media, reliability: E, window: all}
          - {name: Wire, path: wire/, type: wire, reliability: B, window: all}
        themes:
          - {key: missiles, label: Missiles, terms: {missile*: 2}}
          - {key: weather, label: Weather, terms: {typhoon: 2}}
        """)
    write(tmp_path / "kcna/a.txt", "The DPRK successfully launched a new missile, KCNA said.\n")
    write(tmp_path / "wire/b.txt", "A typhoon is approaching the coast of Japan, forecasters said.\n")
    cfg = load_config(tmp_path / "sources.yaml")
    result = build_brief(cfg, date(2024, 1, 17), out_dir=tmp_path / "out", formats=["json", "html", "md"])
    missiles, weather = result.brief.themes
    assert missiles.state_media_only and not weather.state_media_only
    data = json.loads(result.files[0].read_text(encoding="utf-8"))
    labels = {s["name"]: (s["number"], s["type"], s["reliability"]) for s in data["sources"]}
    n = labels["KCNA"][0]
    assert labels == {"KCNA": (n, "state media", "E"), "Wire": (3 - n, "wire", "B")}
    assert [t["state_media_only"] for t in data["themes"]] == [True, False]
    page = render_html(result.brief, cfg)
    assert f'<span class="src-tag">[{n} · state media · E]</span>' in page
    assert f'title="KCNA · state media · E">[{n}<sup class="grade">E</sup>]</a>' in page
    assert page.count("Every point in this theme rests only on state media.") == 1
    md = (tmp_path / "out/2024-01-17/brief-2024-01-17.md").read_text(encoding="utf-8")
    assert f"{n}. \\[{n} · state media · E\\] **" in md and "> Every point in this theme rests only on state media." in md


def test_a_city_named_often_is_not_crowded_out_of_its_table_by_countries_named_once(tmp_path: Path):
    # A Sudan brief listed twelve countries named once each and never Khartoum (5 mentions):
    # countries came before places whatever their counts.
    write(tmp_path / "sources.yaml", """
        timezone: Africa/Khartoum
        brief: {entities_per_kind: 4}
        sources:
          - {name: Desk, path: desk/, window: all}
        themes:
          - {key: fighting, label: Fighting, terms: {shelling: 2}}
        """)
    lines = [f"Shelling hit Khartoum on day {n}, residents said." for n in range(1, 6)]
    lines.append("Envoys from Egypt, Chad, Kenya, Qatar and Norway met on Monday.")
    write(tmp_path / "desk/a.txt", "\n\n".join(lines) + "\n")
    cfg = load_config(tmp_path / "sources.yaml")
    result = build_brief(cfg, date(2024, 1, 17), out_dir=tmp_path / "out", formats=["md"])
    md = (tmp_path / "out/2024-01-17/brief-2024-01-17.md").read_text(encoding="utf-8")
    table = md.split("### Countries and places", 1)[1].split("##", 1)[0]
    rows = [line.split("**")[1] for line in table.splitlines() if line.startswith("| **")]
    assert rows == ["Khartoum", "Chad", "Egypt", "Kenya"], rows
    assert "Norway" in {e.name for e in result.brief.entities}  # (every one stays in the JSON)


def test_invalid_source_labels_are_reported_by_path():
    with pytest.raises(ConfigError) as info:
        parse_config({"sources": [{"name": "S", "path": "x/", "type": "blog", "reliability": "G"}], "themes": THEMES})
    text = str(info.value)
    assert "sources[0].type" in text and "sources[0].reliability" in text


def test_json_carries_every_new_section(project: Path):
    cfg = load_config(project / "sources.yaml")
    build_brief(cfg, date(2024, 1, 17), out_dir=project / "out", formats=["json"])
    data = json.loads((project / "out/2024-01-17/brief-2024-01-17.json").read_text(encoding="utf-8"))
    assert {"quotes", "entities", "timeline", "changes", "emerging"} <= set(data)
    assert set(data["quotes"][0]) == {"text", "speaker", "speaker_kind", "role", "attribution", "passage_ids", "source_ids",
                                      "story", "printed"}
    assert set(data["entities"][0]) == {"name", "kind", "mentions", "aliases", "roles", "themes", "passage_ids", "source_ids", "known"}
    assert set(data["timeline"][0]) == {"date", "end", "status", "expression", "basis", "text", "passage_id", "source_ids",
                                        "story", "printed"}
    assert data["timeline"][0]["date"] == "--09-08"
    assert data["changes"] == {"previous_date": None, "themes": [], "quiet": [],
                               "stories": {"new": [], "updated": [], "unchanged": [], "quiet": []}}
    assert set(data["emerging"][0]) == {"terms", "passage_ids", "source_ids", "points"}
    people = {e["name"] for e in data["entities"] if e["kind"] == "person"}
    assert {"Kim Jong-un", "Jo Chol Su", "Sergey Lavrov", "Josep Borrell", "Jake Sullivan", "Choe Son Hui"} <= people



def test_embedded_post_dates_survive_the_store(project: Path):
    """Articles reach the brief through the store: the posts' dates must come back with them."""
    import sqlite3

    cfg = load_config(project / "sources.yaml")
    for _ in range(2):  # the second run reads articles it stored in the first
        brief = build_brief(cfg, date(2024, 1, 17), out_dir=project / "out", formats=["json"]).brief
        dates = [e.start.iso() for e in brief.timeline if e.start]
        assert "2024-01-14" in dates and "2024-01-16" in dates
    # A store written before embedded posts were kept gets them on the next run.
    db = sqlite3.connect(project / "out/.briefgen/briefgen.sqlite3")
    db.execute("UPDATE articles SET embeds = NULL")
    db.commit()
    db.close()
    brief = build_brief(cfg, date(2024, 1, 17), out_dir=project / "out", formats=["json"]).brief
    assert "2024-01-16" in [e.start.iso() for e in brief.timeline if e.start]


def test_what_changed_comes_from_the_store_when_the_json_is_gone(project: Path):
    cfg = load_config(project / "sources.yaml")
    out = project / "out"
    first = build_brief(cfg, date(2024, 1, 16), out_dir=out, formats=["md"]).brief  # no JSON written
    assert not (out / "2024-01-16/brief-2024-01-16.json").exists()
    (project / "seeds/000_f94ec538fc6634e2.txt").unlink()
    second = build_brief(cfg, date(2024, 1, 17), out_dir=out, formats=["json"]).brief
    assert second.changes.previous_date == date(2024, 1, 16)
    before = {t.key: [p.text for p in t.summary] for t in first.themes}
    drills = next(c for c in second.changes.themes if c.key == "drills")
    # Points of the first brief that today's summary no longer carries are counted as dropped.
    assert drills.dropped == sum(1 for t in before["drills"] if t not in [p.text for p in next(s for s in second.themes if s.key == "drills").summary])
    # The story of the deleted seed went quiet; the other, unchanged, is not news today.
    assert len(second.changes.quiet_stories) == 1 and len(second.changes.unchanged_stories) == 1


def test_a_quote_is_shown_from_its_first_sentence_that_stands_alone():
    text = (
        "Analyst Jane Roe believes the talks will fail.\n\n"
        '"But they will not say so in public. The summit is a show for the cameras and nothing more," said Roe.\n\n'
        'Kim Jong-un spoke later.\n\n"And that is why they will never come back to the table in our lifetime," Kim said.'
    )
    cfg = config(entities=[{"name": "Jane Roe", "kind": "person", "aliases": ["Roe"]},
                           {"name": "Kim Jong-un", "kind": "person", "aliases": ["Kim"]}])
    quotes = analyse([article(text)], cfg).quotes
    # The words kept are the quotation's own, from the sentence that leans on nothing; a
    # quotation whose every sentence leans on the one before is not shown.
    assert [(q.speaker, q.text) for q in quotes] == [
        ("Jane Roe", "The summit is a show for the cameras and nothing more")]


def test_an_article_outside_the_scope_gives_no_quote_name_date_or_other_development():
    # A new user's Sudan brief quoted Yemen's truce and dated M23's offensive: the scope kept
    # their articles out of the themes, but not out of the rest of the brief.
    scoped = config(scope={"label": "Korea", "terms": ["korea*|pyongyang|seoul"]})
    published = datetime(2025, 9, 20, tzinfo=SEOUL)
    zapad = Article(id="z", source="S", title="Zapad 2025 begins in Belarus", published=published, text=(
        "Russian and Belarusian troops began the Zapad exercise on 12 September 2025.\n\n"
        "\"Our forces are ready for anything the western alliance may try this autumn,\" said General Valery Gerasimov.\n\n"
        "\"The alliance is watching every one of these exercises very closely indeed,\" said Admiral Rob Bauer."))
    korea = Article(id="k", source="S", title="North Korea fires a missile", published=published, text=(
        "North Korea fired a ballistic missile on 19 September 2025, Seoul said.\n\n"
        "\"This is a grave provocation that threatens the peace of the whole region,\" said Defence Minister Shin Won-sik.\n\n"
        "\"The alliance is watching every one of these exercises very closely indeed,\" said Admiral Rob Bauer."))
    result = analyse([zapad, korea], scoped)
    assert result.out_of_scope == ["z"]
    said = {q.text.split()[0] for q in result.quotes}
    names = {e.name for e in result.entities}
    assert "Our" not in said and not any("Gerasimov" in n for n in names) and "Shin Won-sik" in names
    assert all(e.source_ids != ("z",) for e in result.timeline)
    assert any("19 September 2025" in e.text for e in result.timeline)
    assert not any(p.text.startswith(("Russian", "\"Our")) for p in result.other)
    # A sentence an article in scope carried too is kept, with both sources.
    [alliance] = [q for q in result.quotes if q.text.startswith("The alliance")]
    assert set(alliance.source_ids) == {"z", "k"} and "Rob Bauer" in names
    # Without the scope, the same articles give all of it.
    plain = analyse([zapad, korea], config())
    assert "Our" in {q.text.split()[0] for q in plain.quotes} and any("Gerasimov" in e.name for e in plain.entities)
    assert any(e.source_ids == ("z",) for e in plain.timeline)


def test_a_plural_possessive_an_army_ordinal_and_the_uns_member_states():
    # Read from briefs of real text: "the Workers’ Party of Korea" was listed as "Party of
    # Korea", "2d Infantry Division" (the Army's spelling) as "Infantry Division", and "a
    # responsible Member State" as a place; "the Houthis' Al-Masirah TV" stays two names.
    found = entities_of(article(
        "Kim Jong Un chaired a meeting of the Workers’ Party of Korea. Soldiers of the 2d Infantry Division "
        "trained near Pyongyang. This is not the behavior of a responsible Member State, said Linda "
        "Thomas-Greenfield. The Houthis' Al-Masirah TV said the Houthis fired again."))
    assert found["Workers’ Party of Korea"].kind == "organisation" and "Party of Korea" not in found
    assert found["2d Infantry Division"].kind == "organisation" and "Infantry Division" not in found
    assert "Member State" not in found
    assert "Al-Masirah TV" in found and not any(name.startswith("Houthis'") for name in found)


def test_a_weekday_with_its_date_is_that_date_and_a_time_does_not_end_a_sentence():
    # "on Wednesday, June 8th" in a briefing of a Thursday was placed on the Wednesday before
    # it; "at 11:57 a.m. (Hawaii time) Sept. 14." was shown as "(Hawaii time) Sept. 14.".
    published = datetime(2022, 6, 2, 15, tzinfo=SEOUL)
    events = timeline_of(
        "We are preparing for a UN General Assembly debate on the DPRK on Wednesday, June 8th.\n\n"
        "Pacific Command detected what we assess was a single ballistic missile launch at 11:57 a.m. "
        "(Hawaii time) Sept. 14.\n\nNorth Korea fired a missile on Sunday.", published)
    told = {(e.start.month, e.start.day): e.text for e in events}
    assert set(told) == {(6, 8), (9, 14), (5, 29)}, told
    assert told[(9, 14)].startswith("Pacific Command detected")


def test_a_military_rank_written_short_does_not_end_a_timeline_sentence():
    # Read from a brief of real text (Red Sea): "... vessels,” Pentagon Spokesperson Maj. Gen.
    # Patrick Ryder told reporters at a press briefing August 27." was two events, one ending
    # "Maj." and one "Gen. Patrick Ryder told reporters ...".
    published = datetime(2024, 8, 29, 15, tzinfo=SEOUL)
    events = timeline_of(
        "“On August 21, the tanker was attacked by Houthi-crewed vessels,” Pentagon Spokesperson Maj. Gen. "
        "Patrick Ryder told reporters at a press briefing August 27. Capt. Lee and Cmdr. Park said so on August 28.",
        published)
    told = {(e.start.month, e.start.day): e.text for e in events}
    assert told[(8, 21)].endswith("press briefing August 27.") and told[(8, 27)] == told[(8, 21)], told
    assert told[(8, 28)] == "Capt. Lee and Cmdr. Park said so on August 28.", told


def test_an_emerging_topic_is_named_by_what_several_of_its_passages_say():
    # Read from a brief of real text (Red Sea): "suez canal · apogee came · total oil" named a
    # topic by word pairs that one long passage held.
    from briefgen.analyse import emerging
    from briefgen.config import BriefConfig
    from briefgen.models import Passage

    texts = ["Around two thirds of the oil that Europe consumed at the time came through the Suez Canal from Arab states.",
             "The Suez Canal carried most of the oil tankers bound for Europe before the closure, shipping records show.",
             "Its apogee came in 1955, when oil was two thirds of the Suez Canal traffic and tankers crowded the waterway."]
    passages = [Passage(f"p{i}", f"a{i}", t, 0, 0) for i, t in enumerate(texts)]
    (topic,) = emerging.find(passages, {}, BriefConfig(), today=date(2026, 11, 30))
    assert topic.terms[:2] == ("suez canal", "oil"), topic.terms
    held = {term: sum(term in t.casefold() for t in texts) for term in topic.terms}
    assert all(n >= 2 for n in held.values()), held


def test_two_days_joined_by_and_are_no_range_unless_between():
    # Read from a brief of real text (Red Sea): "The EU has continuously condemned ... Statements
    # of 5 and 13 December" was one event "5-13 Dec", as if a span.
    published = datetime(2024, 12, 20, 15, tzinfo=SEOUL)
    spans = {(e.expression, e.start.iso(), e.end.iso() if e.end else None) for e in timeline_of(
        "The Union condemned the attacks in its statements of 5 and 13 December.\n\n"
        "Talks were held between 2 and 4 December in Geneva.\n\nThe ministers met on 9 and 10 December in Rome.",
        published)}
    assert spans == {("13 December", "2024-12-13", None), ("between 2 and 4 December", "2024-12-02", "2024-12-04"),
                     ("9 and 10 December", "2024-12-09", "2024-12-10")}, spans


def test_a_weekday_of_last_week_is_that_day_of_the_week_before():
    # Read from a brief of real text: "On Monday last week, a missile flew over Japan" in an
    # article of Tuesday 5 September was dated the day before, not 28 August.
    published = datetime(2017, 9, 5, 18, tzinfo=SEOUL)
    told = {(e.expression, e.start.iso()) for e in timeline_of(
        "On Monday last week, a missile flew over Japan, the ministry said.\n\n"
        "The envoy will arrive on Thursday next week, officials said.\n\nNorth Korea fired a missile on Monday.",
        published)}
    assert told == {("On Monday last week", "2017-08-28"), ("on Thursday next week", "2017-09-14"),
                    ("on Monday", "2017-09-04")}, told


def test_places_and_a_transcripts_speakers_make_no_emerging_topic():
    # Read from a brief of real text: "democratic people · republic of korea · dprk" and "mr.
    # boucher · thank · know" were topics: the country every passage names, and a briefing's
    # speaker. What the passages say makes the topic; where they are and who speaks do not.
    texts = [
        "MR. BOUCHER: The Democratic People's Republic of Korea wants to talk about the weather report.",
        "MR. BOUCHER: Mr. President, in the Democratic People's Republic of Korea in January the election results are not known.",
        "MR. BOUCHER: Mr. President, in January the Democratic People's Republic of Korea will host the football match.",
        "Floods in Pyongyang and Wonsan destroyed rice harvests, the aid agency said.",
        "Aid workers said the floods destroyed rice harvests across the provinces.",
        "Rice harvests were destroyed by floods, an aid agency warned donors.",
    ]
    topics = analyse([article(t, id=f"a{i}") for i, t in enumerate(texts)], config()).emerging
    assert [len(t.passage_ids) for t in topics] == [3], [t.terms for t in topics]
    named = " ".join(topics[0].terms)
    assert "rice" in named or "flood" in named or "harvest" in named, topics[0].terms
    assert not {"korea", "boucher", "democratic people", "pyongyang", "president", "january"} & {
        w for t in topics[0].terms for w in (t, *t.split())}


def test_a_ships_prefix_opens_its_name_and_secretary_general_is_no_person():
    # Read from a Red Sea brief of real text: "Royal Navy Destroyer HMS Diamond" was one
    # organisation, and "the U.N. Secretary General said" a person named "General".
    found = entities_of(article(
        "Royal Navy Destroyer HMS Diamond joins Operation Prosperity Guardian. The Greek-owned MV Tutor "
        "was struck. The U.N. Secretary General said the attacks must stop. General Burhan said the army "
        "would fight on."))
    assert {"Royal Navy", "HMS Diamond", "MV Tutor", "Burhan"} <= set(found), sorted(found)
    assert found["Royal Navy"].kind == "organisation" and found["Burhan"].kind == "person"
    assert not any(name.endswith(("HMS Diamond", "MV Tutor")) and name not in ("HMS Diamond", "MV Tutor") for name in found)
    assert "General" not in found and "Royal Navy Destroyer" not in found


def test_a_generation_after_a_name_is_the_same_person():
    # Read from a brief of real text: "Lloyd J. Austin III" (DOD News) and "Lloyd Austin"
    # (VOA) were two people, each with a quote.
    found = entities_of(
        article("Secretary of Defense Lloyd J. Austin III said North Korean troops are in Russia.", id="a1"),
        article("U.S. Defense Secretary Lloyd Austin said there is evidence of DPRK troops in Russia.", id="a2"))
    people = {name: e for name, e in found.items() if e.kind == "person"}
    assert list(people) == ["Lloyd J. Austin III"], people
    assert people["Lloyd J. Austin III"].mentions == 2 and "Lloyd Austin" in people["Lloyd J. Austin III"].aliases


def test_a_batterys_letter_after_a_name_is_no_initial():
    # Read from a brief of real text (DVIDS): "said Specialist Justine Maurer A/2-1 ADA patriot
    # missile operator" named "Justine Maurer A" as the speaker.
    found = entities_of(article("“Our mission is to defend the base,” said Specialist Justine Maurer A/2-1 ADA "
                                "patriot missile operator. Members of B/1-38 trained with Justine Maurer.", id="a1"))
    people = {name for name, e in found.items() if e.kind == "person"}
    assert "Justine Maurer" in people and not any(name.endswith((" A", " B")) for name in found), found
    # A last initial without a unit's slash stays part of the name.
    assert "Malcolm X" in entities_of(article("Malcolm X said the movement would go on.", id="a2"))


def test_a_title_of_a_country_of_several_words_and_titles_in_the_plural():
    # Read from a brief of real text (a State Department joint statement): "Foreign Ministers"
    # was a person, and Cho Tae-yul had no title (his title's object, "the Republic of Korea",
    # ran past its word "Republic").
    found = entities_of(article(
        "Secretary of State Marco Rubio, Foreign Minister of Japan Iwaya Takeshi, and Foreign Minister of the "
        "Republic of Korea Cho Tae-yul met on February 15 in Munich. The Secretary and Foreign Ministers "
        "underscored the necessity of enhancing the strength of the Alliances.", id="a1"))
    people = {name: e for name, e in found.items() if e.kind == "person"}
    assert set(people) == {"Marco Rubio", "Iwaya Takeshi", "Cho Tae-yul"}, found
    assert people["Cho Tae-yul"].roles == ("Foreign Minister of the Republic of Korea",)
    assert people["Iwaya Takeshi"].roles == ("Foreign Minister of Japan",)
    assert "Foreign Ministers" not in found and found["Republic of Korea"].kind == "country"


def test_a_body_named_in_full_and_by_its_initials_is_one():
    # Read from a brief of real text (Red Sea): "the International Maritime Organization (IMO)"
    # and "IMO Secretary-General Arsenio Dominguez" were two organisations.
    found = entities_of(
        article("The head of the International Maritime Organization (IMO) welcomed the release of the crew.", id="a1"),
        article("IMO Secretary-General Arsenio Dominguez called it a moment of relief. The U.S. Navy escorted "
                "the ship, the Office for the Coordination of Humanitarian Affairs said.", id="a2"))
    assert "IMO" not in found and found["International Maritime Organization"].source_ids == ("a1", "a2"), found
    assert "IMO" in found["International Maritime Organization"].aliases
    # Initials no passage ties to the body are left alone: another article's "NSC" is not the
    # Naro Space Center, nor is "OCHA" the office named only elsewhere.
    found = entities_of(article("The Naro Space Center launched a rocket.", id="a1"),
                        article("The NSC said it was watching. OCHA called for aid.", id="a2"))
    assert {"NSC", "Naro Space Center"} <= set(found), found


def test_a_ship_written_m_v_and_adjectives_made_of_names():
    # Read from a brief of real text (Red Sea): "M/V Star Nasia" was "V Star Nasia", and
    # "Iranian-backed Houthis", "a Marshall Island-flagged carrier" and "Saudi Arabian-led" were
    # names of their own.
    found = entities_of(article("The M/V Star Nasia, a Marshall Island-flagged bulk carrier, was hit by Iranian-backed "
                                "Houthis in the Red Sea. A Saudi Arabian-led coalition answered the Houthis.", id="a1"))
    assert "M/V Star Nasia" in found and not any(name.startswith("V ") for name in found), found
    assert found["Houthis"].mentions == 2, found
    assert not any("-backed" in name or "-flagged" in name or "-led" in name for name in found), found


def test_a_name_whose_last_word_speaks_alone_is_a_persons():
    # Read from a brief of real text (Red Sea): "Daniel B. Shapiro testified Tuesday ..." then
    # '"...," Shapiro said.' left him out of People and the quotation without a speaker.
    text = ("Daniel B. Shapiro testified Tuesday before the Senate on the Red Sea.\n\n"
            "\u201cDespite the Houthis\u2019 claims, these attacks are almost entirely unrelated to Israel and are as "
            "much an affront to maritime commerce as is piracy,\u201d Shapiro said.\n\n"
            "The Humanitarian Response Plan for Yemen is underfunded, Yemen said.")
    found = entities_of(article(text, id="a1"))
    assert found["Daniel B. Shapiro"].kind == "person" and found["Daniel B. Shapiro"].mentions == 2, found
    assert speakers(text) == {"Despite th": "Daniel B. Shapiro"}
    # ... but a country speaking is no person's last name.
    assert found["Humanitarian Response Plan for Yemen"].kind != "person"


def test_an_encyclopedias_year_pages_and_headings_make_no_emerging_topic():
    # Read from a brief of real text: "events · happened · year" was a topic of Wikipedia's year
    # pages ("The following lists events that happened in 2013 in ...", "Events in the year
    # 2021 in North Korea.") and of a heading ("The year by the numbers.", under six words).
    from briefgen.analyse import emerging
    from briefgen.config import BriefConfig
    from briefgen.models import Passage

    def topics(texts: list[str]) -> list[tuple[str, ...]]:
        passages = [Passage(f"p{i}", f"a{i}", t, 0, 0) for i, t in enumerate(texts)]
        return [t.terms for t in emerging.find(passages, {}, BriefConfig(), today=date(2026, 11, 30))]

    year_pages = ["The following lists events that happened in 2013 in the Hermit Kingdom.",
                  "Events in the year 2021 in the Hermit Kingdom, and what happened there.",
                  "The following lists events that happened in 2012 in the Hermit Kingdom."]
    assert topics(year_pages) == []
    assert topics(["The year by the numbers.", "Numbers of the year.", "The year in numbers."]) == []
    # The same words told as news still make one.
    assert topics(["Floods in the Hermit Kingdom destroyed rice harvests, aid workers said.",
                   "Rice harvests in the Hermit Kingdom were destroyed by floods, donors heard.",
                   "Aid agencies said floods destroyed rice harvests across the Hermit Kingdom."])
