"""The Python API: clusters, pairs for review, analysts' decisions, scoring, CSV decoding."""

from __future__ import annotations

from collections import defaultdict

import pytest

from refuge.analysis.linkage import (
    DuplicateIds,
    EmptyInput,
    InputUndecodable,
    LinkageSettings,
    PersonRecord,
    dedupe_records,
)
from refuge.analysis.linkage.files import decode
from refuge.analysis.linkage.scoring import pairwise_score
from refuge.analysis.linkage.synthetic import generate


def _records(count: int, seed: int) -> tuple[list[PersonRecord], dict[str, int]]:
    records, truth = [], {}
    for index, (entity_id, row) in enumerate(generate(count, seed=seed)):
        record_id = f"r{index}"
        truth[record_id] = entity_id
        records.append(
            PersonRecord(
                record_id,
                given_name=row["имя"],
                surname=row["фамилия"],
                patronymic=row["отчество"],
                birth=row["год рождения"],
                place=row["место"],
            )
        )
    return records, truth


def test_decisions_are_honoured_and_uncertain_pairs_are_offered() -> None:
    records, truth = _records(1000, seed=3)
    by_entity: dict[int, list[str]] = defaultdict(list)
    for record_id, entity_id in truth.items():
        by_entity[entity_id].append(record_id)
    same_person = next(ids for ids in by_entity.values() if len(ids) >= 3)
    strangers = (next(iter(by_entity[0])), next(iter(by_entity[1])))
    # The analyst says two records of one person are different people, and links two
    # strangers: the run must follow both, and cut the cluster between the first two.
    rejected = frozenset(same_person[:2])
    accepted = frozenset(strangers)
    settings = LinkageSettings(threshold=0.7, review_low=0.3, review_high=0.9)

    result = dedupe_records(records, decisions={rejected: False, accepted: True}, settings=settings)

    first, second = sorted(rejected)
    assert result.clusters[first] != result.clusters[second]
    assert result.clusters[strangers[0]] == result.clusters[strangers[1]]
    assert result.uncertain_pairs, "a generated list always has doubtful pairs"
    for pair in result.uncertain_pairs:
        together = result.clusters[pair.first_id] == result.clusters[pair.second_id]
        # In the doubtful band, or clustered against its own score (average linkage).
        assert (0.3 <= pair.match_probability < 0.9) or (
            together != (pair.match_probability >= 0.7)
        )
        assert frozenset((pair.first_id, pair.second_id)) not in (rejected, accepted)
    assert result.cluster_count == len(set(result.clusters.values()))
    ids = list(truth)
    score = pairwise_score([result.clusters[i] for i in ids], [truth[i] for i in ids])
    assert score.f1 > 0.85


def test_duplicate_record_ids_are_refused() -> None:
    with pytest.raises(DuplicateIds):
        dedupe_records([PersonRecord("a", full_name="Ахмед"), PersonRecord("a", full_name="Хасан")])


def test_no_records_is_refused() -> None:
    with pytest.raises(EmptyInput):
        dedupe_records([])


def test_a_single_record_is_its_own_cluster() -> None:
    result = dedupe_records([PersonRecord("only", full_name="Кадыров Ахмед")])
    assert result.clusters == {"only": "1"}


def test_pairwise_score_counts_pairs_per_cluster() -> None:
    score = pairwise_score(["a", "a", "a", "b"], [1, 1, 2, 2])
    assert (score.predicted_pairs, score.true_pairs, score.correct_pairs) == (3, 2, 1)
    assert score.precision == pytest.approx(1 / 3)
    assert score.recall == pytest.approx(1 / 2)


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Фамилия".encode(), "Фамилия", "utf-8-sig"),
        ("\ufeffФамилия".encode(), "Фамилия", "utf-8-sig"),
        ("Фамилия".encode("cp1251"), "Фамилия", "cp1251"),
    ],
)
def test_decoding_tries_utf8_then_cp1251(data: bytes, text: str, encoding: str) -> None:
    assert decode(data, None) == (text, encoding)


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(InputUndecodable):
        decode(b"\x98\x98", None)


def test_a_few_testimonies_are_linked_without_enough_data_to_train() -> None:
    result = dedupe_records(
        [
            PersonRecord("t1", full_name="Кадыров Ахмед Магомедович", birth="1990"),
            PersonRecord("t2", full_name="Akhmed Kadyrov", birth="около 1990"),
            PersonRecord("t3", full_name="Исаева Зарема", birth="1985"),
            PersonRecord("t4"),
        ]
    )
    assert result.clusters["t1"] == result.clusters["t2"]
    assert len({result.clusters["t1"], result.clusters["t3"], result.clusters["t4"]}) == 3
