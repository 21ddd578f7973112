"""Field lists for the synthetic biography benchmark (our own lists, English and Korean).

Every value of one field starts with a word no other value of that field starts with, so
first-answer-token accuracy cannot be inflated by a shared leading word ("University of").
Korean values are written without internal spaces and never end in a particle the Korean
tokenizer splits off (checked in tests), so a value tokenizes the same alone and before a
particle.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldLists:
    """The value lists of one language. Names combine first x middle x last (English) or
    surname x given name (Korean); the product bounds the number of distinct people."""

    first_names: tuple[str, ...]
    middle_names: tuple[str, ...]
    last_names: tuple[str, ...]
    cities: tuple[str, ...]
    universities: tuple[str, ...]
    majors: tuple[str, ...]
    employers: tuple[str, ...]
    months: tuple[str, ...]

    @property
    def name_space(self) -> int:
        return len(self.first_names) * max(1, len(self.middle_names)) * len(self.last_names)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.strip().splitlines() if line.strip())


ENGLISH = FieldLists(
    first_names=_words("""
        Abel Ada Adrian Agnes Albert Alma Amos Anita Arlo Astrid Basil Beatrix Bennett Bianca
        Boris Brenda Caleb Camille Cedric Celia Clement Cora Cyrus Dahlia Dalton Daphne Desmond
        Dina Dorian Edith Elias Elsa Emmett Esther Ezra Fiona Floyd Freya Gideon Greta Hadley
        Harriet Hector Helena Horace Ida Ignatius Imogen Ira Iris Jasper Joanna Jonas Judith
        Kai Keira Killian Lena Leopold Lila Lionel Lorna Magnus Mara Milo Mirabel Nadia Nestor
        Nico Nora Oren Orla Oscar Ottilie Pablo Petra Quentin Quinn Rafael Rhea Rowan Ruth
        Silas Sabine Soren Sylvia Tamsin Theo Tobias Ursula Valentin Vera Walter Wren Xavier
        Yara Yusuf Zelda Zoran Blythe Corin Elowen
    """),
    middle_names=tuple("ABCDEFGHIJKLMNOPRSTVWY"),
    last_names=_words("""
        Abernathy Ackerly Aldous Ashdown Baxendale Birchwood Blackmore Brightman Calloway
        Carrow Castellan Clayborne Crowther Dannick Delacroix Dunmore Easterby Ellery Everhart
        Fairweather Fenwick Foxley Galloway Garroway Greaves Hallowell Harrowgate Hastings
        Holloway Huxtable Ingram Ivers Jarrow Kestrel Kingsley Lancaster Larkspur Lockhart
        Longmire Marwood Merriweather Montague Moreland Netherby Northcott Oakhurst Ormsby
        Pemberton Penhallow Quarrington Radcliffe Ravensworth Redgrave Rookwood Sallow
        Sandringham Shackleton Somerby Southwell Standish Sterling Stonebridge Sutherland
        Tarrant Thackeray Thornbury Underhill Vantongeren Varley Wakefield Westbrook
        Whitlock Wilde Winterbourne Wolverton Yardley Yelland Zimmerly Alcott Brennan
        Coverdale Drummond Fairbanks Gallagher Hargreave Kilbride Lowther Mallory Pryce
        Ratcliffe Tolliver Vickery Wetherell Ashgrove Brackley Cheswick Dalbury Elmsworth
        Ferrington
    """),
    cities=_lines("""
        Aldermouth
        Brackenford
        Caer Linden
        Dunmarrow
        Eastwick Vale
        Fallowmere
        Glenharrow
        Hollinsby
        Ironbridge
        Juniper Falls
        Kettlewell
        Larkhaven
        Millbrook
        Northwold
        Oakenshaw
        Pellham
        Queensferry
        Redmarsh
        Saltcombe
        Thistlewood
        Upperton
        Valewater
        Westmere
        Yarrowdale
        Ashbury
        Bramblecote
        Coldharbour
        Driftwood Bay
        Emberton
        Foxhollow
        Greystone
        Hawksmoor
        Invercaldy
        Marlow Point
        Stonehaven
        Tidewater
    """),
    universities=_lines("""
        Aldermouth Polytechnic
        Brightwater University
        Cobalt Ridge Institute
        Dunmarrow College
        Evergreen State University
        Fenwick Institute of Technology
        Greystone University
        Harrowgate Academy
        Ivory Tower College
        Kingsmoor University
        Lakeshore Institute
        Meridian University
        Northgate College
        Oakridge University
        Pinecrest Institute
        Riverside Polytechnic
        Summit Valley University
        Thornfield College
        Umber Coast University
        Westbrook Institute
    """),
    majors=_lines("""
        Computer Science
        Marine Biology
        Economics
        Philosophy
        Civil Engineering
        Organic Chemistry
        Art History
        Linguistics
        Mathematics
        Astrophysics
        Nursing
        Architecture
        Political Science
        Music Composition
        Geology
        Statistics
        Anthropology
        Mechanical Engineering
        Journalism
        Psychology
    """),
    employers=_lines("""
        Corvane Systems
        Bluefin Analytics
        Halcyon Foods
        Ironleaf Logistics
        Quillstone Publishing
        Northstar Aerospace
        Verdant Energy
        Lumen Robotics
        Tessellate Software
        Brightforge Steel
        Saltmarsh Shipping
        Kestrel Pharmaceuticals
        Oakline Insurance
        Zephyr Airlines
        Granite Bank
        Mosaic Media
        Pioneer Textiles
        Riverstone Health
        Copperfield Motors
        Solstice Telecom
        Whitecap Consulting
        Amberly Retail
        Glasswing Labs
        Emberlight Games
    """),
    months=_words("January February March April May June July August September October November December"),
)


# Korean: surname x given name. Given names are two syllables from our own syllable lists.
_KO_FIRST_SYLLABLES = _words("민 서 지 현 준 수 예 하 도 유 시 은 채 윤 태 다 주 건 소 나 우 재 승 가 규")
_KO_SECOND_SYLLABLES = _words("준 연 훈 원 빈 호 진 율 람 솔 현 석 혁 희 영 경 민 우 린 성 철 환 온 람 결 별")

KOREAN = FieldLists(
    first_names=_words("김 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 전 홍 고 문 양 손 배 백 허 남 심 노"),
    middle_names=(),
    last_names=tuple(dict.fromkeys(a + b for a in _KO_FIRST_SYLLABLES for b in _KO_SECOND_SYLLABLES)),
    cities=_words("""
        서울 부산 대구 인천 광주 대전 울산 수원 창원 고양 용인 성남 청주 전주 천안 포항 김해
        제주 춘천 원주 강릉 목포 여수 순천 안동 경주 군산 익산 진주 통영 속초 평택
    """),
    universities=_words("""
        한빛대학교 푸른숲대학교 새벽대학교 미리내대학교 은하대학교 누리대학교 바람대학교 솔뫼대학교
        가람대학교 다온대학교 해오름대학교 나래대학교 별빛대학교 온새미대학교 라온대학교 한울대학교
    """),
    majors=_words("""
        컴퓨터공학 경제학 철학 해양생물학 건축학 수학 천문학 간호학 정치외교학 작곡 지질학 통계학
        인류학 기계공학 언론정보학 심리학 화학공학 국어국문학
    """),
    employers=_words("""
        누리전자 바다건설 한결식품 새솔물산 하늘항공 푸름에너지 미르로봇 은빛출판 다솜은행 가온보험
        별무리게임즈 윤슬해운 소담제약 온누리통신 청림자동차 아름미디어 한샘섬유 도담컨설팅
    """),
    months=tuple(f"{m}월" for m in range(1, 13)),
)

LANGUAGES: dict[str, FieldLists] = {"en": ENGLISH, "ko": KOREAN}
