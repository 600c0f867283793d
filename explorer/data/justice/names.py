"""Synthetic name vocabularies for the justice-education identifiers (never published).

Four name pools, chosen by a pupil's ethnic group (explorer.data.justice.parameters.NAME_POOLS):
``english``, ``south_asian``, ``african`` (West African and Somali names) and ``other`` (Chinese,
Vietnamese, Arabic, Iranian, Turkish, Latin American names). Each pool has, per sex, a head of
common real given names and, for surnames, a head of common real surnames, plus a long tail of
made-up names built from syllables, so that a surname or given name is about as distinctive as
in England [ASSUMED: Smith about 1.3% of people, the 100 commonest surnames about a fifth; South
Asian surnames far more concentrated (Khan, Ahmed, Ali, Hussain, Patel, Singh)].

``VARIANTS`` are groups of spellings and short forms of one name (William / Will / Bill;
Mohammed / Muhammad / Mohamed): a record may carry another member of its name's group.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

POOLS = ("english", "south_asian", "african", "other")

_GIVEN = {
    ("english", 1): """Oliver Jack Harry George Charlie Jacob Thomas James William Joshua Daniel
        Samuel Joseph Alfie Ethan Dylan Lewis Ryan Callum Liam Benjamin Matthew Luke Adam
        Alexander Jake Max Kieran Connor Jordan Bradley Aaron Nathan Tyler Reece Owen Ben Cameron
        Kyle Michael Christopher Robert Jonathan Nicholas Edward Henry Louis Oscar Leo Archie
        Harvey Jamie Sam Toby Joe Rhys Declan Shane Scott Dean Lee Mark Craig Stephen Anthony
        Andrew Peter Kai Mason Logan Finley Riley Jayden Ellis Zachary Tom Will Josh Alex""",
    ("english", 2): """Olivia Emily Jessica Sophie Chloe Lucy Lauren Ellie Charlotte Megan Hannah
        Amy Katie Grace Emma Holly Bethany Rebecca Georgia Mia Amelia Isabella Abigail Elizabeth
        Katherine Catherine Samantha Jasmine Shannon Courtney Paige Jade Leah Molly Ella Evie
        Phoebe Eleanor Victoria Rachel Laura Sarah Jennifer Natalie Danielle Kayleigh Chelsea
        Demi Alice Millie Freya Zoe Abbie Libby Niamh Erin Caitlin Hayley Stacey Kirsty Nicole
        Melissa Alexandra Francesca Harriet Poppy Daisy Ruby Maisie Tia Beth Kate Jess""",
    ("south_asian", 1): """Muhammad Mohammed Mohammad Ali Hassan Hussain Ibrahim Yusuf Zain
        Ayaan Adam Aryan Arjun Rohan Amir Bilal Hamza Umar Usman Abdullah Zakariya Ismail Haris
        Rayyan Imran Faisal Kamran Asif Tariq Junaid Adnan Shahid Arman Aditya Vikram Karan Rahul
        Harpreet Gurpreet Jaspreet Amrit Sahil Kabir Dev Nikhil Saif Rizwan Waqas Zubair Shoaib
        Sufyan Mustafa Abdul Rehan Ahmed Raheem Anas Omar""",
    ("south_asian", 2): """Aisha Ayesha Fatima Fatimah Maryam Mariam Zainab Amina Aminah Hafsa
        Khadija Khadijah Sana Iqra Hira Noor Nadia Saima Sadia Anisa Aaliyah Alisha Priya Simran
        Anaya Anika Divya Pooja Neha Riya Jaspreet Harpreet Manpreet Gurleen Kiran Sabrina
        Tasnim Tahmina Nusrat Sumaya Laila Zara Zahra Inaya Safa Mehreen Rabia Samina Shazia""",
    ("african", 1): """David Daniel Emmanuel Samuel Joshua Michael Joseph Isaac Jeremiah Elijah
        Nathaniel Victor Kwame Kofi Kwabena Kwaku Yaw Oluwaseun Oluwatobi Ayomide Temitope
        Olamide Chidi Chinedu Emeka Obinna Ifeanyi Tunde Femi Damilare Abdi Abdirahman Abdullahi
        Mohamed Ahmed Hassan Omar Yusuf Mustafa Ibrahim Adam Ismail Bilal Hamza Mahad Liban
        Guled Tobi Seun""",
    ("african", 2): """Precious Blessing Favour Grace Esther Deborah Ruth Mercy Faith Joy Abigail
        Rebecca Sarah Ama Akosua Abena Efua Adwoa Oluwaseyi Folake Funmilayo Temitope Ayomide
        Tolani Chioma Ngozi Adaeze Chiamaka Ifeoma Amara Fatima Hodan Hibaq Ayan Sagal Nasra
        Ifrah Hamdi Sumaya Muna Amina Khadra Farhiya Ikran""",
    ("other", 1): """Wei Jun Hao Ming Kai Jian Yi Minh Duc Tuan Anh Omar Ahmad Mohammad Ali
        Hamid Reza Amir Karim Yusuf Mehmet Emre Can Murat Carlos Luis Diego Mateo Juan Jose""",
    ("other", 2): """Mei Ling Yan Xin Hui Linh Thao Ngoc Mai Lina Sara Nour Yasmin Leila Maryam
        Zahra Elif Zeynep Ayse Maria Sofia Camila Valentina Ana""",
}

_SURNAMES = {
    "english": """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
        Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke
        Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison
        Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths
        Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards
        Marshall Anderson Simpson Ellis Adams Wilkinson Foster Chapman Powell Webb Rogers Gray
        Mason Hunt Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell
        Barker Fisher Stevens Jenkins Murray Dixon Harvey Reid McDonald""",
    "south_asian": """Khan Patel Ahmed Ali Hussain Singh Begum Shah Akhtar Kaur Iqbal Mahmood
        Rahman Islam Miah Uddin Sharma Kumar Mistry Chowdhury Hossain Bibi Malik Butt Raja Aslam
        Anwar Arshad Javed Saleem Rashid Hassan Mohammed Qureshi Siddiqui Sheikh Nawaz Latif
        Sadiq Yousaf Riaz Bashir Haq Karim Alam Gill Sandhu Sidhu Dhillon Bains Grewal Johal
        Parmar Desai Joshi Mehta""",
    "african": """Mohamed Ahmed Ali Hassan Abdi Farah Omar Osman Hussein Warsame Abdullahi
        Ismail Jama Nur Yusuf Aden Adeyemi Okafor Mensah Boateng Asante Owusu Okoye Adebayo
        Ogunleye Olawale Adewale Okonkwo Eze Nwosu Obi Okeke Adeleke Oladipo Babatunde Agyeman
        Appiah Osei Acheampong Amoah Darko Kamara Sesay Conteh Bangura Diallo Ndlovu Moyo Banda""",
    "other": """Chen Wang Li Zhang Liu Yang Huang Zhao Wu Zhou Nguyen Tran Le Pham Hoang Kim
        Park Ahmadi Hosseini Mohammadi Rezaei Karimi Hashemi Yilmaz Kaya Demir Sahin Celik
        Garcia Rodriguez Martinez Lopez Gonzalez Silva Santos Ferreira Haddad Khoury Mansour
        Nasser Saleh""",
}

# Syllables of the made-up long tail: (first parts, second parts) per pool; given-name tails
# have a second part per sex.
_SURNAME_TAIL = {
    "english": ("""Ash Black Brad Brook Brom Cal Carl Chad Chester Clay Crom Dal Dun East Elm
        Fair Farn Fen Gold Hal Ham Hart Haw Heath Holt Horn Hox Ked Kings Lang Lath Lind Mar Mid
        Mill Nor Oak Pen Rad Red Roth Rus Sand Shel Staf Stan Ster Stock Sut Thorn Tret Wad Wal
        Wen West Whit Wil Win Wolf Wor Yard Bar Bel Ber Bour Bram Bur Cant Char Cor Dar Der Dor
        Ever Fal Gar Gil Har Hen Hol Ing Kil Lan Lev Lock Mal Man Mor Nel New Pem Pres Rams Ren
        Rid Row Sal Sel Sher Sil Tal Ten Tod Tur Ux Ver War Wes Alder Bick Cran Drum Fox Gos""",
                "ton ley worth field ford well wood by ham son stone ridge hurst wick combe den "
                "more er man land bury cliffe shaw gate hill dale holme thorpe berry brook cott "
                "ing low ney ett ell in es ings"),
    "south_asian": ("Ab Ad Af Ak Al Am An Ar As Az Ba Bh Ch Da Dh Fa Ga Gu Ha Ja Ka Kh La Ma Me "
                    "Mi Na Pa Qa Ra Re Sa Se Sh Si Ta Ul Wa Ya Za",
                    "bir deep dhu ghar hal har jan kar lal lik mal man med nan nawaz pal preet "
                    "qui ran rar sal shi tar thi vani wal wala yar zai zal"),
    "african": ("Ade Ago Aki Ama Ba Bo Chi Da Ebe Efe Ga Ife Ko Ma Nwa Oba Obi Ode Ogu Oko Ola "
                "Olu Ona Osa Owu Oye Sa Ta Uche Wa",
                "bayo bode chukwu dele dipo femi gbe kanmi ke kunle lade mide nna nwa ola sanya "
                "seun tunde wale yemi zie nkwo fo ah ssa teng ng du"),
    "other": ("Al Ba Ch Da Fa Ha Ja Ka Ko La Ma Na Pa Ra Sa Ta Va Ya Za Zh",
              "rez ani ari zadeh oglu ez ov ski ic an ing ong uang en ian elli oni eira os ides"),
}
_GIVEN_TAIL = {
    "english": ("Ja Ka Bra Ca Da Ma Ta Ry Ky Ha Le Lo Ro Za Ne Bro Co Fe Ga Tre",
                {1: "den son ley ton ron an el io er ian in on ell ard",
                 2: "na la ra lyn leigh elle ie ina ette ia ey anne ice ora"}),
    "south_asian": ("Aa Ad Ar Ay Fa Ha Ja Ka Ma Na Ra Sa Sh Ta Za",
                    {1: "an ish it eel eem ir ad ar ul oor", 2: "ina ia ika ara een ah eema isha ya ni"}),
    "african": ("Ade Chi Ola Ife Oba Ko Ama Nne Efe Tobi",
                {1: "bayo dele kunle wale emeka femi sanya tunde", 2: "yemi ola funke nike chi ama dara bisi"}),
    "other": ("Ba Da Ha Ka La Ma Na Sa Ya Zi",
              {1: "ran vid mir hao lin tan kan dor", 2: "rin na lia mei ren sha ya ela"}),
}

VARIANT_GROUPS = """William Will Bill Billy|Thomas Tom Tommy|James Jim Jimmy Jamie|Robert Rob Bob
    Bobby Robbie|Alexander Alex Alec|Daniel Dan Danny|Samuel Sam Sammy|Joseph Joe Joey|Benjamin
    Ben Benji|Matthew Matt Matty|Nicholas Nick Nicky|Christopher Chris|Michael Mike Mikey|Jonathan
    Jon Jonny|Edward Ed Eddie Ted|Anthony Tony|Andrew Andy Drew|Stephen Steven Steve|Jacob Jake|
    Joshua Josh|Nathan Nate|Callum Calum|Kieran Ciaran|Connor Conor|Reece Rhys Reese|Henry Harry
    Hal|Alfie Alfred Alf|Charlie Charles|Archie Archibald|Louis Lewis|Oliver Ollie Olly|Zachary
    Zach Zak|Bradley Brad|Elizabeth Liz Lizzie Beth Eliza|Katherine Catherine Kate Katie Kathryn|
    Rebecca Becky Becca|Jessica Jess Jessie|Olivia Liv Livvy|Abigail Abbie Abby Abi|Samantha Sam
    Sammie|Victoria Vicky Tori|Alexandra Alex Lexi|Charlotte Lottie|Eleanor Ellie Elle Nell|
    Isabella Izzy Bella Isobel|Jennifer Jenny Jen|Natalie Nat|Danielle Dani|Kayleigh Kayley Kaylee|
    Chloe Cloe|Sophie Sophia Sofia|Megan Meg|Hannah Hanna|Lauren Loren|Zoe Zoey|Leah Lea|Courtney
    Kourtney|Harriet Hattie|Francesca Fran Frankie|Niamh Neve|Caitlin Katelyn Kaitlyn|Muhammad
    Mohammed Mohammad Mohamed Muhammed Mohamad Mohamud|Hussain Hussein Husain Hossain|Hassan Hasan|
    Yusuf Yousuf Yousef Yusef Youssef Yousaf|Ibrahim Ebrahim Ibraheem|Abdullah Abdulla|Zakariya
    Zakaria Zakariyya Zachariah|Ismail Ismael|Umar Omar|Usman Osman Uthman Othman|Rayyan Rayan|Rehan
    Reyhan Rihan|Amir Aamir Ameer|Haris Harris|Junaid Junayd|Raheem Rahim|Aisha Ayesha Aysha
    Aishah Ayse|Fatima Fatimah Fatema|Maryam Mariam Mariyam|Amina Aminah Ameena|Khadija Khadijah
    Khadeeja|Hafsa Hafsah|Sumaya Sumayyah Sumaiya|Zainab Zaynab|Aaliyah Aliyah Aleeya|Tasnim
    Tasneem|Laila Layla Leila|Zahra Zehra|Inaya Inayah|Noor Nur Nour|Saima Sayma|Mehreen Mehrin|
    Abdullahi Abdulahi Abdillahi|Abdirahman Abdulrahman Abdiraxman|Oluwaseun Seun|Oluwatobi Tobi
    Tobiloba|Ayomide Ayo|Chinedu Chinedum|Emeka Chukwuemeka|Femi Oluwafemi|Tunde Babatunde|
    Damilare Dami Oluwadamilare|Kwabena Kobina|Kwaku Kweku|Hodan Hodon|Hibaq Hibo|Farhiya Farhia|
    Ikran Ikraan|Ama Amma|Abena Abenaa|Adwoa Adjoa|Folake Folakemi|Funmilayo Funmi|Temitope Tope
    Temi|Chiamaka Amaka|Adaeze Ada|Oluwaseyi Seyi|Yasmin Yasmine Jasmine|Mehmet Mehmed|Jose Josef|
    Ahmad Ahmed|Mahmood Mahmud Mehmood|Rahman Rehman|Chowdhury Choudhury Chaudhry Chaudhary|
    Qureshi Kureshi Qurashi|Siddiqui Siddiqi Sidiqui|Sheikh Shaikh|Miah Mia|Uddin Udin|Haq Haque
    Huq|Karim Kareem|Alam Allam|Aden Adan|Okafor Okafur|Clarke Clark|Thompson Thomson Tompson|
    Davies Davis|Phillips Philips|Matthews Mathews|Stevens Stephens|Griffiths Griffith|Gray Grey|
    Reid Read Reed|McDonald Macdonald|Chen Chan|Zhang Chang|Wang Wong|Li Lee|Zhou Chow|Mohammadi
    Muhammadi|Hosseini Husseini|Haddad Hadad|Khoury Khouri|Saleh Salih|Nguyen Nguyan"""


@dataclass(frozen=True)
class Vocabulary:
    """One pool's names for one use (given names of one sex, or surnames): an array of
    upper-case strings and the probability of each."""

    names: np.ndarray
    probabilities: np.ndarray

    def draw(self, uniforms: np.ndarray) -> np.ndarray:
        """Names (object array) drawn for each uniform."""
        cumulative = np.cumsum(self.probabilities)
        index = np.minimum(np.searchsorted(cumulative, uniforms, side="right"), len(self.names) - 1)
        return self.names[index]


def _zipf(count: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


TAIL_EXPONENT = 0.3
"""Zipf exponent within the made-up tail, whose order is shuffled once (fixed seed)."""


def _vocabulary(head: list[str], tail: list[str], head_share: float,
                head_exponent: float) -> Vocabulary:
    head = list(dict.fromkeys(name.upper() for name in head))
    tail = [name for name in dict.fromkeys(name.upper() for name in tail) if name not in set(head)]
    tail = [tail[i] for i in np.random.default_rng(len(tail)).permutation(len(tail))]
    names = np.array(head + tail, dtype=object)
    probabilities = np.concatenate([head_share * _zipf(len(head), head_exponent),
                                    (1.0 - head_share) * _zipf(len(tail), TAIL_EXPONENT)])
    return Vocabulary(names, probabilities / probabilities.sum())


def _combine(firsts: str, seconds: str) -> list[str]:
    return [first + second for first in firsts.split() for second in seconds.split()]


@lru_cache(maxsize=None)
def given_names(pool: str, sex: int, head_share: float, head_exponent: float) -> Vocabulary:
    """Given names of ``pool`` for sex code ``sex`` (1 male, 2 female): ``head_share`` of people
    have a head name, Zipf-distributed with ``head_exponent``."""
    firsts, seconds = _GIVEN_TAIL[pool]
    return _vocabulary(_GIVEN[(pool, sex)].split(), _combine(firsts, seconds[sex]), head_share,
                       head_exponent)


@lru_cache(maxsize=None)
def surnames(pool: str, head_share: float, head_exponent: float) -> Vocabulary:
    """Surnames of ``pool`` (as given_names)."""
    return _vocabulary(_SURNAMES[pool].split(), _combine(*_SURNAME_TAIL[pool]), head_share,
                       head_exponent)


@lru_cache(maxsize=1)
def variants() -> dict[str, tuple[str, ...]]:
    """Each name that has variants -> the other members of its group (upper case). A name in
    two groups (SAM: Samuel and Samantha) gets the members of both."""
    found: dict[str, list[str]] = {}
    for group in VARIANT_GROUPS.split("|"):
        members = [name.upper() for name in group.split()]
        for name in members:
            found.setdefault(name, [])
            found[name] += [other for other in members if other != name and other not in found[name]]
    return {name: tuple(others) for name, others in found.items()}
