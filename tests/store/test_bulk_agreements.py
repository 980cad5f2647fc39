"""``create_agreements`` and ``update_agreements`` (used by imports): the problems the single
commands would raise row by row, all rows or none, bulk statements, the rows, versions and
audit entries of the single commands in turn."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from tests.store.test_agreements import ids, imaging  # noqa: F401 - the fixture
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import agreements as store
from ylt_desktop.store import agreements_bulk
from ylt_desktop.store.models import Agreement, AgreementRecipient, AuditEntry


def test_rows_are_inserted_in_bulk_and_audited(db, ids) -> None:  # noqa: ANN001, F811
    rows = [imaging(ids, number=f"YLT-{n}") for n in range(4)]
    flushes = []
    event.listen(db.sessions, "after_flush", lambda s, _ctx: flushes.append(len(s.new)))
    with db.session() as s:
        made = agreements_bulk.create_agreements(s, rows=rows)
    assert flushes == []  # Core statements (store/bulk_write.py), not the unit of work
    with db.session() as s:
        assert sorted(s.scalars(select(Agreement.id))) == sorted(made)
        recipients = s.scalars(select(AgreementRecipient)).all()
        assert len(recipients) == 8 and {r.share for r in recipients} == {30.0}
        by_table = {}
        for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "insert")):
            by_table[e.table_name] = by_table.get(e.table_name, 0) + 1
        assert by_table["agreement"] == 4 and by_table["agreement_recipient"] == 8
        assert (
            by_table.get("agreement_volume", 0)
            == len(s.scalars(select(Agreement)).first().volumes) * 4
        )


@pytest.mark.parametrize(
    "bad",
    [
        {"number": "YLT-0"},  # the first row's number
        {"provider_id": 9999},
        {"recipient_ids": [9999]},
        {"kind": ""},
    ],
)
def test_a_bad_row_refuses_all_with_the_single_record_problems(db, ids, bad) -> None:  # noqa: ANN001, F811
    first = imaging(ids, number="YLT-0")
    row = imaging(ids, **{"number": "YLT-1", **bad})
    with db.session() as s:
        with pytest.raises(RuleViolation) as caught:
            agreements_bulk.create_agreements(s, rows=[first, row])
        assert caught.value.row == 1
        store.create_agreement(s, data=first)
        with pytest.raises(RuleViolation) as alone:
            store.create_agreement(s, data=row)
        assert caught.value.problems == alone.value.problems
    with db.session() as s:
        assert len(s.scalars(select(Agreement)).all()) == 1


def _seed(db) -> tuple[list[int], list[int]]:  # noqa: ANN001
    from tests.store.test_agreements import _inst
    from ylt_desktop.store import institutions

    with db.session() as s:
        units = [institutions.create_institution(s, data=_inst(n, b, c)).id
                 for n, b, c in (("示例县人民医院", "11111111", "综合医院"),
                                 ("示例县青山镇卫生院", "22222222", "乡镇卫生院"),
                                 ("示例县大树镇卫生院", "33333333", "乡镇卫生院"))]  # fmt: skip
        made = [store.create_agreement(s, data=imaging(units, number=f"YLT-{n}")).id
                for n in range(4)]  # fmt: skip
    return units, made


def _state(db) -> list:  # noqa: ANN001
    from ylt_desktop.store.models import AgreementVolume

    with db.session() as s:
        return (
            [(a.id, a.number, a.title, a.provider_share, a.effective_to, a.terms)
             for a in s.scalars(select(Agreement).order_by(Agreement.id))]
            + sorted((r.agreement_id, r.institution_id, r.share)
                     for r in s.scalars(select(AgreementRecipient)))
            + sorted((v.agreement_id, v.quarter, v.measure, v.value)
                     for v in s.scalars(select(AgreementVolume)))
        )  # fmt: skip


def test_updates_match_single_updates_in_turn(tmp_path) -> None:  # noqa: ANN001
    """update_agreements on random batches (numbers moving between agreements in either id
    order, titles, dates, shares, volumes, a locked quarter, a deleted agreement): accepted
    exactly when update_agreement row by row would be, with the same problems, leaving the
    same records."""
    import dataclasses
    import datetime as dt
    import random

    from tests.helpers.bulk import bulk_and_in_turn
    from tests.helpers.databases import Twins
    from ylt_desktop.store.quarters import submit_quarter

    rng = random.Random(3)
    outcomes = []
    twins = Twins(tmp_path, _seed)
    units, made = twins.seeded
    for trial in range(40):
        dbs = twins.pair(str(trial))
        for x in dbs:
            if trial % 4 == 0:
                with x.session() as s:
                    submit_quarter(s, quarter="2026Q1", by="审核人")
        with dbs[0].session() as s:
            current = {aid: store.to_data(store.get_agreement(s, aid)) for aid in made}
        rows = []
        for aid in rng.sample(made, rng.randint(1, 4)):
            d = dataclasses.replace(current[aid], volumes=dict(current[aid].volumes),
                                    recipient_shares=dict(current[aid].recipient_shares))  # fmt: skip
            roll = rng.random()
            if roll < 0.35:
                d.number = f"YLT-{rng.randint(0, 6)}"
            elif roll < 0.5:
                d.title = f"协议{rng.randint(0, 9)}"
            elif roll < 0.6:
                d.effective_to = dt.date(2026, rng.randint(4, 12), 28)
            elif roll < 0.7:
                d.provider_share = float(rng.choice([40, 50]))
            else:
                d.volumes[("2026Q1", "影像诊断例数")] = rng.randint(0, 500)
            rows.append((aid, d, rng.choice([None, "条款"])))
        if rng.random() < 0.1:
            rows.append((made[-1] + 50, rows[0][1], None))
        bulk, one = bulk_and_in_turn(
            *dbs,
            lambda s, rows=rows: agreements_bulk.update_agreements(s, rows=rows),
            [lambda s, r=r: store.update_agreement(s, agreement_id=r[0], data=r[1], terms=r[2])
             for r in rows],
        )  # fmt: skip
        assert bulk == one, rows
        assert _state(dbs[0]) == _state(dbs[1]), rows
        outcomes.append(bulk is None)
        for x in dbs:
            x.close()
    assert 8 <= outcomes.count(True) <= 32, outcomes


def test_a_number_may_move_to_a_lower_id(db) -> None:  # noqa: ANN001
    import dataclasses

    _units, made = _seed(db)
    with db.session() as s:
        cur = {aid: store.to_data(store.get_agreement(s, aid)) for aid in made[:2]}
        rows = [(made[1], dataclasses.replace(cur[made[1]], number="YLT-9"), None),
                (made[0], dataclasses.replace(cur[made[0]], number="YLT-1"), None)]  # fmt: skip
        agreements_bulk.update_agreements(s, rows=rows)
    with db.session() as s:
        numbers = dict(s.execute(select(Agreement.id, Agreement.number)).all())
    assert numbers[made[0]] == "YLT-1" and numbers[made[1]] == "YLT-9"


def _changed(rng, made: list[int], units: list[int], current: dict) -> list[tuple]:  # noqa: ANN001
    """Random changed rows for update_agreements: numbers moving, titles, dates, shares,
    volumes changed, added and dropped, a recipient dropped, added back or its share changed,
    a deleted agreement."""
    import dataclasses
    import datetime as dt

    rows = []
    for aid in rng.sample(made, rng.randint(1, 4)):
        d = dataclasses.replace(current[aid], volumes=dict(current[aid].volumes),
                                recipient_ids=list(current[aid].recipient_ids),
                                recipient_shares=dict(current[aid].recipient_shares))  # fmt: skip
        for _ in range(rng.randint(1, 2)):
            roll = rng.random()
            if roll < 0.2:
                d.number = f"YLT-{rng.randint(0, 6)}"
            elif roll < 0.3:
                d.title = f"协议{rng.randint(0, 9)}"
            elif roll < 0.4:
                d.effective_to = dt.date(2026, rng.randint(4, 12), 28)
            elif roll < 0.5:
                d.provider_share = float(rng.choice([40, 50]))
            elif roll < 0.6 and len(d.recipient_ids) > 1:
                gone = d.recipient_ids.pop()
                d.recipient_shares.pop(gone, None)
                d.provider_share = 100.0 - sum(d.recipient_shares.values())
            elif roll < 0.6:  # one recipient left: the other comes back
                back = units[2] if units[1] in d.recipient_ids else units[1]
                d.recipient_ids.append(back)
                d.recipient_shares[back] = 10.0
                d.provider_share = 100.0 - sum(d.recipient_shares.values())
            elif roll < 0.7:
                d.volumes.pop(("2026Q2", "影像诊断例数"), None)
            elif roll < 0.8:
                d.volumes[("2026Q3", "影像诊断例数")] = rng.randint(0, 500)
            elif roll < 0.9:
                d.volumes[("2026Q1", "影像诊断例数")] = rng.randint(0, 500)
            else:  # a share moves between the provider and a recipient
                first = d.recipient_ids[0]
                d.recipient_shares[first] = float(rng.choice([20, 30]))
                d.provider_share = 100.0 - sum(d.recipient_shares.values())
        rows.append((aid, d, rng.choice([None, "条款"])))
    if rng.random() < 0.1:
        rows.append((made[-1] + 50, rows[0][1], None))
    return rows


def test_updates_write_the_rows_and_audit_entries_of_single_updates_in_turn(tmp_path) -> None:  # noqa: ANN001
    """The guard of the bulk write (tests/helpers/audit_guard.py) for update_agreements (the
    表4 import of changed rows) on random batches: the same refusal; else every table's rows,
    versions moved once per changed agreement, the audit entries (text; inserts in order,
    each record's updates and deletes in order; the log replayed gives the rows, every row
    gone with its entry) and chains that verify, as update_agreement in turn; the bulk
    side's entries in one flush's order (its Core statements write what one flush would)."""
    import random

    from tests.helpers.audit_guard import bulk_against_in_turn
    from tests.helpers.databases import Twins
    from ylt_desktop.store.quarters import submit_quarter

    rng = random.Random(31)
    outcomes = []
    twins = Twins(tmp_path, _seed)
    units, made = twins.seeded
    for trial in range(30):
        dbs = twins.pair(f"g{trial}")
        if trial % 5 == 0:
            for x in dbs:
                with x.session() as s:
                    submit_quarter(s, quarter="2026Q1", by="审核人")
        with dbs[0].session() as s:
            current = {aid: store.to_data(store.get_agreement(s, aid)) for aid in made}
        rows = _changed(rng, made, units, current)
        bulk, one = bulk_against_in_turn(
            dbs,
            lambda s, rows=rows: agreements_bulk.update_agreements(s, rows=rows),
            [lambda s, r=r: store.update_agreement(s, agreement_id=r[0], data=r[1], terms=r[2])
             for r in rows],
            one_flush=True,
        )  # fmt: skip
        assert bulk == one, rows
        outcomes.append(bulk is None)
        for x in dbs:
            x.close()
    assert 6 <= outcomes.count(True) <= 24, outcomes  # both outcomes are exercised


def test_new_agreements_write_the_rows_and_audit_entries_of_single_creates_in_turn(
    tmp_path,
) -> None:  # noqa: ANN001
    """The same guard for create_agreements (the 表4 import of new rows): numbers taken before
    or by an earlier row, recipients and volumes of each, a unit that is not a member."""
    import random

    from tests.helpers.audit_guard import bulk_against_in_turn
    from tests.helpers.databases import Twins

    rng = random.Random(32)
    outcomes = []
    twins = Twins(tmp_path, _seed)
    units, _made = twins.seeded
    for trial in range(25):
        dbs = twins.pair(f"n{trial}")
        rows = []
        for _ in range(rng.randint(1, 5)):
            d = imaging(units, number=f"YLT-{rng.randint(2, 30)}", title=f"协议{trial}")
            if rng.random() < 0.3:
                d.volumes = {("2026Q1", "影像诊断例数"): rng.randint(0, 9)}
            if rng.random() < 0.3:
                d.recipient_ids, d.recipient_shares = [units[2]], {units[2]: 60.0}
            if rng.random() < 0.05:
                d.provider_id = units[-1] + 9
            rows.append(d)
        bulk, one = bulk_against_in_turn(
            dbs,
            lambda s, rows=rows: agreements_bulk.create_agreements(s, rows=rows),
            [lambda s, d=d: store.create_agreement(s, data=d) for d in rows],
            one_flush=True,
        )
        assert bulk == one, rows
        outcomes.append(bulk is None)
        for x in dbs:
            x.close()
    assert 5 <= outcomes.count(True) <= 22, outcomes  # both outcomes are exercised


def test_the_session_reads_what_the_bulk_statements_wrote(db) -> None:  # noqa: ANN001
    """Agreements, recipients and volumes the session held before (an import's planner reads
    them all) show, in the same transaction, what the Core statements wrote: a dropped
    recipient is gone, a share and a volume changed, a volume added, the version moved."""
    import dataclasses

    from ylt_desktop.store.tx import all_or_nothing

    units, made = _seed(db)
    with db.session() as s:
        held = {aid: store.get_agreement(s, aid) for aid in made[:2]}
        (dropped,) = [r for r in held[made[0]].recipients if r.institution_id == units[2]]
        first = store.to_data(held[made[0]])
        data = dataclasses.replace(
            first,
            recipient_ids=[units[1]],
            recipient_shares={units[1]: 45.0},
            provider_share=55.0,
            volumes={**first.volumes, ("2026Q1", "影像诊断例数"): 7, ("2026Q3", "影像诊断例数"): 9},
        )
        with all_or_nothing(s):  # as an import: nothing committed (and expired) yet
            agreements_bulk.update_agreements(s, rows=[(made[0], data, None)])
            a = held[made[0]]
            assert a.version == 2 and a.provider_share == 55.0
            assert [(r.institution_id, r.share) for r in a.recipients] == [(units[1], 45.0)]
            assert sorted((v.quarter, v.value) for v in a.volumes) == [
                ("2026Q1", 7), ("2026Q2", 480), ("2026Q3", 9)]  # fmt: skip
            assert held[made[1]].version == 1 and len(held[made[1]].volumes) == 2
            assert dropped not in s  # the dropped recipient left the session
