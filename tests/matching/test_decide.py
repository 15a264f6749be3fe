"""From scored candidates to the four outcomes, and the discrepancy fields."""

from hotich.matching.engine.decide import Candidate, Thresholds, decide, differing_fields
from hotich.matching.engine.features import PersonInput, person_features

BOOK = person_features(
    PersonInput("Lê Thị Hoa", "1962", "Nữ", "Xã Đông Văn, Huyện Đông Sơn, Tỉnh Thanh Hóa")
)


def citizen(**changes):
    values = {
        "full_name": "Lê Thị Hoa",
        "birth_date": "1962-03-04",
        "sex": "Nữ",
        "birth_place": "Đông Văn, Đông Sơn, Thanh Hóa",
    }
    values.update(changes)
    return person_features(PersonInput(**values))


def test_clear_best_candidate_is_a_match():
    decision = decide(BOOK, [Candidate("038162000001", 0.9999, 20.0, citizen())])
    assert decision.outcome == "match"
    assert decision.personal_id == "038162000001" and decision.fields == ()


def test_identified_but_different_is_a_discrepancy_with_fields():
    other = citizen(sex="Nam", birth_place="Xã Cẩm Thạch, Huyện Cẩm Thủy, Tỉnh Thanh Hóa")
    decision = decide(BOOK, [Candidate("038162000001", 0.999, 15.0, other)])
    assert decision.outcome == "discrepancy"
    assert decision.fields == ("sex", "birth_place")
    assert decision.personal_id == "038162000001"


def test_a_sibling_or_a_namesake_is_left_to_an_officer():
    parents = {"father_name": "Lê Văn Tư", "mother_name": "Hồ Thị Năm"}
    book = person_features(PersonInput("Lê Thị Hoa", "04/03/1962", "Nữ", **parents))
    sister = citizen(full_name="Lê Thị Huệ", birth_date="1962-03-04", **parents)
    namesake = citizen(birth_date="1962-11-20")
    same_parents = citizen(birth_date="1962-11-20", **parents)
    for candidate in (sister, namesake):
        decision = decide(book, [Candidate("038162000001", 0.9999, 20.0, candidate)])
        assert decision.outcome == "review" and decision.personal_id is None
    # The parents agree and only the date differs: the same person, a date to verify.
    decision = decide(book, [Candidate("038162000001", 0.9999, 20.0, same_parents)])
    assert decision.outcome == "discrepancy" and decision.fields == ("birth_date",)
    # But another middle name too is a sister given the same name (found by the birthplace
    # key, any year): left to an officer.
    namesake_sister = citizen(full_name="Lê Ngọc Hoa", birth_date="1966-05-02", **parents)
    decision = decide(book, [Candidate("038162000001", 0.9999, 20.0, namesake_sister)])
    assert decision.outcome == "review"


def test_nobody_plausible_is_not_found_with_best_score():
    decision = decide(BOOK, [Candidate("038162000001", 0.2, -2.0, citizen())])
    assert decision.outcome == "not_found" and decision.personal_id is None
    assert decision.score == 0.2
    assert decide(BOOK, []).outcome == "not_found"


def test_two_close_candidates_go_to_review():
    decision = decide(
        BOOK,
        [
            Candidate("038162000001", 0.999, 12.0, citizen()),
            Candidate("038162000002", 0.998, 11.0, citizen()),
        ],
    )
    assert decision.outcome == "review" and decision.personal_id is None
    assert [c.personal_id for c in decision.candidates] == ["038162000001", "038162000002"]


def test_between_thresholds_goes_to_review_and_thresholds_are_configurable():
    candidates = [Candidate("038162000001", 0.9, 5.0, citizen())]
    assert decide(BOOK, candidates).outcome == "review"
    assert decide(BOOK, candidates, Thresholds(match=0.8)).outcome == "match"


def test_damaged_or_partial_values_are_not_discrepancies():
    # Year only in the book, full date in the registry; a name without diacritics.
    unaccented = person_features(PersonInput("Le Thi Hoa", "1962", "", ""))
    assert differing_fields(unaccented, citizen()) == ()
    # Another tone is a different name; another place is a different place.
    other = citizen(
        full_name="Lê Thị Hòa", birth_place="Xã Cẩm Thạch, Huyện Cẩm Thủy, Tỉnh Thanh Hóa"
    )
    assert differing_fields(BOOK, other) == ("full_name", "birth_place")


def test_a_given_name_no_one_has_is_a_typo_not_a_sibling():
    place = "Xã Đông Văn, Huyện Đông Sơn"
    registered = citizen(full_name="Lê Thị Phương", birth_place=place)
    known = frozenset({"phương", "phụng", "hoan", "hoa"})
    cases = (("Lê Thị Phụng", "review"), ("Lê Thị Phươngg", "match"), ("Lê Thị Phuogn", "match"))
    for written, outcome in cases:
        book = person_features(PersonInput(written, "04/03/1962", "Nữ"))
        # "Phụng" is a registered name (a sister's); "Phươngg", "Phuogn" are no one's: typos.
        decision = decide(
            book, [Candidate("038162000001", 0.9999, 20.0, registered)], known_names=known
        )
        assert (decision.personal_id is not None) is (outcome == "match"), written
    book = person_features(PersonInput("Lê Thị Phươngg", "04/03/1962", "Nữ"))
    # Without the registry's names (no model), a one-letter difference stays with an officer.
    assert decide(book, [Candidate("038162000001", 0.9999, 20.0, registered)]).outcome == "review"
    # Nor for a short name: one edit from most short names is another real one (a twin's).
    short = citizen(full_name="Lê Thị Hoan", birth_place=place)
    book = person_features(PersonInput("Lê Thị Hoanm", "04/03/1962", "Nữ"))
    decision = decide(book, [Candidate("038162000001", 0.9999, 20.0, short)], known_names=known)
    assert decision.outcome == "review"
    # Nor when the registry knows the parents: the candidate may be the sister of someone the
    # registry lacks, and a name one letter from hers is no evidence either way.
    parents = {"father_name": "Lê Văn Tư", "mother_name": "Hồ Thị Năm"}
    sister = citizen(full_name="Lê Thị Phương", **parents)
    for facts in ({}, parents):
        book = person_features(PersonInput("Lê Thị Phươngg", "04/03/1962", "Nữ", **facts))
        decision = decide(
            book, [Candidate("038162000001", 0.9999, 20.0, sister)], known_names=known
        )
        assert decision.outcome == "review"


def test_family_and_given_name_swapped_is_the_same_person():
    registered = person_features(PersonInput("matthews bradley", "1948-11-22", "", "jacobs well"))
    book = person_features(PersonInput("bradley matthews", "1948-11-22", "", "jacobs well"))
    decision = decide(book, [Candidate("038148000001", 0.9999, 20.0, registered)])
    assert decision.personal_id == "038148000001"
    # A different given name with the same family name and date stays a possible twin.
    twin = person_features(PersonInput("matthews brian", "1948-11-22", "", "jacobs well"))
    assert decide(twin, [Candidate("038148000001", 0.9999, 20.0, registered)]).outcome == "review"
