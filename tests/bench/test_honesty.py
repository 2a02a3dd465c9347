"""The plan check of the peer's operations (bench/honesty.py), on PostgreSQL's own
EXPLAIN text: the tuned spelling passes, the RLS-only one is caught."""

from __future__ import annotations

from bench.honesty import PlanVerdict, explained, judge

TUNED = """
Limit  (cost=0.42..12.10 rows=51 width=120) (actual time=0.040..0.310 rows=51 loops=1)
  ->  Index Scan using members_q31_sha_code_family_name_given_name_id_idx on cln.members_q31 members  (cost=0.42..114523.00 rows=50000 width=120)
        Index Cond: (members.sha_code = 'Q31'::text)
        Filter: (members.sha_code = ANY (string_to_array(current_setting('app.read_shas'::text), ','::text)))
"""

RLS_ONLY = """
Limit  (cost=31234.10..31292.44 rows=501 width=120)
  ->  Gather Merge  (cost=31234.10..79842.31 rows=416666 width=120)
        ->  Sort  (cost=30234.08..30754.91 rows=208333 width=120)
              ->  Parallel Append  (cost=0.00..19837.33 rows=208333 width=120)
                    ->  Parallel Seq Scan on cln.members_q31 members_1  (cost=0.00..9000.00 rows=20833 width=120) (actual time=0.01..9.10 rows=16666.67 loops=3)
                          Filter: (sha_code = ANY (string_to_array(current_setting('app.read_shas'::text), ','::text)))
                    ->  Parallel Seq Scan on cln.members_q32 members_2  (cost=0.00..9000.00 rows=1 width=120) (actual time=0.01..9.10 rows=0.00 loops=3)
                          Rows Removed by Filter: 16667
                    ->  Parallel Seq Scan on cln.members_q33 members_3  (cost=0.00..9000.00 rows=1 width=120) (never executed)
"""

NODE = """
Nested Loop Left Join  (cost=0.85..16.90 rows=1 width=200)
  ->  Index Scan using members_q31_pkey on cln.members_q31 members  (cost=0.42..8.44 rows=1 width=100)
  ->  Index Scan Backward using organisations_q31_pkey on cln.organisations_q31 o  (cost=0.42..8.44 rows=1 width=100)
  ->  Seq Scan on cln.shas s  (cost=0.00..1.10 rows=10 width=10)
"""

# PostGraphile's batched lookup of networks by key: every partition read whole under
# RLS, 40 rows each.
SMALL = """
Hash Join  (cost=3.50..40.10 rows=5 width=80) (actual time=0.1..0.4 rows=5.00 loops=1)
  ->  Append  (cost=0.00..29.00 rows=400 width=53) (actual time=0.03..0.3 rows=40.00 loops=1)
        ->  Seq Scan on cln.networks_q30 n_1  (cost=0.00..2.90 rows=40 width=53) (actual time=0.037..0.037 rows=0.00 loops=1)
              Rows Removed by Filter: 40
        ->  Seq Scan on cln.networks_q31 n_2  (cost=0.00..2.90 rows=40 width=54) (actual time=0.007..0.024 rows=40.00 loops=1)
"""


def verdict(plan: str) -> PlanVerdict:
    v = PlanVerdict("peer", "1", statements=1)
    judge(plan, "Q31", v)
    return v


def test_an_index_scan_of_the_region_passes() -> None:
    v = verdict(TUNED)
    assert v.passed
    assert v.summary() == "index scans of the region only: members_q31 (Index Scan)"


def test_sequential_scans_and_other_regions_fail() -> None:
    v = verdict(RLS_ONLY)
    assert not v.passed
    assert "sequential scan of members_q31 (50,000 rows)" in v.problems
    assert "reads members_q32, a partition of another region (50,001 rows)" in v.problems
    assert not any("members_q33" in p for p in v.problems)  # pruned: never executed


def test_backward_scans_and_non_tenant_tables() -> None:
    v = verdict(NODE)  # a sequential scan of the SHA registry is not a tenant partition
    assert v.passed
    assert set(v.index_scans) == {"members_q31 (Index Scan)", "organisations_q31 (Index Scan)"}


def test_small_partitions_read_whole_pass_and_are_named() -> None:
    v = verdict(SMALL)
    assert v.passed
    assert v.small_reads == ["networks_q30", "networks_q31"]
    assert "small partitions read whole" in v.summary()


def test_an_insert_has_no_scan_and_passes_but_no_statement_fails() -> None:
    assert verdict("Insert on cln.forum_posts  (cost=0.00..0.01 rows=1 width=100)").passed
    assert not PlanVerdict("peer", "1").passed
    unchecked = PlanVerdict("peer", "5", unchecked="a mutation")
    assert unchecked.passed and unchecked.summary() == "not checked: a mutation"


def test_postgraphile_explain_extension_is_read() -> None:
    payload = {
        "data": {},
        "extensions": {
            "explain": {
                "operations": [
                    {"type": "plan", "diagram": "..."},
                    {"type": "sql", "query": "select 1", "explain": "Result"},
                ]
            }
        },
    }
    assert explained(payload) == [("select 1", "Result")]
